/**
 * Analytics (server/analytics.ts, docs/operators.md) on each store, over HTTP with a pinned clock:
 * views, starts and refusals per link × page origin × UTC day, counted in memory and written in
 * batches; `GET /v1/analytics` by day (every day present), origin and link; the origins refused as
 * not allowed, most first; forged origins capped; a batch the store refuses kept for the next.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAnalytics, MAX_ORIGINS_PER_LINK_DAY, OTHER_ORIGINS, INVALID_ORIGIN } from '../../server/analytics.ts';
import { createAbuseLimiter } from '../../server/limits.ts';
import type { ConversationEvent } from '../../server/observers.ts';
import { EmbeddedStore, PostgresStore, loadDataFile, type ShareLinkStore } from '../../server/store/index.ts';
import { DEMO_DATA, copyOfDemoData } from '../../scripts/api-process.ts';
import { auth, jsonHeaders, startInProcessApi, type InProcessApi } from '../support/api-inprocess.ts';
import { freshDatabase, testCluster } from '../support/postgres.ts';

const LEO = '9b2e7d14-5a3c-4f86-b0d9-6c1a8e4f2b37';
const RESTRICTED = 'sh_OriginNo3xYzR4vN8m';
const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const SHOP = 'https://shop.example';
const STRANGER = 'https://stranger.example';

interface Entry {
  key: string | null;
  views: number;
  starts: number;
  refused: Record<string, number>;
  conversations: number;
  conversationSeconds: number;
}
interface Report {
  data: Entry[];
  meta: { from: string; to: string; groupBy: string; originsNotAllowed: { origin: string | null; refused: number }[] };
}

const BACKENDS: { name: string; open: () => Promise<ShareLinkStore> }[] = [
  { name: 'embedded', open: async () => new EmbeddedStore(await loadDataFile(DEMO_DATA)) },
  {
    name: 'PostgreSQL',
    open: async () =>
      PostgresStore.open(await freshDatabase('analytics'), {
        seed: { data: await loadDataFile(DEMO_DATA), file: DEMO_DATA },
      }),
  },
];

for (const backend of BACKENDS) {
  describe(`analytics on the ${backend.name} store`, () => {
    let api: InProcessApi<ShareLinkStore>;
    let analytics: ReturnType<typeof createAnalytics>;
    before(async () => {
      const store = await backend.open();
      analytics = createAnalytics({ store });
      // A lookup limit of 3 per client, to reach `rate-limited`.
      const limits = createAbuseLimiter({ rules: { lookup: { name: 'lookup', points: 3, durationSeconds: 600 } } });
      api = await startInProcessApi({ store, now: NOW, analytics, limits });
    });
    after(async () => {
      await api.close();
      await analytics.close();
      await api.store.close();
    });

    const createLink = async (fields: Record<string, unknown>) => {
      const response = await fetch(`${api.base}/v1/share-links`, {
        method: 'POST',
        headers: jsonHeaders,
        body: JSON.stringify({ personaId: LEO, allowAllOrigins: true, ...fields }),
      });
      assert.equal(response.status, 201);
      return (await response.json()) as { id: string; token: string };
    };
    /** From its own loopback address: each test gets a fresh lookup limit. */
    let client = 10;
    const fromClient = () => `127.0.0.${client++}`;
    const lookup = (token: string, origin: string | null, localAddress = fromClient()) =>
      requestFrom(localAddress, `${api.base}/v1/embed/${token}`, 'GET', origin);
    const start = (token: string, origin: string | null) =>
      requestFrom(fromClient(), `${api.base}/v1/embed/${token}/sessions`, 'POST', origin);
    const report = async (query: string): Promise<Report> => {
      const response = await fetch(`${api.base}/v1/analytics?${query}`, { headers: auth });
      assert.equal(response.status, 200, await response.clone().text());
      return (await response.json()) as Report;
    };

    it('counts views, starts and refusals per origin and day, every day of the range present', async () => {
      const link = await createLink({ usageLimit: 2 });
      assert.equal(await lookup(link.token, SHOP), 200);
      assert.equal(await lookup(link.token, SHOP), 200);
      assert.equal(await lookup(link.token, null), 200);
      assert.equal(await start(link.token, SHOP), 201);
      assert.equal(await start(link.token, SHOP), 201);
      assert.equal(await start(link.token, SHOP), 403, 'usage-limit-reached');
      api.clock.now = Date.parse('2026-06-02T23:59:59.999Z');
      assert.equal(await lookup(link.token, SHOP), 403, 'usage-limit-reached: a link used up is refused');
      api.clock.now = Date.parse('2026-06-03T00:00:00.000Z');
      assert.equal(await lookup(link.token, SHOP), 403);
      api.clock.now = NOW;

      const byDay = await report(`from=2026-05-31&to=2026-06-04&shareLinkId=${link.id}`);
      assert.deepEqual(byDay.meta, { from: '2026-05-31', to: '2026-06-04', groupBy: 'day', originsNotAllowed: [] });
      assert.deepEqual(
        byDay.data.map((day) => [day.key, day.views, day.starts, day.refused]),
        [
          ['2026-05-31', 0, 0, {}],
          ['2026-06-01', 3, 2, { 'usage-limit-reached': 1 }],
          ['2026-06-02', 0, 0, { 'usage-limit-reached': 1 }],
          ['2026-06-03', 0, 0, { 'usage-limit-reached': 1 }],
          ['2026-06-04', 0, 0, {}],
        ],
      );
      const byOrigin = await report(`from=2026-06-01&to=2026-06-03&shareLinkId=${link.id}&groupBy=origin`);
      assert.deepEqual(
        byOrigin.data.map((origin) => [origin.key, origin.views, origin.starts, origin.refused]),
        [
          [SHOP, 2, 2, { 'usage-limit-reached': 3 }],
          [null, 1, 0, {}],
        ],
      );
    });

    it("makes refusals by origin easy to see: per origin, and the most refused origins in every answer's meta", async () => {
      const link = await createLink({ allowAllOrigins: false, allowedOrigins: [SHOP] });
      for (let i = 0; i < 3; i++) assert.equal(await lookup(link.token, STRANGER), 403);
      assert.equal(await lookup(link.token, 'https://other.example'), 403);
      assert.equal(await start(link.token, STRANGER), 403);
      assert.equal(await lookup(link.token, SHOP), 200);
      const byOrigin = await report(`from=2026-06-01&to=2026-06-01&shareLinkId=${link.id}&groupBy=origin`);
      assert.deepEqual(
        byOrigin.data.map((origin) => [origin.key, origin.views, origin.refused]),
        [
          [STRANGER, 0, { 'origin-not-allowed': 4 }],
          ['https://other.example', 0, { 'origin-not-allowed': 1 }],
          [SHOP, 1, {}],
        ],
      );
      assert.deepEqual(byOrigin.meta.originsNotAllowed, [
        { origin: STRANGER, refused: 4 },
        { origin: 'https://other.example', refused: 1 },
      ]);
      // The demo's restricted link, refused for a page, shows under its link too.
      assert.equal(await lookup(RESTRICTED, STRANGER), 403);
      const byLink = await report('from=2026-06-01&to=2026-06-01&groupBy=link');
      const restricted = byLink.data.find((entry) => entry.key === '00000000-0000-4000-8000-000000000007');
      assert.ok(byLink.data.some((entry) => entry.key === link.id));
      assert.equal(restricted?.refused['origin-not-allowed'], 1);
    });

    it('counts rate-limited requests against the link their token names', async () => {
      const link = await createLink({});
      const address = fromClient();
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push(await lookup(link.token, SHOP, address));
      assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
      assert.equal(await lookup('sh_NoSuchLink00000000', SHOP, address), 429, 'no link: counted nowhere');
      const poster = await requestFrom(address, `${api.base}/v1/embed/${link.token}/poster`, 'GET', SHOP);
      assert.equal(poster, 429, "a poster shares the lookups' limit, and is no lookup of its own");
      const [day] = (await report(`from=2026-06-01&to=2026-06-01&shareLinkId=${link.id}`)).data;
      assert.equal(day!.views, 3);
      assert.deepEqual(day!.refused, { 'rate-limited': 2 });
    });

    it('counts conversations ended and their seconds, as the conversation records report them', async () => {
      const link = await createLink({});
      const ended = (seconds: number): ConversationEvent => ({
        type: 'conversation-ended',
        at: NOW,
        origin: SHOP,
        conversation: {
          id: crypto.randomUUID(),
          shareLinkId: link.id,
          personaId: LEO,
          origin: SHOP,
          startedAt: new Date(NOW - seconds * 1000).toISOString(),
          endedAt: new Date(NOW).toISOString(),
          endReason: 'visitor',
        },
        durationSeconds: seconds,
        transcript: null,
      });
      analytics.observe(ended(61));
      analytics.observe(ended(29));
      const [day] = (await report(`from=2026-06-01&to=2026-06-01&shareLinkId=${link.id}`)).data;
      assert.equal(day!.conversations, 2);
      assert.equal(day!.conversationSeconds, 90);
    });

    it('writes in batches: nothing reaches the store until a batch, and batches add up', async () => {
      const link = await createLink({});
      const stored = async () =>
        (await api.store.analytics({ from: '2026-06-01', to: '2026-06-01', shareLinkId: link.id }))[0]?.views ?? 0;
      assert.equal(await lookup(link.token, SHOP), 200);
      assert.equal(await stored(), 0, 'counted in memory only');
      await analytics.flush();
      assert.equal(await stored(), 1);
      assert.equal(await lookup(link.token, SHOP), 200);
      assert.equal(await lookup(link.token, SHOP), 200);
      await analytics.flush();
      assert.equal(await stored(), 3);
    });

    it(`caps forged origins at ${MAX_ORIGINS_PER_LINK_DAY} per link and day; what is not an origin counts apart`, async () => {
      const link = await createLink({});
      const address = '127.0.1.1';
      const origins = Array.from({ length: MAX_ORIGINS_PER_LINK_DAY + 5 }, (_, i) => `https://site${i}.example`);
      // The lookups themselves (without the limit's 3 per client): the observer sees what a flood would bring.
      for (const origin of origins)
        analytics.observe({
          type: 'lookup-served',
          token: link.token,
          origin,
          at: NOW,
          link: { id: link.id } as never,
        });
      analytics.observe({
        type: 'lookup-served',
        token: link.token,
        origin: 'x'.repeat(5000),
        at: NOW,
        link: { id: link.id } as never,
      });
      assert.equal(await lookup(link.token, 'https://site0.example', address), 200);
      const byOrigin = await report(`from=2026-06-01&to=2026-06-01&shareLinkId=${link.id}&groupBy=origin`);
      assert.equal(byOrigin.data.length, MAX_ORIGINS_PER_LINK_DAY + 2);
      assert.equal(byOrigin.data.find((entry) => entry.key === OTHER_ORIGINS)?.views, 5);
      assert.equal(byOrigin.data.find((entry) => entry.key === INVALID_ORIGIN)?.views, 1);
      // The busiest first: the origins past the cap together, then the one seen twice.
      assert.deepEqual(
        byOrigin.data.slice(0, 2).map((entry) => [entry.key, entry.views]),
        [
          [OTHER_ORIGINS, 5],
          ['https://site0.example', 2],
        ],
      );
    });

    it('answers 400 naming the parameter for a bad range or grouping, and 401 without the key', async () => {
      const problem = async (query: string) => {
        const response = await fetch(`${api.base}/v1/analytics?${query}`, { headers: auth });
        return [response.status, ((await response.json()) as { field?: string }).field];
      };
      assert.deepEqual(await problem('from=2026-02-30&to=2026-03-01'), [400, 'from']);
      assert.deepEqual(await problem('from=2026-06-02&to=2026-06-01'), [400, 'from']);
      assert.deepEqual(await problem('from=2025-01-01&to=2026-06-01'), [400, 'to']);
      assert.deepEqual(await problem('groupBy=week'), [400, 'groupBy']);
      assert.deepEqual(await problem('shareLinkId=nope'), [400, 'shareLinkId']);
      assert.deepEqual(await problem('from=2026-06-01&extra=1'), [400, 'extra']);
      assert.equal((await fetch(`${api.base}/v1/analytics`)).status, 401);
      // Without a range: the 30 days to today, by the server's clock.
      const last30 = await report('');
      assert.deepEqual([last30.meta.from, last30.meta.to, last30.data.length], ['2026-05-03', '2026-06-01', 30]);
    });
  });
}

