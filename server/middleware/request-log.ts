/**
 * Request logs (docs/operators.md, "Logs"): one JSON line per request, with pino, carrying the
 * request's id (Hono's `requestId`: the `X-Request-Id` the client or proxy sent, when it is short
 * and plain, else a new one; answered in `X-Request-Id` too), the method, the path, the status,
 * the time taken and the page origin.
 *
 * What a line never holds: headers (the management key travels in `Authorization`), bodies, or
 * whole tokens. Share-link and session tokens (`sh_…`, `st_…`) are cut to their first characters,
 * and so is any other long opaque path segment or query value (a capability URL, say): enough to
 * tell requests apart, never enough to use. UUIDs (link ids) stay whole.
 */
import { randomBytes } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import pino, { type Logger } from 'pino';
import { isUuid } from '../schemas.ts';

/** Characters of a token or an opaque value kept in a log line. */
const KEPT = 4;
const TOKEN = /^(sh|st)_/;
const OPAQUE_MIN_LENGTH = 20;

/** A value as logged: whole, or cut to its first characters and `…`. */
export function shortened(value: string): string {
  if (TOKEN.test(value)) return value.length > 3 + KEPT ? `${value.slice(0, 3 + KEPT)}…` : value;
  if (value.length >= OPAQUE_MIN_LENGTH && !isUuid(value)) return `${value.slice(0, KEPT)}…`;
  return value;
}

/** Something that may need cutting: a token, or a run of 20 characters without a separator. */
const MAY_HOLD_SECRETS = /(?:^|[/=&])s[ht]_|[^/?&=]{20}/;

/** Targets already cut, by target: a page's lookups repeat the same few. Emptied when full. */
const cutTargets = new Map<string, string>();
const MAX_CUT_TARGETS = 1000;

/** The path and query of a request URL as logged (see the module comment). */
export function loggedTarget(url: string): string {
  let shown = cutTargets.get(url);
  if (shown === undefined) {
    if (cutTargets.size >= MAX_CUT_TARGETS) cutTargets.clear();
    cutTargets.set(url, (shown = cutTarget(url)));
  }
  return shown;
}

function cutTarget(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  const target = start < 0 ? '/' : url.slice(start);
  // Most requests hold nothing to cut: they are logged as they are, without splitting.
  if (!MAY_HOLD_SECRETS.test(target)) return target;
  const [path = '/', query] = target.split('?', 2);
  const shownPath = path.split('/').map(shortened).join('/');
  if (query === undefined) return shownPath;
  const shownQuery = query
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      return equals < 0 ? shortened(pair) : `${pair.slice(0, equals)}=${shortened(pair.slice(equals + 1))}`;
    })
    .join('&');
  return `${shownPath}?${shownQuery}`;
}

/**
 * JSON lines on standard output through pino's asynchronous writer (sonic-boom), in writes of up
 * to 64 KiB (from 32 KiB), at least every 250 ms. Lines are handed to it as bytes (`contentMode: 'buffer'`): in
 * its text mode it measures the whole waiting chunk again for every line, and a write per line
 * costs a system call each; either cost every request more than its line (measured with
 * `npm run bench`, docs/operators.md). A `kill -9` may lose the lines of the last 250 ms.
 */
export function stdoutLogger(): Logger {
  const writer = pino.destination({
    dest: 1,
    sync: false,
    contentMode: 'buffer',
    minLength: 32_768,
    maxWrite: 65_536,
    periodicFlush: 250,
  });
  return pino({ base: undefined }, {
    write: (line: string) => writer.write(Buffer.from(line) as unknown as string),
    flush: (done?: (error?: Error) => void) => writer.flush(done),
  } as unknown as pino.DestinationStream);
}

/**
 * A new request id: this process's random prefix and a count, unique without costing each request
 * a UUID's random bytes (`k3J9xQ2mB7vL-1a`).
 */
function requestIds(): () => string {
  const prefix = randomBytes(9).toString('base64url');
  let count = 0;
  return () => `${prefix}-${(++count).toString(36)}`;
}

/** The request id and the log line; first in the app's chain, so every answer is logged. */
export function requestLog(logger: Logger): MiddlewareHandler[] {
  const log: MiddlewareHandler = async (c, next) => {
    const started = performance.now();
    await next();
    logger.info({
      requestId: c.get('requestId'),
      method: c.req.method,
      path: loggedTarget(c.req.url),
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 100) / 100,
      origin: c.req.header('origin')?.slice(0, 200) ?? null,
    });
  };
  return [requestId({ generator: requestIds() }), log];
}
