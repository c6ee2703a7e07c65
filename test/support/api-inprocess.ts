/** The reference API in this process over real HTTP on 127.0.0.1, with a clock the test controls. */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp, FIXTURES_DIR } from '../../server/app.ts';
import { EmbeddedStore, loadDataFile, type ShareLinkStore } from '../../server/store.ts';
import { API_KEY, DEMO_DATA } from './api-process.ts';

export interface InProcessApi<S extends ShareLinkStore = EmbeddedStore> {
  base: string;
  store: S;
  clock: { now: number };
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
  /** Sees every request before the app does. */
  observe?: (request: Request) => void;
}

export async function startInProcessApi(options?: InProcessOptions<EmbeddedStore>): Promise<InProcessApi<EmbeddedStore>>;
export async function startInProcessApi<S extends ShareLinkStore>(options: InProcessOptions<S> & { store: S }): Promise<InProcessApi<S>>;
export async function startInProcessApi(options: InProcessOptions<ShareLinkStore> = {}): Promise<InProcessApi<ShareLinkStore>> {
  const store = options.store ?? new EmbeddedStore(await loadDataFile(options.data ?? DEMO_DATA));
  const clock = { now: options.now ?? Date.parse('2026-06-01T12:00:00.000Z') };
  const app = createApp({ store, apiKey: API_KEY, now: options.serverTime ?? (() => clock.now), staticRoot: FIXTURES_DIR });
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
