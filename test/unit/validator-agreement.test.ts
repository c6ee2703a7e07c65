/**
 * The widget's hand-written validator (src/schema.ts) and the reference API's valibot schemas
 * (server/public-schemas.ts) describe one contract: over one corpus of good and bad bodies (the
 * hostile fake API's answers, generated valid bodies, and those bodies broken one field at a time),
 * they must accept and refuse the same bodies, and produce the same values.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as v from 'valibot';
import { ShareLinkError } from '../../src/errors.ts';
import { parseEmbedResponse, parseSessionResponse } from '../../src/schema.ts';
import { parseEngine } from '../../src/conversation/engine.ts';
import { EmbedResponseSchema, SessionEngineSchema, SessionResponseSchema } from '../../server/public-schemas.ts';
import { SCENARIOS, validEmbedBody } from '../support/fake-api.ts';

type Outcome = { ok: true; value: unknown } | { ok: false; problem: string };

function widget(parse: (json: unknown) => unknown, json: unknown): Outcome {
  try {
    return { ok: true, value: parse(json) };
  } catch (error) {
    // Anything but a bad-response refusal (a TypeError from a missed case) fails the test here.
    assert.ok(error instanceof ShareLinkError && error.reason === 'bad-response', `unexpected ${String(error)}`);
    return { ok: false, problem: error.message };
  }
}

function server(schema: v.GenericSchema, json: unknown): Outcome {
  const result = v.safeParse(schema, json);
  return result.success
    ? { ok: true, value: result.output }
    : { ok: false, problem: JSON.stringify(result.issues[0]?.message) };
}

/** Both accept with equal values, or both refuse. Returns whether they accepted. */
function agree(kind: 'embed' | 'session', json: unknown): boolean {
  const mine = kind === 'embed' ? widget(parseEmbedResponse, json) : widget(parseSessionResponse, json);
  const theirs = kind === 'embed' ? server(EmbedResponseSchema, json) : server(SessionResponseSchema, json);
  const shown = JSON.stringify(json)?.slice(0, 600);
  assert.equal(
    mine.ok,
    theirs.ok,
    `widget ${mine.ok ? 'accepts' : `refuses (${'problem' in mine ? mine.problem : ''})`}, server ${theirs.ok ? 'accepts' : `refuses (${'problem' in theirs ? theirs.problem : ''})`}: ${shown}`,
  );
  if (mine.ok && theirs.ok) assert.deepEqual(mine.value, theirs.value, shown);
  return mine.ok;
}

/** What a body looks like after the network: JSON text, parsed. */
const overJson = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));

// Values at and beyond every rule's edge, and the shapes attackers send.
const long = (n: number) => 'x'.repeat(n);
const EDGES: unknown[] = [
  Array(100).fill('https://a.example'),
  Array(101).fill('https://a.example'),
  [long(300)],
  [long(301)],
  [null],
  [{}],
  null,
  true,
  false,
  0,
  -1,
  1.5,
  2 ** 53 - 1,
  2 ** 53,
  1e308,
  -0,
  '',
  ' ',
  '0',
  'true',
  'null',
  [],
  {},
  ['x'],
  [1],
  { kind: 'anam' },
  long(1),
  long(15),
  long(16),
  long(100),
  long(101),
  long(300),
  long(301),
  long(500),
  long(501),
  long(4096),
  long(4097),
  long(5000),
  long(5001),
  'sh_abcdefgh',
  'sh_abcdefg',
  `sh_${long(64)}`,
  `sh_${long(65)}`,
  'sh_abc-defgh',
  'SH_abcdefgh',
  'sh_abcdefgh\n',
  'LINK',
  'PLAYER_EMBED',
  'ORB_EMBED',
  'orb_embed',
  'toString',
  '__proto__',
  'constructor',
  '2026-04-20T10:00:00Z',
  '2026-04-20T10:00:00.123456789+02:00',
  '2026-02-28T23:59:59-05:00',
  '2024-02-29T00:00:00Z',
  '2026-02-30T10:00:00Z',
  '2026-04-20T10:00:00',
  '2026-04-20',
  'Tue, 27 Apr 2027 10:00:00 GMT',
  '+275760-09-13T00:00:00.000Z',
  '275760-09-13T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '0000-01-01T00:00:00Z',
  '2026-04-20T25:61:61Z',
  '2026-13-01T00:00:00Z',
  'https://cdn.example/a.png',
  'http://127.0.0.1:9/a.webm',
  'HTTPS://CDN.EXAMPLE/A.PNG',
  'http:cdn.example',
  '//cdn.example/a.png',
  ' https://cdn.example',
  'https://',
  'https:///',
  'https://a b.example',
  'javascript:alert(1)',
  'data:video/mp4;base64,AAAA',
  'wss://engine.example/ws',
  'ws://127.0.0.1:1/ws',
  'WSS://ENGINE.EXAMPLE',
  'ftp://a.example',
  'blob:https://a.example/x',
  `https://a.example/${long(4080)}`,
  `https://a.example/${long(4100)}`,
  { kind: 'anam', sessionToken: 'anam-token' },
  { kind: 'anam', sessionToken: '' },
  { kind: 'anam' },
  { kind: 'elevenlabs', conversationToken: 'el-token', expiresAt: null },
  { kind: 'elevenlabs', conversationToken: 'el-token', expiresAt: '2026-04-20T10:00:00Z' },
  { kind: 'elevenlabs', conversationToken: 'el-token', expiresAt: 1767225600 },
  { kind: 'elevenlabs', conversationToken: 'el-token' },
  { kind: 'scripted', url: 'wss://api.example/v1/engine/ws' },
  { kind: 'scripted', url: 'https://api.example/engine' },
  { kind: 'scripted', url: 'javascript:alert(1)' },
  { kind: 'scripted', url: '/v1/engine' },
  { kind: 'bogus' },
  { kind: '__proto__' },
  { kind: 'constructor' },
  { kind: 'toString' },
  { kind: null },
  { kind: ['anam'] },
];

