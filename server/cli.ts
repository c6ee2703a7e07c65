/**
 * `npm run api -- --host H --port P --data FILE [--api-key KEY] [--persist]`
 *
 * Starts the reference API alone and prints `listening on http://H:P` once it accepts connections.
 */
import { randomBytes } from 'node:crypto';
import { resolve as resolvePath } from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { DEMO_DATA_FILE, DIST_DIR, FIXTURES_DIR } from './paths.ts';
import { DataFileError, Store, loadDataFile } from './store.ts';
import { EngineConfigError, engineConfigFromEnv, type EngineConfig } from './engines.ts';

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
        data: { type: 'string', default: DEMO_DATA_FILE },
        'api-key': { type: 'string' },
        persist: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    fail(`${(error as Error).message}\nusage: npm run api -- --host H --port P --data FILE [--api-key KEY] [--persist]`);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a number from 0 to 65535, not "${values.port}"`);
  const dataFile = resolvePath(values.data);

  let store: Store;
  try {
    store = new Store(await loadDataFile(dataFile), values.persist ? dataFile : null);
  } catch (error) {
    if (error instanceof DataFileError) fail(`invalid data file ${dataFile}\n  ${error.message}`);
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
  for (const persona of store.snapshot().personas) {
    const kind = persona.engine?.kind;
    if ((kind === 'anam' || kind === 'elevenlabs') && !engines[kind].apiKey) {
      console.warn(`share-link-api: persona ${JSON.stringify(persona.name.slice(0, 80))} uses engine ${kind}, but ${kind === 'anam' ? 'ANAM_API_KEY' : 'ELEVENLABS_API_KEY'} is not set: its sessions will answer 502`);
    }
  }

  const apiKey = values['api-key'] ?? randomBytes(18).toString('base64url');
  if (!values['api-key']) console.log(`management API key (generated; pass --api-key to choose one): ${apiKey}`);

  const app = createApp({ store, apiKey, staticRoot: FIXTURES_DIR, bundleDir: DIST_DIR, engines });
  const server = serve({ fetch: app.fetch, hostname: values.host, port }, (info) => {
    const host = values.host.includes(":") ? `[${values.host}]` : values.host;
    console.log(`listening on http://${host}:${info.port}`);
  });
  server.on('error', (error) => fail(`cannot listen on ${values.host}:${port}: ${error.message}`));

  const shutdown = async () => {
    server.close();
    await store.flush().catch((error: unknown) => console.error('share-link-api: final write failed:', error));
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.stack ?? error.message : String(error)));
