/**
 * The PostgreSQL store: for production and for more than one API process. The database is the one
 * source of counts; API processes hold no state of their own, so any number of them may share it.
 *
 * Counting a use (`reserveUse`) is one conditional `UPDATE … WHERE revision = $judged AND enabled AND
 * (expires_at IS NULL OR expires_at > $now) AND (usage_limit IS NULL OR usage_count < usage_limit)
 * RETURNING …`, committed on its own, so N concurrent starts on a link with k uses left grant
 * exactly k across every process. No row lock or transaction is held while the session is minted
 * (a vendor call can take seconds; a held lock would stall every start on that link, and the pool,
 * during a vendor outage): the use is counted, the session minted, and if that fails the use is
 * given back with a guarded decrement (`release`). A crash (or a lost connection) between the two
 * over-counts by one; nothing ever under-counts, so a link never grants more sessions than its limit.
 * With webhooks on, the `UPDATE` and the use's webhook events are one transaction instead
 * (./postgres-operators.ts, `holdWebhooks`).
 *
 * Every query has a deadline (`statement_timeout` on the server, and one in this process that also
 * covers waiting for a connection): when the database is away, requests fail fast with
 * `StoreUnavailableError` (503) and the pool reconnects by itself when it is back. Nothing is
 * retried, so nothing is counted twice. A statement that misses the deadline in this process may
 * still complete on the server: a start then over-counts by one (never under), and a management
 * write answered 503 may have taken effect (read it back).
 */
import type { Sql, TransactionSql } from 'postgres';
import { postgresCounters, type CounterBackend } from '../limits.ts';
import type {
  CreateShareLink,
  DataFile,
  EngineSetting,
  StoredPersona,
  StoredShareLink,
  UpdateShareLink,
} from '../schemas.ts';
import { DataFileError } from './data-file.ts';
import { SCHEMA_LOCK, migrate } from './migrate.ts';
import { connect, describeDatabase, isConnectionError, withDeadline, type PostgresOptions } from './postgres-pool.ts';
import * as operators from './postgres-operators.ts';
import { dateOrNull, extraFields, toLink, type LinkRow } from './postgres-rows.ts';
import { ZERO_UUID, listMeta, newShareLink, normalizeDate, reportStoreFailure, searchNeedle } from './shared.ts';
import {
  StoreStartError,
  type AnalyticsQuery,
  type AnalyticsRow,
  type CountedUse,
  type LeasedWebhook,
  type ListOptions,
  type ReservedUse,
  type ResolvedLink,
  type ShareLinkStore,
  type UseRequest,
  type WebhookAttempt,
  type WebhookEvent,
} from './types.ts';

export class PostgresStore implements ShareLinkStore {
  /** The pool. Queries through it share this store's connections and timeouts. */
  readonly sql: Sql;
  readonly #queryTimeoutMs: number;
  #webhookEventsOf: ((use: CountedUse) => WebhookEvent[]) | null = null;

  constructor(sql: Sql, options: PostgresOptions = {}) {
    this.sql = sql;
    this.#queryTimeoutMs = options.queryTimeoutMs ?? 5000;
  }

  /**
   * Connects, migrates the schema and, given a data file, seeds it (see `seed`). Every failure is
   * a `StoreStartError` whose message names the database (or the data file entry) and the error.
   */
  static async open(
    url: string,
    options: PostgresOptions & { seed?: { data: DataFile; file: string } } = {},
  ): Promise<PostgresStore> {
    let sql: Sql;
    try {
      sql = connect(url, options);
    } catch (error) {
      throw new StoreStartError(`invalid database URL: ${(error as Error).message}`);
    }
    const store = new PostgresStore(sql, options);
    const where = describeDatabase(sql);
    try {
      await migrate(sql);
      if (options.seed) await store.seed(options.seed.data);
    } catch (error) {
      await sql.end({ timeout: 0 }).catch(() => undefined);
      if (error instanceof DataFileError)
        throw new StoreStartError(
          `data file ${options.seed?.file} conflicts with the database at ${where}: ${error.message}`,
        );
      const { code, message } = error as Error & { code?: string };
      const problem = isConnectionError(code) ? 'cannot reach PostgreSQL' : 'cannot prepare the database on PostgreSQL';
      throw new StoreStartError(
        `${problem} at ${where}: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`,
      );
    }
    return store;
  }

