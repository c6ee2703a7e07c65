/**
 * Who a request comes from, for abuse limits: the socket's address, or with `trustProxy` the address
 * the one trusted proxy in front of us appended to `X-Forwarded-For`.
 *
 * Only the rightmost entry of `X-Forwarded-For` is the proxy's own observation; every entry to its
 * left was sent by the client and can say anything, so it is never used.
 */
import { isIP } from 'node:net';
import type { Context } from 'hono';

/** The TCP peer of a request served by `@hono/node-server` (or Vite's server), if there is one. */
export function socketAddress(c: Context): string | null {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return normaliseAddress(incoming?.socket?.remoteAddress);
}

/** The client's address: the socket's, or with `trustProxy` the last `X-Forwarded-For` entry. */
export function clientAddress(c: Context, trustProxy: boolean): string | null {
  const socket = socketAddress(c);
  if (!trustProxy) return socket;
  return lastForwardedAddress(c.req.header('x-forwarded-for')) ?? socket;
}

/** The rightmost valid address of an `X-Forwarded-For` value, or `null`. Ports and brackets are dropped. */
export function lastForwardedAddress(header: string | undefined): string | null {
  if (!header || header.length > 4096) return null;
  const entries = header.split(',');
  return normaliseAddress(stripPort(entries[entries.length - 1]!.trim()));
}

function stripPort(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed) return bracketed[1]!;
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(entry);
  return v4WithPort ? v4WithPort[1]! : entry;
}

/** A valid IP in one spelling: IPv4-mapped IPv6 (`::ffff:1.2.3.4`) becomes IPv4; anything else `null`. */
export function normaliseAddress(address: string | undefined | null): string | null {
  if (!address) return null;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  const candidate = mapped ? mapped[1]! : address;
  return isIP(candidate) ? candidate.toLowerCase() : null;
}

/**
 * The key a client is counted under: an IPv4 address, or an IPv6 address's /64 network, since one
 * subscriber usually holds a whole /64 and could otherwise take a fresh address for every request.
 */
export function limitKeyOf(address: string | null): string {
  if (!address) return 'unknown';
  if (isIP(address) !== 6) return address;
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
}

function expandIpv6(address: string): string[] {
  const withoutZone = address.split('%')[0]!;
  const [head, tail] = withoutZone.includes('::') ? withoutZone.split('::') : [withoutZone, undefined];
  const toGroups = (part: string | undefined) => (part ? part.split(':') : []);
  let left = toGroups(head);
  let right = toGroups(tail);
  // An embedded IPv4 tail (::ffff:1.2.3.4 forms that are not mapped) counts as two groups.
  const last = (tail === undefined ? left : right).at(-1);
  if (last?.includes('.')) {
    const octets = last.split('.').map(Number);
    const groups = [((octets[0]! << 8) | octets[1]!).toString(16), ((octets[2]! << 8) | octets[3]!).toString(16)];
    if (tail === undefined) left = [...left.slice(0, -1), ...groups];
    else right = [...right.slice(0, -1), ...groups];
  }
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array.from({ length: missing }, () => '0'), ...right].map((group) =>
    group.replace(/^0+(?=.)/, '').toLowerCase(),
  );
}
