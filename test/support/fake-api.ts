/**
 * A scriptable stand-in for the API, mounted in the test server at
 * `/fake-api/<scenario>/<run>/v1/embed/<token>[/sessions]`, for the answers the reference API would
 * never give: broken bodies, 5xx bursts, slow and hanging responses. `<run>` keeps hit counts apart
 * so each test can count the requests it caused.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface FakeAnswer {
  status?: number;
  body?: string;
  contentType?: string;
  delayMs?: number;
  /** Never answer (until the client gives up). */
  hang?: boolean;
  headers?: Record<string, string>;
}

type Json = Record<string, unknown>;

export const validEmbedBody = (
  token = 'sh_FakeToken12345678',
  overrides: { shareLink?: Json; persona?: Json; avatar?: Json; serverTime?: string } = {},
) => ({
  shareLink: {
    id: '00000000-0000-4000-8000-00000000f001',
    token,
    type: 'PLAYER_EMBED',
    expiresAt: null,
    usageLimit: null,
    usageCount: 0,
    allowedOrigins: [],
    allowAllOrigins: true,
    removeWatermark: false,
    enabled: true,
    isPrimary: false,
    createdAt: '2026-04-20T10:00:00.000Z',
    personaId: '3f6c2a91-8d4e-4b7a-a1c5-2e9f0b8d7c61',
    personaName: 'Fake',
    challenge: 'none',
    ...overrides.shareLink,
  },
  persona: {
    id: '3f6c2a91-8d4e-4b7a-a1c5-2e9f0b8d7c61',
    name: 'Fake Persona',
    description: 'Answers from the fake API.',
    avatar: { id: 'avatar-1', displayName: 'Fake', imageUrl: null, videoUrl: null, ...overrides.avatar },
    ...overrides.persona,
  },
  serverTime: overrides.serverTime ?? new Date().toISOString(),
});

const json = (value: unknown, status = 200): FakeAnswer => ({ status, body: JSON.stringify(value) });
const rateLimited = (seconds: number): FakeAnswer => ({
  ...json({ error: 'rate-limited', message: `Too many requests; try again in ${seconds} s.` }, 429),
  headers: { 'Retry-After': String(seconds) },
});
const mutated = (
  mutate: (body: Json & { shareLink: Json; persona: Json & { avatar: Json } }) => void,
  token: string,
): FakeAnswer => {
  const body = validEmbedBody(token) as unknown as Json & { shareLink: Json; persona: Json & { avatar: Json } };
  mutate(body);
  return json(body);
};

/** Each scenario answers the n-th request (from 0) of its run. Keys are part of the URL. */
/** The protections' refusals, with the messages the reference API gives (server/embed-tokens.ts, server/challenges.ts). */
const PROTECTION_MESSAGES = {
  'signature-required':
    "This share link requires a signed embed: sign an embed token on your server with the link's signing key (signEmbedToken in share-link-embed/helpers) and set it as the element's embed-token attribute.",
  'signature-invalid':
    'The embed token expired at 2026-06-01T12:10:00.000Z: give the element a fresh one (they last at most 15 minutes).',
  'challenge-failed': 'The challenge expired: ask for a new one.',
};

