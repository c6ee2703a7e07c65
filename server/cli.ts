/**
 * `npm run api -- --host H --port P --data FILE [--api-key KEY] [--persist]`
 * `npm run api -- --host H --port P --database-url URL [--data FILE]` (or `DATABASE_URL=URL`)
 *
 * Starts the reference API alone and prints `listening on http://H:P` once it accepts connections.
 */
import { randomBytes } from 'node:crypto';
import { resolve as resolvePath } from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { DEMO_DATA_FILE, DIST_DIR, FIXTURES_DIR } from './paths.ts';
import { StoreStartError, openStore, type ShareLinkStore } from './store.ts';

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
        persist: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    fail(`${(error as Error).message}\nusage: npm run api -- --host H --port P --data FILE [--api-key KEY] [--persist]\n       npm run api -- --host H --port P --database-url URL [--data FILE] [--api-key KEY]`);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a number from 0 to 65535, not "${values.port}"`);
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

  const apiKey = values['api-key'] ?? randomBytes(18).toString('base64url');
  if (!values['api-key']) console.log(`management API key (generated; pass --api-key to choose one): ${apiKey}`);

  const app = createApp({ store, apiKey, staticRoot: FIXTURES_DIR, bundleDir: DIST_DIR });
  const server = serve({ fetch: app.fetch, hostname: values.host, port }, (info) => {
    const host = values.host.includes(":") ? `[${values.host}]` : values.host;
    console.log(`listening on http://${host}:${info.port}`);
  });
  server.on('error', (error) => fail(`cannot listen on ${values.host}:${port}: ${error.message}`));

  const shutdown = async () => {
    server.close();
    await store.close().catch((error: unknown) => console.error('share-link-api: closing the store failed:', error));
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.stack ?? error.message : String(error)));
