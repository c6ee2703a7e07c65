/**
 * The API under abuse: adversarial origins with real headers, fuzzed paths, queries and bodies
 * (nothing may crash it or change its data), and concurrent writes beside session starts.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { ALLOWLIST, ORIGIN_CASES } from '../support/adversarial-origins.ts';
import { auth, jsonHeaders, startInProcessApi, type InProcessApi } from '../support/api-inprocess.ts';

let api: InProcessApi;
before(async () => (api = await startInProcessApi()));
after(() => api.close());

const CARA = '3f6c2a91-8d4e-4b7a-a1c5-2e9f0b8d7c61';
const snapshot = () => JSON.stringify(api.store.snapshot());

/**
 * A raw HTTP request, so any bytes can go in the path and the headers. Settles once the request
 * has closed; a server that answers before reading a huge body may cut the upload short, which is
 * expected (EPIPE, ECONNRESET) once its answer has arrived.
 */
function raw(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const { port } = new URL(api.base);
    let answer: { status: number; body: string } | undefined;
    let closed = false;
    const settle = () => answer && closed && resolve(answer);
    // A connection of its own: a socket whose upload a 413 cut short must not carry the next request.
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        answer = { status: res.statusCode ?? 0, body: text };
        settle();
      });
    });
    const onError = (error: Error) => {
      if (!answer) reject(error);
    };
    req.on('error', onError);
    req.on('socket', (socket) => socket.on('error', onError));
    req.on('close', () => {
      closed = true;
      settle();
    });
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe('adversarial origins, with real Origin headers', () => {
  let token: string;
  before(async () => {
    const response = await fetch(`${api.base}/v1/share-links`, {
      method: 'POST',
      headers: jsonHeaders,
      body: JSON.stringify({ personaId: CARA, allowedOrigins: ALLOWLIST }),
    });
    assert.equal(response.status, 201);
    token = ((await response.json()) as { token: string }).token;
  });

  // Header values are bytes: a browser sends a look-alike host in punycode, which the table covers.
  for (const { origin, allowed, why } of ORIGIN_CASES.filter((each) => /^[\x20-\x7e]*$/.test(each.origin))) {
    it(`${allowed ? 'serves' : 'refuses'} Origin ${JSON.stringify(origin)}: ${why}`, async () => {
      const headers: Record<string, string> = origin === '' ? {} : { Origin: origin };
      const response = await raw('GET', `/v1/embed/${token}`, headers);
      assert.equal(response.status, allowed ? 200 : 403, response.body);
      const before = snapshot();
      const start = await raw('POST', `/v1/embed/${token}/sessions`, headers);
      assert.equal(start.status, allowed ? 201 : 403);
      if (!allowed) assert.equal(snapshot(), before, 'a refused start counts nothing');
    });
  }

  for (const [referer, allowed] of [
    ['https://example.com/some/page?q=1', true],
    ['https://example.com.evil.com/', false],
    ['https://a.shop.example/checkout', true],
    ['https://shop.example/', false],
    ['not a url', false],
  ] as const) {
    it(`${allowed ? 'serves' : 'refuses'} Referer ${referer} when there is no Origin`, async () => {
      assert.equal((await raw('GET', `/v1/embed/${token}`, { Referer: referer })).status, allowed ? 200 : 403);
    });
  }
});