export const SCENARIOS: Record<string, (hit: number, token: string, run: string) => FakeAnswer> = {
  ok: (_hit, token) => json(validEmbedBody(token)),
  ...Object.fromEntries(
    Object.entries(PROTECTION_MESSAGES).map(([error, message]) => [error, () => json({ error, message }, 403)]),
  ),
  'ok-slow': (_hit, token) => ({ ...json(validEmbedBody(token)), delayMs: 300 }),
  /** A normal link whose session start takes 1.5 s (see the sessions branch below). */
  'slow-session': (_hit, token) => json(validEmbedBody(token)),
  'ok-orb': (_hit, token) => json(validEmbedBody(token, { shareLink: { type: 'ORB_EMBED' } })),
  /** The run id is the base64url JSON of the link's allowedOrigins. */
  allowlist: (_hit, token, run) =>
    json(
      validEmbedBody(token, {
        shareLink: {
          allowAllOrigins: false,
          allowedOrigins: JSON.parse(Buffer.from(run, 'base64url').toString('utf8')),
        },
      }),
    ),
  /** A LINK link that allows no origin at all: only its share page may show it. */
  link: (_hit, token) =>
    json(validEmbedBody(token, { shareLink: { type: 'LINK', allowAllOrigins: false, allowedOrigins: [] } })),
  'link-open': (_hit, token) => json(validEmbedBody(token, { shareLink: { type: 'LINK' } })),
  'link-disabled': (_hit, token) => json(validEmbedBody(token, { shareLink: { type: 'LINK', enabled: false } })),
  'origin-restricted': (_hit, token) =>
    json(
      validEmbedBody(token, { shareLink: { allowAllOrigins: false, allowedOrigins: ['https://www.shop.example'] } }),
    ),
  'broken-media': (_hit, token) =>
    json(
      validEmbedBody(token, {
        avatar: { imageUrl: 'http://127.0.0.1:9/missing.png', videoUrl: 'http://127.0.0.1:9/missing.webm' },
      }),
    ),
  'ok-extra-fields': (_hit, token) =>
    mutated((body) => {
      body['future'] = { anything: true };
      body.shareLink['newField'] = [1, 2, 3];
      body.persona.avatar['resolution'] = '4k';
    }, token),
  /** The run id carries the server clock's offset in ms: `off-3600000-abc`, `off--3600000-abc`. */
  'clock-offset': (_hit, token, run) =>
    json(
      validEmbedBody(token, {
        serverTime: new Date(
          Date.now() + Number(/^off(-?\d+)/.exec(run.replace('off-', 'off'))?.[1] ?? 0),
        ).toISOString(),
      }),
    ),
  'flaky-2': (hit, token) => (hit < 2 ? json({ error: 'server', message: 'boom' }, 503) : json(validEmbedBody(token))),
  'always-500': () => json({ error: 'server', message: 'boom' }, 500),
  'status-429': () => json({ error: 'rate-limited' }, 429),
  /** The reference API's 429: Retry-After in seconds. Then, for `-once`, the link. */
  'rate-limited-once': (hit, token) => (hit === 0 ? rateLimited(120) : json(validEmbedBody(token))),
  'rate-limited-always': () => rateLimited(120),
  /** Lookups work; session starts answer 429 (see the sessions branch below). */
  'session-rate-limited': (_hit, token) => json(validEmbedBody(token)),
  hang: () => ({ hang: true }),
  'html-200': () => ({
    status: 200,
    body: '<!doctype html><title>Login</title><p>Please sign in',
    contentType: 'text/html',
  }),
  empty: () => ({ status: 200, body: '' }),
  truncated: (_hit, token) => ({ status: 200, body: JSON.stringify(validEmbedBody(token)).slice(0, 120) }),
  'array-top': () => json([]),
  'string-top': () => json('hello'),
  'null-top': () => json(null),
  'missing-persona': (_hit, token) => mutated((body) => Reflect.deleteProperty(body, 'persona'), token),
  'missing-enabled': (_hit, token) => mutated((body) => delete body.shareLink['enabled'], token),
  'boolean-as-string': (_hit, token) => mutated((body) => (body.shareLink['enabled'] = 'true'), token),
  'number-as-string': (_hit, token) => mutated((body) => (body.shareLink['usageCount'] = '3'), token),
  'negative-count': (_hit, token) => mutated((body) => (body.shareLink['usageCount'] = -1), token),
  'fractional-count': (_hit, token) => mutated((body) => (body.shareLink['usageLimit'] = 2.5), token),
  'huge-count': (_hit, token) => ({
    status: 200,
    body: JSON.stringify(validEmbedBody(token)).replace('"usageCount":0', '"usageCount":1e999'),
  }),
  'bad-date': (_hit, token) => mutated((body) => (body.shareLink['expiresAt'] = 'next tuesday'), token),
  'non-iso-date': (_hit, token) =>
    mutated((body) => (body.shareLink['expiresAt'] = 'Tue, 27 Apr 2027 10:00:00 GMT'), token),
  'impossible-date': (_hit, token) => mutated((body) => (body['serverTime'] = '2026-02-30T10:00:00Z'), token),
  'origins-as-string': (_hit, token) =>
    mutated((body) => (body.shareLink['allowedOrigins'] = 'https://a.example'), token),
  'proto-keys': (_hit, token) => ({
    status: 200,
    body: JSON.stringify(validEmbedBody(token)).replace(
      '"shareLink":{',
      '"__proto__":{"removeWatermark":true,"polluted":true},"shareLink":{"__proto__":{"removeWatermark":true},',
    ),
  }),
  'markup-everywhere': (_hit, token) =>
    mutated((body) => {
      const markup = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';
      body.persona['name'] = `${markup}Eve`;
      body.persona['description'] = markup;
      body.persona.avatar['displayName'] = markup;
      body.shareLink['personaName'] = markup;
    }, token),
  'javascript-url': (_hit, token) =>
    mutated((body) => (body.persona.avatar['imageUrl'] = 'javascript:window.__pwned=1'), token),
  'data-url': (_hit, token) =>
    mutated((body) => (body.persona.avatar['videoUrl'] = 'data:video/mp4;base64,AAAA'), token),
  'protocol-relative-url': (_hit, token) =>
    mutated((body) => (body.persona.avatar['imageUrl'] = '//evil.example/x.png'), token),
  'object-for-string': (_hit, token) => mutated((body) => (body.persona['name'] = { toString: 'Eve' }), token),
  'megabyte-string': (_hit, token) => mutated((body) => (body.persona['description'] = 'x'.repeat(1_100_000)), token),
  'long-name': (_hit, token) => mutated((body) => (body.persona['name'] = 'N'.repeat(600)), token),
  'watermark-as-string': (_hit, token) => mutated((body) => (body.shareLink['removeWatermark'] = 'true'), token),
  '404-json': () => json({ error: 'not-found', message: 'gone' }, 404),
  '404-plain': () => ({ status: 404, body: 'Not Found', contentType: 'text/plain' }),
  '403-disabled': () => json({ error: 'disabled', message: 'off' }, 403),
  '403-lying': () => json({ error: 'expired', message: 'mismatched' }, 403),
  '403-plain': () => ({ status: 403, body: 'Forbidden', contentType: 'text/plain' }),
  '410-json': () => json({ error: 'expired', message: 'too late' }, 410),
  '502-html': () => ({ status: 502, body: '<html>Bad gateway</html>', contentType: 'text/html' }),
  'slow-5s': (_hit, token) => ({ ...json(validEmbedBody(token)), delayMs: 5000 }),
};

