/**
 * Conversations on PostgreSQL (server/migrations/003_conversations.sql): every change is one
 * statement, so processes on one database agree without locks held between statements. A
 * conditional `UPDATE … WHERE ended_at IS NULL … RETURNING` ends a conversation, so exactly one
 * caller (a channel, the sweep of any process) ends it and reports it; the takeover is one
 * conditional update, so one page at a time holds a conversation, across processes.
 *
 * The record itself is created by the statement that counts its use (server/store/postgres.ts,
 * `reserveUse`) and deleted by the one that gives it back. Ids that are not UUIDs name nothing
 * (checked here, so a query never fails on a cast and the primary key is used).
 */
import type { Sql } from 'postgres';
import { MAX_TRANSCRIPT_TURNS } from '../../src/conversation/channel-protocol.ts';
import type {
  ConversationEndReason,
  ConversationListQuery,
  ConversationRecord,
  Hold,
  HoldMode,
  StoredShare,
  Turn,
  TurnRole,
} from '../conversation-schemas.ts';
import type { EngineKind } from '../../src/engine-schema.ts';
import { isUuid } from '../public-schemas.ts';
import { listMeta } from './shared.ts';
import type { AppendedTurn, ConversationStore, SweepOutcome, TakeoverOutcome } from './types.ts';

export interface ConversationRow {
  id: string;
  share_link_id: string;
  persona_id: string;
  origin: string | null;
  engine: EngineKind | null;
  started_at: Date;
  ended_at: Date | null;
  end_reason: ConversationEndReason | null;
  taken_over: boolean;
  turns: number;
  kept_turns: number;
  recording: boolean;
  transcript_deleted: boolean;
  live_until: Date;
  holder: string | null;
  held_until: Date | null;
  hold_mode: HoldMode | null;
}

export function toConversation(row: ConversationRow): ConversationRecord {
  return {
    id: row.id,
    shareLinkId: row.share_link_id,
    personaId: row.persona_id,
    origin: row.origin,
    engine: row.engine,
    startedAt: row.started_at.toISOString(),
    endedAt: row.ended_at?.toISOString() ?? null,
    endReason: row.end_reason,
    takenOver: row.taken_over,
    turns: row.turns,
    recording: row.recording,
    transcriptDeleted: row.transcript_deleted,
    liveUntil: row.live_until.toISOString(),
    hold:
      row.holder === null ? null : { holder: row.holder, until: row.held_until!.toISOString(), mode: row.hold_mode! },
  };
}

/** Runs a query under the store's deadline (server/store/postgres-pool.ts). */
type Query = <T>(what: string, run: () => Promise<T>) => Promise<T>;

/** Retention deletes transcripts in batches, so that no statement holds many rows for long. */
const PURGE_BATCH = 1000;

export class PostgresConversations implements ConversationStore {
  readonly #sql: Sql;
  readonly #query: Query;

  constructor(sql: Sql, query: Query) {
    this.#sql = sql;
    this.#query = query;
  }

