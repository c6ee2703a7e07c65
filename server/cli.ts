/**
 * `npm run api -- --host H --port P --data FILE [--api-key KEY | --api-key-file FILE] [--persist]
 *   [--public-url URL] [--session-secret S] [--trust-proxy] [--no-limits]`
 * `npm run api -- --host H --port P --database-url URL [--data FILE] ...` (or `DATABASE_URL=URL`)
 *
 * Starts the reference API alone and prints `listening on http://H:P` once it accepts connections.
 * `SHARE_LINK_API_KEY` and `SHARE_LINK_SESSION_SECRET` give the secrets without showing them in `ps`.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { resolve as resolvePath } from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from './app.ts';
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

const USAGE = `usage: npm run api -- --host H --port P --data FILE [--api-key KEY | --api-key-file FILE] [--persist] [--public-url URL] [--session-secret S] [--trust-proxy] [--no-limits]
       npm run api -- --host H --port P --database-url URL [--data FILE] [the same options but --persist]`;

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
      },
      strict: true,
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`--port must be a number from 0 to 65535, not "${values.port}"`);
  return { ...values, port };
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
  });
  listen(app, store, { host, shownHost, port, trustProxy, unlimited: options['no-limits'], sessionSecret });
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

/** Serves the app and the scripted engine's WebSocket on one port; closes both and the store on SIGINT or SIGTERM. */
function listen(app: ReturnType<typeof createApp>, store: ShareLinkStore, listening: Listening): void {
  const { host, shownHost, port, trustProxy, sessionSecret } = listening;
  // --no-limits also lifts the per-address connection cap and the requests-per-connection limit: a
  // load test runs from one address over long keep-alive connections. The timeouts stay.
  const unlimited = listening.unlimited ? { maxConnectionsPerAddress: 0, maxRequestsPerSocket: 0 } : {};
  const server = serveHardened({ fetch: app.fetch, hostname: host, port, trustProxy, ...unlimited }, (info) => {
    console.log(`listening on http://${shownHost}:${info.port}`);
  });
  server.on('error', (error) => fail(`cannot listen on ${host}:${port}: ${error.message}`));
  // The scripted demo engine's WebSocket, on the same port (docs/conversations.md).
  const engine = attachScriptedEngine(server as Server, {
    exclusive: true,
    verifySession: (token) => verifySessionToken(token, sessionSecret).valid,
  });

  const shutdown = async () => {
    await engine.close();
    server.close();
    await store.close().catch((error: unknown) => console.error('share-link-api: closing the store failed:', error));
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)));