const text = (minLength: number, maxLength: number) => fc.string({ minLength, maxLength });
const isoDate = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true })
  .chain((date) =>
    fc.constantFrom(
      date.toISOString(),
      date.toISOString().replace('.000Z', 'Z'),
      date.toISOString().replace('Z', '+00:00'),
      date.toISOString().replace(/\.\d+Z$/, '.123456789-07:30'),
    ),
  );
const mediaUrl = fc.oneof(
  fc.constant(null),
  fc.webUrl({ validSchemes: ['https', 'http'] }),
  fc.constantFrom('https://cdn.example/a.png', 'http://127.0.0.1:9/a.webm'),
);
const count = fc.oneof(fc.nat(), fc.constant(0), fc.constant(Number.MAX_SAFE_INTEGER));

const shareLink = fc.record({
  id: text(1, 100),
  token: fc.stringMatching(/^sh_[A-Za-z0-9]{8,64}$/),
  type: fc.constantFrom('LINK', 'PLAYER_EMBED', 'ORB_EMBED'),
  expiresAt: fc.option(isoDate, { nil: null }),
  usageLimit: fc.option(count, { nil: null }),
  usageCount: count,
  allowedOrigins: fc.array(fc.oneof(text(0, 300), fc.webUrl()), { maxLength: 100 }),
  allowAllOrigins: fc.boolean(),
  removeWatermark: fc.boolean(),
  enabled: fc.boolean(),
  isPrimary: fc.boolean(),
  createdAt: isoDate,
  personaId: text(1, 100),
  personaName: text(0, 500),
  // Absent (an API older than proofs of work), or a kind unknown here: both validators read `none`.
  challenge: fc.option(fc.constantFrom('none', 'proof-of-work', 'captcha', 7), { nil: undefined }),
});
const persona = fc.record({
  id: text(1, 100),
  name: text(0, 500),
  description: fc.option(text(0, 5000), { nil: null }),
  avatar: fc.record({ id: text(1, 100), displayName: text(0, 500), imageUrl: mediaUrl, videoUrl: mediaUrl }),
});
const embedBody = fc.record({ shareLink, persona, serverTime: isoDate });

const engine = fc.oneof(
  fc.constant(null),
  fc.record({ kind: fc.constant('anam'), sessionToken: text(1, 4096) }),
  fc.record({
    kind: fc.constant('elevenlabs'),
    conversationToken: text(1, 4096),
    expiresAt: fc.option(isoDate, { nil: null }),
  }),
  fc.record({ kind: fc.constant('scripted'), url: fc.webUrl({ validSchemes: ['wss', 'ws', 'https', 'http'] }) }),
);
const sessionBody = fc.record(
  { sessionToken: text(16, 4096), expiresAt: isoDate, usageCount: count, engine },
  // `engine` may be absent: APIs from before engines.
  { requiredKeys: ['sessionToken', 'expiresAt', 'usageCount'] },
);

/** Every path to a value in a body: where a mutation can strike. */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const own = Array.isArray(value) ? value.map((_, index) => String(index)) : Object.keys(value);
  return [prefix, ...own.flatMap((key) => paths((value as Record<string, unknown>)[key], [...prefix, key]))];
}

