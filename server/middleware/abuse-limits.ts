/**
 * Abuse limits on requests (docs/api.md, "Abuse limits"; the counting is server/limits.ts): per
 * client address, never per `Origin` (which any script can forge), decided before any work.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { clientAddress, limitKeyOf } from '../client-address.ts';
import { rateLimited } from '../errors.ts';
import { KEY_PREFIX_LENGTH, type AbuseLimiter, type LimitDecision } from '../limits.ts';

export interface AbuseLimits {
  /** Every request that resolves a token (lookups, session starts, share pages), known tokens or not. */
  lookups: MiddlewareHandler;
  /** Every session start on one link (by token), granted or not; after `lookups` and after the token passed its pattern. */
  sessionStarts: MiddlewareHandler;
  /** Before a management key is checked: refused once the client has used its failed attempts (for this key's prefix, or in all). */
  managementAllowed(c: Context): Promise<LimitDecision>;
  /** After a wrong or missing management key. */
  managementFailed(c: Context): Promise<LimitDecision>;
}

/** The first characters of the Bearer key a request presents, as far as a Bearer token may hold them; `''` for none. */
function presentedKeyPrefix(c: Context): string {
  const match = /^Bearer +([A-Za-z0-9._~+/=-]+)/i.exec(c.req.header('authorization') ?? '');
  return match ? match[1]!.slice(0, KEY_PREFIX_LENGTH) : '';
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
    managementAllowed: (c) => ask((active) => active.managementAllowed(clientOf(c), presentedKeyPrefix(c))),
    managementFailed: (c) => ask((active) => active.managementFailed(clientOf(c), presentedKeyPrefix(c))),
  };
}

/**
 * A limiter that fails (its store is down) lets the request through: the store will refuse it if it
 * must. A key the limiter refuses (`TypeError`) is this server's mistake, not an outage: it fails the request.
 */
async function decide(decision: () => Promise<LimitDecision>): Promise<LimitDecision> {
  try {
    return await decision();
  } catch (error) {
    if (error instanceof TypeError) throw error;
    console.error('[share-link-api] abuse limiter failed; request allowed:', error);
    return ALLOWED;
  }
}
