import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { auth, jsonHeaders, startInProcessApi, type InProcessApi } from '../support/api-inprocess.ts';

const CARA = '3f6c2a91-8d4e-4b7a-a1c5-2e9f0b8d7c61';
const LEO = '9b2e7d14-5a3c-4f86-b0d9-6c1a8e4f2b37';

let api: InProcessApi;
before(async () => (api = await startInProcessApi()));
after(() => api.close());

const get = (path: string, headers: Record<string, string> = auth) => fetch(`${api.base}${path}`, { headers });
const send = (method: string, path: string, body: unknown, headers: Record<string, string> = jsonHeaders) =>
  fetch(`${api.base}${path}`, { method, headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('management authentication', () => {
  for (const [what, headers] of [
    ['no key', {}],
    ['a wrong key', { Authorization: 'Bearer nope' }],
    ['a key without the Bearer scheme', { Authorization: 'test-key' }],
  ] as const) {
    it(`answers 401 with ${what}`, async () => {
      for (const path of [
        '/v1/share-links',
        `/v1/share-links/00000000-0000-4000-8000-000000000001`,
        `/v1/personas/${CARA}`,
      ]) {
        const response = await get(path, headers);
        assert.equal(response.status, 401, path);
        assert.equal((await response.json()).error, 'unauthorized');
      }
      assert.equal(
        (await send('POST', '/v1/share-links', { personaId: CARA }, { 'Content-Type': 'application/json', ...headers }))
          .status,
        401,
      );
    });
  }

  it('sends no CORS headers: management is same-origin only', async () => {
    const response = await fetch(`${api.base}/v1/share-links`, {
      headers: { ...auth, Origin: 'https://evil.example' },
    });
    assert.equal(response.headers.get('access-control-allow-origin'), null);
  });
});

describe('GET /v1/share-links', () => {
  it("lists with the seeds' pagination meta", async () => {
    const body = await (await get('/v1/share-links?perPage=5&page=2')).json();
    assert.equal(body.data.length, 5);
    assert.deepEqual(body.meta, { total: 12, lastPage: 3, currentPage: 2, perPage: 5, prev: 1, next: 3 });
    const first = await (await get('/v1/share-links')).json();
    assert.deepEqual(first.meta, { total: 12, lastPage: 1, currentPage: 1, perPage: 20, prev: null, next: null });
  });

  it('filters by personaId and searches case-insensitively', async () => {
    const leo = await (await get(`/v1/share-links?personaId=${LEO}`)).json();
    assert.ok(leo.data.length >= 3);
    assert.ok(leo.data.every((link: { personaId: string }) => link.personaId === LEO));
    const found = await (await get('/v1/share-links?search=DISABLED')).json();
    assert.deepEqual(
      found.data.map((link: { token: string }) => link.token),
      ['sh_Disabled4vN8mBwHfJ'],
    );
  });

  for (const [query, field] of [
    ['perPage=101', 'perPage'],
    ['perPage=0', 'perPage'],
    ['page=0', 'page'],
    ['page=abc', 'page'],
    ['personaId=not-a-uuid', 'personaId'],
    ['bogus=1', 'bogus'],
  ]) {
    it(`refuses ?${query} naming ${field}`, async () => {
      const response = await get(`/v1/share-links?${query}`);
      assert.equal(response.status, 400);
      const body = await response.json();
      assert.equal(body.field, field);
      assert.match(body.message, new RegExp(field!));
    });
  }
});

describe('single resources', () => {
  it('gets a link by id, and 404s an unknown one, 400s a malformed one', async () => {
    const link = await (await get('/v1/share-links/00000000-0000-4000-8000-000000000001')).json();
    assert.equal(link.token, 'sh_2kL9pQxYzR4vN8mBwHfJc');
    assert.equal((await get('/v1/share-links/00000000-0000-4000-8000-999999999999')).status, 404);
    assert.equal((await get('/v1/share-links/nope')).status, 400);
  });

  it('gets the full persona, private fields included, for its owner', async () => {
    const persona = await (await get(`/v1/personas/${CARA}`)).json();
    assert.equal(persona.name, 'Cara');
    assert.match(persona.brain.systemPrompt, /SECRET-PROMPT/);
    assert.equal((await get('/v1/personas/00000000-0000-4000-8000-999999999999')).status, 404);
  });
});

describe('writes', () => {
  it('creates, updates and deletes a link', async () => {
    const created = await send('POST', '/v1/share-links', { personaId: LEO, type: 'ORB_EMBED', usageLimit: 2 });
    assert.equal(created.status, 201);
    const link = await created.json();
    assert.match(link.token, /^sh_[A-Za-z0-9]{21}$/);
    assert.equal(link.personaName, 'Leo');
    assert.equal(link.usageCount, 0);
    assert.equal(link.enabled, true);
    assert.equal(link.allowAllOrigins, false);

    const patched = await (
      await send('PATCH', `/v1/share-links/${link.id}`, { enabled: false, allowedOrigins: ['https://*.shop.example'] })
    ).json();
    assert.equal(patched.enabled, false);
    assert.equal(patched.type, 'ORB_EMBED', 'fields not named stay as they were');
    assert.equal(
      (await fetch(`${api.base}/v1/embed/${link.token}`, { headers: { Origin: 'https://a.shop.example' } })).status,
      403,
    );

    assert.equal((await send('DELETE', `/v1/share-links/${link.id}`, '')).status, 204);
    assert.equal((await get(`/v1/share-links/${link.id}`)).status, 404);
    assert.equal((await send('DELETE', `/v1/share-links/${link.id}`, '')).status, 404);
  });

  it('keeps at most one primary link per persona', async () => {
    const link = await (await send('POST', '/v1/share-links', { personaId: CARA, isPrimary: true })).json();
    const all = await (await get(`/v1/share-links?personaId=${CARA}&perPage=100`)).json();
    assert.deepEqual(
      all.data.filter((each: { isPrimary: boolean }) => each.isPrimary).map((each: { id: string }) => each.id),
      [link.id],
    );
  });

  const badBodies: [string, unknown, string][] = [
    ['a missing personaId', {}, 'personaId'],
    ['an unknown persona', { personaId: '00000000-0000-4000-8000-999999999999' }, 'personaId'],
    ['a bad type', { personaId: CARA, type: 'IFRAME' }, 'type'],
    ['a negative usage limit', { personaId: CARA, usageLimit: -1 }, 'usageLimit'],
    ['a fractional usage limit', { personaId: CARA, usageLimit: 1.5 }, 'usageLimit'],
    ['a usage limit as a string', { personaId: CARA, usageLimit: '5' }, 'usageLimit'],
    ['a date that is not ISO', { personaId: CARA, expiresAt: 'tomorrow' }, 'expiresAt'],
    ['a date that does not exist', { personaId: CARA, expiresAt: '2026-02-30T10:00:00Z' }, 'expiresAt'],
    ['an origin with a path', { personaId: CARA, allowedOrigins: ['https://shop.example/path'] }, 'allowedOrigins.0'],
    ['an origin list as a string', { personaId: CARA, allowedOrigins: 'https://shop.example' }, 'allowedOrigins'],
    ['a wildcard over a TLD', { personaId: CARA, allowedOrigins: ['https://*.com'] }, 'allowedOrigins.0'],
    [
      'a wildcard over a public suffix',
      { personaId: CARA, allowedOrigins: ['https://ok.example', 'https://*.co.uk'] },
      'allowedOrigins.1',
    ],
    [
      'a wildcard over a private public suffix',
      { personaId: CARA, allowedOrigins: ['https://*.github.io'] },
      'allowedOrigins.0',
    ],
    ['an unknown field', { personaId: CARA, colour: 'red' }, 'colour'],
    ['a boolean as a string', { personaId: CARA, enabled: 'true' }, 'enabled'],
    ['an array body', [], 'body'],
  ];
  for (const [what, body, field] of badBodies) {
    it(`refuses ${what} with 400 naming ${field}`, async () => {
      const before = (await (await get('/v1/share-links?perPage=100')).json()).meta.total;
      const response = await send('POST', '/v1/share-links', body);
      assert.equal(response.status, 400);
      const answer = await response.json();
      assert.equal(answer.field, field);
      assert.equal(typeof answer.message, 'string');
      assert.equal((await (await get('/v1/share-links?perPage=100')).json()).meta.total, before, 'nothing was stored');
    });
  }

  it('refuses malformed JSON and oversized bodies', async () => {
    const malformed = await send('POST', '/v1/share-links', '{"personaId":');
    assert.equal(malformed.status, 400);
    assert.equal((await malformed.json()).field, 'body');
    const huge = await send('POST', '/v1/share-links', JSON.stringify({ personaId: CARA, pad: 'x'.repeat(100_000) }));
    assert.equal(huge.status, 413);
  });

  it('refuses a bad PATCH without changing the link', async () => {
    const id = '00000000-0000-4000-8000-000000000001';
    const before = await (await get(`/v1/share-links/${id}`)).json();
    for (const body of [{ usageCount: -3 }, { token: 'sh_stolen0000000' }, { enabled: true, usageLimit: 'many' }]) {
      assert.equal((await send('PATCH', `/v1/share-links/${id}`, body)).status, 400);
    }
    assert.deepEqual(await (await get(`/v1/share-links/${id}`)).json(), before);
  });
});
