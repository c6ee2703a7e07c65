/**
 * Checks the embed tokens of signed embeds (docs/security.md, "Signed embeds"; the site's server
 * makes them with `signEmbedToken`, src/embed-token.ts): an HS256 JWT signed with the link's
 * signing key, for this link (`sub`), this page origin (`origin`), not expired and at most 15
 * minutes ahead (`exp`), with a `jti` the counted step spends (server/sessions.ts). Pure: time is
 * an argument; the key comes opened from server/signing-keys.ts.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { MAX_EMBED_TOKEN_TTL_SECONDS } from '../src/embed-token.ts';

/** Longer is refused unread. */
export const MAX_EMBED_TOKEN_LENGTH = 2048;
/** A site's clock may run ahead of ours by this much. */
const CLOCK_SKEW_SECONDS = 60;
const JTI = /^[\w.~:-]{1,128}$/;

export type EmbedTokenCheck =
  | { valid: true; jti: string; expiresAt: number }
  | { valid: false; reason: 'signature-required' | 'signature-invalid'; message: string };

const invalid = (message: string): EmbedTokenCheck => ({ valid: false, reason: 'signature-invalid', message });

export interface EmbedTokenContext {
  /** The link's share-link token: the token's `sub`. */
  token: string;
  /** The page origin of the request, `null` when it named none. */
  origin: string | null;
  /** The link's signing key, opened; `null` when it has none (or it cannot be opened). */
  key: string | null;
  /** ms since the epoch. */
  now: number;
}

export function checkEmbedToken(
  embedToken: string | null,
  { token, origin, key, now }: EmbedTokenContext,
): EmbedTokenCheck {
  if (!embedToken)
    return {
      valid: false,
      reason: 'signature-required',
      message:
        "This share link requires a signed embed: sign an embed token on your server with the link's signing key (signEmbedToken in share-link-embed/helpers) and set it as the element's embed-token attribute.",
    };
  if (embedToken.length > MAX_EMBED_TOKEN_LENGTH) return invalid('The embed token is too long to be one.');
  if (!key)
    return invalid(
      'The share link has no signing key: create one with POST /v1/share-links/{id}/signing-key and sign with it.',
    );
  const parts = embedToken.split('.');
  const header = parts.length === 3 ? parseJson(parts[0]!) : null;
  if (!header || header['alg'] !== 'HS256' || (header['typ'] !== undefined && header['typ'] !== 'JWT'))
    return invalid('The embed token is not an HS256 JWT.');
  const expected = createHmac('sha256', key).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return invalid("The embed token's signature does not match the link's signing key (sign with its current key).");
  const claims = parseJson(parts[1]!);
  const { sub, origin: claimed, exp, jti } = claims ?? {};
  if (
    typeof sub !== 'string' ||
    typeof claimed !== 'string' ||
    !Number.isSafeInteger(exp) ||
    typeof jti !== 'string' ||
    !JTI.test(jti)
  )
    return invalid('The embed token needs the claims sub, origin, exp and jti (1 to 128 letters, digits or -_.~:).');
  if (sub !== token) return invalid('The embed token was signed for another share link (sub).');
  if (claimed !== origin)
    return invalid(
      `The embed token is for the origin ${JSON.stringify(claimed.slice(0, 200))}, not this page's (${origin ?? 'none'}).`,
    );
  const expiresAt = (exp as number) * 1000;
  if (now >= expiresAt)
    return invalid(
      `The embed token expired at ${new Date(expiresAt).toISOString()}: give the element a fresh one (they last at most 15 minutes).`,
    );
  if (expiresAt > now + (MAX_EMBED_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS) * 1000)
    return invalid('The embed token expires more than 15 minutes ahead: sign it with a ttl of at most 900 s.');
  return { valid: true, jti, expiresAt };
}

function parseJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
