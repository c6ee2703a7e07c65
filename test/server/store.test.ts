/**
 * One suite, run against each store (embedded, and PostgreSQL on a real server), through the API
 * over HTTP on loopback: what the API stores, counts and refuses must not depend on the store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  EmbeddedStore,
  PostgresStore,
  loadDataFile,
  type ReservedUse,
  type ResolvedLink,
  type ShareLinkStore,
} from '../../server/store/index.ts';
import { auth, jsonHeaders, startInProcessApi, type InProcessApi } from '../support/api-inprocess.ts';
import { DEMO_DATA } from '../../scripts/api-process.ts';
import { freshDatabase } from '../support/postgres.ts';
import { HELD_WEBHOOK_MS } from '../../server/store/shared.ts';
import { eventsOfUse } from '../../server/webhooks.ts';

const CARA = '3f6c2a91-8d4e-4b7a-a1c5-2e9f0b8d7c61';
const LEO = '9b2e7d14-5a3c-4f86-b0d9-6c1a8e4f2b37';
const PAGE = 'https://page.example';
const NOW = Date.parse('2026-06-01T12:00:00.000Z');

interface Backend {
  name: string;
  open: () => Promise<ShareLinkStore>;
}

const BACKENDS: Backend[] = [
  { name: 'embedded', open: async () => new EmbeddedStore(await loadDataFile(DEMO_DATA)) },
  {
    name: 'PostgreSQL',
    open: async () =>
      PostgresStore.open(await freshDatabase('store'), {
        seed: { data: await loadDataFile(DEMO_DATA), file: DEMO_DATA },
      }),
  },
];

interface Link {
  id: string;
  token: string;
  usageCount: number;
  isPrimary: boolean;
  [field: string]: unknown;
}

for (const backend of BACKENDS) {
  describe(`the ${backend.name} store, through the API`, () => {
    let api: InProcessApi<ShareLinkStore>;
    before(async () => {
      api = await startInProcessApi({ store: await backend.open(), now: NOW });
    });
    after(async () => {
      await api.close();
      await api.store.close();
    });

    const get = (path: string, headers: Record<string, string> = auth) => fetch(`${api.base}${path}`, { headers });
    const send = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${api.base}${path}`, {
        method,
        headers: jsonHeaders,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: response.status === 204 ? null : await response.json() };
    };
    const createLink = async (fields: Record<string, unknown>): Promise<Link> => {
      const { status, body } = await send('POST', '/v1/share-links', {
        personaId: LEO,
        allowAllOrigins: true,
        ...fields,
      });
      assert.equal(status, 201, JSON.stringify(body));
      return body as Link;
    };
    const linkNow = async (id: string): Promise<Link> => (await (await get(`/v1/share-links/${id}`)).json()) as Link;
    const start = async (token: string, origin: string | null = PAGE) => {
      const response = await fetch(`${api.base}/v1/embed/${token}/sessions`, {
        method: 'POST',
        headers: origin ? { Origin: origin } : {},
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const starts = async (count: number, token: string, origin: (index: number) => string = () => PAGE) =>
      Promise.all(Array.from({ length: count }, (_, index) => start(token, origin(index))));

    describe('management', () => {
      // First, while the store holds only the data file's links.
      it("lists in the data file's order, with the seeds' pagination meta", async () => {
        const page = await (await get('/v1/share-links?perPage=5&page=2')).json();
        assert.deepEqual(page.meta, { total: 12, lastPage: 3, currentPage: 2, perPage: 5, prev: 1, next: 3 });
        assert.deepEqual(
          page.data.map((link: Link) => link.id),
          [6, 7, 8, 9, 10].map((n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`),
        );
        const beyond = await (await get('/v1/share-links?perPage=5&page=9')).json();
        assert.deepEqual(beyond, {
          data: [],
          meta: { total: 12, lastPage: 3, currentPage: 9, perPage: 5, prev: 3, next: null },
        });
      });

      it('filters by persona and searches token, persona name, id and type case-insensitively', async () => {
        const leo = await (await get(`/v1/share-links?personaId=${LEO}&perPage=100`)).json();
        assert.equal(leo.meta.total, 4);
        assert.ok(leo.data.every((link: Link) => link.personaId === LEO));
        const search = async (term: string) =>
          (await (await get(`/v1/share-links?search=${encodeURIComponent(term)}`)).json()).data.map(
            (link: Link) => link.token,
          );
        assert.deepEqual(await search('  DISABLED '), ['sh_Disabled4vN8mBwHfJ']);
        assert.deepEqual(await search('mallory'), ['sh_Markup6vN8mBwHfJc4']);
        assert.deepEqual(await search('000000000012'), ['sh_OrbLeft9mBwHfJc4kL']);
        assert.deepEqual(await search('link'), ['sh_DirectLinkQxYzR4vN']);
        assert.deepEqual(await search('100%_'), []);
        const both = await (await get(`/v1/share-links?personaId=${LEO}&search=orb`)).json();
        assert.deepEqual(
          both.data.map((link: Link) => link.token),
          ['sh_Orb7mBwHfJc4kL9pQxYz'],
        );
      });

      it('gets a link, and the full persona with its private fields, for the key holder only', async () => {
        const link = await linkNow('00000000-0000-4000-8000-000000000003');
        assert.equal(link.token, 'sh_Expired9pQxYzR4vN8m');
        assert.equal(link['expiresAt'], '2026-04-27T10:00:00.000Z');
        assert.equal((await get('/v1/share-links/00000000-0000-4000-8000-999999999999')).status, 404);
        const persona = await (await get(`/v1/personas/${CARA}`)).json();
        assert.match(persona.brain.systemPrompt, /SECRET-PROMPT/);
        assert.equal(persona.voice.providerVoiceId, 'lcMyyd2HUfFzxdCaC4Ta');
        assert.equal((await get(`/v1/personas/${CARA}`, {})).status, 401);
      });

      it('creates, patches and deletes; fields not named stay as they were', async () => {
        const link = await createLink({
          type: 'ORB_EMBED',
          usageLimit: 2,
          expiresAt: '2099-01-01T00:00:00Z',
          allowAllOrigins: false,
          allowedOrigins: ['https://a.example'],
        });
        assert.match(link.token, /^sh_[A-Za-z0-9]{21}$/);
        assert.deepEqual(
          { ...link, id: '', token: '' },
          {
            id: '',
            token: '',
            type: 'ORB_EMBED',
            expiresAt: '2099-01-01T00:00:00.000Z',
            usageLimit: 2,
            usageCount: 0,
            allowedOrigins: ['https://a.example'],
            allowAllOrigins: false,
            removeWatermark: false,
            enabled: true,
            isPrimary: false,
            createdAt: '2026-06-01T12:00:00.000Z',
            personaId: LEO,
            personaName: 'Leo',
            organizationId: '5d1c7a3e-2b4f-4c8a-9e61-0a7b3c9d2e10',
            // Management answers carry the share page's URL: none for an embed link.
            shareUrl: null,
          },
        );
        assert.deepEqual(await linkNow(link.id), link);

        const patched = await send('PATCH', `/v1/share-links/${link.id}`, {
          enabled: false,
          allowedOrigins: ['https://*.shop.example'],
          expiresAt: null,
        });
        assert.equal(patched.status, 200);
        assert.deepEqual(patched.body, {
          ...link,
          enabled: false,
          allowedOrigins: ['https://*.shop.example'],
          expiresAt: null,
        });
        assert.deepEqual(await linkNow(link.id), patched.body);
        assert.deepEqual(
          (await send('PATCH', `/v1/share-links/${link.id}`, {})).body,
          patched.body,
          'an empty patch changes nothing',
        );

        assert.equal((await send('DELETE', `/v1/share-links/${link.id}`)).status, 204);
        assert.equal((await get(`/v1/share-links/${link.id}`)).status, 404);
        assert.equal((await fetch(`${api.base}/v1/embed/${link.token}`)).status, 404);
        assert.equal((await send('DELETE', `/v1/share-links/${link.id}`)).status, 404);
        assert.equal((await send('PATCH', `/v1/share-links/${link.id}`, { enabled: true })).status, 404);
      });

      it('refuses a link for a persona that does not exist, storing nothing', async () => {
        const before = (await (await get('/v1/share-links')).json()).meta.total;
        const response = await send('POST', '/v1/share-links', { personaId: '00000000-0000-4000-8000-999999999999' });
        assert.equal(response.status, 400);
        assert.equal(response.body.field, 'personaId');
        assert.equal((await (await get('/v1/share-links')).json()).meta.total, before);
      });

      it('keeps one primary link per persona, whether made by create or by patch, even at once', async () => {
        const primaries = async (personaId: string) =>
          (await (await get(`/v1/share-links?personaId=${personaId}&perPage=100`)).json()).data
            .filter((link: Link) => link.isPrimary)
            .map((link: Link) => link.id);
        const created = await createLink({ personaId: CARA, isPrimary: true });
        assert.deepEqual(await primaries(CARA), [created.id]);
        assert.deepEqual(await primaries(LEO), ['00000000-0000-4000-8000-000000000002'], 'other personas keep theirs');

        const others = await Promise.all(Array.from({ length: 6 }, () => createLink({ personaId: CARA })));
        const results = await Promise.all(
          others.map((link) => send('PATCH', `/v1/share-links/${link.id}`, { isPrimary: true })),
        );
        assert.deepEqual(
          results.map((result) => result.status),
          others.map(() => 200),
        );
        const [winner, ...rest] = await primaries(CARA);
        assert.equal(rest.length, 0, 'exactly one primary after concurrent patches');
        assert.ok(others.some((link) => link.id === winner));
      });
    });

    describe('lookups', () => {
      it('answer the link, the public persona only, and the server time', async () => {
        const response = await fetch(`${api.base}/v1/embed/sh_2kL9pQxYzR4vN8mBwHfJc`, { headers: { Origin: PAGE } });
        assert.equal(response.status, 200);
        const body = await response.json();
        assert.equal(body.shareLink.token, 'sh_2kL9pQxYzR4vN8mBwHfJc');
        assert.equal(body.serverTime, '2026-06-01T12:00:00.000Z');
        assert.deepEqual(Object.keys(body.persona).sort(), ['avatar', 'description', 'id', 'name']);
        assert.equal(body.persona.avatar.imageUrl, `${api.base}/media/cara.svg`);
        assert.doesNotMatch(JSON.stringify(body), /SECRET-PROMPT|systemPrompt|llmId|providerVoiceId/);
      });

      for (const [token, status, reason] of [
        ['sh_Unknown0000000000', 404, 'not-found'],
        ['sh_Disabled4vN8mBwHfJ', 403, 'disabled'],
        ['sh_Expired9pQxYzR4vN8m', 410, 'expired'],
        ['sh_UsedUp2kL9pQxYzR4v', 403, 'usage-limit-reached'],
        ['sh_OriginNo3xYzR4vN8m', 403, 'origin-not-allowed'],
      ] as const) {
        it(`refuse ${token} with ${status} ${reason}, and a start on it counts nothing`, async () => {
          const lookup = await fetch(`${api.base}/v1/embed/${token}`, { headers: { Origin: PAGE } });
          assert.equal(lookup.status, status);
          assert.equal((await lookup.json()).error, reason);
          const before = (await api.store.resolve(token))?.link.usageCount;
          const started = await start(token);
          assert.equal(started.status, status);
          assert.equal(started.body['error'], reason);
          assert.equal((await api.store.resolve(token))?.link.usageCount, before);
        });
      }
    });

    describe('session starts', () => {
      it('grant a session and count one use, durable before the answer', async () => {
        const link = await createLink({ usageLimit: 3 });
        const started = await start(link.token);
        assert.equal(started.status, 201);
        // Signed: st_ then a JWT's three base64url parts (server/session-token.ts).
        assert.match(String(started.body['sessionToken']), /^st_[\w-]+\.[\w-]+\.[\w-]+$/);
        assert.equal(started.body['expiresAt'], '2026-06-01T12:15:00.000Z');
        assert.equal(started.body['usageCount'], 1);
        assert.equal((await linkNow(link.id)).usageCount, 1);
        assert.deepEqual(
          [
            (await start(link.token)).status,
            (await start(link.token)).status,
            (await start(link.token)).status,
            (await start(link.token)).status,
          ],
          [201, 201, 403, 403],
        );
        assert.equal((await linkNow(link.id)).usageCount, 3);
      });

      it('judge expiry by the server clock at the exact millisecond, lookups and starts alike', async () => {
        const link = await createLink({ expiresAt: '2026-06-01T12:00:00.001Z' });
        assert.equal((await fetch(`${api.base}/v1/embed/${link.token}`)).status, 200);
        assert.equal((await start(link.token)).status, 201);
        api.clock.now = NOW + 1;
        try {
          assert.equal((await fetch(`${api.base}/v1/embed/${link.token}`)).status, 410);
          assert.equal((await start(link.token)).status, 410);
        } finally {
          api.clock.now = NOW;
        }
        assert.equal((await linkNow(link.id)).usageCount, 1);
      });

      it('grant exactly 10 of 200 concurrent starts on a link with 10 uses left', async () => {
        const link = await createLink({ usageLimit: 15 });
        await send('PATCH', `/v1/share-links/${link.id}`, { usageCount: 5 });
        const results = await starts(200, link.token);
        assert.equal(results.filter((result) => result.status === 201).length, 10);
        assert.equal(
          results.filter((result) => result.status === 403 && result.body['error'] === 'usage-limit-reached').length,
          190,
        );
        assert.deepEqual(
          results
            .filter((result) => result.status === 201)
            .map((result) => result.body['usageCount'])
            .sort((a, b) => Number(a) - Number(b)),
          [6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
        );
        assert.equal((await linkNow(link.id)).usageCount, 15);
      });

      it('never count a refused origin, even amid allowed starts on the last uses', async () => {
        const link = await createLink({
          usageLimit: 20,
          allowAllOrigins: false,
          allowedOrigins: ['https://*.shop.example'],
        });
        const results = await starts(120, link.token, (index) =>
          index % 2 ? 'https://a.shop.example' : 'https://shop.example.evil.com',
        );
        const forged = results.filter((_, index) => index % 2 === 0);
        assert.ok(forged.every((result) => result.status === 403 && result.body['error'] === 'origin-not-allowed'));
        assert.equal(
          results.filter((result) => result.status === 201).length,
          20,
          'forged origins held no use, even for a moment',
        );
        assert.equal((await linkNow(link.id)).usageCount, 20);
      });

      it('lose no patch and exceed no limit when patches run beside starts', async () => {
        const link = await createLink({ usageLimit: 30 });
        const patches = [
          { removeWatermark: true },
          { allowedOrigins: ['https://a.example'] },
          { isPrimary: false },
          { expiresAt: '2099-01-01T00:00:00.000Z' },
          { type: 'ORB_EMBED' },
        ];
        const [patched, started] = await Promise.all([
          Promise.all(patches.map((changes) => send('PATCH', `/v1/share-links/${link.id}`, changes))),
          starts(100, link.token),
        ]);
        assert.deepEqual(
          patched.map((result) => result.status),
          patches.map(() => 200),
        );
        assert.equal(started.filter((result) => result.status === 201).length, 30);
        const stored = await linkNow(link.id);
        assert.equal(stored.usageCount, 30);
        assert.equal(stored['removeWatermark'], true);
        assert.deepEqual(stored['allowedOrigins'], ['https://a.example']);
        assert.equal(stored['expiresAt'], '2099-01-01T00:00:00.000Z');
        assert.equal(stored['type'], 'ORB_EMBED');
      });

      /** The store's counted step as server/sessions.ts drives it (judged here on the limit alone), with a mint that may fail. */
      const countThenMint = async <T>(token: string, mint: (use: ReservedUse, judged: ResolvedLink) => Promise<T>) => {
        for (;;) {
          const judged = (await api.store.resolve(token))!;
          const { usageLimit, usageCount } = judged.link;
          if (usageLimit !== null && usageCount >= usageLimit) return { ok: false as const };
          const use = await api.store.reserveUse({ judged, now: NOW });
          if (!use) continue;
          let minted: T;
          try {
            minted = await mint(use, judged);
          } catch (error) {
            await use.release();
            throw error;
          }
          await use.confirm();
          return { ok: true as const, minted, usageCount: use.usageCount };
        }
      };

      it('give the use back when mint fails: the error propagates and nothing is counted', async () => {
        const link = await createLink({ usageLimit: 1 });
        const vendorDown = new Error('vendor down');
        await assert.rejects(
          countThenMint(link.token, async () => Promise.reject(vendorDown)),
          (error) => error === vendorDown,
        );
        assert.equal((await linkNow(link.id)).usageCount, 0);
        const granted = await countThenMint(
          link.token,
          async (counted, { persona }) => `minted for ${counted.link.token} (${persona?.name})`,
        );
        assert.ok(granted.ok);
        assert.equal(granted.minted, `minted for ${link.token} (Leo)`);
        assert.equal(granted.usageCount, 1);
        assert.equal((await linkNow(link.id)).usageCount, 1);
      });

      it('count exactly the starts whose mint succeeded, under concurrency', async () => {
        const link = await createLink({ usageLimit: 10 });
        let calls = 0;
        const mint = async () => {
          const call = calls++;
          await new Promise((resolve) => setTimeout(resolve, call % 3));
          if (call % 2 === 0) throw new Error(`vendor failed call ${call}`);
          return call;
        };
        const outcomes = await Promise.allSettled(Array.from({ length: 60 }, () => countThenMint(link.token, mint)));
        const granted = outcomes.filter((outcome) => outcome.status === 'fulfilled' && outcome.value.ok).length;
        assert.ok(
          outcomes.some((outcome) => outcome.status === 'rejected'),
          'some mints failed',
        );
        assert.ok(granted <= 10);
        assert.equal((await linkNow(link.id)).usageCount, granted);
        // The uses failed mints gave back are there to take: sequential starts fill the link to exactly 10.
        let more = 0;
        while ((await start(link.token)).status === 201) more++;
        assert.equal(granted + more, 10);
        assert.equal((await linkNow(link.id)).usageCount, 10);
      });

      it('count nothing for a link changed since it was judged: the start reads it again', async () => {
        const link = await createLink({ usageLimit: 5 });
        const judged = (await api.store.resolve(link.token))!;
        assert.equal((await send('PATCH', `/v1/share-links/${link.id}`, { allowAllOrigins: false })).status, 200);
        assert.equal(await api.store.reserveUse({ judged, now: NOW }), null);
        assert.equal((await linkNow(link.id)).usageCount, 0);
        const again = (await api.store.resolve(link.token))!;
        assert.notEqual(again.revision, judged.revision);
        const use = (await api.store.reserveUse({ judged: again, now: NOW }))!;
        assert.equal(use.usageCount, 1);
        await use.confirm();
        assert.equal((await linkNow(link.id)).usageCount, 1);
        // A use counted by another start is no change: the revision stays, the count moves.
        assert.equal((await api.store.resolve(link.token))!.revision, again.revision);
      });

      it("queue a granted use's webhook events in its counted step, and none for a use given back", async () => {
        // Webhooks (docs/operators.md): from now on this store's starts queue their events.
        api.store.queueWebhooksOnUse(eventsOfUse);
        const link = await createLink({ usageLimit: 2 });
        const queued = async () =>
          (await api.store.leaseWebhooks(NOW + HELD_WEBHOOK_MS, 1000, 1))
            .map((event) => JSON.parse(event.body) as { type: string; data: Record<string, unknown> })
            .filter((event) => event.data['shareLinkId'] === link.id)
            .map((event) => [event.type, event.data['usageCount'], event.data['origin']])
            .sort();
        await assert.rejects(countThenMint(link.token, () => Promise.reject(new Error('vendor down'))));
        assert.deepEqual(await queued(), [], 'a use given back takes its events back');
        assert.equal((await start(link.token)).status, 201);
        assert.equal((await start(link.token, null)).status, 201);
        assert.deepEqual(await queued(), [
          ['conversation.started', 1, PAGE],
          ['conversation.started', 2, null],
          ['share-link.usage-limit-reached', 2, undefined],
        ]);
      });
    });
  });
}

