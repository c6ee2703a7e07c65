/**
 * What happens to a conversation, told to every process (docs/conversations.md, "Across
 * processes"): a turn, a takeover or hand-back, its end, its erasure. Each process keeps, per
 * conversation, the sockets it serves (the visitor's channel, the scripted engine, the conversation
 * pages) as listeners, and passes them each signal of the bus (server/message-bus.ts) for their
 * conversation. Nothing here decides anything: the store does (server/store/types.ts), and the
 * process that made a change publishes it.
 */
import type { PublicConversation, TurnRole } from './conversation-schemas.ts';
import type { MessageBus } from './message-bus.ts';

export type Signal =
  /** A turn: its text when it was kept or a person holds the conversation, else only its count. */
  | {
      kind: 'turn';
      id: string;
      role: TurnRole;
      text: string | null;
      at: string;
      turns: number;
      /** It is in the transcript (the conversation records). */
      kept: boolean;
      /** Who held the conversation when it was said (a page id), or `null`. */
      holder: string | null;
    }
  /** A page took the conversation over (`holder`), or gave it back (`null`). */
  | { kind: 'hold'; id: string; holder: string | null; conversation: PublicConversation }
  | { kind: 'ended'; id: string; conversation: PublicConversation }
  | { kind: 'erased'; id: string }
  /** A visitor's channel connected (`socket`): another process's older one for it closes. */
  | { kind: 'visitor'; id: string; socket: string }
  /** A conversation page connected (`page`): a page that left and came back keeps its hold. */
  | { kind: 'page'; id: string; page: string };

/** What listeners are told besides the signals: the bus lost messages; read what matters again. */
export type Heard = Signal | { kind: 'resync'; id: string };

export type Listener = (heard: Heard) => void;

export interface ConversationHub {
  /** Tells every process, this one included. Never rejects: a failure is logged. */
  publish(signal: Signal): Promise<void>;
  /** Listens to one conversation's signals in this process; returns the unsubscribe. */
  listen(id: string, listener: Listener): () => void;
  /** Conversations with a listener in this process. */
  readonly size: number;
  close(): void;
}

const KINDS = new Set(['turn', 'hold', 'ended', 'erased', 'visitor', 'page']);

/** The hub subscribes to the bus when it first has a listener (on PostgreSQL, a LISTEN connection of its own). */
export function createHub(bus: MessageBus): ConversationHub {
  const listeners = new Map<string, Set<Listener>>();
  let unsubscribe: (() => void) | null = null;
  const tell = (heard: Heard) => {
    for (const listener of [...(listeners.get(heard.id) ?? [])]) {
      try {
        listener(heard);
      } catch (error) {
        console.error(`[share-link-api] a listener of conversation ${heard.id} failed:`, error);
      }
    }
  };
  const subscribe = () =>
    bus.subscribe(
      (message) => {
        let signal: Signal;
        try {
          signal = JSON.parse(message) as Signal;
        } catch {
          return;
        }
        if (typeof signal?.id === 'string' && KINDS.has(signal.kind)) tell(signal);
      },
      () => {
        for (const id of listeners.keys()) tell({ kind: 'resync', id });
      },
    );
  let failures = 0;
  return {
    async publish(signal) {
      try {
        await bus.publish(JSON.stringify(signal));
      } catch (error) {
        // Said once in a while: while the database is away, every signal fails alike.
        if (failures++ % 100 === 0)
          console.error(
            `[share-link-api] a conversation signal (${signal.kind}) did not reach the other processes (${failures} so far): ${(error as Error).message}`,
          );
      }
    },
    listen(id, listener) {
      unsubscribe ??= subscribe();
      let set = listeners.get(id);
      if (!set) listeners.set(id, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (!set.size && listeners.get(id) === set) listeners.delete(id);
      };
    },
    get size() {
      return listeners.size;
    },
    close() {
      unsubscribe?.();
      unsubscribe = null;
      listeners.clear();
    },
  };
}
