/**
 * `npm run api -- --host H --port P --data FILE [--api-key KEY | --api-key-file FILE] [--persist]
 *   [--public-url URL] [--session-secret S] [--trust-proxy] [--no-limits] [--metrics-port P]
 *   [--no-analytics] [--no-request-log] [--transcript-retention-days N]`
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
import { createApi, type Api } from './app.ts';
import { createMetrics, serveMetrics, type Metrics } from './metrics.ts';
import { stdoutLogger } from './middleware/request-log.ts';
import { createWebhookDispatcher, shownWebhookUrl, webhookConfigFromEnv, type WebhookDispatcher } from './webhooks.ts';
import { serveHardened } from './http-server.ts';
import { ConfigError, parsePublicUrl, readManagementKey, readSessionSecret } from './secrets.ts';
import { generateSessionSecret } from './session-token.ts';
import { DEFAULT_RETENTION_DAYS } from './conversations.ts';
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

const USAGE = `usage: npm run api -- --host H --port P --data FILE [--api-key KEY | --api-key-file FILE] [--persist] [--public-url URL] [--session-secret S] [--trust-proxy] [--no-limits] [--metrics-port P] [--no-analytics] [--no-request-log] [--transcript-retention-days N]
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
        'transcript-retention-days': { type: 'string', default: String(DEFAULT_RETENTION_DAYS) },
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
  const retention = values['transcript-retention-days'];
  const retentionDays = Number(retention);
  if (!/^\d{1,4}$/.test(retention) || retentionDays < 1 || retentionDays > 3650)
    fail(`--transcript-retention-days must be a whole number of days from 1 to 3650, not "${retention}"`);
  return { ...values, port, metricsPort, retentionDays };
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

/**
 * The management key, the session secret and the public URL; generated ones are said so. On
 * PostgreSQL the session secret is required: processes that share a database verify each other's
 * tokens (and the challenges and signing keys derived from it).
 */
async function readSecrets(options: CommandLine, store: OpenStoreOptions) {
  const given = await readManagementKey({
    flag: options['api-key'],
    file: options['api-key-file'],
    env: process.env['SHARE_LINK_API_KEY'],
  });
  const secret = readSessionSecret(options['session-secret'], process.env['SHARE_LINK_SESSION_SECRET'], {
    required: store.databaseUrl ? 'PostgreSQL (--database-url), whose processes must share one,' : null,
  });
  const publicUrl = options['public-url'] === undefined ? undefined : parsePublicUrl(options['public-url']);
  const apiKey = given ?? randomBytes(18).toString('base64url');
  return {
    apiKey,
    sessionSecret: secret ?? generateSessionSecret(),
    publicUrl,
    generated: { key: !given, secret: !secret },
  };
}

/** Once the start can no longer fail for a value given: what was generated, said. */
function announceGenerated({ apiKey, generated }: Awaited<ReturnType<typeof readSecrets>>): void {
  if (generated.key)
    console.log(`management API key (generated; set SHARE_LINK_API_KEY or --api-key-file to choose one): ${apiKey}`);
  if (generated.secret)
    console.log(
      'session tokens are signed with a generated secret: services that verify tokens need the one secret (SHARE_LINK_SESSION_SECRET)',
    );
}

async function main() {
  const options = parseCommandLine();
  const stored = storeOptions(options);
  // Secrets first: a wrong one stops the start before any connection is made.
  const secrets = await orFail(() => readSecrets(options, stored), ConfigError);
  const { apiKey, sessionSecret, publicUrl } = secrets;
  const store = await orFail(() => openStore(stored), StoreStartError);
  // Vendor keys are read once, here, and only ever sent upstream (see server/engines.ts).
  const engines = await orFail(() => engineConfigFromEnv(process.env), EngineConfigError);
  announceGenerated(secrets);
  warnAboutMissingKeys(store, engines);
  if (options['no-limits']) console.log('abuse limits are off (--no-limits): for benchmarks and load tests only');
  const operators = await orFail(() => operatorsSide(store, options), ConfigError);

  const { host, port } = options;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const wildcardHost = host === '0.0.0.0' || host === '::';
  const trustProxy = options['trust-proxy'];
  const api = createApi({
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
    transcriptRetentionDays: options.retentionDays,
  });
  const listening = { host, shownHost, port, trustProxy, unlimited: options['no-limits'] };
  listen(api, store, listening, operators, options.metricsPort);
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
}

/**
 * Serves the app and its WebSockets on one port, and the metrics on theirs; on
 * SIGINT or SIGTERM stops webhooks, writes the pending analytics, and closes everything.
 */
function listen(
  api: Api,
  store: ShareLinkStore,
  listening: Listening,
  operators: OperatorsSide,
  metricsPort: number | null,
): void {
  const { host, shownHost, port, trustProxy } = listening;
  // --no-limits also lifts the per-address connection cap and the requests-per-connection limit: a
  // load test runs from one address over long keep-alive connections. The timeouts stay.
  const unlimited = listening.unlimited ? { maxConnectionsPerAddress: 0, maxRequestsPerSocket: 0 } : {};
  const { analytics, webhooks, metrics, requestLogger } = operators;
  let metricsServer: Server | undefined;
  const server = serveHardened({ fetch: api.app.fetch, hostname: host, port, trustProxy, ...unlimited }, (info) => {
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
  // The scripted demo engine's, the conversation channel's and the conversation pages' WebSockets,
  // on the same port (docs/conversations.md), and the conversations' schedule.
  const sockets = api.serve(server as Server, { exclusive: true });

  metrics?.watch({ outbox: webhooks ? store : undefined, liveConversations: () => sockets.engineConnections });

  const shutdown = async () => {
    await api.close();
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
