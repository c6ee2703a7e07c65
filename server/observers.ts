/**
 * What the API reports as it answers lookups and session starts (and as conversations end), for whoever subscribes
 * (analytics, webhooks, request logs; docs/operators.md): one small union of events, passed to the
 * observers the app is given (`AppOptions.observers`). Observers see what happened; they never
 * decide it, and one that throws is logged while the request goes on.
 */
import type { EngineKind } from '../src/engine-schema.ts';
import type { Refusal } from './judging.ts';
import type { StoredShareLink } from './schemas.ts';

/** Why a lookup or a start was refused: the link's rules, an unknown token, the client's rate limit, a failed mint. */
export type RefusalReason = Refusal | 'not-found' | 'rate-limited' | 'engine-failed';

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

/** Why a conversation ended (docs/conversations.md). */
export type EndReason = 'visitor' | 'idle' | 'expired' | 'failed' | 'operator' | 'completed';

/** A turn of a recorded transcript (docs/conversations.md). */
export interface TranscriptTurn {
  role: 'visitor' | 'persona' | 'operator';
  text: string;
  /** ISO 8601. */
  at: string;
}

/** What observers read of a conversation record (docs/conversations.md): the fields of its public shape they use. */
export interface ObservedConversation {
  id: string;
  shareLinkId: string;
  personaId: string;
  origin: string | null;
  /** ISO 8601. */
  startedAt: string;
  endedAt: string | null;
  endReason: EndReason | null;
}

/**
 * Conversations, each reported once, by the process that made the change, after it is stored (by
 * the conversation records): started with its session, ended however it ends. Analytics count the
 * ended ones and their seconds; webhooks send `conversation.ended`.
 */
export type ConversationEvent =
  | { type: 'conversation-started'; at: number; origin: string | null; conversation: ObservedConversation }
  | {
      type: 'conversation-ended';
      at: number;
      origin: string | null;
      conversation: ObservedConversation;
      /** From `startedAt` to `endedAt`, in whole seconds. */
      durationSeconds: number;
      /** The kept turns, when the conversation recorded them; else `null`. */
      transcript: readonly TranscriptTurn[] | null;
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
