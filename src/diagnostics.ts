/**
 * What the site owner reads in the console: one warning per failure, naming the exact cause and,
 * where it helps, what to change. Visitors never see these (they get the translated messages).
 */
import type { PolicyReason } from './policy.js';
import type { ShareLink } from './schema.js';

export interface FailureContext {
  origin: string;
  /** The link the API returned and the widget refused itself. */
  link: ShareLink;
  /** Server time, in ms. */
  now: number;
}

const list = (origins: readonly string[]) =>
  origins.length ? origins.map((origin) => `"${origin}"`).join(', ') : 'none';

/** The widget's own policy refusals, with the link in hand. */
export function explainRefusal(reason: PolicyReason, { origin, link, now }: FailureContext): string {
  const subject = `share link ${link.token}`;
  switch (reason) {
    case 'origin-not-allowed':
      return `${subject}: the page origin ${origin} is not in the link's allowed origins, which are ${list(link.allowedOrigins)}. Add it to allowedOrigins, or enable allowAllOrigins.`;
    case 'disabled':
      return `${subject} is disabled (enabled: false).`;
    case 'expired':
      return `${subject} expired at ${link.expiresAt} (server time now ${new Date(now).toISOString()}).`;
    case 'usage-limit-reached':
      return `${subject} has used all ${link.usageLimit} of its uses (usageCount ${link.usageCount}).`;
    case 'not-embeddable':
      return `${subject} is a LINK link, meant to be opened directly; create a PLAYER_EMBED or ORB_EMBED link to embed it.`;
  }
}

/** A `429 rate-limited` answer: what the widget does next, and the usual cause. */
export function explainRateLimit(token: string, retryAfterMs: number | undefined, retryInMs: number | null): string {
  const asked = retryAfterMs === undefined ? 'no Retry-After' : `Retry-After ${Math.round(retryAfterMs / 1000)} s`;
  const next = retryInMs === null ? 'no more automatic retries' : `one retry in ${Math.round(retryInMs / 1000)} s`;
  return `share link ${token}: the API rate-limited this visitor's address (429, ${asked}); ${next}. Limits count per client address: behind a shared proxy, run the API with --trust-proxy.`;
}
