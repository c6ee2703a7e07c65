/**
 * The share-link policy (docs/policy.md): one pure module, used by the widget and by the reference API.
 *
 * Nothing here reads a clock or the page: the caller passes the origin and the time, so the widget
 * can judge by the server's clock and the API by its own, and tests can pin both.
 */

export type PolicyReason = 'origin-not-allowed' | 'disabled' | 'expired' | 'usage-limit-reached' | 'not-embeddable';

/** The fields of a share link that the rules read. */
export interface ShareLinkRules {
  type: 'LINK' | 'PLAYER_EMBED' | 'ORB_EMBED';
  enabled: boolean;
  expiresAt: string | null;
  usageLimit: number | null;
  usageCount: number;
  allowedOrigins: readonly string[];
  allowAllOrigins: boolean;
}

export interface PolicyContext {
  /** The page origin as serialised by a browser (`https://shop.example`), `'null'`, or `null` when unknown. */
  origin: string | null;
  /** Milliseconds since the epoch, by the clock that is authoritative (the server's). */
  now: number;
  /**
   * Where the link is shown. `true`: embedded in a site's page, as the widget is; it refuses `LINK`
   * links, which are meant to be opened, not embedded. `false`: opened directly, on the API's own
   * share page (`GET /s/{token}`); allowed origins say where a link may be embedded, so a `LINK`
   * link opened there skips the origin rule (enabled, expiry and usage still apply). Omitted: the
   * API judging a request from a page it does not know, which applies every rule but the last.
   */
  embedding?: boolean;
  /** Whether a domain is a public suffix (`com`, `co.uk`); a wildcard over one matches nothing. */
  isPublicSuffix?: (domain: string) => boolean;
}

/** Applies the rules in order; the first that fails wins. `null` means the link may be used. */
export function checkShareLink(link: ShareLinkRules, context: PolicyContext): PolicyReason | null {
  const openedDirectly = context.embedding === false && link.type === 'LINK';
  if (
    !openedDirectly &&
    !link.allowAllOrigins &&
    !isOriginAllowed(context.origin, link.allowedOrigins, context.isPublicSuffix)
  ) {
    return 'origin-not-allowed';
  }
  if (!link.enabled) return 'disabled';
  if (isExpired(link.expiresAt, context.now)) return 'expired';
  if (link.usageLimit !== null && link.usageCount >= link.usageLimit) return 'usage-limit-reached';
  if (context.embedding && link.type === 'LINK') return 'not-embeddable';
  return null;
}

/** An unparseable expiry counts as expired: a link we cannot date is not one we should serve. */
export function isExpired(expiresAt: string | null, now: number): boolean {
  if (expiresAt === null) return false;
  const at = Date.parse(expiresAt);
  return Number.isNaN(at) || now >= at;
}

// ---------------------------------------------------------------------------------------------
// Origins

interface ParsedOrigin {
  scheme: 'http:' | 'https:';
  host: string;
  /** Normalised: the scheme's default port is the empty string, as in `URL#port`. */
  port: string;
}

interface AllowlistEntry extends ParsedOrigin {
  wildcard: boolean;
}

const ORIGIN_SHAPE = /^(https?):\/\/([^/?#@\\\s]+)$/i;
const WILDCARD_PREFIX = '*.';

/**
 * Parses `scheme://host[:port]` strictly. Anything a browser would never put in an `Origin`
 * header (path, query, userinfo, percent escapes, trailing dots, empty labels) is refused rather
 * than repaired, because a repaired entry is one the link's owner never wrote.
 */
function parseOrigin(input: string, allowWildcard: boolean): AllowlistEntry | null {
  if (typeof input !== 'string' || input.length > 2048) return null;
  const shape = ORIGIN_SHAPE.exec(input);
  if (!shape) return null;
  let authority = shape[2]!;
  if (authority.includes('%')) return null;
  let wildcard = false;
  if (allowWildcard && authority.startsWith(WILDCARD_PREFIX)) {
    wildcard = true;
    authority = authority.slice(WILDCARD_PREFIX.length);
  }
  if (authority.includes('*')) return null;
  let url: URL;
  try {
    url = new URL(`${shape[1]!.toLowerCase()}://${authority}`);
  } catch {
    return null;
  }
  const host = url.hostname;
  if (!host || host.endsWith('.') || host.startsWith('.') || host.includes('..')) return null;
  if (wildcard && (host.startsWith('[') || /^\d+(\.\d+){3}$/.test(host))) return null;
  return { scheme: url.protocol as ParsedOrigin['scheme'], host, port: url.port, wildcard };
}

/** Parses an allowlist entry; `null` when it is not a plain origin or a `scheme://*.domain[:port]` wildcard. */
export function parseAllowlistEntry(entry: string): AllowlistEntry | null {
  return parseOrigin(entry, true);
}

/** Whether `origin` (a page origin) matches one of `allowedOrigins`. The opaque origin matches nothing. */
export function isOriginAllowed(
  origin: string | null,
  allowedOrigins: readonly string[],
  isPublicSuffix: (domain: string) => boolean = looksLikePublicSuffix,
): boolean {
  if (origin === null || origin === 'null') return false;
  const page = parseOrigin(origin, false);
  if (!page) return false;
  for (const raw of allowedOrigins) {
    const entry = parseAllowlistEntry(raw);
    if (!entry || entry.scheme !== page.scheme || entry.port !== page.port) continue;
    if (!entry.wildcard) {
      if (entry.host === page.host) return true;
    } else if (!isPublicSuffix(entry.host) && page.host.endsWith(`.${entry.host}`)) {
      return true;
    }
  }
  return false;
}

// The widget cannot afford the public-suffix list (the server uses one); this catches the common
// shapes: a bare TLD (`*.com`) and the two-level registries of country codes (`*.co.uk`, `*.com.au`).
const SECOND_LEVEL_REGISTRIES = /^(ac|co|com|edu|gov|gob|go|ltd|me|mil|ne|net|nom|or|org|plc|sch)\.[a-z]{2}$/;

/** A compact stand-in for the public-suffix list, for the browser. */
export function looksLikePublicSuffix(domain: string): boolean {
  return !domain.includes('.') || SECOND_LEVEL_REGISTRIES.test(domain);
}
