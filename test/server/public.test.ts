import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startInProcessApi, type InProcessApi } from '../support/api-inprocess.ts';

const PLAYER = 'sh_2kL9pQxYzR4vN8mBwHfJc';
const ORIGIN_OK = 'sh_OriginOk8mBwHfJc4k';
const PAGE = 'https://www.example.org';

let api: InProcessApi;
before(async () => (api = await startInProcessApi()));
after(() => api.close());

const embed = (token: string, headers: Record<string, string> = { Origin: PAGE }) =>
  fetch(`${api.base}/v1/embed/${token}`, { headers });
const start = (token: string, headers: Record<string, string> = { Origin: PAGE }) =>
  fetch(`${api.base}/v1/embed/${token}/sessions`, { method: 'POST', headers });

describe('GET /v1/embed/{token}', () => {
  it('answers a working link with the link, the public persona and the server time', async () => {
    const response = await embed(PLAYER);
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.deepEqual(Object.keys(body).sort(), ['persona', 'serverTime', 'shareLink']);
    assert.equal(body.shareLink.token, PLAYER);
    assert.equal(body.shareLink.type, 'PLAYER_EMBED');
    assert.equal(body.serverTime, '2026-06-01T12:00:00.000Z');
    assert.equal(body.persona.name, 'Cara');
  });

  it('projects only the public persona fields, never brain, llmId, tools, knowledge or voice', async () => {
    const body = await (await embed(PLAYER)).json();
    assert.deepEqual(Object.keys(body.persona).sort(), ['avatar', 'description', 'id', 'name']);
    assert.deepEqual(Object.keys(body.persona.avatar).sort(), ['displayName', 'id', 'imageUrl', 'videoUrl']);
    assert.doesNotMatch(JSON.stringify(body), /SECRET-PROMPT|systemPrompt|llmId|providerVoiceId/);
  });

  it('turns stored media paths into absolute URLs on its own origin, and serves them', async () => {
    const body = await (await embed(PLAYER)).json();
    assert.equal(body.persona.avatar.imageUrl, `${api.base}/media/cara.svg`);
    const image = await fetch(body.persona.avatar.imageUrl);
    assert.equal(image.status, 200);
    assert.match(image.headers.get('content-type') ?? '', /image\/svg\+xml/);
    const video = await fetch(body.persona.avatar.videoUrl, { headers: { Range: 'bytes=0-99' } });
    assert.equal(video.status, 206);
    assert.equal((await video.arrayBuffer()).byteLength, 100);
    assert.equal((await fetch(`${api.base}/media/..%2fdemo.json`)).status, 404);
  });

  const refusals: [string, string, number, string][] = [
    ['a malformed token', 'sh_short', 400, 'invalid-token'],
    ['a token with markup', 'sh_<script>alert(1)</script>', 400, 'invalid-token'],
    ['an unknown token', 'sh_Unknown0000000000', 404, 'not-found'],
    ['a disabled link', 'sh_Disabled4vN8mBwHfJ', 403, 'disabled'],
    ['an expired link', 'sh_Expired9pQxYzR4vN8m', 410, 'expired'],
    ['a used-up link', 'sh_UsedUp2kL9pQxYzR4v', 403, 'usage-limit-reached'],
    ['a link for other origins', 'sh_OriginNo3xYzR4vN8m', 403, 'origin-not-allowed'],
  ];
  for (const [what, token, status, reason] of refusals) {
    it(`refuses ${what} with ${status} ${reason}`, async () => {
      const response = await embed(encodeURIComponent(token));
      assert.equal(response.status, status);
      const body = await response.json();
      assert.equal(body.error, reason);
      assert.equal(typeof body.message, 'string');
    });
  }

  it('serves LINK links: only the widget refuses to embed them', async () => {
    assert.equal((await embed('sh_DirectLinkQxYzR4vN')).status, 200);
  });

  it('judges expiry by its own clock, at the exact millisecond', async () => {
    const saved = api.clock.now;
    try {
      api.clock.now = Date.parse('2026-04-27T09:59:59.999Z');
      assert.equal((await embed('sh_Expired9pQxYzR4vN8m')).status, 200);
      api.clock.now = Date.parse('2026-04-27T10:00:00.000Z');
      assert.equal((await embed('sh_Expired9pQxYzR4vN8m')).status, 410);
    } finally {
      api.clock.now = saved;
    }
  });

  it('checks the origin first: an allowed origin, a wildcard subdomain, Referer as fallback', async () => {
    assert.equal((await embed(ORIGIN_OK, { Origin: 'http://127.0.0.1:5173' })).status, 200);
    assert.equal((await embed(ORIGIN_OK, { Origin: 'https://eu.shop.example' })).status, 200);
    assert.equal((await embed(ORIGIN_OK, { Origin: 'https://shop.example' })).status, 403);
    assert.equal((await embed(ORIGIN_OK, { Referer: 'http://127.0.0.1:5173/products/1?x=1' })).status, 200);
    assert.equal((await embed(ORIGIN_OK, { Referer: 'http://localhost:5173/' })).status, 403);
    assert.equal((await embed(ORIGIN_OK, {})).status, 403, 'no origin at all');
    assert.equal((await embed(ORIGIN_OK, { Origin: 'null' })).status, 403, 'the opaque origin');
  });

  it('sends CORS headers that echo the origin, on success and on errors, never with credentials', async () => {
    for (const token of [PLAYER, 'sh_OriginNo3xYzR4vN8m', 'sh_Unknown0000000000']) {
      const response = await embed(token);
      assert.equal(response.headers.get('access-control-allow-origin'), PAGE);
      assert.equal(response.headers.get('access-control-allow-credentials'), null);
      assert.equal(response.headers.get('vary'), 'Origin');
      assert.equal(response.headers.get('cache-control'), 'no-store');
    }
    const noOrigin = await embed(PLAYER, {});
    assert.equal(noOrigin.headers.get('access-control-allow-origin'), null);
    assert.equal(noOrigin.headers.get('vary'), 'Origin');
  });

  it('answers a CORS preflight', async () => {
    const response = await fetch(`${api.base}/v1/embed/${PLAYER}/sessions`, {
      method: 'OPTIONS',
      headers: { Origin: PAGE, 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), PAGE);
    assert.match(response.headers.get('access-control-allow-methods') ?? '', /POST/);
  });

  it('answers unknown paths with a JSON 404', async () => {
    const response = await fetch(`${api.base}/v1/embed/${PLAYER}/nothing`);
    assert.equal(response.status, 404);
    assert.equal((await response.json()).error, 'not-found');
  });
});

describe('POST /v1/embed/{token}/sessions', () => {
  it('grants a session and counts one use', async () => {
    const before = api.store.linkByToken('sh_ThreeUses7kL9pQxYz')!.usageCount;
    const response = await start('sh_ThreeUses7kL9pQxYz');
    assert.equal(response.status, 201);
    const body = await response.json();
    // A signed token (see test/server/session-tokens.test.ts): st_, then a three-part JWT.
    assert.match(body.sessionToken, /^st_[\w-]+\.[\w-]+\.[\w-]{43}$/);
    assert.equal(body.expiresAt, '2026-06-01T12:15:00.000Z');
    assert.equal(body.usageCount, before + 1);
    assert.equal(response.headers.get('access-control-allow-origin'), PAGE);
  });

  it('re-checks the policy: refused links count nothing', async () => {
    for (const [token, status, reason] of [
      ['sh_UsedUp2kL9pQxYzR4v', 403, 'usage-limit-reached'],
      ['sh_Expired9pQxYzR4vN8m', 410, 'expired'],
      ['sh_Disabled4vN8mBwHfJ', 403, 'disabled'],
      ['sh_OriginNo3xYzR4vN8m', 403, 'origin-not-allowed'],
      ['sh_Unknown0000000000', 404, 'not-found'],
      ['sh_x', 400, 'invalid-token'],
    ] as const) {
      const before = api.store.linkByToken(token)?.usageCount;
      const response = await start(token);
      assert.equal(response.status, status, token);
      assert.equal((await response.json()).error, reason);
      assert.equal(api.store.linkByToken(token)?.usageCount, before);
    }
  });

  it('stops granting at the usage limit', async () => {
    const token = 'sh_ThreeUses7kL9pQxYz';
    const link = (await api.store.update(api.store.linkByToken(token)!.id, { usageCount: 1 }))!;
    const statuses: number[] = [];
    while (statuses.length < 4) statuses.push((await start(token)).status);
    assert.deepEqual(statuses, [201, 201, 403, 403]);
    assert.equal(link.usageCount, 3);
  });
});
