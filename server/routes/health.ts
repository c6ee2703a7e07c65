/**
 * Health (docs/operators.md, "Health"): for load balancers and orchestrators, no key, no CORS.
 * `GET /healthz`: 200 while the process serves. `GET /readyz`: 200 when the store answers within
 * READY_TIMEOUT_MS, else `503 { "error": "server" }`: take the process out of rotation, not down.
 */
import { Hono } from 'hono';
import { problem } from '../errors.ts';
import { reportStoreFailure, type StoreHealth } from '../store/index.ts';

export const READY_TIMEOUT_MS = 1000;

export function healthRoutes({ store }: { store: StoreHealth }): Hono {
  const health = new Hono();
  health.get('/healthz', (c) => c.json({ status: 'ok' }));
  health.get('/readyz', async (c) => {
    try {
      await store.ping(READY_TIMEOUT_MS);
      return c.json({ status: 'ready' });
    } catch (error) {
      // The cause (naming the database) goes to the log, not to whoever asks.
      reportStoreFailure(error as Error);
      return problem(c, 'store-unavailable', { message: `The store did not answer within ${READY_TIMEOUT_MS} ms.` });
    }
  });
  return health;
}