type Mutation = { at: number; op: 'replace' | 'delete' | 'add'; value: unknown; key: string };
const mutation = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('replace', 'replace', 'delete', 'add'),
  value: fc.oneof(fc.constantFrom(...EDGES), fc.jsonValue({ maxDepth: 2 })),
  key: fc.constantFrom('extra', '__proto__', 'constructor', 'toString', 'kind', 'enabled'),
}) as fc.Arbitrary<Mutation>;

const ADDED = '\u0001added';

/** Breaks a body at one place (or adds a field); returns it as it would arrive over JSON. */
function mutate(body: unknown, { at, op, value, key }: Mutation): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  const all = paths(copy);
  const path = all[at % all.length]!;
  if (!path.length) return op === 'replace' ? overJson(value) : copy;
  const parent = path
    .slice(0, -1)
    .reduce<Record<string, unknown>>((node, step) => node[step] as Record<string, unknown>, copy);
  const last = path.at(-1)!;
  if (op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (
    op === 'add' &&
    typeof parent[last] === 'object' &&
    parent[last] !== null &&
    !Array.isArray(parent[last])
  ) {
    // Through JSON text, so that `__proto__` becomes an own property, as in a hostile server's body.
    (parent[last] as Record<string, unknown>)[ADDED] = value ?? null;
    return JSON.parse(JSON.stringify(copy).replace(JSON.stringify(ADDED), JSON.stringify(key)));
  } else {
    parent[last] = value;
  }
  return overJson(copy);
}

describe('the widget validator agrees with the server schema', () => {
  it('on every answer of the hostile fake API', () => {
    let accepted = 0;
    let refused = 0;
    for (const [name, answer] of Object.entries(SCENARIOS)) {
      const run = name === 'allowlist' ? Buffer.from('["https://a.example"]').toString('base64url') : 'off-0';
      const { status, body } = answer(99, 'sh_FakeToken12345678', run);
      if ((status ?? 200) !== 200 || body === undefined) continue;
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        continue; // Not JSON: refused before validation, by the fetch layer.
      }
      assert.doesNotThrow(() => (agree('embed', json) ? accepted++ : refused++), name);
    }
    assert.ok(accepted >= 8 && refused >= 20, `accepted ${accepted}, refused ${refused}`);
  });

  it('on generated valid bodies, which both accept', () => {
    fc.assert(
      fc.property(embedBody, (body) => assert.equal(agree('embed', overJson(body)), true)),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(sessionBody, (body) => assert.equal(agree('session', overJson(body)), true)),
      { numRuns: 300 },
    );
  });

  it('on embed bodies broken one field at a time', () => {
    let refused = 0;
    fc.assert(
      fc.property(embedBody, mutation, (body, change) => void (agree('embed', mutate(body, change)) || refused++)),
      { numRuns: 3000 },
    );
    assert.ok(refused > 1000, `only ${refused} of 3000 mutations refused: the corpus is too gentle`);
  });

  it('on session bodies broken one field at a time, engines included', () => {
    let refused = 0;
    fc.assert(
      fc.property(sessionBody, mutation, (body, change) => void (agree('session', mutate(body, change)) || refused++)),
      { numRuns: 3000 },
    );
    assert.ok(refused > 1000, `only ${refused} of 3000 mutations refused: the corpus is too gentle`);
  });

  it('on every edge value, in every place of a body', () => {
    const embed = overJson(validEmbedBody());
    const session = {
      sessionToken: long(24),
      expiresAt: '2026-04-20T10:00:00Z',
      usageCount: 1,
      engine: { kind: 'elevenlabs', conversationToken: 'el', expiresAt: null },
    };
    for (const [kind, body] of [
      ['embed', embed],
      ['session', session],
    ] as const) {
      const count = paths(body).length;
      for (let at = 0; at < count; at++) {
        for (const value of EDGES) agree(kind, mutate(body, { at, op: 'replace', value, key: 'extra' }));
        agree(kind, mutate(body, { at, op: 'delete', value: null, key: 'extra' }));
      }
    }
  });
});

