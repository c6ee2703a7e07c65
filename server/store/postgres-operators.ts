/**
 * Analytics and the webhook outbox on PostgreSQL (server/migrations/005_operators.sql), for
 * server/store/postgres.ts, which runs each of these under its query deadline.
 *
 * - Analytics: every process adds its batch with one `INSERT … ON CONFLICT DO UPDATE`, so counts
 *   from many processes add up without any process reading another's.
 * - The outbox: an event is due at `next_attempt_at`. A process takes due events with
 *   `FOR UPDATE SKIP LOCKED` and marks them leased for the length of an attempt, with no transaction
 *   held during the HTTP request; another process skips a leased event until its lease ends (the
 *   process that held it died), so each attempt is made by one process, and none is lost.
 */
import type { Sql, TransactionSql } from 'postgres';
import { HELD_WEBHOOK_MS } from './shared.ts';
import type { AnalyticsQuery, AnalyticsRow, LeasedWebhook, WebhookAttempt, WebhookEvent } from './types.ts';

type Queries = Sql | TransactionSql;

export async function addAnalytics(sql: Sql, rows: readonly AnalyticsRow[]): Promise<void> {
  if (!rows.length) return;
  const column = <T>(pick: (row: AnalyticsRow) => T) => rows.map(pick);
  // refused: the sum of both objects, key by key.
  await sql`
    INSERT INTO share_link_analytics AS a (share_link_id, origin, day, views, starts, refused, conversations, conversation_seconds)
    SELECT t.id, t.origin, t.day::date, t.views, t.starts, t.refused::jsonb, t.conversations, t.seconds
    FROM unnest(${column((r) => r.shareLinkId)}::text[], ${column((r) => r.origin ?? '')}::text[], ${column((r) => r.day)}::text[],
                ${column((r) => r.views)}::bigint[], ${column((r) => r.starts)}::bigint[], ${column((r) => JSON.stringify(r.refused))}::text[],
                ${column((r) => r.conversations)}::bigint[], ${column((r) => r.conversationSeconds)}::bigint[])
         AS t(id, origin, day, views, starts, refused, conversations, seconds)
    ON CONFLICT (share_link_id, day, origin) DO UPDATE SET
      views = a.views + EXCLUDED.views,
      starts = a.starts + EXCLUDED.starts,
      conversations = a.conversations + EXCLUDED.conversations,
      conversation_seconds = a.conversation_seconds + EXCLUDED.conversation_seconds,
      refused = (SELECT coalesce(jsonb_object_agg(key, total), '{}'::jsonb)
                 FROM (SELECT key, sum(value::bigint) AS total
                       FROM (SELECT * FROM jsonb_each_text(a.refused) UNION ALL SELECT * FROM jsonb_each_text(EXCLUDED.refused)) AS both_sides
                       GROUP BY key) AS summed)`;
}

interface AnalyticsDbRow {
  share_link_id: string;
  origin: string;
  day: string;
  views: string;
  starts: string;
  refused: Record<string, number | string>;
  conversations: string;
  conversation_seconds: string;
}

export async function analytics(sql: Sql, { from, to, shareLinkId }: AnalyticsQuery): Promise<AnalyticsRow[]> {
  const rows = await sql<AnalyticsDbRow[]>`
    SELECT share_link_id, origin, day::text AS day, views, starts, refused, conversations, conversation_seconds
    FROM share_link_analytics
    WHERE day BETWEEN ${from}::date AND ${to}::date AND (${shareLinkId ?? null}::text IS NULL OR share_link_id = ${shareLinkId ?? null})`;
  return rows.map((row) => ({
    shareLinkId: row.share_link_id,
    origin: row.origin === '' ? null : row.origin,
    day: row.day,
    views: Number(row.views),
    starts: Number(row.starts),
    refused: Object.fromEntries(Object.entries(row.refused).map(([reason, count]) => [reason, Number(count)])),
    conversations: Number(row.conversations),
    conversationSeconds: Number(row.conversation_seconds),
  }));
}

/**
 * Queues a session start's events inside its counted step, held (due in HELD_WEBHOOK_MS) until
 * the session is granted (`releaseHeldWebhooks`) or not (`dropHeldWebhooks`). Should the process
 * die in between, the use stays counted (docs/api.md) and its events go out when the hold ends.
 */
export async function holdWebhooks(tx: Queries, events: readonly WebhookEvent[], now: number): Promise<void> {
  for (const event of events) await insertEvent(tx, event, now + HELD_WEBHOOK_MS);
}

export async function releaseHeldWebhooks(sql: Sql, ids: readonly string[], now: number): Promise<void> {
  await sql`UPDATE share_link_webhook_outbox SET next_attempt_at = ${new Date(now)} WHERE id = ANY(${ids}::text[]) AND attempts = 0 AND leased_until IS NULL`;
}

