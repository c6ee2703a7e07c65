/**
 * `npm run api -- --host H --port P --data FILE [--api-key KEY | --api-key-file FILE] [--persist]
 *   [--public-url URL] [--session-secret S] [--trust-proxy] [--no-limits] [--metrics-port P]
 *   [--no-analytics] [--no-request-log]`
 * `npm run api -- --host H --port P --database-url URL [--data FILE] ...` (or `DATABASE_URL=URL`)
 *
 * Starts the reference API alone and prints `listening on http://H:P` once it accepts connections.
 * `SHARE_LINK_API_KEY` and `SHARE_LINK_SESSION_SECRET` give the secrets without showing them in `ps`;
 * `SHARE_LINK_WEBHOOK_URL` and `SHARE_LINK_WEBHOOK_SECRET` turn webhooks on (docs/operators.md).
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { resolve as resolvePath } from 'node:path';
import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import { createAnalytics, type Analytics } from './analytics.ts';
import { createApp } from './app.ts';
import { createMetrics, serveMetrics, type Metrics } from './metrics.ts';
import { stdoutLogger } from './middleware/request-log.ts';
import { createWebhookDispatcher, shownWebhookUrl, webhookConfigFromEnv, type WebhookDispatcher } from './webhooks.ts';
import { serveHardened } from './http-server.ts';
import { ConfigError, parsePublicUrl, readManagementKey, readSessionSecret } from './secrets.ts';
import { generateSessionSecret, verifySessionToken } from './session-token.ts';
import { attachScriptedEngine } from './scripted-engine.ts';
import { DEMO_DATA_FILE, DIST_DIR, FIXTURES_DIR } from './paths.ts';
import { EngineConfigError, engineConfigFromEnv, missingEngineKey, type EngineConfig } from './engines.ts';
import { createAbuseLimiter } from './limits.ts';
import { StoreStartError, openStore, type OpenStoreOptions, type ShareLinkStore } from './store/index.ts';

function fail(message: string): never {
  console.error(`share-link-api: ${message}`);
  process.exit(1);
}

/** Runs a step of the start; an error of an `expected` class stops the CLI with its one line for the operator. */
async function orFail<T>(step: () => T | Promise<T>, expected: abstract new (...args: never[]) => Error): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof expected) fail(error.message);
    throw error;
  }
}

const USAGE = `usage: npm run api -- --host H --port P --data FILE [--api-key KEY | --api-key-file FILE] [--persist] [--public-url URL] [--session-secret S] [--trust-proxy] [--no-limits] [--metrics-port P] [--no-analytics] [--no-request-log]
       npm run api -- --host H --port P --database-url URL [--data FILE] [the same options but --persist]
environment: SHARE_LINK_API_KEY, SHARE_LINK_SESSION_SECRET, DATABASE_URL, DATABASE_POOL_SIZE, SHARE_LINK_WEBHOOK_URL, SHARE_LINK_WEBHOOK_SECRET, ANAM_API_KEY, ELEVENLABS_API_KEY`;

function parseCommandLine() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '8787' },
        data: { type: 'string' },
        'database-url': { type: 'string' },
        'api-key': { type: 'string' },
        'api-key-file': { type: 'string' },
        persist: { type: 'boolean', default: false },
        'public-url': { type: 'string' },
        'session-secret': { type: 'string' },
        'trust-proxy': { type: 'boolean', default: false },
        'no-limits': { type: 'boolean', default: false },
        'metrics-port': { type: 'string' },
        'no-analytics': { type: 'boolean', default: false },
        'no-request-log': { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  const portOf = (flag: string, value: string) => {
    const port = Number(value);
    if (!/^\d+$/.test(value) || port > 65535) fail(`${flag} must be a number from 0 to 65535, not "${value}"`);
    return port;
  };
  const port = portOf('--port', values.port);
  const metricsPort = values['metrics-port'] === undefined ? null : portOf('--metrics-port', values['metrics-port']);
  return { ...values, port, metricsPort };
}

