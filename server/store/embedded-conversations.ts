/**
 * The embedded store's conversations (server/store/embedded.ts owns the data file): records with
 * their transcripts, and share URLs' hashes, in memory, written back with the links (`--persist`).
 *
 * Every change happens in one synchronous step (Node's single thread), then waits for the write
 * that includes it. A failed write undoes it with everything else since the last one written
 * (the store calls `restore`) and rejects with `StoreUnavailableError`.
 */
import { MAX_TRANSCRIPT_TURNS } from '../../src/conversation/channel-protocol.ts';
import type {
  ConversationEndReason,
  ConversationListQuery,
  ConversationRecord,
  Hold,
  StoredConversation,
  StoredShare,
  Turn,
  TurnRole,
} from '../conversation-schemas.ts';
import { listMeta } from './shared.ts';
import type { AppendedTurn, ConversationStore, NewConversation, SweepOutcome, TakeoverOutcome } from './types.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** A record without its transcript: what the store answers (a copy, never the object it keeps). */
function recordOf({ transcript: _transcript, hold, ...record }: StoredConversation): ConversationRecord {
  return { ...record, hold: hold && { ...hold } };
}

export class EmbeddedConversations implements ConversationStore {
  /** By id, in the order they were created. */
  #records = new Map<string, StoredConversation>();
  /** By hash. */
  #shares = new Map<string, StoredShare>();
  readonly #commit: () => Promise<void>;

  /** @param commit resolves once the changes made so far are durable (see the module comment). */
  constructor(data: { conversations?: StoredConversation[]; shares?: StoredShare[] }, commit: () => Promise<void>) {
    this.#commit = commit;
    this.restore(data);
  }

  /** Replaces everything (at start, and when a write fails: the last state written). */
  restore({ conversations = [], shares = [] }: { conversations?: StoredConversation[]; shares?: StoredShare[] }) {
    this.#records = new Map(conversations.map((record) => [record.id, structuredClone(record)]));
    this.#shares = new Map(shares.map((share) => [share.hash, { ...share }]));
  }