/**
 * Sessions whose `engine` the reference API would not give (vendors need their clouds), or would
 * never give (broken answers). Their lookups answer a normal link.
 */
export const ENGINE_SCENARIOS: Record<string, unknown> = {
  'engine-anam': { kind: 'anam', sessionToken: 'anam-session-token-from-the-api' },
  'engine-elevenlabs': {
    kind: 'elevenlabs',
    conversationToken: 'elevenlabs-conversation-token',
    expiresAt: '2099-01-01T00:00:00.000Z',
  },
  'engine-unknown': { kind: 'skype', url: 'wss://example.invalid' },
  'engine-javascript-url': { kind: 'scripted', url: 'javascript:window.__pwned=1' },
  'engine-unreachable': { kind: 'scripted', url: 'ws://127.0.0.1:9/v1/engines/scripted?session=st_unreachable' },
};
for (const scenario of Object.keys(ENGINE_SCENARIOS))
  SCENARIOS[scenario] = (_hit, token) => json(validEmbedBody(token));

const hits = new Map<string, number>();

export const fakeApiHits = (scenario: string, run: string): number => hits.get(`${scenario}/${run}`) ?? 0;

const PATH = /^\/fake-api\/([\w-]+)\/([\w-]+)\/v1\/embed\/([^/?]+)(\/sessions)?$/;

/** Koa-style middleware for @web/test-runner's dev server. */
export async function fakeApiMiddleware(
  context: { req: IncomingMessage; res: ServerResponse; respond: boolean },
  next: () => Promise<unknown>,
) {
  const url = new URL(context.req.url ?? '/', 'http://localhost');
  const match = PATH.exec(url.pathname);
  if (!match) return next();
  const [, scenario, run, token, sessions] = match as unknown as [string, string, string, string, string | undefined];
  const key = `${scenario}/${run}`;
  const hit = hits.get(key) ?? 0;
  hits.set(key, hit + 1);
  context.respond = false;
  const res = context.res;
  const session = json(
    {
      sessionToken: `st_fake_${'x'.repeat(24)}`,
      expiresAt: new Date(Date.now() + 900_000).toISOString(),
      usageCount: 1,
      engine: ENGINE_SCENARIOS[scenario] ?? null,
    },
    201,
  );
  const answer: FakeAnswer = sessions
    ? scenario === 'session-rate-limited'
      ? rateLimited(90)
      : { ...session, delayMs: scenario === 'slow-session' ? 1500 : 0 }
    : (SCENARIOS[scenario]?.(hit, decodeURIComponent(token), run) ??
      json({ error: 'not-found', message: `no scenario ${scenario}` }, 404));
  if (answer.hang) {
    context.req.on('close', () => res.destroy());
    return;
  }
  if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
  if (res.destroyed) return;
  res.writeHead(answer.status ?? 200, {
    'Content-Type': answer.contentType ?? 'application/json',
    'Cache-Control': 'no-store',
    ...answer.headers,
  });
  res.end(answer.body ?? '');
}
