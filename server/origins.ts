/**
 * The two origins a request involves: the page's (who asks) and the API's own (where the URLs the
 * API hands out point: media, share pages, the scripted engine's socket).
 */
import type { Context } from 'hono';

/** The page origin (docs/api.md): the `Origin` header, else the origin of `Referer`, else none. */
export function pageOrigin(c: Context): string | null {
  const origin = c.req.header('origin');
  if (origin !== undefined) return origin;
  const referer = c.req.header('referer');
  if (!referer) return null;
  try {
    return new URL(referer).origin;
  } catch {
    return null;
  }
}

/**
 * Where browsers reach this API: `publicUrl` when one is configured (a path in it prefixes media
 * URLs), else the address the connection arrived on, read from the socket, else `null` (a runtime
 * without sockets, and no `publicUrl`: media URLs are then `null`, share URLs too, and a scripted
 * engine cannot be minted). Never the request's `Host` header, nor the request URL built from it:
 * the client writes those, so an answer built on them could send visitors, or a cache shared by
 * many, to a host of the client's choosing.
 */
export function apiBase(c: Context, publicUrl: string | undefined): string | null {
  return publicUrl ?? socketOrigin(c);
}

/** The origin a connection arrived on (`http://127.0.0.1:8787`), from the socket @hono/node-server passes. */
function socketOrigin(c: Context): string | null {
  const socket = (c.env as { incoming?: { socket?: { localAddress?: string; localPort?: number } } } | undefined)
    ?.incoming?.socket;
  if (!socket?.localAddress || !socket.localPort) return null;
  const address = socket.localAddress.replace(/^::ffff:(?=\d+\.)/i, '');
  return `http://${address.includes(':') ? `[${address}]` : address}:${socket.localPort}`;
}