describe('analytics that the store cannot take at once', () => {
  it('keeps a refused batch in memory and writes it with the next (PostgreSQL stopped, then back)', async () => {
    const cluster = await testCluster();
    const store = await PostgresStore.open(await freshDatabase('analytics_down'), {
      seed: { data: await loadDataFile(DEMO_DATA), file: DEMO_DATA },
      queryTimeoutMs: 1000,
      connectTimeoutSeconds: 1,
    });
    const outcomes: string[] = [];
    const analytics = createAnalytics({ store, onFlush: (outcome) => outcomes.push(outcome) });
    const api = await startInProcessApi({ store, now: NOW, analytics });
    const player = 'sh_2kL9pQxYzR4vN8mBwHfJc';
    const views = async () =>
      (await store.analytics({ from: '2026-06-01', to: '2026-06-01' })).reduce((sum, row) => sum + row.views, 0);
    const quiet = console.error;
    try {
      for (let i = 0; i < 3; i++) assert.equal((await fetch(`${api.base}/v1/embed/${player}`)).status, 200);
      await cluster.stopServer();
      console.error = () => undefined;
      await analytics.flush();
      console.error = quiet;
      assert.deepEqual(outcomes, ['failed']);
      await cluster.startServer();
      assert.equal((await fetch(`${api.base}/v1/embed/${player}`)).status, 200);
      await analytics.flush();
      assert.deepEqual(outcomes, ['failed', 'written']);
      assert.equal(await views(), 4);
    } finally {
      console.error = quiet;
      await api.close();
      await analytics.close();
      await store.close();
    }
  });
});

