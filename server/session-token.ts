/**
 * Session tokens: `st_` followed by a JWT (RFC 7519) signed with HMAC-SHA256 (`HS256`) under a
 * secret only the API and the services behind it know. The claims name the link, its persona, the
 * page origin the session was granted to, and the expiry, so a service can check a token without
 * asking the database (docs/session-tokens.md).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_TOKEN_PREFIX = 'st_';
const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
const ISSUER = 'share-link-embed';

export interface SessionClaims {
  /** The session's id (`jti`): a random UUID, its conversation's id (docs/conversations.md). */
  sessionId: string;
  /** The share link's id (`sub`). */
  linkId: string;
  /** The persona's id (`persona`). */
  personaId: string;
  /** The page origin the session was granted to, or `null` when the request named none (`origin`). */
  origin: string | null;
  /** When the token was issued, ms since the epoch (`iat`, whole seconds). */
  issuedAt: number;
  /** When the token stops being valid, ms since the epoch (`exp`, whole seconds). */
  expiresAt: number;
}

export type SessionTokenCheck =
  { valid: true; claims: SessionClaims } | { valid: false; reason: 'malformed' | 'bad-signature' | 'expired' };

export interface MintInput {
  /** The session's id (`jti`): its conversation's id (docs/conversations.md). Default: a random one. */
  sessionId?: string;
  linkId: string;
  personaId: string;
  origin: string | null;
  /** ms since the epoch. */
  now: number;
  lifetimeMs: number;
}

/** Signs a new session token. Times are whole seconds in the token, so `expiresAt` is rounded down. */
export function mintSessionToken(
  { sessionId, linkId, personaId, origin, now, lifetimeMs }: MintInput,
  secret: string | Uint8Array,
): { sessionToken: string; expiresAt: string } {
  const iat = Math.floor(now / 1000);
  const exp = Math.floor((now + lifetimeMs) / 1000);
  const payload = base64url(
    JSON.stringify({
      iss: ISSUER,
      jti: sessionId ?? randomBytes(16).toString('base64url'),
      sub: linkId,
      persona: personaId,
      origin,
      iat,
      exp,
    }),
  );
  const signed = `${HEADER}.${payload}`;
  return {
    sessionToken: `${SESSION_TOKEN_PREFIX}${signed}.${sign(signed, secret)}`,
    expiresAt: new Date(exp * 1000).toISOString(),
  };
}

/**
 * Checks a session token's signature and expiry with the server's secret, without any other state.
 * `now` is ms since the epoch. Never throws: anything that is not a valid token is `malformed`.
 */
export function verifySessionToken(
  token: unknown,
  secret: string | Uint8Array,
  now: number = Date.now(),
): SessionTokenCheck {
  if (typeof token !== 'string' || token.length > 4096 || !token.startsWith(SESSION_TOKEN_PREFIX))
    return { valid: false, reason: 'malformed' };
  const parts = token.slice(SESSION_TOKEN_PREFIX.length).split('.');
  // Only the one header this server writes: no `alg: none`, no other algorithm, no key hints.
  if (parts.length !== 3 || parts[0] !== HEADER) return { valid: false, reason: 'malformed' };
  const [header, payload, signature] = parts as [string, string, string];
  const expected = Buffer.from(sign(`${header}.${payload}`, secret));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { valid: false, reason: 'bad-signature' };
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return { valid: false, reason: 'malformed' };
  }
  const { jti, sub, persona, origin, iat, exp, iss } = claims ?? {};
  if (
    iss !== ISSUER ||
    typeof jti !== 'string' ||
    typeof sub !== 'string' ||
    typeof persona !== 'string' ||
    (origin !== null && typeof origin !== 'string') ||
    !Number.isSafeInteger(iat) ||
    !Number.isSafeInteger(exp)
  ) {
    return { valid: false, reason: 'malformed' };
  }
  if (now >= (exp as number) * 1000) return { valid: false, reason: 'expired' };
  return {
    valid: true,
    claims: {
      sessionId: jti,
      linkId: sub,
      personaId: persona,
      origin,
      issuedAt: (iat as number) * 1000,
      expiresAt: (exp as number) * 1000,
    },
  };
}

/** A fresh secret for one process: 32 random bytes, base64url. */
export const generateSessionSecret = (): string => randomBytes(32).toString('base64url');

function sign(data: string, secret: string | Uint8Array): string {
  return createHmac('sha256', secret).update(data).digest('base64url');
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** The session a token names, for the sockets that admit by session token: its conversation's id. */
export interface VerifiedSession {
  conversationId: string;
}

/** Checks a session token as of `at` (ms): the session it names, or `null`. May ask elsewhere (a promise). */
export type SessionVerifier = (token: string, at: number) => VerifiedSession | null | Promise<VerifiedSession | null>;

/** The verifier of tokens signed with `secret` (server/socket-gate.ts's routes use it). */
export const sessionVerifier =
  (secret: string | Uint8Array): SessionVerifier =>
  (token, at) => {
    const check = verifySessionToken(token, secret, at);
    return check.valid ? { conversationId: check.claims.sessionId } : null;
  };
