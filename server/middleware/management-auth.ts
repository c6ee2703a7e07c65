/**
 * The management API's key (docs/api.md, "Management"): Hono's `bearerAuth`, which compares keys
 * in constant time, inside the wrong-key limiter: a client that has used its failed attempts is
 * refused before its key is even looked at, and each wrong or missing key counts one failure.
 * Every refusal is `401 unauthorized` (or `429` once the failures are used up), whatever was wrong.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { problem, rateLimited } from '../errors.ts';
import { MANAGEMENT_KEY } from '../secrets.ts';
import type { AbuseLimits } from './abuse-limits.ts';

/** Without `apiKey`, every management request is refused. */
export function managementAuth(apiKey: string | undefined, limits: AbuseLimits): MiddlewareHandler {
  // bearerAuth refuses any header that is not a Bearer token before it compares: another key could never match.
  if (apiKey !== undefined && !MANAGEMENT_KEY.test(apiKey))
    throw new Error('the management key may hold only letters, digits and -._~+/ (then = padding), as a Bearer token');
  const refuse = async (c: Context): Promise<Response> => {
    const failure = await limits.managementFailed(c);
    return failure.allowed ? problem(c, 'unauthorized') : rateLimited(c, failure.retryAfterSeconds);
  };
  const checkKey = bearerAuth({
    ...(apiKey ? { token: apiKey } : { verifyToken: () => false }),
    noAuthenticationHeader: { message: refuse },
    invalidAuthenticationHeader: { message: refuse },
    invalidToken: { message: refuse },
  });
  return async (c, next) => {
    const allowed = await limits.managementAllowed(c);
    if (!allowed.allowed) return rateLimited(c, allowed.retryAfterSeconds);
    return checkKey(c, next);
  };
}
