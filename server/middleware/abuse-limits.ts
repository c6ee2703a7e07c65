/**
 * Abuse limits on requests (docs/api.md, "Abuse limits"; the counting is server/limits.ts): per
 * client address, never per `Origin` (which any script can forge), decided before any work.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { clientAddress, limitKeyOf } from '../client-address.ts';
import { rateLimited } from '../errors.ts';
import type { AbuseLimiter, LimitDecision } from '../limits.ts';

export interface AbuseLimits {
  /** Every request that resolves a token (lookups, session starts, share pages), known tokens or not. */
  lookups: MiddlewareHandler;
  /** Every session start on one link (by token), granted or not; after `lookups`. */
  sessionStarts: MiddlewareHandler;
  /** Before a management key is checked: refused once the client has used its failed attempts. */
  managementAllowed(c: Context): Promise<LimitDecision>;
  /** After a wrong or missing management key. */
  managementFailed(c: Context): Promise<LimitDecision>;
}

const ALLOWED: LimitDecision = { allowed: true };

/** With `limiter` `null`, everything is allowed (`--no-limits`, for benchmarks and load tests). */
export function abuseLimits(limiter: AbuseLimiter | null, { trustProxy }: { trustProxy: boolean }): AbuseLimits {
  const clientOf = (c: Context) => limitKeyOf(clientAddress(c, trustProxy));
  const ask = (question: (limiter: AbuseLimiter) => Promise<LimitDecision>) =>
    limiter ? decide(() => question(limiter)) : Promise.resolve(ALLOWED);
  const limit =
    (question: (limiter: AbuseLimiter, c: Context) => Promise<LimitDecision>): MiddlewareHandler =>
    async (c, next) => {
      const decision = await ask((active) => question(active, c));
      if (!decision.allowed) return rateLimited(c, decision.retryAfterSeconds);
      await next();
    };
  return {
    lookups: limit((active, c) => active.lookup(clientOf(c))),
    sessionStarts: limit((active, c) => active.sessionStart(clientOf(c), c.req.param('token') ?? '')),
    managementAllowed: (c) => ask((active) => active.managementAllowed(clientOf(c))),
    managementFailed: (c) => ask((active) => active.managementFailed(clientOf(c))),
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
