/**
 * Stand-ins for the vendors' clouds, on loopback, following their published shapes:
 *
 * - Anam: `POST /v1/auth/session-token` with `Authorization: Bearer <key>` and a JSON body with
 *   `personaConfig` → `200 { sessionToken }` (a JWT), `401` for a wrong key.
 * - ElevenLabs: `GET /v1/convai/agents/{agent_id}/link` with `xi-api-key` → `200
 *   GetAgentLinkResponseModel` (seeds: elevenlabs-get-agent-link.md), `401` for a wrong key.
 *
 * Each answers its n-th request (from 0) as `behaviour(n)` says: normally, slowly (past any sane
 * timeout), with 401 or 500, with malformed JSON, with a wrong shape, with a huge body, and (for
 * ElevenLabs) with no token or an expired one. Every request is recorded (method, path, headers,
 * body) so tests can check what went upstream.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type VendorBehaviour =
  | 'ok'
  | 'slow'
  | 'status-401'
  | 'status-500'
  | 'malformed-json'
  | 'wrong-shape'
  | 'huge'
  /** ElevenLabs only: an agent without a shareable link (`token: null`). */
  | 'no-token'
  /** ElevenLabs only: a token whose expiry has passed. */
  | 'expired-token'
  /** ElevenLabs only: a token without expiry (`expiration_time_unix_secs: null`). */
  | 'no-expiry'
  /** ElevenLabs only: a token that expires after the year 9999 (an extended-year ISO date, `+010000-…`). */
  | 'far-expiry'
  /** A well-formed token of `LONG_TOKEN_LENGTH` characters: longer than a session token, within what vendors send. */
  | 'long-token';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeVendor {
  /** Base URL, e.g. `http://127.0.0.1:41234`: what `ANAM_API_URL` / `ELEVENLABS_API_URL` would be. */
  url: string;
  /** The key it accepts. */
  key: string;
  requests: RecordedRequest[];
  /** How to answer the n-th request (from 0); `'ok'` by default. */
  behaviour: (n: number) => VendorBehaviour;
  /** Milliseconds before every answer (not `slow`, which never answers in time). */
  delayMs: number;
  close: () => Promise<void>;
}

/** The expiry the fake ElevenLabs gives its tokens; `conversation_token` is `convtok_<n>`. */
export const FAKE_ELEVENLABS_EXPIRY_SECS = 4_102_444_800; // 2100-01-01T00:00:00Z

/** The length of a `long-token` answer's token: between 4,096 and 8,192 characters. */
export const LONG_TOKEN_LENGTH = 6_000;
/** A `far-expiry` token's expiry: 10000-01-01T00:00:00Z. */
export const FAR_EXPIRY_SECS = 253_402_300_800;

const SLOW_MS = 30_000;

