/**
 * The Node HTTP server the CLI runs the app on, set up for slow and greedy clients:
 *
 * - a request's headers must arrive within 10 s and the whole request within 10 s (Node's defaults
 *   are 60 s and 300 s, checked only every 30 s), then the connection is answered 408 and closed;
 * - an idle keep-alive connection is closed after 5 s, a busy one after 10,000 requests (Node then
 *   answers 503 and closes it; the client reconnects), and one whose client stops reading after
 *   30 s without progress;
 * - one client address holds at most 100 connections at once; more are closed as they arrive, so
 *   one address cannot take every file descriptor while the others wait.
 *
 * Behind a proxy (`trustProxy`) every connection comes from the proxy, so the per-address cap is
 * off there and belongs on the proxy.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { normaliseAddress, limitKeyOf } from './client-address.ts';

export interface HardenedServerOptions {
  fetch: Parameters<typeof getRequestListener>[0];
  hostname: string;
  port: number;
  /** Connections one client address may hold at once; `0` for no cap. Default 100. */
  maxConnectionsPerAddress?: number;
  /** Time for a request's headers, and for the whole request. Default 10 s. */
  requestTimeoutMs?: number;
  /** Every connection comes from a trusted proxy: no per-address cap. */
  trustProxy?: boolean;
  /** Requests one keep-alive connection may carry; `0` for no limit. Default 10,000. */
  maxRequestsPerSocket?: number;
}

export const SERVER_LIMITS = {
  maxConnectionsPerAddress: 100,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxRequestsPerSocket: 10_000,
  idleSocketTimeoutMs: 30_000,
} as const;

export function serveHardened(options: HardenedServerOptions, onListening?: (info: AddressInfo) => void): Server {
  const requestTimeout = options.requestTimeoutMs ?? SERVER_LIMITS.requestTimeoutMs;
  const server = createServer(
    {
      headersTimeout: requestTimeout,
      requestTimeout,
      keepAliveTimeout: SERVER_LIMITS.keepAliveTimeoutMs,
      // How often Node looks for requests past their timeouts; its default (30 s) would let a slow
      // connection stay up to 40 s.
      connectionsCheckingInterval: 1_000,
    },
    getRequestListener(options.fetch),
  );
  server.maxRequestsPerSocket = options.maxRequestsPerSocket ?? SERVER_LIMITS.maxRequestsPerSocket;
  server.setTimeout(SERVER_LIMITS.idleSocketTimeoutMs, (socket) => socket.destroy());

  const cap = options.trustProxy ? 0 : (options.maxConnectionsPerAddress ?? SERVER_LIMITS.maxConnectionsPerAddress);
  if (cap > 0) capConnectionsPerAddress(server, cap);

  server.listen(options.port, options.hostname, () => onListening?.(server.address() as AddressInfo));
  return server;
}

function capConnectionsPerAddress(server: Server, cap: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const key = limitKeyOf(normaliseAddress(socket.remoteAddress));
    const count = (open.get(key) ?? 0) + 1;
    if (count > cap) {
      socket.destroy();
      return;
    }
    open.set(key, count);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left > 0) open.set(key, left);
      else open.delete(key);
    });
  });
}