describe('analytics in the data file (--persist)', () => {
  it('are written with the data file and read back at the next start', async () => {
    const file = await copyOfDemoData();
    const first = await EmbeddedStore.open(file, { persist: true });
    const analytics = createAnalytics({ store: first });
    analytics.observe({
      type: 'lookup-refused',
      token: RESTRICTED,
      origin: STRANGER,
      at: NOW,
      reason: 'origin-not-allowed',
      link: { id: 'link-a' } as never,
    });
    await analytics.close();
    await first.close();
    const again = await EmbeddedStore.open(file, { persist: true });
    assert.deepEqual(await again.analytics({ from: '2026-06-01', to: '2026-06-01' }), [
      {
        shareLinkId: 'link-a',
        origin: STRANGER,
        day: '2026-06-01',
        views: 0,
        starts: 0,
        refused: { 'origin-not-allowed': 1 },
        conversations: 0,
        conversationSeconds: 0,
      },
    ]);
    await again.close();
  });
});

/** One request from a chosen loopback address (the limiter counts per address); resolves with the status. */
async function requestFrom(localAddress: string, url: string, method: string, origin: string | null): Promise<number> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, localAddress, headers: origin ? { Origin: origin } : {} }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
    });
    outgoing.once('error', reject);
    outgoing.end();
  });
}