async function startFakeVendor(kind: 'anam' | 'elevenlabs', key: string): Promise<FakeVendor> {
  const sockets = new Set<Socket>();
  const vendor: FakeVendor = {
    url: '',
    key,
    requests: [],
    behaviour: () => 'ok',
    delayMs: 0,
    close: async () => undefined,
  };

  const server: Server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const n = vendor.requests.length;
    const path = new URL(req.url ?? '/', 'http://vendor').pathname;
    vendor.requests.push({ method: req.method ?? '', path, headers: req.headers, body });
    const behaviour = vendor.behaviour(n);
    if (behaviour === 'slow') {
      // Answers long after any caller has given up; the socket is destroyed when the test closes.
      setTimeout(() => !res.destroyed && answer(res, 200, '{}'), SLOW_MS).unref();
      return;
    }
    if (vendor.delayMs) await new Promise((resolve) => setTimeout(resolve, vendor.delayMs));
    if (kind === 'anam') anam(req.method, path, req.headers, body, behaviour, n, res);
    else elevenLabs(req.method, path, req.headers, behaviour, n, res);
  });

  function anam(
    method: string | undefined,
    path: string,
    headers: IncomingHttpHeaders,
    body: string,
    behaviour: VendorBehaviour,
    n: number,
    res: ServerResponse,
  ) {
    if (method !== 'POST' || path !== '/v1/auth/session-token')
      return answer(res, 404, JSON.stringify({ message: 'Not Found' }));
    const given = headers['authorization'] ?? '';
    // A careless upstream that echoes what it received: the key must still never reach a log or a visitor.
    if (given !== `Bearer ${vendor.key}` || behaviour === 'status-401')
      return answer(res, 401, JSON.stringify({ error: 'Unauthorized', message: `invalid API key: ${given}` }));
    let personaId: unknown;
    try {
      personaId = (JSON.parse(body) as { personaConfig?: { personaId?: unknown } }).personaConfig?.personaId;
    } catch {
      return answer(res, 400, JSON.stringify({ message: 'Invalid JSON' }));
    }
    if (typeof personaId !== 'string')
      return answer(res, 400, JSON.stringify({ message: 'personaConfig.personaId is required' }));
    const common = commonFailure(res, behaviour, given);
    if (common) return;
    if (behaviour === 'wrong-shape') return answer(res, 200, JSON.stringify({ token: 'not-the-documented-field' }));
    const claims = { sessionId: `session-${n}`, personaId, type: 'stateful' };
    const sessionToken = behaviour === 'long-token' ? longJwt(claims) : fakeJwt(claims);
    answer(res, 200, JSON.stringify({ sessionToken }));
  }

  function elevenLabs(
    method: string | undefined,
    path: string,
    headers: IncomingHttpHeaders,
    behaviour: VendorBehaviour,
    n: number,
    res: ServerResponse,
  ) {
    const match = /^\/v1\/convai\/agents\/([^/]+)\/link$/.exec(path);
    if (method !== 'GET' || !match) return answer(res, 404, JSON.stringify({ detail: 'Not Found' }));
    const agentId = decodeURIComponent(match[1]!);
    const given = String(headers['xi-api-key'] ?? '');
    if (given !== vendor.key || behaviour === 'status-401') {
      return answer(
        res,
        401,
        JSON.stringify({ detail: { status: 'invalid_api_key', message: `Invalid API key: ${given}` } }),
      );
    }
    const common = commonFailure(res, behaviour, given);
    if (common) return;
    if (behaviour === 'wrong-shape')
      return answer(
        res,
        200,
        JSON.stringify({ agent_id: agentId, token: { agent_id: agentId, conversation_token: 42 } }),
      );
    if (behaviour === 'no-token') return answer(res, 200, JSON.stringify({ agent_id: agentId, token: null }));
    const expiry =
      behaviour === 'expired-token'
        ? 1_600_000_000
        : behaviour === 'no-expiry'
          ? null
          : behaviour === 'far-expiry'
            ? FAR_EXPIRY_SECS
            : FAKE_ELEVENLABS_EXPIRY_SECS;
    answer(
      res,
      200,
      JSON.stringify({
        agent_id: agentId,
        token: {
          agent_id: agentId,
          conversation_token: behaviour === 'long-token' ? longJwt({ n }) : `convtok_${n}`,
          expiration_time_unix_secs: expiry,
          conversation_id: null,
          purpose: 'shareable_link',
          token_requester_user_id: null,
        },
      }),
    );
  }

  /** 500, malformed JSON and huge bodies look the same at both vendors. Returns whether it answered. */
  function commonFailure(res: ServerResponse, behaviour: VendorBehaviour, given: string): boolean {
    if (behaviour === 'status-500')
      answer(res, 500, JSON.stringify({ message: `internal error while handling key ${given}` }));
    else if (behaviour === 'malformed-json') answer(res, 200, '{"sessionToken": "eyJ', 'application/json');
    else if (behaviour === 'huge') {
      // Streamed without a Content-Length, so only counting the bytes read can stop it.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"sessionToken": "');
      for (let i = 0; i < 16; i++) res.write('x'.repeat(64 * 1024));
      res.end('"}');
    } else return false;
    return true;
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  vendor.url = `http://127.0.0.1:${port}`;
  vendor.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return vendor;
}

function answer(res: ServerResponse, status: number, body: string, contentType = 'application/json') {
  res.writeHead(status, { 'Content-Type': contentType });
  res.end(body);
}

/** A JWT-shaped token (header.payload.signature), as Anam's session tokens are. */
function fakeJwt(payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}.fake-signature`;
}

/** A JWT-shaped token of exactly `LONG_TOKEN_LENGTH` characters (a long signature, as RS512 or ES512 give). */
function longJwt(payload: Record<string, unknown>): string {
  const unsigned = fakeJwt(payload).replace(/\.fake-signature$/, '.');
  return unsigned.padEnd(LONG_TOKEN_LENGTH, 's');
}

export const startFakeAnam = (key: string) => startFakeVendor('anam', key);
export const startFakeElevenLabs = (key: string) => startFakeVendor('elevenlabs', key);
