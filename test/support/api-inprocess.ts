/** The reference API in this process over real HTTP on 127.0.0.1, with a clock the test controls. */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp, FIXTURES_DIR } from '../../server/app.ts';
import type { EngineConfig } from '../../server/engines.ts';
import { Store, loadDataFile } from '../../server/store.ts';
import { API_KEY, DEMO_DATA } from './api-process.ts';

export interface InProcessApi {
  base: string;
  store: Store;
  clock: { now: number };
  close: () => Promise<void>;
}

export interface InProcessOptions {
  /** A pinned time; `clock.now` can be moved by the test. Default 2026-06-01T12:00Z. */
  now?: number;
  /** Instead of the pinned clock, the server's own time (e.g. the real clock plus an offset). */
  serverTime?: () => number;
  data?: string;
  /** Sees every request before the app does. */
  observe?: (request: Request) => void;
  /** Vendor URLs and keys for conversation engines; default: none. */
  engines?: EngineConfig;
  publicUrl?: string;
  /** Write every change back to this file (`--persist`). */
  persistTo?: string;
}

export async function startInProcessApi(options: InProcessOptions = {}): Promise<InProcessApi> {
  const store = new Store(await loadDataFile(options.data ?? DEMO_DATA), options.persistTo ?? null);
  const clock = { now: options.now ?? Date.parse('2026-06-01T12:00:00.000Z') };
  const app = createApp({
    store,
    apiKey: API_KEY,
    now: options.serverTime ?? (() => clock.now),
    staticRoot: FIXTURES_DIR,
    engines: options.engines,
    publicUrl: options.publicUrl,
  });
  const { observe } = options;
  const fetch = observe ? (request: Request) => (observe(request), app.fetch(request)) : app.fetch;
  const server = serve({ fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    store,
    clock,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export const auth = { Authorization: `Bearer ${API_KEY}` };
export const jsonHeaders = { ...auth, 'Content-Type': 'application/json' };
