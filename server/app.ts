/**
 * The reference API (docs/api.md) as a Hono app: web-standard Request/Response, so the same app
 * runs under Node (see `cli.ts`), inside Vite's dev server (see `vite.config.ts`), or at the edge.
 * Its WebSockets (the scripted engine, the conversation channel, the conversation pages) need a
 * Node HTTP server: `createApi(...).serve(server)` adds them and runs the conversations' schedule.
 *
 * The server enforces every rule itself; the widget's own checks are a courtesy to visitors. This
 * file is the composition: the services (lookups, session starts, conversations), the middleware
 * they share, one sub-app per resource under server/routes/, the sockets' routes, and the
 * operator's side (docs/operators.md): analytics, webhooks, metrics and request logs, each an
 * observer of the services' events or a middleware, and health.
 */
import type { Server } from 'node:http';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Analytics } from './analytics.ts';
import { channelRoute } from './conversation-channel.ts';
import { watchRoute } from './conversation-watch.ts';
import { createConversationService, type ConversationService } from './conversations.ts';
import { NO_ENGINE_KEYS, type EngineConfig } from './engines.ts';
import { answerError, noEndpoint } from './errors.ts';
import { createAbuseLimiter, type AbuseLimiter } from './limits.ts';
import { createLookupService } from './lookups.ts';
import { createProtections } from './protections.ts';
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
import { localBus } from './message-bus.ts';
import { conversationPageRoutes } from './routes/conversation-pages.ts';
import { conversationRoutes } from './routes/conversations.ts';
import { scriptedEngineRoute, type ScriptedEngineOptions } from './scripted-engine.ts';
import { generateSessionSecret, sessionVerifier } from './session-token.ts';
import { markRequestStart } from './request-time.ts';
import { createSessionService } from './sessions.ts';
import { attachSocketGate, type SocketGate, type SocketGateOptions } from './socket-gate.ts';
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
  /** Told of every lookup and session start, served or refused, and of conversations (server/observers.ts). */
  observers?: readonly LinkObserver[];
  /** Counting per link × origin × day (server/analytics.ts); the caller starts and closes it. Without it, nothing is counted. */
  analytics?: Analytics | undefined;
  /** Webhook delivery (server/webhooks.ts); the caller starts and stops it. Without it, no events are queued. */
  webhooks?: { dispatcher: WebhookDispatcher; url: string } | undefined;
  /** Prometheus metrics (server/metrics.ts), served by the caller on a port of its own. */
  metrics?: Metrics | undefined;
  /** Where one JSON line per request goes (server/middleware/request-log.ts); none without it. */
  requestLogger?: Logger | undefined;
  /** Transcripts of conversations started longer ago are deleted (docs/conversations.md). Default 30. */
  transcriptRetentionDays?: number;
  /** How hard proofs of work are (server/challenges.ts); other numbers than the documented one are for tests. */
  challengeMaxNumber?: number;
}

/** What `serve` may be told besides the defaults (docs/api.md, "Sockets"). */
export interface ServeOptions {
  /** Answer upgrades on paths no socket route serves with 404 (not inside Vite's dev server, whose hot reload has its own). */
  exclusive?: boolean;
  /** The sockets' caps; default: `SOCKET_LIMITS`, or none of the per-address ones when the app's limits are off. */
  gate?: SocketGateOptions;
  /** The scripted engine's timing, or another session verifier (tests). */
  engine?: Partial<Omit<ScriptedEngineOptions, 'conversations'>>;
  /** How long a lost conversation channel may take to come back. Default 20 s. */
  channelGraceMs?: number;
  /** The conversation pages' sockets: per conversation and process, and the holder's time to come back. */
  watch?: { maxPerConversation?: number; graceMs?: number };
  /** Run the conversations' schedule (sweep every 5 s, retention hourly). Default true; tests call `tick` instead. */
  schedule?: boolean;
}

export interface Sockets {
  gate: SocketGate;
  /** The scripted engine's open sockets. */
  readonly engineConnections: number;
}

