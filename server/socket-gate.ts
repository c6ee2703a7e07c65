/**
 * The one gate every WebSocket of the API comes through (docs/api.md, "Sockets"): the scripted
 * engine's, the conversation channel's and the conversation page's. It owns the HTTP server's
 * `upgrade` event and, before a route sees a socket:
 *
 * - refuses an address that has had too many upgrades refused (401, 404, 410: 20 a minute) with
 *   `429` at once, before any token is checked or the store asked;
 * - holds every address to a share of the sockets (2% of the cap, at least 4), so that a few
 *   addresses cannot take them all (`429`), and the whole to a cap (2,000: `503`);
 * - lets the route admit the upgrade (its credentials, its own rules: `401`, `404`, `409`, `410`).
 *
 * Then, for every socket: frames of at most the route's size (else closed 1009), JSON text only,
 * each parsed by the route (a bad one is answered with an `error` frame; the tenth closes the
 * socket, 1008), at most 60 frames in 10 s (1008), a ping every 30 s (a peer that does not answer
 * by the next one is dropped), and at most 64 KiB waiting to be sent to it: a peer that does not
 * read is dropped rather than buffered for.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { lastForwardedAddress, limitKeyOf, normaliseAddress } from './client-address.ts';
import { memoryCounters, type LimitRule, type RateCounter } from './limits.ts';

export interface SocketGateOptions {
  /** Sockets open (and being admitted) at once, every route together. Default 2,000. */
  maxSockets?: number;
  /** The part of `maxSockets` one address may hold. Default 0.02 (at least 4 sockets); `1` for no share. */
  perAddressShare?: number;
  /** Refused upgrades an address may have before it is refused unheard; `false` for no limit. */
  refusals?: Omit<LimitRule, 'name'> | false;
  /** The client is the last `X-Forwarded-For` entry (one trusted proxy in front). */
  trustProxy?: boolean;
  /** Answer upgrades on paths no route serves with 404 (else leave them to other listeners: Vite's hot reload). */
  exclusive?: boolean;
  /** Default 30 s. */
  pingIntervalMs?: number;
  /** Bytes waiting to be sent to one peer before it is dropped. Default 64 KiB. */
  maxBufferedBytes?: number;
}

export const SOCKET_LIMITS = {
  maxSockets: 2000,
  perAddressShare: 0.02,
  minPerAddress: 4,
  refusals: { points: 20, durationSeconds: 60 },
  pingIntervalMs: 30_000,
  maxBufferedBytes: 64 * 1024,
  framesPerWindow: 60,
  frameWindowMs: 10_000,
  maxBadFrames: 10,
} as const;

/** What a route refuses an upgrade with: `401` (credentials), `404`, `409` (taken), `410` (gone), `503`. */
export type UpgradeRefusal = 401 | 404 | 409 | 410 | 503;

export type Admission<A> = { ok: true; admitted: A } | { ok: false; status: UpgradeRefusal };

/** A socket as a route sees it: JSON frames out, parsed frames in. */
export interface GatedSocket {
  /** Random, for logs and for telling a process's own sockets apart. */
  readonly id: string;
  /** Sends a frame (or one serialised already, for many peers); a peer with too much unsent is dropped instead. */
  send(frame: object | string): void;
  close(code?: number, reason?: string): void;
  readonly open: boolean;
}

export interface SocketHandlers<F> {
  frame(frame: F): void;
  closed(code: number): void;
}

export interface SocketRoute<A, F> {
  path: string;
  /** Larger frames close the socket with 1009. */
  maxFrameBytes: number;
  /** Checks the upgrade's credentials and the route's own rules. */
  admit(url: URL, request: IncomingMessage): Promise<Admission<A>>;
  /** One text frame, or `null` for a bad one. */
  parse(text: string): F | null;
  /** What a bad frame's error says was expected. */
  expects: string;
  /** The socket is open: the route's handlers for it. */
  open(socket: GatedSocket, admitted: A): SocketHandlers<F>;
}

export interface SocketGate {
  route<A, F>(route: SocketRoute<A, F>): void;
  /** Open sockets, by route path; for tests and metrics. */
  readonly open: ReadonlyMap<string, number>;
  /** Closes every socket (1001) and stops answering upgrades. */
  close(): Promise<void>;
}

const STATUS_TEXT: Record<UpgradeRefusal | 400 | 429, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};
/** Refusals that say the client's credentials or address were wrong: these are what an address is limited by. */
const COUNTED: ReadonlySet<number> = new Set([401, 404, 410]);

function refuse(socket: Duplex, status: keyof typeof STATUS_TEXT, retryAfterSeconds?: number): void {
  const text = STATUS_TEXT[status];
  const retry = retryAfterSeconds === undefined ? '' : `Retry-After: ${retryAfterSeconds}\r\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n${retry}Content-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`,
  );
}