export async function dropHeldWebhooks(sql: Sql, ids: readonly string[]): Promise<void> {
  await sql`DELETE FROM share_link_webhook_outbox WHERE id = ANY(${ids}::text[]) AND attempts = 0 AND leased_until IS NULL`;
}

export async function enqueueWebhook(sql: Queries, event: WebhookEvent): Promise<void> {
  await insertEvent(sql, event, event.createdAt);
}

function insertEvent(sql: Queries, event: WebhookEvent, dueAt: number) {
  return sql`
    INSERT INTO share_link_webhook_outbox (id, type, body, created_at, next_attempt_at)
    VALUES (${event.id}, ${event.type}, ${event.body}, ${new Date(event.createdAt)}, ${new Date(dueAt)})
    ON CONFLICT (id) DO NOTHING`;
}

interface OutboxRow {
  id: string;
  type: string;
  body: string;
  created_at: Date;
  attempts: number;
  leased_until: Date;
}

export async function leaseWebhooks(sql: Sql, now: number, limit: number, leaseMs: number): Promise<LeasedWebhook[]> {
  const at = new Date(now);
  const rows = await sql<OutboxRow[]>`
    UPDATE share_link_webhook_outbox o SET leased_until = ${new Date(now + leaseMs)}
    FROM (SELECT id FROM share_link_webhook_outbox
          WHERE next_attempt_at <= ${at} AND (leased_until IS NULL OR leased_until <= ${at})
          ORDER BY next_attempt_at LIMIT ${limit}
          FOR UPDATE SKIP LOCKED) AS due
    WHERE o.id = due.id
    RETURNING o.id, o.type, o.body, o.created_at, o.attempts, o.leased_until`;
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    body: row.body,
    createdAt: row.created_at.getTime(),
    attempts: row.attempts,
    leasedUntil: row.leased_until.getTime(),
  }));
}

/** Records the attempt and settles the event, only if this process still holds its lease. */
export async function settleWebhook(sql: Sql, event: LeasedWebhook, attempt: WebhookAttempt): Promise<void> {
  await sql.begin(async (tx) => {
    const held = tx`id = ${event.id} AND leased_until = ${new Date(event.leasedUntil)}`;
    if (attempt.outcome === 'retrying')
      await tx`UPDATE share_link_webhook_outbox SET attempts = ${attempt.attempt}, next_attempt_at = ${new Date(attempt.nextAttemptAt ?? attempt.at)}, leased_until = NULL WHERE ${held}`;
    else await tx`DELETE FROM share_link_webhook_outbox WHERE ${held}`;
    await tx`
      INSERT INTO share_link_webhook_attempts (webhook_id, type, attempt, at, status, error, duration_ms, outcome, next_attempt_at)
      VALUES (${attempt.webhookId}, ${attempt.type}, ${attempt.attempt}, ${new Date(attempt.at)}, ${attempt.status}, ${attempt.error},
              ${attempt.durationMs}, ${attempt.outcome}, ${attempt.nextAttemptAt === null ? null : new Date(attempt.nextAttemptAt)})`;
  });
}

interface AttemptRow {
  webhook_id: string;
  type: string;
  attempt: number;
  at: Date;
  status: number | null;
  error: string | null;
  duration_ms: number;
  outcome: WebhookAttempt['outcome'];
  next_attempt_at: Date | null;
}

export async function webhookAttempts(
  sql: Sql,
  page: number,
  perPage: number,
): Promise<{ data: WebhookAttempt[]; total: number }> {
  const [counted, rows] = await sql.begin('ISOLATION LEVEL REPEATABLE READ READ ONLY', (tx) => [
    tx<{ total: number }[]>`SELECT count(*)::int AS total FROM share_link_webhook_attempts`,
    tx<AttemptRow[]>`
      SELECT webhook_id, type, attempt, at, status, error, duration_ms, outcome, next_attempt_at
      FROM share_link_webhook_attempts ORDER BY position DESC LIMIT ${perPage} OFFSET ${(page - 1) * perPage}`,
  ]);
  return {
    total: counted[0]!.total,
    data: rows.map((row) => ({
      webhookId: row.webhook_id,
      type: row.type,
      attempt: row.attempt,
      at: row.at.getTime(),
      status: row.status,
      error: row.error,
      durationMs: row.duration_ms,
      outcome: row.outcome,
      nextAttemptAt: row.next_attempt_at?.getTime() ?? null,
    })),
  };
}

export async function webhookBacklog(sql: Sql): Promise<number> {
  const [row] = await sql<{ total: number }[]>`SELECT count(*)::int AS total FROM share_link_webhook_outbox`;
  return row!.total;
}

export async function pruneWebhookAttempts(sql: Sql, before: number): Promise<void> {
  await sql`DELETE FROM share_link_webhook_attempts WHERE at < ${new Date(before)}`;
}
