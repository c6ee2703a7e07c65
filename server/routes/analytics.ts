/**
 * `GET /v1/analytics` (docs/api.md, "Analytics"): the management key; a range of UTC days
 * (default: the 30 days to today, by the server's clock), optionally one link, grouped by day,
 * origin or link. This process's pending counts are written first, so that what it has counted
 * is in the answer; other processes' arrive within their batch interval (5 s).
 */
import { Hono, type MiddlewareHandler } from 'hono';
import type { Analytics } from '../analytics.ts';
import { MAX_RANGE_DAYS, analyticsReport, dayOf } from '../analytics-report.ts';
import { invalidField } from '../errors.ts';
import { valid } from '../middleware/validation.ts';
import { AnalyticsQuerySchema } from '../schemas.ts';
import type { AnalyticsStore } from '../store/index.ts';

export interface AnalyticsRoutesOptions {
  store: AnalyticsStore;
  auth: MiddlewareHandler;
  now: () => number;
  /** This process's counting, flushed before each answer; absent when analytics are off. */
  analytics: Analytics | undefined;
}

const DEFAULT_RANGE_DAYS = 30;
const DAY_MS = 86_400_000;

export function analyticsRoutes({ store, auth, now, analytics }: AnalyticsRoutesOptions): Hono {
  const routes = new Hono();
  routes.use('*', auth);

  routes.get('/', valid('query', AnalyticsQuerySchema), async (c) => {
    const query = c.req.valid('query');
    const to = query.to ?? dayOf(now());
    const from = query.from ?? dayOf(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_RANGE_DAYS - 1) * DAY_MS);
    if (from > to) return invalidField(c, 'from', `must be on or before to (${to})`);
    const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
    if (days > MAX_RANGE_DAYS) return invalidField(c, 'to', `the range may span at most ${MAX_RANGE_DAYS} days`);
    await analytics?.flush();
    const rows = await store.analytics({ from, to, shareLinkId: query.shareLinkId });
    return c.json(analyticsReport(rows, { from, to, groupBy: query.groupBy }));
  });

  return routes;
}
