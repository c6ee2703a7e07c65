/**
 * Abuse limits on requests (docs/api.md, "Abuse limits"; the counting is server/limits.ts): per
 * client address, never per `Origin` (which any script can forge), decided before any work.
 *
 * A lookup or a session start refused here (`429`) is reported to the observers like any other
 * refusal (server/observers.ts), as `rate-limited`, without a link: none was read.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { clientAddress, limitKeyOf } from '../client-address.ts';
import { rateLimited } from '../errors.ts';
import type { AbuseLimiter, LimitDecision } from '../limits.ts';
import type { LinkObserver } from '../observers.ts';
import { pageOrigin } from '../origins.ts';

export interface AbuseLimitsOptions {
  trustProxy: boolean;
  /** Told of the lookups and session starts refused here. */
  notify?: LinkObserver;
  now?: () => number;
  /** Told of every decision, by limit (metrics). */
  onDecision?: (limit: string, allowed: boolean) => void;
}

export interface AbuseLimits {
  /** Every request of the embed API that resolves a token (lookups and session starts), known tokens or not. */
  lookups: MiddlewareHandler;
  /**
   * The same limit (the same counts) for requests whose refusals are not link events: share pages
   * and posters (the page's own lookup is the event).
   */
  unreportedLookups: MiddlewareHandler;
  /** Every session start on one link (by token), granted or not; after `lookups`. */
  sessionStarts: MiddlewareHandler;
  /** Before a management key is checked: refused once the client has used its failed attempts. */
  managementAllowed(c: Context): Promise<LimitDecision>;
  /** After a wrong or missing management key. */
  managementFailed(c: Context): Promise<LimitDecision>;
}

const ALLOWED: LimitDecision = { allowed: true };

/** With `limiter` `null`, everything is allowed (`--no-limits`, for benchmarks and load tests). */
export function abuseLimits(limiter: AbuseLimiter | null, options: AbuseLimitsOptions): AbuseLimits {
  const { trustProxy, notify, now = Date.now, onDecision } = options;
  const clientOf = (c: Context) => limitKeyOf(clientAddress(c, trustProxy));
  const ask = async (name: string, question: (limiter: AbuseLimiter) => Promise<LimitDecision>) => {
    if (!limiter) return ALLOWED;
    const decision = await decide(() => question(limiter));
    onDecision?.(name, decision.allowed);
    return decision;
  };
  /** A refused lookup (GET) or session start (POST) of the embed API, for the observers. */
  const report = (c: Context) =>
    notify?.({
      type: c.req.method === 'POST' ? 'session-refused' : 'lookup-refused',
      reason: 'rate-limited',
      token: c.req.param('token') ?? '',
      origin: pageOrigin(c),
      at: now(),
    });
  const limit =
    (
      name: string,
      question: (limiter: AbuseLimiter, c: Context) => Promise<LimitDecision>,
      reported: boolean,
    ): MiddlewareHandler =>
    async (c, next) => {
      const decision = await ask(name, (active) => question(active, c));
      if (!decision.allowed) {
        if (reported) report(c);
        return rateLimited(c, decision.retryAfterSeconds);
      }
      await next();
    };
  const lookup = (active: AbuseLimiter, c: Context) => active.lookup(clientOf(c));
  return {
    lookups: limit('lookup', lookup, true),
    unreportedLookups: limit('lookup', lookup, false),
    sessionStarts: limit(
      'session-start',
      (active, c) => active.sessionStart(clientOf(c), c.req.param('token') ?? ''),
      true,
    ),
    managementAllowed: (c) => ask('management-auth', (active) => active.managementAllowed(clientOf(c))),
    managementFailed: (c) => ask('management-auth', (active) => active.managementFailed(clientOf(c))),
  };
}

/** A limiter that fails (its store is down) lets the request through: the store will refuse it if it must. */
async function decide(decision: () => Promise<LimitDecision>): Promise<LimitDecision> {
  try {
    return await decision();
  } catch (error) {
    console.error('[share-link-api] abuse limiter failed; request allowed:', error);
    return ALLOWED;
  }
}
