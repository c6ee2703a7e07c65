/**
 * The fetch layer: turns a token into a validated share link, and asks for a session.
 *
 * - Requests never carry credentials: no Authorization header, and no cookie or client certificate
 *   (`credentials: 'same-origin'` to an API on another origin, which sends none there and matches
 *   the snippet's `<link rel="preload" as="fetch" crossorigin>` of the lookup; `'omit'` to an API on
 *   the page's own origin).
 * - Every failure becomes a `ShareLinkError` with one of the reasons of docs/element.md ("Error
 *   reasons"); an abort by the caller rejects with the caller's `AbortError`, which the element
 *   ignores.
 * - Concurrent lookups of the same link share one request; it is aborted only when every caller
 *   has given up on it.
 */
import { ShareLinkError, isAbortError, reasonOf } from './errors.js';
import {
  isValidToken,
  parseEmbedResponse,
  parseSessionResponse,
  type EmbedResponse,
  type SessionResponse,
} from './schema.js';

export interface RequestOptions {
  /** Base URL of the API; relative URLs resolve against the page. */
  apiBase: string;
  signal?: AbortSignal;
  /** Per attempt. Default 10 s. */
  timeoutMs?: number;
  /** A signed embed's token (the element's `embed-token`), sent as the `embedToken` query parameter. */
  embedToken?: string | undefined;
}

export interface StartOptions extends RequestOptions {
  /** A solved proof of work (ALTCHA's payload), sent as `X-Share-Link-Challenge`. */
  challenge?: string | undefined;
}

export interface ResolveOptions extends RequestOptions {
  /** Further attempts after a `network` or `server` failure; never after a 4xx. Default 2. */
  retries?: number;
  /** First backoff delay, doubled each retry. Default 400 ms. */
  retryDelayMs?: number;
}

export interface ResolvedLink extends EmbedResponse {
  /** `server clock − visitor clock` in ms, so expiry can be judged by server time. */
  clockOffset: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_BODY_CHARS = 1_000_000;

const inflight = new Map<string, { promise: Promise<ResolvedLink>; controller: AbortController; callers: number }>();

/** Resolves a token to its share link and public persona, fully validated. */
export function resolve(token: string, options: ResolveOptions): Promise<ResolvedLink> {
  let url: string;
  try {
    url = endpoint(options.apiBase, token, '', options.embedToken);
  } catch (error) {
    return Promise.reject(error);
  }
  let entry = inflight.get(url);
  if (!entry) {
    const controller = new AbortController();
    const promise = withRetries(() => fetchEmbed(url, controller.signal, options), options, controller.signal);
    const created = { promise, controller, callers: 0 };
    promise.then(
      () => inflight.get(url) === created && inflight.delete(url),
      () => inflight.get(url) === created && inflight.delete(url),
    );
    inflight.set(url, created);
    entry = created;
  }
  const shared = entry;
  shared.callers++;
  return followUntilAborted(shared.promise, options.signal, () => {
    if (--shared.callers === 0 && inflight.get(url) === shared) {
      inflight.delete(url);
      shared.controller.abort();
    }
  });
}

/** Asks the API for a conversation session; the API counts one use. Never retried: a retry could count twice. */
export async function startSession(token: string, options: StartOptions): Promise<SessionResponse> {
  const url = endpoint(options.apiBase, token, '/sessions', options.embedToken);
  const header = options.challenge && { 'X-Share-Link-Challenge': options.challenge };
  const body = await request(url, 'POST', options.signal, options.timeoutMs, header);
  return parseSessionResponse(body.json);
}

/** A proof of work to solve before starting (ALTCHA's challenge JSON; the challenge chunk checks its shape). */
export async function fetchChallenge(token: string, options: RequestOptions): Promise<unknown> {
  const url = endpoint(options.apiBase, token, '/challenge', options.embedToken);
  return (await request(url, 'GET', options.signal, options.timeoutMs)).json;
}

/** Builds the embed URL (and `path` under it), refusing a malformed token before any request is made. */
export function endpoint(apiBase: string, token: string, path = '', embedToken?: string): string {
  if (!isValidToken(token)) {
    throw new ShareLinkError(
      'invalid-token',
      `"${String(token).slice(0, 80)}" is not a share-link token (sh_ then 8 to 64 letters or digits)`,
    );
  }
  let base: URL | undefined;
  try {
    base = new URL(apiBase, globalThis.location?.href);
  } catch {
    // Reported below, with the other ways an api-base can be wrong.
  }
  if (base?.protocol !== 'https:' && base?.protocol !== 'http:') {
    throw new ShareLinkError('network', `api-base "${apiBase}" is not an http: or https: URL`);
  }
  const query = embedToken ? `?embedToken=${encodeURIComponent(embedToken)}` : '';
  return `${base.href.replace(/\/+$/, '')}/v1/embed/${token}${path}${query}`;
}

async function fetchEmbed(url: string, signal: AbortSignal, options: ResolveOptions): Promise<ResolvedLink> {
  const sentAt = Date.now();
  const body = await request(url, 'GET', signal, options.timeoutMs);
  const receivedAt = Date.now();
  const data = parseEmbedResponse(body.json);
  // The midpoint of the round trip is the best local estimate of when the server read its clock.
  const clockOffset = Date.parse(data.serverTime) - (sentAt + receivedAt) / 2;
  return { ...data, clockOffset };
}

interface JsonBody {
  status: number;
  json: unknown;
}

/**
 * `same-origin` sends no credentials to another origin, as `omit` does, and is what a
 * `<link rel="preload" as="fetch" crossorigin>` asks with; to the page's own origin, `omit`.
 */
function credentialsFor(url: string): RequestCredentials {
  return new URL(url).origin === globalThis.location?.origin ? 'omit' : 'same-origin';
}

async function request(
  url: string,
  method: 'GET' | 'POST',
  signal: AbortSignal | undefined,
  timeoutMs = DEFAULT_TIMEOUT_MS,
  headers?: Record<string, string> | '' | undefined,
): Promise<JsonBody> {
  signal?.throwIfAborted();
  const attempt = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    attempt.abort();
  }, timeoutMs);
  const forwardAbort = () => attempt.abort(signal?.reason);
  signal?.addEventListener('abort', forwardAbort, { once: true });
  try {
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        // The API answers `no-store`: no cache mode needs saying. No headers of its own on a lookup
        // either: a preloaded lookup is reused only by a request that asks exactly as it did.
        credentials: credentialsFor(url),
        ...(headers && { headers }),
        signal: attempt.signal,
      });
      text = await readText(response);
    } catch (error) {
      if (error instanceof ShareLinkError) throw error;
      if (signal?.aborted) throw signal.reason;
      if (timedOut) throw new ShareLinkError('network', `the API did not answer within ${timeoutMs} ms (${url})`);
      throw new ShareLinkError(
        'network',
        `the API could not be reached (${url}): offline, blocked by CORS, or refused`,
      );
    }
    const json = parseJson(text);
    if (!response.ok) throw errorFromResponse(response.status, json, url, response.headers.get('retry-after'));
    if (json === undefined)
      throw new ShareLinkError(
        'bad-response',
        `the API answered ${response.status} without a JSON body (${url})`,
        response.status,
      );
    return { status: response.status, json };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', forwardAbort);
  }
}