  /** What the data file holds. */
  snapshot(): { conversations: StoredConversation[]; shares: StoredShare[] } {
    return { conversations: [...this.#records.values()], shares: [...this.#shares.values()] };
  }

  /**
   * A conversation as the counted step starts it (server/store/embedded.ts, `reserveUse`), not yet
   * added: `add` does that in the step that counts its use.
   */
  create(
    conversation: NewConversation,
    link: { id: string; personaId: string; recordTranscripts?: boolean },
    now: number,
  ) {
    const record: StoredConversation = {
      id: conversation.id,
      shareLinkId: link.id,
      personaId: link.personaId,
      origin: conversation.origin,
      engine: conversation.engine,
      startedAt: iso(now),
      endedAt: null,
      endReason: null,
      takenOver: false,
      turns: 0,
      recording: link.recordTranscripts === true,
      transcriptDeleted: false,
      liveUntil: iso(conversation.liveUntil),
      hold: null,
      transcript: [],
    };
    return { record: recordOf(record), add: () => void this.#records.set(record.id, record) };
  }

  async conversation(id: string) {
    const record = this.#records.get(id);
    return record && recordOf(record);
  }

  async listConversations({ shareLinkId, origin, from, to, page, perPage }: ConversationListQuery) {
    const matching = [...this.#records.values()]
      .map((record, index) => ({ record, index, started: Date.parse(record.startedAt) }))
      .filter(
        ({ record, started }) =>
          (shareLinkId === undefined || record.shareLinkId === shareLinkId) &&
          (origin === undefined || record.origin === origin) &&
          (from === undefined || started >= from) &&
          (to === undefined || started < to),
      )
      .sort((a, b) => b.started - a.started || b.index - a.index);
    return {
      data: matching.slice((page - 1) * perPage, page * perPage).map(({ record }) => recordOf(record)),
      meta: listMeta(matching.length, page, perPage),
    };
  }

  async transcript(id: string): Promise<Turn[]> {
    return (this.#records.get(id)?.transcript ?? []).map((turn) => ({ ...turn }));
  }

  async eraseConversation(id: string) {
    if (!this.#records.delete(id)) return false;
    for (const [hash, share] of this.#shares) if (share.conversationId === id) this.#shares.delete(hash);
    await this.#commit();
    return true;
  }

  async appendTurn(
    id: string,
    { role, text, at, liveUntil }: { role: TurnRole; text: string | null; at: number; liveUntil: number },
    { holder }: { holder?: string } = {},
  ): Promise<AppendedTurn | null> {
    const record = this.#records.get(id);
    if (!record || record.endedAt !== null) return null;
    if (holder !== undefined && record.hold?.holder !== holder) return null;
    record.turns += 1;
    if (Date.parse(record.liveUntil) < liveUntil) record.liveUntil = iso(liveUntil);
    let kept: Turn | null = null;
    if (record.recording && text !== null && record.transcript.length < MAX_TRANSCRIPT_TURNS) {
      kept = { role, text, at: iso(at) };
      record.transcript.push(kept);
    }
    const turns = record.turns;
    await this.#commit();
    return { turns, kept: kept && { ...kept } };
  }

  async endConversation(id: string, reason: ConversationEndReason, at: number) {
    const record = this.#records.get(id);
    if (!record || record.endedAt !== null) return null;
    this.#end(record, reason, at);
    const ended = recordOf(record);
    await this.#commit();
    return ended;
  }

  async extendLife(id: string, until: number) {
    const record = this.#records.get(id);
    if (!record || record.endedAt !== null || Date.parse(record.liveUntil) >= until) return;
    record.liveUntil = iso(until);
    await this.#commit();
  }

  async takeOver(id: string, hold: Hold, now: number): Promise<TakeoverOutcome> {
    const record = this.#records.get(id);
    if (!record) return { taken: false, why: 'unknown' };
    if (record.endedAt !== null) return { taken: false, why: 'ended' };
    const current = record.hold;
    if (current && current.holder !== hold.holder && Date.parse(current.until) > now)
      return { taken: false, why: 'held' };
    record.hold = { ...hold };
    record.takenOver = true;
    const conversation = recordOf(record);
    await this.#commit();
    return { taken: true, conversation };
  }

  async handBack(id: string, holder: string) {
    const record = this.#records.get(id);
    if (!record || record.endedAt !== null || record.hold?.holder !== holder) return null;
    record.hold = null;
    const conversation = recordOf(record);
    await this.#commit();
    return conversation;
  }

  async addShare(share: StoredShare) {
    if (!this.#records.has(share.conversationId)) return false;
    this.#shares.set(share.hash, { ...share });
    await this.#commit();
    return true;
  }

  async share(hash: string) {
    const share = this.#shares.get(hash);
    return share && { ...share };
  }

  async sweep(now: number, startedBefore: number): Promise<SweepOutcome> {
    const outcome: SweepOutcome = { ended: [], handedBack: [] };
    for (const record of this.#records.values()) {
      if (record.endedAt !== null) continue;
      const hold = record.hold;
      if (hold && Date.parse(hold.until) <= now) {
        if (hold.mode === 'takeover') {
          this.#end(record, 'operator', now);
          outcome.ended.push(recordOf(record));
          continue;
        }
        record.hold = null;
        outcome.handedBack.push(recordOf(record));
      }
      const tooOld = Date.parse(record.startedAt) < startedBefore;
      if (tooOld || Date.parse(record.liveUntil) <= now) {
        this.#end(record, tooOld || record.turns === 0 ? 'expired' : 'idle', now);
        outcome.ended.push(recordOf(record));
      }
    }
    if (outcome.ended.length || outcome.handedBack.length) await this.#commit();
    return outcome;
  }

  async purgeTranscripts(before: number) {
    let purged = 0;
    for (const record of this.#records.values()) {
      if (!record.recording || record.transcriptDeleted || Date.parse(record.startedAt) >= before) continue;
      record.transcript = [];
      record.transcriptDeleted = true;
      purged++;
    }
    let expiredShares = 0;
    for (const [hash, share] of this.#shares) {
      if (Date.parse(share.expiresAt) < before) {
        this.#shares.delete(hash);
        expiredShares++;
      }
    }
    if (purged || expiredShares) await this.#commit();
    return purged;
  }

  #end(record: StoredConversation, reason: ConversationEndReason, at: number): void {
    record.endedAt = iso(Math.max(at, Date.parse(record.startedAt)));
    record.endReason = reason;
    record.hold = null;
  }
}
