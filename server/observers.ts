/**
 * What the API reports as it answers lookups and session starts, for whoever subscribes
 * (analytics, webhooks, request logs; docs/operators.md): one small union of events, passed to the
 * observers the app is given (`AppOptions.observers`). Observers see what happened; they never
 * decide it, and one that throws is logged while the request goes on.
 */
import type { EngineKind } from '../src/engine-schema.ts';
import type { Refusal } from './judging.ts';
import type { ProtectionRefusal } from './protections.ts';
import type { StoredShareLink } from './schemas.ts';

/**
 * Why a lookup or a start was refused: the link's rules, an unknown token, its protections (a
 * signed embed, a proof of work), a rate limit (the client's, or the link's velocity cap), a failed mint.
 */
export type RefusalReason = Refusal | ProtectionRefusal | 'not-found' | 'rate-limited' | 'engine-failed';

interface Seen {
  token: string;
  /** The page origin the request named, `null` when none. */
  origin: string | null;
  /** ms since the epoch, by the server's clock. */
  at: number;
}

export type LinkEvent =
  /** A lookup answered 200: the link was shown to a page. */
  | (Seen & { type: 'lookup-served'; link: StoredShareLink })
  /** A lookup refused; `link` is there when the token names one. */
  | (Seen & { type: 'lookup-refused'; reason: RefusalReason; link?: StoredShareLink })
  /** A session granted: one use counted, durably. */
  | (Seen & { type: 'session-granted'; link: StoredShareLink; usageCount: number; engine: EngineKind | null })
  /** A session start refused (nothing counted), or whose mint failed (the use given back). */
  | (Seen & { type: 'session-refused'; reason: RefusalReason; link?: StoredShareLink });

export type LinkObserver = (event: LinkEvent) => void;

/** One function that tells every observer, each in turn; a failing observer is logged and skipped. */
export function notifier(observers: readonly LinkObserver[]): LinkObserver {
  if (!observers.length) return () => undefined;
  return (event) => {
    for (const observe of observers) {
      try {
        observe(event);
      } catch (error) {
        console.error(`[share-link-api] an observer of ${event.type} failed:`, error);
      }
    }
  };
}