type CommandLine = ReturnType<typeof parseCommandLine>;

function storeOptions(options: CommandLine): OpenStoreOptions {
  const databaseUrl = options['database-url'] ?? process.env['DATABASE_URL'];
  // The embedded store starts from the demo data; a database is seeded only when --data is given.
  const dataFile = options.data ? resolvePath(options.data) : databaseUrl ? undefined : DEMO_DATA_FILE;
  return { databaseUrl, dataFile, persist: options.persist };
}

/** A store that holds every persona in memory (the embedded one): say at once which engines will fail for want of a key. */
function warnAboutMissingKeys(store: ShareLinkStore, engines: EngineConfig): void {
  for (const persona of store.personasInMemory?.() ?? []) {
    const missing = missingEngineKey(persona.engine, engines);
    if (missing)
      console.warn(
        `share-link-api: persona ${JSON.stringify(persona.name.slice(0, 80))} uses engine ${persona.engine?.kind}, but ${missing} is not set: its sessions will answer 502`,
      );
  }
}

/** The management key, the session secret and the public URL; generated ones are said so. */
async function readSecrets(options: CommandLine) {
  const given = await readManagementKey({
    flag: options['api-key'],
    file: options['api-key-file'],
    env: process.env['SHARE_LINK_API_KEY'],
  });
  if (given.warning) console.error(`share-link-api: ${given.warning}`);
  const apiKey = given.key ?? randomBytes(18).toString('base64url');
  if (!given.key)
    console.log(`management API key (generated; set SHARE_LINK_API_KEY or --api-key-file to choose one): ${apiKey}`);
  const secret = readSessionSecret(options['session-secret'], process.env['SHARE_LINK_SESSION_SECRET']);
  if (secret.warning) console.error(`share-link-api: ${secret.warning}`);
  if (!secret.secret)
    console.log(
      'session tokens are signed with a generated secret: processes that share a database, and services that verify tokens, need one secret (SHARE_LINK_SESSION_SECRET)',
    );
  const publicUrl = options['public-url'] === undefined ? undefined : parsePublicUrl(options['public-url']);
  return { apiKey, sessionSecret: secret.secret ?? generateSessionSecret(), publicUrl };
}

async function main() {
  const options = parseCommandLine();
  const store = await orFail(() => openStore(storeOptions(options)), StoreStartError);
  // Vendor keys are read once, here, and only ever sent upstream (see server/engines.ts).
  const engines = await orFail(() => engineConfigFromEnv(process.env), EngineConfigError);
  warnAboutMissingKeys(store, engines);
  const { apiKey, sessionSecret, publicUrl } = await orFail(() => readSecrets(options), ConfigError);
  if (options['no-limits']) console.log('abuse limits are off (--no-limits): for benchmarks and load tests only');
  const operators = await orFail(() => operatorsSide(store, options), ConfigError);

  const { host, port } = options;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const wildcardHost = host === '0.0.0.0' || host === '::';
  const trustProxy = options['trust-proxy'];
  const app = createApp({
    store,
    apiKey,
    staticRoot: FIXTURES_DIR,
    bundleDir: DIST_DIR,
    // Limits hold across processes that share a store: their counters live in it.
    limits: options['no-limits'] ? false : createAbuseLimiter({ counters: store.sharedLimitCounters?.() }),
    trustProxy,
    sessionSecret,
    // Without --public-url, URLs name the address the server listens on; on a wildcard host, the
    // address each connection arrived on.
    publicUrl: publicUrl ?? (wildcardHost || port === 0 ? undefined : `http://${shownHost}:${port}`),
    engines,
    analytics: operators.analytics,
    webhooks: operators.webhooks,
    metrics: operators.metrics,
    requestLogger: operators.requestLogger,
  });
  const listening = { host, shownHost, port, trustProxy, unlimited: options['no-limits'], sessionSecret };
  listen(app, store, listening, operators, options.metricsPort);
}

