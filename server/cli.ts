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
import { EngineConfigError, engineConfigFromEnv, type EngineConfig } from './engines.ts';
import { createAbuseLimiter } from './limits.ts';
import { StoreStartError, openStore, type ShareLinkStore } from './store/index.ts';

function fail(message: string): never {
  console.error(`share-link-api: ${message}`);
  process.exit(1);
}

async function main() {
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
    fail(
      `${(error as Error).message}\nusage: npm run api -- --host H --port P --data FILE [--api-key KEY | --api-key-file FILE] [--persist] [--public-url URL] [--session-secret S] [--trust-proxy] [--no-limits]\n       npm run api -- --host H --port P --database-url URL [--data FILE] [the same options but --persist]`,
    );
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`--port must be a number from 0 to 65535, not "${values.port}"`);
  const databaseUrl = values['database-url'] ?? process.env['DATABASE_URL'];
  // The embedded store starts from the demo data; a database is seeded only when --data is given.
  const dataFile = values.data ? resolvePath(values.data) : databaseUrl ? undefined : DEMO_DATA_FILE;

  let store: ShareLinkStore;
  try {
    store = await openStore({ databaseUrl, dataFile, persist: values.persist });
  } catch (error) {
    if (error instanceof StoreStartError) fail(error.message);
    throw error;
  }

  // Vendor keys are read once, here, and only ever sent upstream (see server/engines.ts).
  let engines: EngineConfig;
  try {
    engines = engineConfigFromEnv(process.env);
  } catch (error) {
    if (error instanceof EngineConfigError) fail(error.message);
    throw error;
  }
  // A store that holds every persona in memory (the embedded one): say at once which engines will fail for want of a key.
  for (const persona of store.personasInMemory?.() ?? []) {
    const kind = persona.engine?.kind;
    if ((kind === 'anam' || kind === 'elevenlabs') && !engines[kind].apiKey) {
      console.warn(
        `share-link-api: persona ${JSON.stringify(persona.name.slice(0, 80))} uses engine ${kind}, but ${kind === 'anam' ? 'ANAM_API_KEY' : 'ELEVENLABS_API_KEY'} is not set: its sessions will answer 502`,
      );
    }
  }

  let apiKey: string;
  let sessionSecret: string;
  let publicUrl: string | undefined;
  try {
    const given = await readManagementKey({
      flag: values['api-key'],
      file: values['api-key-file'],
      env: process.env['SHARE_LINK_API_KEY'],
    });
    if (given.warning) console.error(`share-link-api: ${given.warning}`);
    apiKey = given.key ?? randomBytes(18).toString('base64url');
    if (!given.key)
      console.log(`management API key (generated; set SHARE_LINK_API_KEY or --api-key-file to choose one): ${apiKey}`);
    const secret = readSessionSecret(values['session-secret'], process.env['SHARE_LINK_SESSION_SECRET']);
    if (secret.warning) console.error(`share-link-api: ${secret.warning}`);
    sessionSecret = secret.secret ?? generateSessionSecret();
    if (!secret.secret)
      console.log(
        'session tokens are signed with a generated secret: processes that share a database, and services that verify tokens, need one secret (SHARE_LINK_SESSION_SECRET)',
      );
    publicUrl = values['public-url'] === undefined ? undefined : parsePublicUrl(values['public-url']);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  if (values['no-limits']) console.log('abuse limits are off (--no-limits): for benchmarks and load tests only');

  const host = values.host.includes(':') ? `[${values.host}]` : values.host;
  const wildcardHost = values.host === '0.0.0.0' || values.host === '::';
  const trustProxy = values['trust-proxy'];
  // Without --public-url, media URLs name the address the server listens on; on a wildcard host,
  // the address each connection arrived on.
  const app = createApp({
    store,
    apiKey,
    staticRoot: FIXTURES_DIR,
    bundleDir: DIST_DIR,
    // Limits hold across processes that share a store: their counters live in it.
    limits: values['no-limits'] ? false : createAbuseLimiter({ counters: store.sharedLimitCounters?.() }),
    trustProxy,
    sessionSecret,
    publicUrl: publicUrl ?? (wildcardHost || port === 0 ? undefined : `http://${host}:${port}`),
    engines,
  });
  // --no-limits also lifts the per-address connection cap and the requests-per-connection limit: a
  // load test runs from one address over long keep-alive connections. The timeouts stay.
  const unlimited = values['no-limits'] ? { maxConnectionsPerAddress: 0, maxRequestsPerSocket: 0 } : {};
  const server = serveHardened({ fetch: app.fetch, hostname: values.host, port, trustProxy, ...unlimited }, (info) => {
    console.log(`listening on http://${host}:${info.port}`);
  });
  server.on('error', (error) => fail(`cannot listen on ${values.host}:${port}: ${error.message}`));
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
