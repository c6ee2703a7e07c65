/**
 * How the API applies the share-link policy (src/policy.ts, docs/policy.md): the one place the
 * server calls `checkShareLink`, for lookups, session starts and share pages alike.
 */
import { checkShareLink, type PolicyReason, type ShareLinkRules } from '../src/policy.ts';
import { isPublicSuffix } from './allowlist.ts';

/**
 * Which page the API judges a link for. The policy knows three places; the API judges in two:
 * - `share-page`: the link's own share page (`GET /s/{token}`, and the element's requests from
 *   it): a `LINK` link is opened there directly, so its allowed origins, which say where it may be
 *   embedded, do not apply (the policy's `embedding: false`);
 * - `page`: any other page, judged by its origin under every rule (no `embedding`).
 * The third, a site's page that embeds the widget (`embedding: true`, where a `LINK` link is not
 * embeddable), is the element's own judgement (src/share-link-embed.ts); the API serves `LINK`
 * links to any allowed page so that the element can say why it will not show one.
 */
export type JudgingContext = 'share-page' | 'page';

/** Why the API refuses a link. `not-embeddable` is not among them: only the widget refuses that. */
export type Refusal = Exclude<PolicyReason, 'not-embeddable'>;

export interface Judgement {
  /** The page origin (`Origin`, else `Referer`'s), `null` when the request named none. */
  origin: string | null;
  /** ms since the epoch, by the server's clock. */
  now: number;
  context: JudgingContext;
}

/** The first rule the link fails for this page at this time, or `null` when it may be used. */
export function judgeLink(link: ShareLinkRules, { origin, now, context }: Judgement): Refusal | null {
  const refusal = checkShareLink(link, {
    origin,
    now,
    isPublicSuffix,
    ...(context === 'share-page' && { embedding: false }),
  });
  // Without `embedding: true` the policy never answers `not-embeddable`; the guard is for the type.
  return refusal === 'not-embeddable' ? null : refusal;
}