  /**
   * Inserts the personas and links whose ids are missing and leaves existing rows alone, so it is
   * safe to repeat and never resets a count. A link whose token belongs to another id in the
   * database is a conflict: a `DataFileError` naming the entry, and nothing is inserted. Runs under
   * the schema lock, so processes seeding at once do not race.
   */
  async seed(data: DataFile): Promise<{ personas: number; shareLinks: number }> {
    return this.sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK.toString()}::bigint)`;
      const tokens = data.shareLinks.map((link) => link.token);
      const taken = new Map(
        (
          await tx<
            { id: string; token: string }[]
          >`SELECT id, token FROM share_links WHERE token = ANY(${tokens}::text[])`
        ).map((row) => [row.token, row.id]),
      );
      data.shareLinks.forEach((link, index) => {
        const owner = taken.get(link.token);
        if (owner !== undefined && owner !== link.id) {
          throw new DataFileError(
            `shareLinks[${index}] ("${link.token}"): the token belongs to share link ${owner} in the database, not to ${link.id}`,
          );
        }
      });
      let personas = 0;
      for (const persona of data.personas) {
        const inserted =
          await tx`INSERT INTO personas (id, name, data) VALUES (${persona.id}, ${persona.name}, ${tx.json(persona as never)}) ON CONFLICT (id) DO NOTHING`;
        personas += inserted.count;
      }
      let shareLinks = 0;
      for (const link of data.shareLinks) {
        const inserted = await tx`
          INSERT INTO share_links (id, token, type, expires_at, usage_limit, usage_count, allowed_origins, allow_all_origins, remove_watermark,
                                   enabled, is_primary, created_at, persona_id, persona_name, organization_id, extra)
          VALUES (${link.id}, ${link.token}, ${link.type}, ${dateOrNull(link.expiresAt)}, ${link.usageLimit}, ${link.usageCount}, ${link.allowedOrigins}::text[],
                  ${link.allowAllOrigins}, ${link.removeWatermark}, ${link.enabled}, ${link.isPrimary}, ${new Date(Date.parse(link.createdAt))},
                  ${link.personaId}, ${link.personaName}, ${link.organizationId}, ${tx.json(extraFields(link) as never)})
          ON CONFLICT (id) DO NOTHING`;
        shareLinks += inserted.count;
      }
      return { personas, shareLinks };
    });
  }

  // ---- Reads -----------------------------------------------------------------------------------

  async persona(id: string): Promise<StoredPersona | undefined> {
    const rows = await this.#query(
      'persona',
      () => this.sql<{ data: StoredPersona }[]>`SELECT data FROM personas WHERE id = ${id}`,
    );
    return rows[0]?.data;
  }

  async linkById(id: string): Promise<StoredShareLink | undefined> {
    const rows = await this.#query('link', () => this.sql<LinkRow[]>`SELECT * FROM share_links WHERE id = ${id}`);
    return rows[0] && toLink(rows[0]);
  }

  async resolve(token: string): Promise<ResolvedLink | undefined> {
    const row = await this.#readByToken(token);
    return row && { link: toLink(row), persona: row.persona ?? undefined, revision: String(row.revision) };
  }

  async list({ page, perPage, search, personaId }: ListOptions) {
    const needle = searchNeedle(search);
    const sql = this.sql;
    const where = sql`
      WHERE (${personaId ?? null}::text IS NULL OR persona_id = ${personaId ?? null})
        AND (${needle}::text IS NULL OR strpos(lower(token), ${needle}) > 0 OR strpos(lower(persona_name), ${needle}) > 0
             OR strpos(lower(id), ${needle}) > 0 OR strpos(lower(type), ${needle}) > 0)`;
    const [counted, rows] = await this.#query('list', () =>
      sql.begin('ISOLATION LEVEL REPEATABLE READ READ ONLY', (tx) => [
        tx<{ total: number }[]>`SELECT count(*)::int AS total FROM share_links ${where}`,
        tx<
          LinkRow[]
        >`SELECT * FROM share_links ${where} ORDER BY position LIMIT ${perPage} OFFSET ${(page - 1) * perPage}`,
      ]),
    );
    return { data: rows.map(toLink), meta: listMeta(counted[0]!.total, page, perPage) };
  }

  // ---- Changes ---------------------------------------------------------------------------------

  async reserveUse({ judged, now, origin = null }: UseRequest): Promise<ReservedUse | null> {
    // The allowlist cannot be judged in SQL (src/policy.ts is the one source of the rules), so it
    // was judged on the row read, and the update counts only if the row still has that revision:
    // a PATCH in between makes it count nothing and the start judges again. A refused origin
    // never touches the count, so the count stays exact even under a flood of forged origins
    // (reserving first and giving back would, for a moment, refuse real visitors).
    const id = judged.link.id;
    const count = (sql: Sql | TransactionSql) => sql<{ usage_count: string }[]>`
        UPDATE share_links SET usage_count = usage_count + 1
        WHERE id = ${id} AND revision = ${judged.revision} AND enabled
          AND (expires_at IS NULL OR expires_at > ${new Date(now)})
          AND (usage_limit IS NULL OR usage_count < usage_limit)
        RETURNING usage_count`;
    const eventsOf = this.#webhookEventsOf;
    const counted = await this.#query('session start', async () => {
      if (!eventsOf) {
        const [row] = await count(this.sql);
        return row && { usageCount: Number(row.usage_count), held: [] as string[] };
      }
      return this.sql.begin(async (tx) => {
        const [row] = await count(tx);
        if (!row) return undefined;
        const usageCount = Number(row.usage_count);
        // Webhooks (docs/operators.md): this use's events, in the same transaction as its count,
        // held until the session is granted.
        const events = eventsOf({ link: { ...judged.link, usageCount }, origin, now });
        await operators.holdWebhooks(tx, events, now);
        return { usageCount, held: events.map((event) => event.id) };
      });
    });
    if (!counted) return null;
    const { usageCount, held } = counted;
    return {
      usageCount,
      link: { ...judged.link, usageCount },
      // The count is committed already. Held webhook events become due now; should that fail,
      // they go out when their hold ends.
      confirm: async () => {
        if (held.length)
          await this.#query('webhooks of a start', () => operators.releaseHeldWebhooks(this.sql, held, now)).catch(
            (failure: Error) => reportStoreFailure(failure),
          );
      },
      release: async () => {
        await this.#giveBack(id);
        if (held.length)
          await this.#query('webhooks of a start', () => operators.dropHeldWebhooks(this.sql, held)).catch(
            (failure: Error) => reportStoreFailure(failure),
          );
      },
    };
  }

  async create(input: CreateShareLink, now: number): Promise<StoredShareLink | undefined> {
    return this.#query('create', () =>
      this.sql.begin(async (tx) => {
        // The persona's row lock serialises primary changes for its links (create and update take it first).
        const [persona] = await tx<
          { name: string }[]
        >`SELECT name FROM personas WHERE id = ${input.personaId} FOR UPDATE`;
        if (!persona) return undefined;
        const [first] = await tx<
          { organization_id: string }[]
        >`SELECT organization_id FROM share_links ORDER BY position LIMIT 1`;
        if (input.isPrimary)
          await tx`UPDATE share_links SET is_primary = false WHERE persona_id = ${input.personaId} AND is_primary`;
        for (;;) {
          const link = newShareLink(input, now, persona, first?.organization_id ?? ZERO_UUID);
          const [row] = await tx<LinkRow[]>`
            INSERT INTO share_links (id, token, type, expires_at, usage_limit, usage_count, allowed_origins, allow_all_origins, remove_watermark,
                                     enabled, is_primary, created_at, persona_id, persona_name, organization_id)
            VALUES (${link.id}, ${link.token}, ${link.type}, ${dateOrNull(link.expiresAt)}, ${link.usageLimit}, 0, ${link.allowedOrigins}::text[],
                    ${link.allowAllOrigins}, ${link.removeWatermark}, ${link.enabled}, ${link.isPrimary}, ${new Date(now)},
                    ${link.personaId}, ${link.personaName}, ${link.organizationId})
            ON CONFLICT (token) DO NOTHING
            RETURNING *`;
          // A token already taken (one chance in 62^21) draws again.
          if (row) return toLink(row);
        }
      }),
    );
  }

  async update(id: string, changes: UpdateShareLink): Promise<StoredShareLink | undefined> {
    const columns: Record<string, unknown> = {};
    if (changes.type !== undefined) columns['type'] = changes.type;
    if (changes.expiresAt !== undefined)
      columns['expires_at'] =
        changes.expiresAt === null ? null : new Date(Date.parse(normalizeDate(changes.expiresAt)));
    if (changes.usageLimit !== undefined) columns['usage_limit'] = changes.usageLimit;
    if (changes.usageCount !== undefined) columns['usage_count'] = changes.usageCount;
    if (changes.allowedOrigins !== undefined) columns['allowed_origins'] = changes.allowedOrigins;
    if (changes.allowAllOrigins !== undefined) columns['allow_all_origins'] = changes.allowAllOrigins;
    if (changes.removeWatermark !== undefined) columns['remove_watermark'] = changes.removeWatermark;
    if (changes.enabled !== undefined) columns['enabled'] = changes.enabled;
    if (changes.isPrimary !== undefined) columns['is_primary'] = changes.isPrimary;
    if (!Object.keys(columns).length) return this.linkById(id);
    return this.#query('update', () =>
      this.sql.begin(async (tx) => {
        if (changes.isPrimary) {
          const [current] = await tx<{ persona_id: string }[]>`SELECT persona_id FROM share_links WHERE id = ${id}`;
          if (!current) return undefined;
          // Persona first, then links: the order create takes them in, so the two cannot deadlock.
          await tx`SELECT 1 FROM personas WHERE id = ${current.persona_id} FOR UPDATE`;
          await tx`UPDATE share_links SET is_primary = false WHERE persona_id = ${current.persona_id} AND is_primary AND id <> ${id}`;
        }
        const [row] = await tx<
          LinkRow[]
        >`UPDATE share_links SET ${tx(columns)}, revision = revision + 1 WHERE id = ${id} RETURNING *`;
        return row && toLink(row);
      }),
    );
  }

  async setPersonaEngine(id: string, engine: EngineSetting | null): Promise<StoredPersona | undefined> {
    // jsonb: set the private `engine` field, or remove it; the rest of the persona is left as stored.
    const rows = await this.#query('persona engine', () =>
      engine
        ? this.sql<
            { data: StoredPersona }[]
          >`UPDATE personas SET data = jsonb_set(data, '{engine}', ${this.sql.json(engine)}) WHERE id = ${id} RETURNING data`
        : this.sql<
            { data: StoredPersona }[]
          >`UPDATE personas SET data = data - 'engine' WHERE id = ${id} RETURNING data`,
    );
    return rows[0]?.data;
  }

  async remove(id: string): Promise<boolean> {
    const rows = await this.#query('delete', () => this.sql`DELETE FROM share_links WHERE id = ${id} RETURNING id`);
    return rows.length > 0;
  }

  // ---- Analytics and the webhook outbox (./postgres-operators.ts) -------------------------------

  addAnalytics(rows: readonly AnalyticsRow[]): Promise<void> {
    return this.#query('analytics', () => operators.addAnalytics(this.sql, rows));
  }

  analytics(query: AnalyticsQuery): Promise<AnalyticsRow[]> {
    return this.#query('analytics', () => operators.analytics(this.sql, query));
  }

  queueWebhooksOnUse(eventsOf: (use: CountedUse) => WebhookEvent[]): void {
    this.#webhookEventsOf = eventsOf;
  }

  enqueueWebhook(event: WebhookEvent): Promise<void> {
    return this.#query('webhooks', () => operators.enqueueWebhook(this.sql, event));
  }

  leaseWebhooks(now: number, limit: number, leaseMs: number): Promise<LeasedWebhook[]> {
    return this.#query('webhooks', () => operators.leaseWebhooks(this.sql, now, limit, leaseMs));
  }

  settleWebhook(event: LeasedWebhook, attempt: WebhookAttempt): Promise<void> {
    return this.#query('webhooks', () => operators.settleWebhook(this.sql, event, attempt));
  }

  webhookAttempts(page: number, perPage: number): Promise<{ data: WebhookAttempt[]; total: number }> {
    return this.#query('webhooks', () => operators.webhookAttempts(this.sql, page, perPage));
  }

  webhookBacklog(): Promise<number> {
    return this.#query('webhooks', () => operators.webhookBacklog(this.sql));
  }

  pruneWebhookAttempts(before: number): Promise<void> {
    return this.#query('webhooks', () => operators.pruneWebhookAttempts(this.sql, before));
  }

  /** One trivial query within `timeoutMs`, waiting for a connection included. */
  async ping(timeoutMs: number): Promise<void> {
    await withDeadline(this.sql, timeoutMs, 'readiness', () => this.sql`SELECT 1`);
  }

  /** Limit counters in this database, shared by every process on it. */
  sharedLimitCounters(): CounterBackend {
    return postgresCounters(this.sql);
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }

  // ---- Inside ----------------------------------------------------------------------------------

  /** Gives a counted use back; a failure is reported, not thrown (the use stays counted: over by one). */
  async #giveBack(id: string): Promise<void> {
    await this.#query(
      'give back a use',
      () => this.sql`UPDATE share_links SET usage_count = usage_count - 1 WHERE id = ${id} AND usage_count > 0`,
    ).catch((failure: Error) => reportStoreFailure(failure));
  }

  /** The link and its persona in one query. */
  async #readByToken(token: string): Promise<(LinkRow & { persona: StoredPersona | null }) | undefined> {
    const rows = await this.#query(
      'lookup',
      () => this.sql<(LinkRow & { persona: StoredPersona | null })[]>`
      SELECT l.*, p.data AS persona FROM share_links l LEFT JOIN personas p ON p.id = l.persona_id WHERE l.token = ${token}`,
    );
    return rows[0];
  }

  /** Runs a query with a deadline; every failure becomes a `StoreUnavailableError` (503). */
  #query<T>(what: string, run: () => Promise<T>): Promise<T> {
    return withDeadline(this.sql, this.#queryTimeoutMs, what, run);
  }
}
