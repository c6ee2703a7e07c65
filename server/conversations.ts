/**
 * Conversations the operator can see, share and take over (docs/conversations.md): the one place
 * that changes a conversation after its start, and tells the other processes (the hub) and the
 * observers (`conversation-ended`, once, by the process that ended it).
 *
 * - turns and ends, from the scripted engine and the visitors' channels;
 * - share URLs: a capability, `cs_` and 43 random base64url characters, stored as its SHA-256;
 * - takeover, hand-back and the person's messages, for the pages of takeover URLs;
 * - time, on a schedule every process runs (`tick`, every 5 s): the store's sweep (conversations
 *   in which nothing happened for 15 minutes, or that began a day ago; holds whose URL expired),
 *   and ends that failed while the store was away, retried; and retention (`purge`, hourly), which
 *   deletes transcripts older than the retention.
 *
 * A failure of the store during a conversation never reaches the visitor: a turn that cannot be
 * written is logged and lost; an end is retried for ten minutes (then the sweep ends it `expired`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { turnText } from '../src/conversation/channel-protocol.ts';
import { createHub, type ConversationHub } from './conversation-hub.ts';
import {
  publicConversation,
  type ConversationEndReason,
  type ConversationRecord,
  type ShareMode,
  type StoredShare,
  type TurnRole,
} from './conversation-schemas.ts';
import type { MessageBus } from './message-bus.ts';
import type { LinkObserver } from './observers.ts';
import { reportStoreFailure, type ConversationStore } from './store/index.ts';

export const CONVERSATION_LIMITS = {
  /** How often each process sweeps (and retries failed ends). */
  tickMs: 5000,
  /** How often each process purges old transcripts (the first time within a minute of start). */
  purgeMs: 60 * 60_000,
  /** A failed end is retried this long. */
  retryEndsMs: 10 * 60_000,
  /** Failed ends kept for retry at once. */
  maxPendingEnds: 10_000,
  /** A live conversation in which nothing happens (no turn, no channel connecting) this long is over. */
  idleMs: 15 * 60_000,
  /** The longest any conversation lasts. */
  maxConversationMs: 24 * 60 * 60_000,
} as const;

const DAY_MS = 24 * 60 * 60_000;
export const DEFAULT_RETENTION_DAYS = 30;

/** `cs_` then 43 base64url characters: 256 random bits. */
export const CAPABILITY = /^cs_[A-Za-z0-9_-]{43}$/;
export const capabilityHash = (capability: string): string => createHash('sha256').update(capability).digest('hex');

export type ResolvedShare =
  { found: true; share: StoredShare; conversation: ConversationRecord } | { found: false; why: 'unknown' | 'expired' };

/** Why a page's action was refused: each is one answer of server/errors.ts. */
export type ActionRefusal =
  'unknown-share' | 'share-expired' | 'view-only' | 'conversation-held' | 'conversation-over' | 'not-holder';

export type ActionOutcome = { ok: true; conversation: ConversationRecord } | { ok: false; why: ActionRefusal };

export interface ConversationServiceOptions {
  store: ConversationStore;
  bus: MessageBus;
  notify: LinkObserver;
  now: () => number;
  /** Transcripts of conversations started longer ago are deleted. Default 30. */
  retentionDays?: number;
}

export interface ConversationService {
  readonly hub: ConversationHub;
  readonly store: ConversationStore;
  readonly now: () => number;
  /** Counts a turn and keeps it when the conversation records; tells every process. Never rejects. */
  recordTurn(id: string, role: TurnRole, text: string | null, holder: string | null): Promise<void>;
  /** Ends a live conversation (once); tells every process and the observers. Never rejects. */
  end(id: string, reason: ConversationEndReason): Promise<void>;
  /** A channel connected: the conversation stays live a while longer; older channels elsewhere close. */
  attachVisitor(id: string, socket: string): Promise<void>;
  /** A new share URL: `null` when no conversation has this id. */
  share(
    id: string,
    mode: ShareMode,
    hours: number,
    apiBase: string,
  ): Promise<{ Url: string; expiresAt: string } | null>;
  resolve(capability: string): Promise<ResolvedShare>;
  takeOver(capability: string, page: string): Promise<ActionOutcome>;
  handBack(capability: string, page: string): Promise<ActionOutcome>;
  /** The page that held the conversation is gone: the persona has it again. */
  release(id: string, page: string): Promise<void>;
  /** What the person holding the conversation typed: to the visitor, and into the transcript. */
  say(capability: string, page: string, text: string): Promise<ActionOutcome>;
  erase(id: string): Promise<boolean>;
  /** Time's changes at `now` (the schedule calls it every 5 s; tests call it with a pinned clock). */
  tick(): Promise<void>;
  /** Also runs `check(now)` on every tick (the conversation pages' expiry); returns the unsubscribe. */
  onTick(check: (now: number) => void): () => void;
  /** Deletes transcripts older than the retention; resolves with how many. */
  purge(): Promise<number>;
  /** Runs `tick` and `purge` on their schedule until `close`. */
  start(): void;
  close(): Promise<void>;
}

