/**
 * What the API reports as it answers lookups and session starts, and as conversations start and
 * end, for whoever subscribes (analytics, webhooks, request logs; docs/operators.md): one small
 * union of events, passed to the observers the app is given (`AppOptions.observers`). Observers
 * see what happened; they never decide it, and one that throws is logged while the request goes on.
 */
import type { EngineKind } from '../src/engine-schema.ts';
import type { PublicConversation, Turn } from './conversation-schemas.ts';
import type { Refusal } from './judging.ts';
import type { ProtectionRefusal } from './protections.ts';
import type { StoredShareLink } from './schemas.ts';

/**
 * Why a lookup or a start was refused: the link's rules, an unknown token, its protections (a
 * signed embed, a proof of work), a rate limit (the client's, or the link's velocity cap), a failed mint.
 */
export type RefusalReason = Refusal | ProtectionRefusal | 'not-found' | 'rate-limited' | 'engine-failed';

export interface Seen {
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

/**
 * Conversations (docs/conversations.md), each reported once, by the process that made the change,
 * after it is stored: started with its session (right after `session-granted`), ended however it
 * ends (the page, the engine, the sweep of any process).
 */
export type ConversationEvent =
  | { type: 'conversation-started'; at: number; origin: string | null; conversation: PublicConversation }
  | {
      type: 'conversation-ended';
      at: number;
      origin: string | null;
      conversation: PublicConversation;
      /** From `startedAt` to `endedAt`, in whole seconds. */
      durationSeconds: number;
      /** The kept turns, when the conversation recorded them; else `null`. */
      transcript: Turn[] | null;
    };

export type ObservedEvent = LinkEvent | ConversationEvent;

export type LinkObserver = (event: ObservedEvent) => void;

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