async function readText(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > MAX_BODY_CHARS)
    throw new ShareLinkError('bad-response', `the API's answer is too large (${declared} bytes)`, response.status);
  const text = await response.text();
  if (text.length > MAX_BODY_CHARS)
    throw new ShareLinkError(
      'bad-response',
      `the API's answer is too large (${text.length} characters)`,
      response.status,
    );
  return text;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The API's own `error` field wins when it agrees with the status; otherwise the status decides (errors.ts). */
function errorFromResponse(status: number, json: unknown, url: string, retryAfter: string | null): ShareLinkError {
  const body = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  const detail = typeof body['message'] === 'string' ? `: ${body['message'].slice(0, 300)}` : '';
  if (status >= 500) return new ShareLinkError('server', `the API failed with ${status}${detail} (${url})`, status);
  if (status === 429)
    return new ShareLinkError(
      'rate-limited',
      `the API rate-limited this visitor's address (429${retryAfter ? `, Retry-After ${retryAfter.slice(0, 40)}` : ''})${detail}`,
      status,
      parseRetryAfter(retryAfter),
    );
  return new ShareLinkError(
    reasonOf(status, body['error']),
    `the API refused the link with ${status}${detail}`,
    status,
  );
}

const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** `Retry-After` as ms: delay-seconds or an HTTP date (RFC 9110 §10.2.3); `undefined` when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d{1,9}$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  const date = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}

async function withRetries<T>(run: () => Promise<T>, options: ResolveOptions, signal: AbortSignal): Promise<T> {
  const retries = Math.max(0, Math.min(options.retries ?? 2, 5));
  const firstDelay = options.retryDelayMs ?? 400;
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const retryable = error instanceof ShareLinkError && (error.reason === 'network' || error.reason === 'server');
      if (!retryable || attempt >= retries || signal.aborted) throw error;
      // Jitter spreads out the retries of many widgets that failed together.
      await sleep(firstDelay * 2 ** attempt * (0.75 + Math.random() * 0.5), signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolveSleep, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolveSleep();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Settles with `shared`, unless the caller's own signal aborts first. */
function followUntilAborted<T>(shared: Promise<T>, signal: AbortSignal | undefined, release: () => void): Promise<T> {
  if (signal?.aborted) {
    release();
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolveCaller, rejectCaller) => {
    const onAbort = () => {
      release();
      rejectCaller(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    shared.then(
      (value) => {
        signal?.removeEventListener('abort', onAbort);
        resolveCaller(value);
      },
      (error: unknown) => {
        signal?.removeEventListener('abort', onAbort);
        // The shared request was aborted because every caller left; this caller is one of them.
        rejectCaller(isAbortError(error) && signal?.aborted ? signal.reason : error);
      },
    );
  });
}

/** How many lookups are in flight; for tests and the benchmark. */
export const inflightCount = (): number => inflight.size;