describe("the conversation chunk's engine parse agrees with the server schema", () => {
  /** Both accept with equal values, or both refuse. Engines only: the element runs the chunk only for one. */
  function agreeOnEngine(json: unknown): boolean {
    const chunk = parseEngine(json);
    const theirs = server(SessionEngineSchema, json);
    const shown = JSON.stringify(json)?.slice(0, 300);
    assert.equal('engine' in chunk, theirs.ok, `chunk ${'engine' in chunk ? 'accepts' : chunk.problem}: ${shown}`);
    if ('engine' in chunk && theirs.ok) assert.deepEqual(chunk.engine, theirs.value, shown);
    return theirs.ok;
  }

  it('on generated engines and engines broken one field at a time', () => {
    const anyEngine = engine.filter((value) => value !== null);
    fc.assert(
      fc.property(anyEngine, (value) => assert.equal(agreeOnEngine(overJson(value)), true)),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(anyEngine, mutation, (value, change) => void agreeOnEngine(mutate(value, change))),
      { numRuns: 2000 },
    );
  });

  it('on every edge value, and at the edges of every limit', () => {
    for (const value of EDGES) agreeOnEngine(overJson(value));
    for (const length of [4096, 4097, 8192, 8193]) {
      agreeOnEngine({ kind: 'anam', sessionToken: long(length) });
      agreeOnEngine({ kind: 'elevenlabs', conversationToken: long(length), expiresAt: null });
      agreeOnEngine({ kind: 'scripted', url: `wss://api.example/${long(length - 18)}` });
    }
    for (const url of ['https://api.example/ws', 'http://api.example/ws', 'ftp://api.example/ws'])
      agreeOnEngine({ kind: 'scripted', url });
  });
});

describe('the widget validator on its own', () => {
  it('names the path and the rule of the first problem', () => {
    const body = overJson(validEmbedBody()) as { persona: { avatar: { imageUrl: unknown } } };
    body.persona.avatar.imageUrl = 'javascript:alert(1)';
    assert.throws(
      () => parseEmbedResponse(body),
      /invalid body \(persona\.avatar\.imageUrl: must be an http: or https: URL\)/,
    );
    assert.throws(() => parseEmbedResponse([]), /invalid body \(body: must be an object\)/);
    assert.throws(
      () =>
        parseSessionResponse({
          sessionToken: long(20),
          expiresAt: '2026-04-20T10:00:00Z',
          usageCount: 0,
          engine: { kind: 'x' },
        }),
      /engine\.kind: must be anam, elevenlabs or scripted/,
    );
  });

  it('reads only own properties: a polluted Object.prototype supplies no field and adds none', () => {
    const body = overJson(validEmbedBody()) as { shareLink: Record<string, unknown> };
    delete body.shareLink['enabled'];
    const proto = Object.prototype as Record<string, unknown>;
    try {
      Object.defineProperty(proto, 'enabled', { value: true, enumerable: true, configurable: true, writable: true });
      Object.defineProperty(proto, 'polluted', { value: 'yes', enumerable: true, configurable: true, writable: true });
      assert.throws(() => parseEmbedResponse(body), /shareLink\.enabled: must be true or false/);
      const output = parseEmbedResponse(overJson(validEmbedBody()));
      assert.equal(Object.keys(output).includes('polluted'), false);
      assert.deepEqual(
        Object.keys(output.shareLink).sort(),
        Object.keys(overJson(validEmbedBody().shareLink) as object).sort(),
      );
    } finally {
      delete proto['enabled'];
      delete proto['polluted'];
    }
  });

  it('drops unknown fields and `__proto__` keys into fresh objects', () => {
    const text = JSON.stringify(validEmbedBody()).replace(
      '"shareLink":{',
      '"__proto__":{"polluted":1},"shareLink":{"__proto__":{"removeWatermark":true},',
    );
    const output = parseEmbedResponse(JSON.parse(text));
    assert.equal(Object.getPrototypeOf(output), Object.prototype);
    assert.equal(Object.getPrototypeOf(output.shareLink), Object.prototype);
    assert.equal(output.shareLink.removeWatermark, false);
    assert.equal(Object.hasOwn(output, '__proto__'), false);
  });

  it('takes a missing engine as null, and checks the scripted engine URL', () => {
    const base = { sessionToken: long(20), expiresAt: '2026-04-20T10:00:00Z', usageCount: 3 };
    assert.equal(parseSessionResponse(base).engine, null);
    assert.deepEqual(
      parseSessionResponse({ ...base, engine: { kind: 'scripted', url: 'wss://api.example/ws', extra: 1 } }).engine,
      { kind: 'scripted', url: 'wss://api.example/ws' },
    );
    assert.throws(
      () => parseSessionResponse({ ...base, engine: { kind: 'scripted', url: '/relative/ws' } }),
      /engine\.url: must be a ws:, wss:, http: or https: URL/,
    );
  });
});
