/**
 * The reference API (docs/api.md) as a Hono app: web-standard Request/Response, so the same app
 * runs under Node (see `cli.ts`), inside Vite's dev server (see `vite.config.ts`), or at the edge.
 *
 * The server enforces every rule itself; the widget's own checks are a courtesy to visitors. This
 * file is the composition: the services (lookups, session starts), the middleware they share,
 * one sub-app per resource under server/routes/, and the operator's side (docs/operators.md):
 * analytics, webhooks, metrics and request logs, each an observer of the services' events or a
 * middleware, and health.
 */
import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Analytics } from './analytics.ts';
import { NO_ENGINE_KEYS, type EngineConfig } from './engines.ts';
import { answerError, noEndpoint } from './errors.ts';
import { createAbuseLimiter, type AbuseLimiter } from './limits.ts';
import { createLookupService } from './lookups.ts';
import { abuseLimits } from './middleware/abuse-limits.ts';
import { baseHeaders } from './middleware/headers.ts';
import { managementAuth } from './middleware/management-auth.ts';
import { requestLog } from './middleware/request-log.ts';
import type { Metrics } from './metrics.ts';
import { notifier, type LinkObserver } from './observers.ts';
import { analyticsRoutes } from './routes/analytics.ts';
import { assetRoutes } from './routes/assets.ts';
import { consoleRoutes } from './routes/console.ts';
import { embedRoutes } from './routes/embed.ts';
import { healthRoutes } from './routes/health.ts';
import { personaRoutes } from './routes/personas.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { sharePageRoutes } from './routes/share-pages.ts';
import { shareLinkRoutes } from './routes/share-links.ts';
import { generateSessionSecret } from './session-token.ts';
import { createSessionService } from './sessions.ts';
import type { ShareLinkStore } from './store/index.ts';
import type { WebhookDispatcher } from './webhooks.ts';

export { FIXTURES_DIR } from './paths.ts';

export interface AppOptions {
  store: ShareLinkStore;
  /** The management API's bearer key (a Bearer token's characters); without one, management endpoints answer 401. */
  apiKey?: string | undefined;
  /** The server's clock; injectable so tests can pin time. */
  now?: () => number;
  /** A folder whose `media/` subfolder is served at `/media/` (the demo's avatars). */
  staticRoot?: string | undefined;
  /**
   * The built bundles' folder (`dist/`), served at `/share-link-embed.js` and `.iife.js`, so the
   * widget's default api-base (the origin it was loaded from) is this API, as in production.
   */
  bundleDir?: string | undefined;
  /**
   * Abuse limits per client (docs/api.md); default: `createAbuseLimiter()`, counted in memory.
   * `false` turns them off, for benchmarks and load tests only.
   */
  limits?: AbuseLimiter | false;
  /** Count clients by the last `X-Forwarded-For` entry (one trusted proxy in front), not the socket. */
  trustProxy?: boolean;
  /**
   * The API's public base URL (`https://api.example.com`), for the absolute media URLs, share-page
   * URLs and the scripted engine's WebSocket URL it hands out. Default: the address the connection
   * arrived on. Never the request's `Host` header, which the client writes (server/origins.ts).
   */
  publicUrl?: string | undefined;
  /** The HMAC key session tokens are signed with (see server/session-token.ts); default: a random one. */
  sessionSecret?: string | Uint8Array | undefined;
  /** Vendor URLs and keys for conversation engines (see `engineConfigFromEnv`); default: no keys. */
  engines?: EngineConfig | undefined;
  /** Told of every lookup and session start, served or refused (server/observers.ts). */
  observers?: readonly LinkObserver[];
  /** Counting per link × origin × day (server/analytics.ts); the caller starts and closes it. Without it, nothing is counted. */
  analytics?: Analytics | undefined;
  /** Webhook delivery (server/webhooks.ts); the caller starts and stops it. Without it, no events are queued. */
  webhooks?: { dispatcher: WebhookDispatcher; url: string } | undefined;
  /** Prometheus metrics (server/metrics.ts), served by the caller on a port of its own. */
  metrics?: Metrics | undefined;
  /** Where one JSON line per request goes (server/middleware/request-log.ts); none without it. */
  requestLogger?: Logger | undefined;
}

export function createApp(options: AppOptions): Hono {
  const { now = Date.now, publicUrl, analytics, webhooks, metrics } = options;
  const store = metrics ? metrics.measured(options.store) : options.store;
  const notify = notifier([
    ...(options.observers ?? []),
    ...(analytics ? [analytics.observe] : []),
    ...(webhooks ? [webhooks.dispatcher.observe] : []),
    ...(metrics ? [metrics.observe] : []),
  ]);
  const limiter = options.limits === false ? null : (options.limits ?? createAbuseLimiter());
  const limits = abuseLimits(limiter, {
    trustProxy: options.trustProxy ?? false,
    notify,
    now,
    onDecision: metrics?.limiterDecision,
  });
  const lookups = createLookupService({ store, notify });
  const sessions = createSessionService({
    store,
    notify,
    secret: options.sessionSecret ?? generateSessionSecret(),
    engines: options.engines ?? NO_ENGINE_KEYS,
  });
  const auth = managementAuth(options.apiKey, limits);

  const app = new Hono();
  if (metrics) app.use('*', metrics.requests);
  if (options.requestLogger) app.use('*', ...requestLog(options.requestLogger));
  app.use('*', baseHeaders);
  app.onError(answerError);
  app.notFound(noEndpoint);
  app.route('/', healthRoutes({ store }));
  app.route('/', assetRoutes(options));
  app.route('/v1/embed', embedRoutes({ lookups, sessions, limits, now, publicUrl, mediaRoot: options.staticRoot }));
  app.route('/s', sharePageRoutes({ store, limits, now, publicUrl }));
  app.route('/v1/share-links', shareLinkRoutes({ store, auth, now, publicUrl }));
  app.route('/v1/personas', personaRoutes({ store, auth }));
  app.route('/v1/analytics', analyticsRoutes({ store, auth, now, analytics }));
  app.route('/v1/webhooks', webhookRoutes({ store, auth, url: webhooks?.url ?? null }));
  app.route('/console', consoleRoutes({ bundleDir: options.bundleDir, publicUrl }));
  return app;
}