interface OperatorsSide {
  analytics: Analytics | undefined;
  webhooks: { dispatcher: WebhookDispatcher; url: string } | undefined;
  metrics: Metrics | undefined;
  requestLogger: Logger | undefined;
}

/** Analytics, webhooks, metrics and request logs, as the command line and the environment ask (docs/operators.md). */
function operatorsSide(store: ShareLinkStore, options: CommandLine): OperatorsSide {
  const metrics = options.metricsPort === null ? undefined : createMetrics();
  const config = webhookConfigFromEnv(process.env);
  const dispatcher =
    config && createWebhookDispatcher({ store, config, onAttempt: (attempt) => metrics?.webhookAttempt(attempt) });
  if (config) console.log(`webhooks: events are sent to ${shownWebhookUrl(config.url)}`);
  return {
    analytics: options['no-analytics']
      ? undefined
      : createAnalytics({ store, onFlush: (outcome, rows) => metrics?.analyticsBatch(outcome, rows) }),
    webhooks: dispatcher ? { dispatcher, url: shownWebhookUrl(config.url) } : undefined,
    metrics,
    requestLogger: options['no-request-log'] ? undefined : stdoutLogger(),
  };
}

interface Listening {
  host: string;
  /** The host as a URL shows it (an IPv6 address in brackets). */
  shownHost: string;
  port: number;
  trustProxy: boolean;
  unlimited: boolean;
  sessionSecret: string;
}

/**
 * Serves the app and the scripted engine's WebSocket on one port, and the metrics on theirs; on
 * SIGINT or SIGTERM stops webhooks, writes the pending analytics, and closes everything.
 */
function listen(
  app: ReturnType<typeof createApp>,
  store: ShareLinkStore,
  listening: Listening,
  operators: OperatorsSide,
  metricsPort: number | null,
): void {
  const { host, shownHost, port, trustProxy, sessionSecret } = listening;
  // --no-limits also lifts the per-address connection cap and the requests-per-connection limit: a
  // load test runs from one address over long keep-alive connections. The timeouts stay.
  const unlimited = listening.unlimited ? { maxConnectionsPerAddress: 0, maxRequestsPerSocket: 0 } : {};
  const { analytics, webhooks, metrics, requestLogger } = operators;
  let metricsServer: Server | undefined;
  const server = serveHardened({ fetch: app.fetch, hostname: host, port, trustProxy, ...unlimited }, (info) => {
    analytics?.start();
    webhooks?.dispatcher.start();
    // The metrics listen before the API says it does, so that whoever waits for the one finds both.
    const announce = () => console.log(`listening on http://${shownHost}:${info.port}`);
    if (metricsPort === null || !metrics) return announce();
    serveMetrics(metrics.registry, { host, port: metricsPort }).then(
      (served) => {
        metricsServer = served.server;
        console.log(`metrics on http://${shownHost}:${served.port}/metrics`);
        announce();
      },
      (error: Error) => fail(`cannot serve metrics on ${host}:${metricsPort}: ${error.message}`),
    );
  });
  server.on('error', (error) => fail(`cannot listen on ${host}:${port}: ${error.message}`));
  // The scripted demo engine's WebSocket, on the same port (docs/conversations.md).
  const engine = attachScriptedEngine(server as Server, {
    exclusive: true,
    verifySession: (token) => verifySessionToken(token, sessionSecret).valid,
  });

  metrics?.watch({ outbox: webhooks ? store : undefined, liveConversations: () => engine.connections });

  const shutdown = async () => {
    await engine.close();
    server.close();
    metricsServer?.close();
    await webhooks?.dispatcher.stop();
    await analytics?.close();
    requestLogger?.flush();
    await store.close().catch((error: unknown) => console.error('share-link-api: closing the store failed:', error));
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)));
