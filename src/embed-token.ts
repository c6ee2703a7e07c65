/**
 * Embed tokens for signed embeds (docs/security.md, "Signed embeds"): the site's own server signs
 * one per page view with the link's signing key, and the page gives it to the element as its
 * `embed-token` attribute. An HS256 JWT `{ sub: <share-link token>, origin, exp, jti }`: the API
 * accepts it for that link, on that page origin, until `exp` (at most 15 minutes ahead), for one
 * session start (`jti`).
 *
 * Web Crypto only, so it runs in Node 20+ (where it is meant to run: never put a signing key in a
 * page), Deno, Bun and edge runtimes alike.
 */
import { isValidToken } from './schema.js';

/** The longest an embed token may live: the API refuses one whose `exp` is further ahead. */
export const MAX_EMBED_TOKEN_TTL_SECONDS = 900;

export interface EmbedTokenOptions {
  /** The share link's token (`sh_…`): the token is good for this link only. */
  token: string;
  /** The page origin the element runs on (`https://www.example.com`): the token is good there only. */
  origin: string;
  /** How long it is good for, 1 to 900 s. Default 600: a visitor who reads for longer needs a fresh one. */
  ttlSeconds?: number;
  /** ms since the epoch; default: now. */
  now?: number;
}

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const encodeJson = (value: unknown): string => base64url(new TextEncoder().encode(JSON.stringify(value)));

/**
 * Signs an embed token with a link's signing key (`POST /v1/share-links/{id}/signing-key` answers
 * it once; its UTF-8 bytes are the HMAC key). Throws a `TypeError` naming what is wrong.
 */
export async function signEmbedToken(key: string, options: EmbedTokenOptions): Promise<string> {
  const { token, origin, ttlSeconds = 600, now = Date.now() } = options;
  if (typeof key !== 'string' || key.length < 16)
    throw new TypeError("signEmbedToken: key must be the link's signing key");
  if (!isValidToken(token))
    throw new TypeError(
      `signEmbedToken: token must be a share-link token (sh_…), not ${JSON.stringify(String(token).slice(0, 80))}`,
    );
  if (!isOrigin(origin))
    throw new TypeError(
      `signEmbedToken: origin must be an origin (https://host[:port]), not ${JSON.stringify(String(origin).slice(0, 200))}`,
    );
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_EMBED_TOKEN_TTL_SECONDS)
    throw new TypeError(`signEmbedToken: ttlSeconds must be a whole number from 1 to ${MAX_EMBED_TOKEN_TTL_SECONDS}`);
  const jti = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const claims = { sub: token, origin, exp: Math.floor(now / 1000) + ttlSeconds, jti };
  const signed = `${encodeJson({ alg: 'HS256', typ: 'JWT' })}.${encodeJson(claims)}`;
  const hmacKey = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(key),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, new TextEncoder().encode(signed)));
  return `${signed}.${base64url(signature)}`;
}

function isOrigin(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}
