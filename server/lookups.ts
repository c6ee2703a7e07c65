/**
 * Lookups (`GET /v1/embed/{token}`, docs/api.md): read the link and its persona, judge the link
 * for the page (server/judging.ts), and report what was answered to the observers. Anything served
 * under a lookup's rules (the link's answer, its poster) goes through `find`.
 */
import { judgeLink, type JudgingContext, type Refusal } from './judging.ts';
import type { LinkObserver } from './observers.ts';
import type { StoredPersona, StoredShareLink } from './schemas.ts';
import type { LinkLookup } from './store/index.ts';

export interface LookupRequest {
  token: string;
  /** The page origin, `null` when the request named none. */
  origin: string | null;
  context: JudgingContext;
  /** ms since the epoch, by the server's clock. */
  now: number;
  /**
   * `poster`: the poster of the link (docs/delivery.md), which the element requests beside the
   * link itself; judged alike but not reported, so that a page view counts once.
   */
  purpose?: 'link' | 'poster';
}

interface Refused {
  reason: Refusal | 'not-found';
  /** There when the token names a link. */
  link?: StoredShareLink;
}

export type LookupOutcome =
  { found: true; link: StoredShareLink; persona: StoredPersona } | ({ found: false } & Refused);

export interface LookupService {
  find(request: LookupRequest): Promise<LookupOutcome>;
}

export function createLookupService({ store, notify }: { store: LinkLookup; notify: LinkObserver }): LookupService {
  return {
    async find(request) {
      const found = await store.resolve(request.token);
      const seen = { token: request.token, origin: request.origin, at: request.now };
      const reported = request.purpose !== 'poster';
      const reason = found ? judgeLink(found.link, request) : 'not-found';
      // A link whose persona is gone is as good as none.
      if (reason || !found?.persona) {
        const refusal: Refused = { reason: reason ?? 'not-found' };
        if (found) refusal.link = found.link;
        if (reported) notify({ ...seen, type: 'lookup-refused', ...refusal });
        return { found: false, ...refusal };
      }
      if (reported) notify({ ...seen, type: 'lookup-served', link: found.link });
      return { found: true, link: found.link, persona: found.persona };
    },
  };
}
