/**
 * `GET /v1/embed/{token}/poster` (docs/delivery.md): the link's poster under the lookup's rules and
 * limits, so that a page and the element can ask for it beside the link.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createAbuseLimiter } from '../../server/limits.ts';
import type { ObservedEvent } from '../../server/observers.ts';
import { FIXTURES_DIR } from '../../server/paths.ts';
import { DEMO_DATA } from '../../scripts/api-process.ts';
import { startInProcessApi, type InProcessApi, type InProcessOptions } from '../support/api-inprocess.ts';
import type { EmbeddedStore } from '../../server/store/index.ts';
import { TOKENS } from '../support/fixtures.ts';

const PAGE = 'https://www.example.org';
const CARA_SVG = join(FIXTURES_DIR, 'media/cara.svg');
const running: InProcessApi[] = [];
after(() => Promise.all(running.map((api) => api.close())));

async function api(options: InProcessOptions<EmbeddedStore> = {}): Promise<InProcessApi> {
  const started = await startInProcessApi(options);
  running.push(started);
  return started;
}

const poster = (base: string, token: string, headers: Record<string, string> = { Referer: `${PAGE}/article` }) =>
  fetch(`${base}/v1/embed/${token}/poster`, { headers, redirect: 'manual' });

/** The demo data with personas changed by `edit`, as a data file of its own. */
async function dataWith(edit: (data: { personas: { avatar: { imageUrl: string | null } }[] }) => void) {
  const data = JSON.parse(await readFile(DEMO_DATA, 'utf8'));
  edit(data);
  const file = join(await mkdtemp(join(tmpdir(), 'share-link-poster-')), 'data.json');
  await writeFile(file, JSON.stringify(data));
  return file;
}

describe('GET /v1/embed/{token}/poster', () => {
  it("answers a player's poster itself when it is this server's media, cacheable by the browser only", async () => {
    const { base } = await api();
    const answer = await poster(base, TOKENS.player);
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type') ?? '', /^image\/svg\+xml/);
    assert.equal(answer.headers.get('cache-control'), 'private, max-age=300');
    assert.equal(answer.headers.get('cross-origin-resource-policy'), 'cross-origin');
    assert.deepEqual(Buffer.from(await answer.arrayBuffer()), await readFile(CARA_SVG));
  });

  it('redirects to a poster kept elsewhere', async () => {
    const data = await dataWith((d) => (d.personas[0]!.avatar.imageUrl = 'https://cdn.example.net/cara.webp'));
    const { base } = await api({ data });
    const answer = await poster(base, TOKENS.player);
    assert.equal(answer.status, 302);
    assert.equal(answer.headers.get('location'), 'https://cdn.example.net/cara.webp');
    assert.equal(answer.headers.get('cache-control'), 'private, max-age=300');
  });

  it('404 not-found when the persona has no image', async () => {
    const data = await dataWith((d) => (d.personas[0]!.avatar.imageUrl = null));
    const { base } = await api({ data });
    const answer = await poster(base, TOKENS.player);
    assert.equal(answer.status, 404);
    assert.equal((await answer.json()).error, 'not-found');
    assert.equal(answer.headers.get('cache-control'), 'no-store');
  });

  it('refuses whatever the lookup refuses, with the same status and reason, and no image', async () => {
    const { base } = await api();
    const cases: [string, number, string][] = [
      ['sh_short', 400, 'invalid-token'],
      ['sh_Unknown0000000000', 404, 'not-found'],
      ['sh_Disabled4vN8mBwHfJ', 403, 'disabled'],
      [TOKENS.expired, 410, 'expired'],
      ['sh_UsedUp2kL9pQxYzR4v', 403, 'usage-limit-reached'],
      ['sh_OriginNo3xYzR4vN8m', 403, 'origin-not-allowed'],
    ];
    for (const [token, status, reason] of cases) {
      const answer = await poster(base, token);
      const lookup = await fetch(`${base}/v1/embed/${token}`, { headers: { Origin: PAGE } });
      assert.equal(answer.status, status, token);
      assert.equal(lookup.status, status, token);
      assert.match(answer.headers.get('content-type') ?? '', /json/, token);
      assert.equal((await answer.json()).error, reason, token);
      assert.equal(answer.headers.get('cache-control'), 'no-store', token);
    }
  });

  it("judges the page by Origin, else Referer's origin (an <img> sends no Origin), else none", async () => {
    const { base } = await api();
    const restricted = 'sh_OriginOk8mBwHfJc4k'; // allows http://127.0.0.1:5173 and https://*.shop.example
    const statuses = [
      (await poster(base, restricted, { Referer: 'http://127.0.0.1:5173/some/page?x=1' })).status,
      (await poster(base, restricted, { Referer: 'https://www.shop.example/' })).status,
      (await poster(base, restricted, { Origin: 'https://a.shop.example' })).status,
      (await poster(base, restricted, { Referer: 'https://evil.example/' })).status,
      (await poster(base, restricted, { Origin: 'https://evil.example', Referer: 'http://127.0.0.1:5173/' })).status,
      (await poster(base, restricted, {})).status,
    ];
    assert.deepEqual(statuses, [200, 200, 200, 403, 403, 403]);
  });

  it('204 without an image where the element would not show a poster at once: an orb, a LINK link off its share page', async () => {
    const { base } = await api();
    for (const token of [TOKENS.orb, 'sh_DirectLinkQxYzR4vN']) {
      const answer = await poster(base, token);
      assert.equal(answer.status, 204, token);
      assert.equal((await answer.arrayBuffer()).byteLength, 0, token);
    }
    // On its share page (a same-origin request, which browsers mark), a LINK link is a player.
    const own = await poster(base, 'sh_DirectLinkQxYzR4vN', { 'Sec-Fetch-Site': 'same-origin' });
    assert.equal(own.status, 200);
  });

  it("counts against the client's lookups, and is refused 429 once they are used", async () => {
    const { base } = await api({
      limits: createAbuseLimiter({ rules: { lookup: { name: 'lookup', points: 3, durationSeconds: 60 } } }),
    });
    const statuses = [
      (await fetch(`${base}/v1/embed/${TOKENS.player}`, { headers: { Origin: PAGE } })).status,
      (await poster(base, TOKENS.player)).status,
      (await poster(base, TOKENS.player)).status,
      (await poster(base, TOKENS.player)).status,
    ];
    assert.deepEqual(statuses, [200, 200, 200, 429]);
  });

  it("is not reported as a lookup: the link's own lookup of the same view is", async () => {
    const events: ObservedEvent[] = [];
    const { base } = await api({ observers: [(event) => events.push(event)] });
    await poster(base, TOKENS.player);
    await poster(base, 'sh_Disabled4vN8mBwHfJ');
    assert.equal(events.length, 0, 'no event for either poster');
    await fetch(`${base}/v1/embed/${TOKENS.player}`, { headers: { Origin: PAGE } });
    assert.deepEqual(
      events.map((event) => event.type),
      ['lookup-served'],
    );
  });
});
