/**
 * Request logs (docs/operators.md, "Logs"): one JSON line per request, with pino, carrying the
 * request's id (Hono's `requestId`: the `X-Request-Id` the client or proxy sent, when it is short
 * and plain, else a new UUID; answered in `X-Request-Id` too), the method, the path, the status,
 * the time taken and the page origin.
 *
 * What a line never holds: headers (the management key travels in `Authorization`), bodies, or
 * whole tokens. Share-link and session tokens (`sh_…`, `st_…`) are cut to their first characters,
 * and so is any other long opaque path segment or query value (a capability URL, say): enough to
 * tell requests apart, never enough to use. UUIDs (link ids) stay whole.
 */
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

/** The path and query of a request URL as logged (see the module comment). */
export function loggedTarget(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  const target = start < 0 ? '/' : url.slice(start);
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

/** JSON lines on standard output, written asynchronously (a `kill -9` may lose the last few). */
export function stdoutLogger(): Logger {
  return pino(
    { base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 1, sync: false }),
  );
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
  return [requestId(), log];
}