describe('both stores, side by side', () => {
  const apis: InProcessApi<ShareLinkStore>[] = [];
  before(async () => {
    for (const backend of BACKENDS) apis.push(await startInProcessApi({ store: await backend.open(), now: NOW }));
  });
  after(async () => {
    for (const api of apis) {
      await api.close();
      await api.store.close();
    }
  });

  it('answer every lookup and every management read of the same data file alike', async () => {
    const data = await loadDataFile(DEMO_DATA);
    const read = async (api: InProcessApi<ShareLinkStore>, path: string, headers: Record<string, string>) => {
      const response = await fetch(`${api.base}${path}`, { headers });
      return { status: response.status, body: (await response.text()).replaceAll(api.base, 'BASE') };
    };
    const paths: [string, Record<string, string>][] = [
      ...data.shareLinks.map((link): [string, Record<string, string>] => [
        `/v1/embed/${link.token}`,
        { Origin: 'http://127.0.0.1:5173' },
      ]),
      ['/v1/share-links?perPage=100', auth],
      ['/v1/share-links?search=orb&page=1&perPage=1', auth],
      ...data.personas.map((persona): [string, Record<string, string>] => [`/v1/personas/${persona.id}`, auth]),
    ];
    for (const [path, headers] of paths) {
      const [embedded, postgres] = await Promise.all(apis.map((api) => read(api, path, headers)));
      assert.equal(postgres!.status, embedded!.status, path);
      assert.deepEqual(JSON.parse(postgres!.body), JSON.parse(embedded!.body), path);
    }
  });
});