describe('fuzzing', () => {
  const segment = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.constantFrom(
      'v1',
      'embed',
      'share-links',
      'personas',
      'sessions',
      '..',
      '%2e%2e',
      'sh_2kL9pQxYzR4vN8mBwHfJc',
      '%00',
      '__proto__',
    ),
  );
  const path = fc
    .array(segment, { minLength: 0, maxLength: 5 })
    .map((parts) => `/${parts.map((part) => encodeURIComponent(part).replaceAll('%25', '%')).join('/')}`);
  const query = fc.dictionary(
    fc.constantFrom('page', 'perPage', 'search', 'personaId', '__proto__', 'x'),
    fc.oneof(fc.string({ maxLength: 20 }), fc.integer().map(String)),
    { maxKeys: 4 },
  );
  const body = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
    fc.string({ maxLength: 200 }),
    fc.constantFrom(
      '{',
      '{"personaId":',
      '[]',
      'null',
      '{"__proto__":{"enabled":false}}',
      '{"usageLimit":1e999}',
      '\u0000',
    ),
  );
  const method = fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'HEAD');

  it('never fails with a 5xx, and never changes data, without the key', async () => {
    // A session start is the one write anyone may make: the fuzzer can draw `POST
    // /v1/embed/sh_2kL9pQxYzR4vN8mBwHfJc/sessions`, which counts a use and opens a conversation
    // (with its analytics). The personas and links must come out as they went in, but for that count.
    const withoutUses = () => {
      const { personas, shareLinks } = api.store.snapshot();
      return JSON.stringify({ personas, shareLinks }, (key, value: unknown) =>
        key === 'usageCount' ? undefined : value,
      );
    };
    const before = withoutUses();
    await fc.assert(
      fc.asyncProperty(method, path, query, body, async (verb, where, params, text) => {
        const search = new URLSearchParams(params).toString();
        const response = await raw(
          verb,
          `/v1${where}${search ? `?${search}` : ''}`,
          { 'Content-Type': 'application/json', Origin: 'https://evil.example' },
          verb === 'GET' || verb === 'HEAD' ? undefined : text,
        );
        assert.ok(response.status < 500, `${verb} ${where}?${search} → ${response.status}: ${response.body}`);
      }),
      { numRuns: 400 },
    );
    assert.equal(withoutUses(), before);
  });

  it('never fails with a 5xx, and changes nothing, on bad writes with the key', async () => {
    const before = snapshot();
    const missingId = '00000000-0000-4000-8000-999999999999';
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('POST', 'PATCH'), body, async (verb, text) => {
        const where = verb === 'POST' ? '/v1/share-links' : `/v1/share-links/${missingId}`;
        const response = await raw(verb, where, { ...jsonHeaders }, text);
        assert.ok(
          response.status === 400 || response.status === 404 || response.status === 413,
          `${verb} ${text.slice(0, 80)} → ${response.status}: ${response.body}`,
        );
        if (response.status === 400) assert.ok(typeof JSON.parse(response.body).field === 'string');
      }),
      { numRuns: 400 },
    );
    assert.equal(snapshot(), before);
  });

  it('refuses unknown fields and prototype keys in writes', async () => {
    const id = '00000000-0000-4000-8000-000000000001';
    const before = snapshot();
    for (const text of [
      '{"__proto__":{"enabled":false}}',
      '{"constructor":{"prototype":{"x":1}}}',
      '{"token":"sh_stolenToken123"}',
      '{"usageCount":-1}',
    ]) {
      const response = await raw('PATCH', `/v1/share-links/${id}`, jsonHeaders, text);
      assert.equal(response.status, 400, text);
    }
    assert.equal(snapshot(), before);
    assert.equal(({} as Record<string, unknown>)['enabled'], undefined);
  });

  it('answers huge bodies with 413 before reading them', async () => {
    const response = await raw(
      'POST',
      '/v1/share-links',
      { ...jsonHeaders },
      `{"personaId":"${'x'.repeat(5_000_000)}"}`,
    );
    assert.equal(response.status, 413);
  });

  it('refuses bad tokens in the public path, whatever they contain', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 100 }), async (token) => {
        fc.pre(!/^sh_[A-Za-z0-9]{8,64}$/.test(token));
        const response = await raw('GET', `/v1/embed/${encodeURIComponent(token)}`);
        assert.ok([400, 404].includes(response.status), `${JSON.stringify(token)} → ${response.status}`);
      }),
      { numRuns: 300 },
    );
  });
});

describe('concurrent writes beside session starts', () => {
  it('loses no update and exceeds no limit', async () => {
    const created = (await (
      await fetch(`${api.base}/v1/share-links`, {
        method: 'POST',
        headers: jsonHeaders,
        body: JSON.stringify({ personaId: CARA, allowAllOrigins: true, usageLimit: 30 }),
      })
    ).json()) as { id: string; token: string };
    const patches = [
      { removeWatermark: true },
      { allowedOrigins: ['https://a.example'] },
      { isPrimary: false },
      { expiresAt: '2099-01-01T00:00:00.000Z' },
      { type: 'ORB_EMBED' },
    ];
    const work = [
      ...patches.map((changes) =>
        fetch(`${api.base}/v1/share-links/${created.id}`, {
          method: 'PATCH',
          headers: jsonHeaders,
          body: JSON.stringify(changes),
        }).then((response) => response.status),
      ),
      ...Array.from({ length: 100 }, () =>
        fetch(`${api.base}/v1/embed/${created.token}/sessions`, {
          method: 'POST',
          headers: { Origin: 'https://page.example' },
        }).then((response) => response.status),
      ),
    ];
    const statuses = await Promise.all(work);
    assert.deepEqual(
      statuses.slice(0, patches.length),
      patches.map(() => 200),
    );
    const granted = statuses.slice(patches.length).filter((status) => status === 201).length;
    assert.equal(granted, 30);
    const link = (await (await fetch(`${api.base}/v1/share-links/${created.id}`, { headers: auth })).json()) as Record<
      string,
      unknown
    >;
    assert.equal(link['usageCount'], 30);
    assert.equal(link['removeWatermark'], true);
    assert.deepEqual(link['allowedOrigins'], ['https://a.example']);
    assert.equal(link['expiresAt'], '2099-01-01T00:00:00.000Z');
    assert.equal(link['type'], 'ORB_EMBED');
  });
});
