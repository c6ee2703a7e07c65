/**
 * Lookups (`GET /v1/embed/{token}`, docs/api.md): read the link and its persona, judge the link
 * for the page (server/judging.ts) and by its protections (a signed embed: server/protections.ts),
 * and report what was answered to the observers. Anything served under a lookup's rules (the
 * link's answer, its poster, its challenge) goes through `find`.
 */
import { judgeLink, type JudgingContext, type Refusal } from './judging.ts';
import type { LinkObserver } from './observers.ts';
import type { ProtectionRefusal, Protections } from './protections.ts';
import type { StoredPersona, StoredShareLink } from './schemas.ts';
import type { LinkLookup } from './store/index.ts';

export interface LookupRequest {
  token: string;
  /** The page origin, `null` when the request named none. */
  origin: string | null;
  context: JudgingContext;
  /** ms since the epoch, by the server's clock. */
  now: number;
  /** The `embedToken` query parameter, `null` when absent. */
  embedToken: string | null;
  /**
   * `poster`: the poster of the link (docs/delivery.md), which the element requests beside the
   * link itself; `challenge`: a proof of work to solve before a start (docs/security.md). Judged
   * alike but not reported, so that a page view counts once.
   */
  purpose?: 'link' | 'poster' | 'challenge';
}

interface Refused {
  reason: Refusal | ProtectionRefusal | 'not-found';
  /** There when the token names a link. */
  link?: StoredShareLink;
  /** What exactly is wrong, for the site owner, when the table's message does not say it. */
  message?: string;
}

export type LookupOutcome =
  { found: true; link: StoredShareLink; persona: StoredPersona } | ({ found: false } & Refused);

export interface LookupService {
  find(request: LookupRequest): Promise<LookupOutcome>;
}

export function createLookupService({
  store,
  notify,
  protections,
}: {
  store: LinkLookup;
  notify: LinkObserver;
  protections: Protections;
}): LookupService {
  const judge = async (request: LookupRequest): Promise<LookupOutcome> => {
    const found = await store.resolve(request.token);
    if (!found) return { found: false, reason: 'not-found' };
    const { link, persona } = found;
    const reason = judgeLink(link, request);
    if (reason) return { found: false, reason, link };
    // A link whose persona is gone is as good as none.
    if (!persona) return { found: false, reason: 'not-found', link };
    const guarded = protections.lookup(link, request);
    if (!guarded.ok) return { found: false, reason: guarded.reason, message: guarded.message, link };
    return { found: true, link, persona };
  };
  return {
    async find(request) {
      const outcome = await judge(request);
      if ((request.purpose ?? 'link') !== 'link') return outcome;
      const seen = { token: request.token, origin: request.origin, at: request.now };
      if (outcome.found) notify({ ...seen, type: 'lookup-served', link: outcome.link });
      else
        notify({
          ...seen,
          type: 'lookup-refused',
          reason: outcome.reason,
          ...(outcome.link && { link: outcome.link }),
        });
      return outcome;
    },
  };
}