export function attachSocketGate(server: Server, options: SocketGateOptions = {}): SocketGate {
  const maxSockets = options.maxSockets ?? SOCKET_LIMITS.maxSockets;
  const share = options.perAddressShare ?? SOCKET_LIMITS.perAddressShare;
  const perAddress = share >= 1 ? maxSockets : Math.max(SOCKET_LIMITS.minPerAddress, Math.floor(maxSockets * share));
  const refusalRule = options.refusals === undefined ? SOCKET_LIMITS.refusals : options.refusals;
  const refusals: RateCounter | null = refusalRule ? memoryCounters({ name: 'socket-refusals', ...refusalRule }) : null;
  const maxBuffered = options.maxBufferedBytes ?? SOCKET_LIMITS.maxBufferedBytes;
  const routes = new Map<string, SocketRoute<unknown, unknown>>();
  const servers = new Map<string, WebSocketServer>();
  const openByRoute = new Map<string, number>();
  /** Sockets open or being admitted, by client key, and in all. */
  const heldBy = new Map<string, number>();
  let held = 0;
  const alive = new Map<WebSocket, boolean>();

  const hold = (key: string, delta: number) => {
    held += delta;
    const count = (heldBy.get(key) ?? 0) + delta;
    if (count > 0) heldBy.set(key, count);
    else heldBy.delete(key);
  };

  const clientKey = (request: IncomingMessage) => {
    const address = normaliseAddress(request.socket.remoteAddress);
    const forwarded = options.trustProxy ? lastForwardedAddress(request.headers['x-forwarded-for'] as string) : null;
    return limitKeyOf(forwarded ?? address);
  };

  const onUpgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://gate');
    } catch {
      if (options.exclusive) refuse(socket, 400);
      return;
    }
    const route = routes.get(url.pathname);
    if (!route && !options.exclusive) return;
    socket.on('error', () => socket.destroy());
    const key = clientKey(request);
    const limited = await refusals?.check(key);
    if (limited && !limited.allowed) return refuse(socket, 429, limited.retryAfterSeconds);
    if (!route) {
      await refusals?.hit(key);
      return refuse(socket, 404);
    }
    if (held >= maxSockets) return refuse(socket, 503);
    if ((heldBy.get(key) ?? 0) >= perAddress) return refuse(socket, 429, 10);
    hold(key, 1);
    let admission: Admission<unknown>;
    try {
      admission = await route.admit(url, request);
    } catch (error) {
      console.error(`[share-link-api] ${route.path}: admitting a socket failed`, error);
      admission = { ok: false, status: 503 };
    }
    if (!admission.ok || socket.destroyed) {
      hold(key, -1);
      if (admission.ok) return;
      if (COUNTED.has(admission.status)) await refusals?.hit(key);
      return refuse(socket, admission.status);
    }
    const { admitted } = admission;
    servers.get(route.path)!.handleUpgrade(request, socket, head, (ws) => {
      openByRoute.set(route.path, (openByRoute.get(route.path) ?? 0) + 1);
      ws.once('close', () => {
        hold(key, -1);
        openByRoute.set(route.path, (openByRoute.get(route.path) ?? 1) - 1);
      });
      serve(ws, route, admitted, maxBuffered, alive);
    });
  };
  const listener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void onUpgrade(request, socket, head);
  server.on('upgrade', listener);

  // A peer that has not answered the last ping by the next one is gone (a phone that lost its network).
  const pings = setInterval(() => {
    for (const [ws, answered] of alive) {
      if (!answered) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, options.pingIntervalMs ?? SOCKET_LIMITS.pingIntervalMs);
  pings.unref();

  return {
    route<A, F>(route: SocketRoute<A, F>) {
      routes.set(route.path, route as SocketRoute<unknown, unknown>);
      servers.set(
        route.path,
        new WebSocketServer({ noServer: true, maxPayload: route.maxFrameBytes, perMessageDeflate: false }),
      );
    },
    open: openByRoute,
    async close() {
      server.off('upgrade', listener);
      clearInterval(pings);
      await Promise.all(
        [...servers.values()].map((wss) => {
          for (const ws of wss.clients) ws.close(1001, 'server closing');
          return new Promise<void>((resolve) => {
            const deadline = setTimeout(() => {
              for (const ws of wss.clients) ws.terminate();
            }, 1000);
            wss.close(() => {
              clearTimeout(deadline);
              resolve();
            });
          });
        }),
      );
    },
  };
}

/** One socket's life under the gate's rules. */
function serve<A, F>(
  ws: WebSocket,
  route: SocketRoute<A, F>,
  admitted: A,
  maxBuffered: number,
  alive: Map<WebSocket, boolean>,
): void {
  let closing = false;
  let badFrames = 0;
  let windowStart = Date.now();
  let framesInWindow = 0;
  const socket: GatedSocket = {
    id: randomUUID(),
    send(frame) {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > maxBuffered) {
        // It does not read: drop it rather than buffer for it (it reconnects if it is alive).
        ws.terminate();
        return;
      }
      ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    },
    close(code = 1000, reason = '') {
      closing = true;
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
    },
    get open() {
      return ws.readyState === ws.OPEN && !closing;
    },
  };
  const refuseFrame = (code: 'bad-frame' | 'too-fast', message: string) => {
    socket.send({ type: 'error', code, message });
    if (code === 'too-fast' || ++badFrames >= SOCKET_LIMITS.maxBadFrames) socket.close(1008, code);
  };

  alive.set(ws, true);
  ws.on('pong', () => alive.set(ws, true));
  ws.on('error', () => ws.terminate());
  const handlers = route.open(socket, admitted);
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (closing) return;
    const now = Date.now();
    if (now - windowStart > SOCKET_LIMITS.frameWindowMs) {
      windowStart = now;
      framesInWindow = 0;
    }
    if (++framesInWindow > SOCKET_LIMITS.framesPerWindow)
      return refuseFrame(
        'too-fast',
        `more than ${SOCKET_LIMITS.framesPerWindow} frames in ${SOCKET_LIMITS.frameWindowMs / 1000} s`,
      );
    const frame = isBinary ? null : route.parse(data.toString());
    if (frame === null)
      return refuseFrame('bad-frame', isBinary ? 'frames are JSON text' : `expected ${route.expects}`);
    handlers.frame(frame);
  });
  ws.once('close', (code) => {
    closing = true;
    alive.delete(ws);
    handlers.closed(code);
  });
}
