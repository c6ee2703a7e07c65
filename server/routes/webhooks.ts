/**
 * `GET /v1/webhooks/deliveries` (docs/api.md, "Webhooks"): the management key; recent delivery
 * attempts, newest first, paged as share links are, with how many events wait in the outbox.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { valid } from '../middleware/validation.ts';
import { DeliveriesQuerySchema } from '../schemas.ts';
import { listMeta } from '../store/shared.ts';
import type { WebhookAttempt, WebhookOutbox } from '../store/index.ts';

export interface WebhookRoutesOptions {
  store: WebhookOutbox;
  auth: MiddlewareHandler;
  /** Where events are sent, `null` when webhooks are off. */
  url: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const shown = (attempt: WebhookAttempt) => ({
  ...attempt,
  at: iso(attempt.at),
  nextAttemptAt: iso(attempt.nextAttemptAt),
});

export function webhookRoutes({ store, auth, url }: WebhookRoutesOptions): Hono {
  const routes = new Hono();
  routes.use('*', auth);

  routes.get('/deliveries', valid('query', DeliveriesQuerySchema), async (c) => {
    const { page, perPage } = c.req.valid('query');
    const [{ data, total }, pending] = await Promise.all([
      store.webhookAttempts(page, perPage),
      store.webhookBacklog(),
    ]);
    return c.json({ data: data.map(shown), meta: { ...listMeta(total, page, perPage), pending, url } });
  });

  return routes;
}