export interface Api {
  app: Hono;
  conversations: ConversationService;
  /** Serves the sockets on `server` and runs the conversations' schedule, until `close`. */
  serve(server: Server, options?: ServeOptions): Sockets;
  /** Closes the sockets (1001) and stops the schedule; the store is the caller's. */
  close(): Promise<void>;
}

/** The app alone: no sockets, no schedule (see `createApi`). */
export function createApp(options: AppOptions): Hono {
  return createApi(options).app;
}

export function createApi(options: AppOptions): Api {
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
  const secret = options.sessionSecret ?? generateSessionSecret();
  const protections = createProtections(secret, options.challengeMaxNumber);
  const lookups = createLookupService({ store, notify, protections });
  const sessions = createSessionService({
    store,
    notify,
    secret,
    engines: options.engines ?? NO_ENGINE_KEYS,
    velocityCap: limiter !== null,
    protections,
  });
  const conversations = createConversationService({
    store: store.conversations,
    bus: store.sharedBus?.() ?? localBus(),
    notify,
    now,
    retentionDays: options.transcriptRetentionDays,
  });
  const auth = managementAuth(options.apiKey, limits);

  const app = new Hono();
  // First: every wait of a request (abuse limits, the store) shares one deadline from here.
  app.use('*', markRequestStart);
  if (metrics) app.use('*', metrics.requests);
  if (options.requestLogger) app.use('*', ...requestLog(options.requestLogger));
  app.use('*', baseHeaders);
  app.onError(answerError);
  app.notFound(noEndpoint);
  app.route('/', healthRoutes({ store }));
  app.route('/', assetRoutes(options));
  app.route(
    '/v1/embed',
    embedRoutes({
      lookups,
      sessions,
      challenges: protections.challenges,
      limits,
      now,
      publicUrl,
      mediaRoot: options.staticRoot,
    }),
  );
  app.route('/s', sharePageRoutes({ store, limits, now, publicUrl }));
  app.route('/v1/share-links', shareLinkRoutes({ store, auth, now, publicUrl, seal: protections.seal }));
  app.route('/v1/personas', personaRoutes({ store, auth }));
  app.route('/v1/analytics', analyticsRoutes({ store, auth, now, analytics }));
  app.route('/v1/webhooks', webhookRoutes({ store, auth, url: webhooks?.url ?? null }));
  app.route('/console', consoleRoutes({ bundleDir: options.bundleDir, publicUrl }));
  app.route('/v1/conversations', conversationRoutes({ conversations, auth, publicUrl }));
  app.route(
    '/c',
    conversationPageRoutes({ conversations, personas: store, limits, publicUrl, bundleDir: options.bundleDir }),
  );

  const closers: (() => Promise<void> | void)[] = [];
  return {
    app,
    conversations,
    serve(server, serveOptions = {}) {
      const verifySession = sessionVerifier(secret);
      const unlimited = options.limits === false ? { perAddressShare: 1, refusals: false as const } : {};
      const gate = attachSocketGate(server, {
        trustProxy: options.trustProxy ?? false,
        exclusive: serveOptions.exclusive ?? false,
        ...unlimited,
        ...serveOptions.gate,
      });
      const engine = scriptedEngineRoute({ verifySession, ...serveOptions.engine, conversations });
      const channel = channelRoute({ conversations, verifySession, graceMs: serveOptions.channelGraceMs });
      const watch = watchRoute({ conversations, personas: store, ...serveOptions.watch });
      gate.route(engine);
      gate.route(channel);
      gate.route(watch);
      const stopTicks = conversations.onTick((at) => watch.tick(at));
      if (serveOptions.schedule !== false) conversations.start();
      closers.push(async () => {
        await gate.close();
        channel.dispose();
        watch.dispose();
        stopTicks();
      });
      return {
        gate,
        get engineConnections() {
          return engine.connections;
        },
      };
    },
    async close() {
      for (const close of closers.splice(0)) await close();
      await conversations.close();
    },
  };
}
