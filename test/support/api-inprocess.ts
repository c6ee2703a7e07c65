/** The reference API in this process over real HTTP on 127.0.0.1, with a clock the test controls. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApi, FIXTURES_DIR, type AppOptions, type ServeOptions, type Sockets } from '../../server/app.ts';
import type { ConversationService } from '../../server/conversations.ts';
import type { EngineConfig } from '../../server/engines.ts';
import { generateSessionSecret } from '../../server/session-token.ts';
import { EmbeddedStore, loadDataFile, type ShareLinkStore } from '../../server/store/index.ts';
import { API_KEY, DEMO_DATA } from '../../scripts/api-process.ts';

export interface InProcessApi<S extends ShareLinkStore = EmbeddedStore> {
  base: string;
  store: S;
  clock: { now: number };
  /** The scripted engine's sockets, for tests that check none is left open. */
  engine: { readonly connections: number };
  sockets: Sockets;
  /** The conversations service: `tick()` runs the schedule's work at the pinned clock. */
  conversations: ConversationService;
  close: () => Promise<void>;
}

export interface InProcessOptions<S extends ShareLinkStore> {
  /** A pinned time; `clock.now` can be moved by the test. Default 2026-06-01T12:00Z. */
  now?: number;
  /** Instead of the pinned clock, the server's own time (e.g. the real clock plus an offset). */
  serverTime?: () => number;
  /** The embedded store's data file (default: the demo fixtures). */
  data?: string;
  /** Another store (e.g. PostgreSQL) instead of an embedded one; the caller closes it. */
  store?: S;
  /** Sees every request before the app does; the request waits for what it returns. */
  observe?: (request: Request) => void | Promise<void>;
  /** Abuse limits: off unless a test is about them, since most tests hammer the API. */
  limits?: AppOptions['limits'];
  trustProxy?: boolean;
  publicUrl?: string;
  sessionSecret?: string;
  bundleDir?: string;
  /** Options of the sockets (the scripted engine's timing and verifier, caps, grace periods). */
  serve?: ServeOptions;
  /** Transcript retention, in days. */
  transcriptRetentionDays?: number;
  /** Vendor URLs and keys for conversation engines; default: none. */
  engines?: EngineConfig;
  /** Load this data file and write every change back to it (`--persist`). */
  persistTo?: string;
  /** Told of every lookup and session start (server/observers.ts). */
  observers?: AppOptions['observers'];
  /** The operator's side (docs/operators.md), made by the test with the store it gives. */
  analytics?: AppOptions['analytics'];
  webhooks?: AppOptions['webhooks'];
  metrics?: AppOptions['metrics'];
  requestLogger?: AppOptions['requestLogger'];
  /** How hard proofs of work are (default: the documented difficulty). */
  challengeMaxNumber?: number;
}

export async function startInProcessApi(
  options?: InProcessOptions<EmbeddedStore>,
): Promise<InProcessApi<EmbeddedStore>>;
export async function startInProcessApi<S extends ShareLinkStore>(
  options: InProcessOptions<S> & { store: S },
): Promise<InProcessApi<S>>;
export async function startInProcessApi(
  options: InProcessOptions<ShareLinkStore> = {},
): Promise<InProcessApi<ShareLinkStore>> {
  const store =
    options.store ??
    (options.persistTo
      ? await EmbeddedStore.open(options.persistTo, { persist: true })
      : new EmbeddedStore(await loadDataFile(options.data ?? DEMO_DATA)));
  const clock = { now: options.now ?? Date.parse('2026-06-01T12:00:00.000Z') };
  const now = options.serverTime ?? (() => clock.now);
  const sessionSecret = options.sessionSecret ?? generateSessionSecret();
  const api = createApi({
    store,
    apiKey: API_KEY,
    now,
    staticRoot: FIXTURES_DIR,
    limits: options.limits ?? false,
    trustProxy: options.trustProxy ?? false,
    publicUrl: options.publicUrl,
    sessionSecret,
    bundleDir: options.bundleDir,
    engines: options.engines,
    observers: options.observers ?? [],
    analytics: options.analytics,
    webhooks: options.webhooks,
    metrics: options.metrics,
    requestLogger: options.requestLogger,
    transcriptRetentionDays: options.transcriptRetentionDays,
    ...(options.challengeMaxNumber && { challengeMaxNumber: options.challengeMaxNumber }),
  });
  const { app } = api;
  const { observe } = options;
  // The bindings (`env`) carry the socket: the app reads client and local addresses from it.
  const fetch = observe
    ? async (request: Request, env: unknown) => {
        await observe(request);
        return app.fetch(request, env);
      }
    : app.fetch;
  const server = serve({ fetch, hostname: '127.0.0.1', port: 0 });
  // The sockets admit only sessions this API signed, by the API's own (possibly pinned) clock; the
  // schedule is the test's to run (`conversations.tick()`), on that clock.
  const sockets = api.serve(server as Server, { exclusive: true, schedule: false, ...options.serve });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    store,
    clock,
    engine: {
      get connections() {
        return sockets.engineConnections;
      },
    },
    sockets,
    conversations: api.conversations,
    close: async () => {
      await api.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const auth = { Authorization: `Bearer ${API_KEY}` };
export const jsonHeaders = { ...auth, 'Content-Type': 'application/json' };