export function createConversationService(options: ConversationServiceOptions): ConversationService {
  const { store, bus, notify, now } = options;
  const retentionMs = (options.retentionDays ?? DEFAULT_RETENTION_DAYS) * DAY_MS;
  const hub = createHub(bus);
  const pendingEnds = new Map<string, { reason: ConversationEndReason; since: number }>();
  const timers = new Map<string, NodeJS.Timeout>();

  /** Tells the hub and the observers about a conversation this process ended. */
  const ended = async (record: ConversationRecord) => {
    const conversation = publicConversation(record);
    await hub.publish({ kind: 'ended', id: record.id, conversation });
    const transcript =
      conversation.transcriptStatus === 'recorded' ? await store.transcript(record.id).catch(() => null) : null;
    const durationSeconds = Math.round((Date.parse(record.endedAt!) - Date.parse(record.startedAt)) / 1000);
    notify({ type: 'conversation-ended', at: now(), origin: record.origin, conversation, durationSeconds, transcript });
  };

  const end = async (id: string, reason: ConversationEndReason) => {
    try {
      const record = await store.endConversation(id, reason, now());
      pendingEnds.delete(id);
      if (record) await ended(record);
    } catch (error) {
      reportStoreFailure(error as Error);
      if (!pendingEnds.has(id) && pendingEnds.size < CONVERSATION_LIMITS.maxPendingEnds)
        pendingEnds.set(id, { reason, since: now() });
    }
  };

  const resolve = async (capability: string): Promise<ResolvedShare> => {
    if (!CAPABILITY.test(capability)) return { found: false, why: 'unknown' };
    const share = await store.share(capabilityHash(capability));
    const conversation = share && (await store.conversation(share.conversationId));
    if (!share || !conversation) return { found: false, why: 'unknown' };
    if (Date.parse(share.expiresAt) <= now()) return { found: false, why: 'expired' };
    return { found: true, share, conversation };
  };

  /** A page's action, on a share that must still be valid (and, but for `view`, a takeover URL's). */
  const act = async (
    capability: string,
    action: (share: StoredShare, conversation: ConversationRecord) => Promise<ActionOutcome>,
  ): Promise<ActionOutcome> => {
    const found = await resolve(capability);
    if (!found.found) return { ok: false, why: found.why === 'expired' ? 'share-expired' : 'unknown-share' };
    if (found.share.mode === 'view') return { ok: false, why: 'view-only' };
    return action(found.share, found.conversation);
  };

  const hold = (record: ConversationRecord) =>
    hub.publish({
      kind: 'hold',
      id: record.id,
      holder: record.hold?.holder ?? null,
      conversation: publicConversation(record),
    });

  const tickChecks = new Set<(now: number) => void>();
  const tick = async () => {
    const at = now();
    for (const check of tickChecks) check(at);
    for (const [id, { reason, since }] of pendingEnds) {
      if (at - since > CONVERSATION_LIMITS.retryEndsMs) pendingEnds.delete(id);
      else await end(id, reason);
    }
    const { ended: over, handedBack } = await store.sweep(at, at - CONVERSATION_LIMITS.maxConversationMs);
    for (const record of handedBack) if (record.endedAt === null) await hold(record);
    for (const record of over) await ended(record);
  };

  const purge = () => store.purgeTranscripts(now() - retentionMs);

  return {
    hub,
    store,
    now,
    async recordTurn(id, role, text, holder) {
      const line = text === null ? null : turnText(text) || null;
      const at = now();
      try {
        const liveUntil = at + CONVERSATION_LIMITS.idleMs;
        const appended = await store.appendTurn(id, { role, text: line, at, liveUntil });
        if (!appended) return;
        const kept = appended.kept !== null;
        // Pages see the text when it was kept, or when a person holds the conversation: they converse.
        const shown = kept || holder !== null ? line : null;
        const time = new Date(at).toISOString();
        await hub.publish({ kind: 'turn', id, role, text: shown, at: time, turns: appended.turns, kept, holder });
      } catch (error) {
        reportStoreFailure(error as Error);
      }
    },
    end,
    async attachVisitor(id, socket) {
      await store.extendLife(id, now() + CONVERSATION_LIMITS.idleMs).catch(reportStoreFailure);
      await hub.publish({ kind: 'visitor', id, socket });
    },
    async share(id, mode, hours, apiBase) {
      const capability = `cs_${randomBytes(32).toString('base64url')}`;
      const created = now();
      const expiresAt = new Date(created + hours * 3_600_000).toISOString();
      const stored = await store.addShare({
        hash: capabilityHash(capability),
        conversationId: id,
        mode,
        expiresAt,
        createdAt: new Date(created).toISOString(),
      });
      return stored ? { Url: new URL(`/c/${capability}`, apiBase).href, expiresAt } : null;
    },
    resolve,
    takeOver: (capability, page) =>
      act(capability, async (share, conversation) => {
        const mode = share.mode === 'auto' ? 'auto' : 'takeover';
        const outcome = await store.takeOver(conversation.id, { holder: page, until: share.expiresAt, mode }, now());
        if (!outcome.taken)
          return { ok: false, why: outcome.why === 'held' ? 'conversation-held' : 'conversation-over' };
        await hold(outcome.conversation);
        return { ok: true, conversation: outcome.conversation };
      }),
    handBack: (capability, page) =>
      act(capability, async (_share, conversation) => {
        const record = await store.handBack(conversation.id, page);
        if (!record) return { ok: false, why: conversation.endedAt === null ? 'not-holder' : 'conversation-over' };
        await hold(record);
        return { ok: true, conversation: record };
      }),
    say: (capability, page, text) =>
      act(capability, async (_share, conversation) => {
        const line = turnText(text);
        const at = now();
        const appended = await store.appendTurn(
          conversation.id,
          { role: 'operator', text: line, at, liveUntil: at + CONVERSATION_LIMITS.idleMs },
          { holder: page },
        );
        if (!appended) return { ok: false, why: conversation.endedAt === null ? 'not-holder' : 'conversation-over' };
        await hub.publish({
          kind: 'turn',
          id: conversation.id,
          role: 'operator',
          text: line,
          at: new Date(at).toISOString(),
          turns: appended.turns,
          kept: appended.kept !== null,
          holder: page,
        });
        return { ok: true, conversation };
      }),
    async release(id, page) {
      const record = await store.handBack(id, page).catch((error: Error) => void reportStoreFailure(error));
      if (record) await hold(record);
    },
    async erase(id) {
      const erased = await store.eraseConversation(id);
      if (erased) await hub.publish({ kind: 'erased', id });
      return erased;
    },
    tick,
    onTick(check) {
      tickChecks.add(check);
      return () => tickChecks.delete(check);
    },
    purge,
    start() {
      const every = (name: string, ms: number, run: () => Promise<unknown>, first = ms) => {
        const loop = () =>
          void run()
            .catch((error: Error) => reportStoreFailure(error))
            .finally(() => {
              if (timers.has(name)) timers.set(name, setTimeout(loop, ms).unref());
            });
        timers.set(name, setTimeout(loop, first).unref());
      };
      every('tick', CONVERSATION_LIMITS.tickMs, tick);
      // Processes started together purge at different moments (the work is safe at once, but needless).
      every('purge', CONVERSATION_LIMITS.purgeMs, purge, 10_000 + Math.random() * 50_000);
    },
    async close() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      hub.close();
    },
  };
}