  async conversation(id: string) {
    if (!isUuid(id)) return undefined;
    const rows = await this.#query(
      'conversation',
      () => this.#sql<ConversationRow[]>`SELECT * FROM conversations WHERE id = ${id}`,
    );
    return rows[0] && toConversation(rows[0]);
  }

  async listConversations({ shareLinkId, origin, from, to, page, perPage }: ConversationListQuery) {
    const sql = this.#sql;
    const where = sql`
      WHERE (${shareLinkId ?? null}::text IS NULL OR share_link_id = ${shareLinkId ?? null})
        AND (${origin ?? null}::text IS NULL OR origin = ${origin ?? null})
        AND (${dateOf(from)}::timestamptz IS NULL OR started_at >= ${dateOf(from)})
        AND (${dateOf(to)}::timestamptz IS NULL OR started_at < ${dateOf(to)})`;
    const [counted, rows] = await this.#query('list conversations', () =>
      sql.begin('ISOLATION LEVEL REPEATABLE READ READ ONLY', (tx) => [
        tx<{ total: number }[]>`SELECT count(*)::int AS total FROM conversations ${where}`,
        tx<ConversationRow[]>`
          SELECT * FROM conversations ${where}
          ORDER BY started_at DESC, position DESC LIMIT ${perPage} OFFSET ${(page - 1) * perPage}`,
      ]),
    );
    return { data: rows.map(toConversation), meta: listMeta(counted[0]!.total, page, perPage) };
  }

  async transcript(id: string): Promise<Turn[]> {
    if (!isUuid(id)) return [];
    const rows = await this.#query(
      'transcript',
      () => this.#sql<{ role: TurnRole; text: string; at: Date }[]>`
        SELECT role, text, at FROM conversation_turns WHERE conversation_id = ${id} ORDER BY seq`,
    );
    return rows.map(({ role, text, at }) => ({ role, text, at: at.toISOString() }));
  }

  async eraseConversation(id: string) {
    if (!isUuid(id)) return false;
    // Its turns and share URLs go with it (ON DELETE CASCADE).
    const rows = await this.#query(
      'erase conversation',
      () => this.#sql`DELETE FROM conversations WHERE id = ${id} RETURNING id`,
    );
    return rows.length > 0;
  }

  async appendTurn(
    id: string,
    { role, text, at, liveUntil }: { role: TurnRole; text: string | null; at: number; liveUntil: number },
    { holder }: { holder?: string } = {},
  ): Promise<AppendedTurn | null> {
    if (!isUuid(id)) return null;
    // The count and the kept turn in one statement, on the row locked: its sequence number is the
    // count, so turns from several processes never collide, and no more than 500 are kept.
    const [row] = await this.#query(
      'append turn',
      () => this.#sql<{ turns: number; kept_at: Date | null }[]>`
        WITH current AS (
          SELECT id, recording AND ${text}::text IS NOT NULL AND kept_turns < ${MAX_TRANSCRIPT_TURNS} AS keep
          FROM conversations
          WHERE id = ${id} AND ended_at IS NULL AND (${holder ?? null}::text IS NULL OR holder = ${holder ?? null})
          FOR UPDATE
        ), counted AS (
          UPDATE conversations c
          SET turns = c.turns + 1, kept_turns = c.kept_turns + current.keep::int,
              live_until = greatest(c.live_until, ${new Date(liveUntil)})
          FROM current WHERE c.id = current.id
          RETURNING c.id, c.turns, current.keep
        ), kept AS (
          INSERT INTO conversation_turns (conversation_id, seq, role, text, at)
          SELECT id, turns, ${role}, ${text}, ${new Date(at)} FROM counted WHERE keep
          RETURNING at
        )
        SELECT counted.turns, (SELECT at FROM kept) AS kept_at FROM counted`,
    );
    if (!row) return null;
    return {
      turns: row.turns,
      kept: row.kept_at && text !== null ? { role, text, at: row.kept_at.toISOString() } : null,
    };
  }

  async endConversation(id: string, reason: ConversationEndReason, at: number) {
    if (!isUuid(id)) return null;
    const [row] = await this.#query(
      'end conversation',
      () => this.#sql<ConversationRow[]>`
        UPDATE conversations
        SET ended_at = greatest(${new Date(at)}, started_at), end_reason = ${reason},
            holder = NULL, held_until = NULL, hold_mode = NULL
        WHERE id = ${id} AND ended_at IS NULL
        RETURNING *`,
    );
    return row ? toConversation(row) : null;
  }

  async extendLife(id: string, until: number) {
    if (!isUuid(id)) return;
    await this.#query(
      'extend conversation',
      () => this.#sql`
        UPDATE conversations SET live_until = ${new Date(until)}
        WHERE id = ${id} AND ended_at IS NULL AND live_until < ${new Date(until)}`,
    );
  }

  async takeOver(id: string, { holder, until, mode }: Hold, now: number): Promise<TakeoverOutcome> {
    if (!isUuid(id)) return { taken: false, why: 'unknown' };
    const [row] = await this.#query(
      'take over',
      () => this.#sql<(ConversationRow & { taken: boolean })[]>`
        WITH taken AS (
          UPDATE conversations
          SET holder = ${holder}, held_until = ${new Date(until)}, hold_mode = ${mode}, taken_over = true
          WHERE id = ${id} AND ended_at IS NULL
            AND (holder IS NULL OR holder = ${holder} OR held_until <= ${new Date(now)})
          RETURNING *
        )
        SELECT *, true AS taken FROM taken
        UNION ALL
        SELECT *, false AS taken FROM conversations WHERE id = ${id} AND NOT EXISTS (SELECT 1 FROM taken)`,
    );
    if (!row) return { taken: false, why: 'unknown' };
    if (row.taken) return { taken: true, conversation: toConversation(row) };
    return { taken: false, why: row.ended_at === null ? 'held' : 'ended' };
  }

  async handBack(id: string, holder: string) {
    if (!isUuid(id)) return null;
    const [row] = await this.#query(
      'hand back',
      () => this.#sql<ConversationRow[]>`
        UPDATE conversations SET holder = NULL, held_until = NULL, hold_mode = NULL
        WHERE id = ${id} AND ended_at IS NULL AND holder = ${holder}
        RETURNING *`,
    );
    return row ? toConversation(row) : null;
  }

  async addShare({ hash, conversationId, mode, expiresAt, createdAt }: StoredShare) {
    if (!isUuid(conversationId)) return false;
    const rows = await this.#query(
      'add share',
      () => this.#sql`
        INSERT INTO conversation_shares (hash, conversation_id, mode, expires_at, created_at)
        SELECT ${hash}, id, ${mode}, ${new Date(expiresAt)}, ${new Date(createdAt)}
        FROM conversations WHERE id = ${conversationId}
        RETURNING hash`,
    );
    return rows.length > 0;
  }

  async share(hash: string) {
    const [row] = await this.#query(
      'share',
      () =>
        this.#sql<
          { conversation_id: string; mode: StoredShare['mode']; expires_at: Date; created_at: Date }[]
        >`SELECT conversation_id, mode, expires_at, created_at FROM conversation_shares WHERE hash = ${hash}`,
    );
    return (
      row && {
        hash,
        conversationId: row.conversation_id,
        mode: row.mode,
        expiresAt: row.expires_at.toISOString(),
        createdAt: row.created_at.toISOString(),
      }
    );
  }

  async sweep(now: number, startedBefore: number): Promise<SweepOutcome> {
    const at = new Date(now);
    const oldest = new Date(startedBefore);
    // Three conditional updates: a conversation a concurrent sweep (or a channel) changed first
    // no longer matches, so each change is made, and reported, once.
    const [operator, handedBack, expired] = await this.#query('sweep conversations', () =>
      this.#sql.begin((tx) => [
        tx<ConversationRow[]>`
          UPDATE conversations
          SET ended_at = greatest(${at}, started_at), end_reason = 'operator', holder = NULL, held_until = NULL, hold_mode = NULL
          WHERE holder IS NOT NULL AND held_until <= ${at} AND hold_mode = 'takeover' AND ended_at IS NULL
          RETURNING *`,
        tx<ConversationRow[]>`
          UPDATE conversations SET holder = NULL, held_until = NULL, hold_mode = NULL
          WHERE holder IS NOT NULL AND held_until <= ${at} AND hold_mode = 'auto' AND ended_at IS NULL
          RETURNING *`,
        tx<ConversationRow[]>`
          UPDATE conversations
          SET ended_at = greatest(${at}, started_at), holder = NULL, held_until = NULL, hold_mode = NULL,
              end_reason = CASE WHEN started_at < ${oldest} OR turns = 0 THEN 'expired' ELSE 'idle' END
          WHERE (live_until <= ${at} OR started_at < ${oldest}) AND ended_at IS NULL
          RETURNING *`,
      ]),
    );
    return { ended: [...operator, ...expired].map(toConversation), handedBack: handedBack.map(toConversation) };
  }

  async purgeTranscripts(before: number) {
    const cutoff = new Date(before);
    let purged = 0;
    for (;;) {
      // SKIP LOCKED: processes purging at once take different batches.
      const rows = await this.#query(
        'purge transcripts',
        () => this.#sql`
          WITH old AS (
            SELECT id FROM conversations
            WHERE recording AND NOT transcript_deleted AND started_at < ${cutoff}
            LIMIT ${PURGE_BATCH} FOR UPDATE SKIP LOCKED
          ), gone AS (
            DELETE FROM conversation_turns WHERE conversation_id IN (SELECT id FROM old)
          )
          UPDATE conversations SET transcript_deleted = true, kept_turns = 0 WHERE id IN (SELECT id FROM old) RETURNING id`,
      );
      purged += rows.length;
      if (rows.length < PURGE_BATCH) break;
    }
    await this.#query(
      'purge expired shares',
      () => this.#sql`DELETE FROM conversation_shares WHERE expires_at < ${cutoff}`,
    );
    return purged;
  }
}

const dateOf = (ms: number | undefined): Date | null => (ms === undefined ? null : new Date(ms));
