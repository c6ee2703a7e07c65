/**
 * The embedded store, the default: personas and share links in memory, optionally written back to
 * the data file after every change (`--persist`). One process only; PostgreSQL is the store for more.
 *
 * Counting is exact because every check-and-reserve runs synchronously on Node's single thread:
 * `reserveUse` checks that the link still has the revision it was judged at and a use left, and
 * reserves the use, with no `await` between. A reservation is held beside the link (it counts
 * against the limit, and lookups see it, at once) while the session is minted, then `confirm`
 * turns it into a use in the same synchronous step as it releases it. Revisions live in memory
 * only: every management change, and every rollback, gives the links it touches a new one.
 *
 * Durable or nothing: a change resolves only once a write that includes it has been renamed into
 * place. Writes are group commits: changes that arrive while a write is under way share the next
 * one. If a write fails, memory goes back to the last state written (every change made since, in
 * this write or waiting for the next, is undone and rejected with `StoreUnavailableError`), so the
 * file and memory agree and a refused change has no effect. Reservations are never written: the
 * file holds only uses whose sessions were granted (or are being granted by a write in flight).
 *
 * Analytics and the webhook outbox (docs/operators.md) live beside the links, and with `--persist`
 * in the same file and the same writes: a granted use's webhook events are queued in the same
 * synchronous step as its count, so they reach the file in the same write or not at all.
 */
import type {
  CreateShareLink,
  DataFile,
  EngineSetting,
  StoredPersona,
  StoredShareLink,
  UpdateShareLink,
} from '../schemas.ts';
import { DataFileWriter, loadDataFile } from './data-file.ts';
import {
  MAX_REMEMBERED_ATTEMPTS,
  ZERO_UUID,
  addCounts,
  analyticsKey,
  listMeta,
  newShareLink,
  noCounts,
  normalizeChanges,
  normalizeLinkDates,
  searchNeedle,
} from './shared.ts';
import {
  StoreUnavailableError,
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

/** A queued webhook event, as kept in memory and in the data file. */
interface OutboxEntry extends WebhookEvent {
  nextAttemptAt: number;
  attempts: number;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

export class EmbeddedStore implements ShareLinkStore {
  readonly #personas = new Map<string, StoredPersona>();
  /** By id, in insertion order (the order lists show). */
  #links = new Map<string, StoredShareLink>();
  #byToken = new Map<string, StoredShareLink>();
  /** Uses reserved by starts whose session is still being minted, by link id. */
  readonly #reserved = new Map<string, number>();
  /** Each link's revision, by id (see the module comment); never written to the file. */
  readonly #revisions = new Map<string, number>();
  readonly #organizationId: string;
  readonly #writer: DataFileWriter | null;
  /** The last state made durable, to go back to when a write fails. */
  #durableText: string;
  #waiting: Waiter[] = [];
  #writing: Promise<void> | null = null;
  /** Analytics rows by `analyticsKey`. */
  #analytics = new Map<string, AnalyticsRow>();
  /** Queued webhook events by id, in the order they were queued. */
  #outbox = new Map<string, OutboxEntry>();
  /** Leases in this process only: after a restart every queued event is free to be sent again. */
  readonly #leases = new Map<string, number>();
  /** Recent attempts, oldest first, at most MAX_REMEMBERED_ATTEMPTS. */
  #attempts: WebhookAttempt[] = [];
  #webhookEventsOf: ((use: CountedUse) => WebhookEvent[]) | null = null;

  /** @param writer writes every change back to the data file; without one, changes stay in memory. */
  constructor(data: DataFile, writer: DataFileWriter | null = null) {
    for (const persona of data.personas) this.#personas.set(persona.id, structuredClone(persona));
    this.#setLinks(data.shareLinks.map((link) => normalizeLinkDates(structuredClone(link))));
    this.#setOperatorData(structuredClone(data));
    this.#writer = writer;
    this.#organizationId = data.shareLinks[0]?.organizationId ?? ZERO_UUID;
    this.#durableText = writer ? this.#serialize() : '';
  }

  /** Loads a data file; with `persist`, checks it can be written back (see `DataFileWriter.open`). */
  static async open(file: string, { persist = false } = {}): Promise<EmbeddedStore> {
    const data = await loadDataFile(file);
    if (!persist) return new EmbeddedStore(data);
    const writer = await DataFileWriter.open(file, serialize(data));
    return new EmbeddedStore(data, writer);
  }

  // ---- Reads -----------------------------------------------------------------------------------

  async persona(id: string): Promise<StoredPersona | undefined> {
    return this.#personas.get(id);
  }

  async linkById(id: string): Promise<StoredShareLink | undefined> {
    const link = this.#links.get(id);
    return link && this.#view(link);
  }

  /** Synchronous, for tests and tools in this process. */
  linkByToken(token: string): StoredShareLink | undefined {
    const link = this.#byToken.get(token);
    return link && this.#view(link);
  }

  async resolve(token: string): Promise<ResolvedLink | undefined> {
    const link = this.#byToken.get(token);
    return link && this.#resolved(link);
  }

  async list({ page, perPage, search, personaId }: ListOptions) {
    const needle = searchNeedle(search);
    const matching = [...this.#links.values()].filter(
      (link) =>
        (!personaId || link.personaId === personaId) &&
        (!needle ||
          [link.token, link.personaName, link.id, link.type].some((field) => field.toLowerCase().includes(needle))),
    );
    return {
      data: matching.slice((page - 1) * perPage, page * perPage).map((link) => this.#view(link)),
      meta: listMeta(matching.length, page, perPage),
    };
  }

  /** What would be written now (personas and links, reservations not included; analytics and webhooks once there are any). */
  snapshot(): DataFile {
    const data: DataFile = { personas: [...this.#personas.values()], shareLinks: [...this.#links.values()] };
    if (this.#analytics.size) data.analytics = [...this.#analytics.values()];
    if (this.#outbox.size || this.#attempts.length)
      data.webhooks = {
        outbox: [...this.#outbox.values()].map(({ id, type, body, createdAt, nextAttemptAt, attempts }) => ({
          ...{ id, type, body, createdAt, nextAttemptAt, attempts },
        })),
        attempts: this.#attempts,
      };
    return data;
  }

  personasInMemory(): readonly StoredPersona[] {
    return [...this.#personas.values()];
  }

  // ---- Changes ---------------------------------------------------------------------------------

  async reserveUse({ judged, now, origin = null }: UseRequest): Promise<ReservedUse | null> {
    const link = this.#links.get(judged.link.id);
    // In the same synchronous step as the reservation: no other start can see the use as free.
    // Enabled, expiry and origin were judged on this revision; only other starts move the count.
    if (!link || this.#revision(link.id) !== judged.revision || !hasUseLeft(this.#view(link))) return null;
    const id = link.id;
    this.#reserve(id, 1);
    const counted = this.#view(link);
    let settled = false;
    const settle = () => {
      if (settled) throw new Error('a reserved use is confirmed or released once');
      settled = true;
      this.#reserve(id, -1);
    };
    return {
      usageCount: counted.usageCount,
      link: counted,
      confirm: async () => {
        settle();
        await this.#countUse(id, origin, now);
      },
      release: async () => settle(),
    };
  }

  async create(input: CreateShareLink, now: number): Promise<StoredShareLink | undefined> {
    const persona = this.#personas.get(input.personaId);
    if (!persona) return undefined;
    const link = newShareLink(input, now, persona, this.#organizationId);
    if (link.isPrimary) this.#demoteOtherPrimaries(link);
    this.#links.set(link.id, link);
    this.#byToken.set(link.token, link);
    await this.#commit();
    return link;
  }

  async update(id: string, changes: UpdateShareLink): Promise<StoredShareLink | undefined> {
    const link = this.#links.get(id);
    if (!link) return undefined;
    for (const [key, value] of Object.entries(normalizeChanges(changes))) {
      if (value !== undefined) (link as Record<string, unknown>)[key] = value;
    }
    this.#bumpRevision(id);
    if (changes.isPrimary) this.#demoteOtherPrimaries(link);
    await this.#commit();
    return this.#links.get(id) && this.#view(link);
  }

  async setPersonaEngine(id: string, engine: EngineSetting | null): Promise<StoredPersona | undefined> {
    const persona = this.#personas.get(id);
    if (!persona) return undefined;
    const previous = persona.engine;
    if (engine) persona.engine = engine;
    else delete persona.engine;
    try {
      await this.#commit();
    } catch (error) {
      // Durable or nothing: a failed write leaves the persona as it was.
      if (previous) persona.engine = previous;
      else delete persona.engine;
      throw error;
    }
    return persona;
  }

  async remove(id: string): Promise<boolean> {
    const link = this.#links.get(id);
    if (!link) return false;
    this.#links.delete(id);
    this.#byToken.delete(link.token);
    await this.#commit();
    return true;
  }

  // ---- Analytics (docs/operators.md) ------------------------------------------------------------

  async addAnalytics(rows: readonly AnalyticsRow[]): Promise<void> {
    for (const row of rows) {
      const key = analyticsKey(row);
      let stored = this.#analytics.get(key);
      if (!stored) this.#analytics.set(key, (stored = { ...row, ...noCounts() }));
      addCounts(stored, row);
    }
    await this.#commit();
  }

  async analytics({ from, to, shareLinkId }: AnalyticsQuery): Promise<AnalyticsRow[]> {
    return [...this.#analytics.values()]
      .filter((row) => row.day >= from && row.day <= to && (!shareLinkId || row.shareLinkId === shareLinkId))
      .map((row) => structuredClone(row));
  }

  // ---- The webhook outbox (docs/operators.md) ---------------------------------------------------

  queueWebhooksOnUse(eventsOf: (use: CountedUse) => WebhookEvent[]): void {
    this.#webhookEventsOf = eventsOf;
  }

  async enqueueWebhook(event: WebhookEvent): Promise<void> {
    this.#outbox.set(event.id, { ...event, nextAttemptAt: event.createdAt, attempts: 0 });
    await this.#commit();
  }

  async leaseWebhooks(now: number, limit: number, leaseMs: number): Promise<LeasedWebhook[]> {
    const leased: LeasedWebhook[] = [];
    for (const entry of this.#outbox.values()) {
      if (leased.length >= limit) break;
      if (entry.nextAttemptAt > now || (this.#leases.get(entry.id) ?? 0) > now) continue;
      this.#leases.set(entry.id, now + leaseMs);
      const { id, type, body, createdAt, attempts } = entry;
      leased.push({ id, type, body, createdAt, attempts, leasedUntil: now + leaseMs });
    }
    return leased;
  }

  async settleWebhook(event: LeasedWebhook, attempt: WebhookAttempt): Promise<void> {
    const entry = this.#outbox.get(event.id);
    this.#leases.delete(event.id);
    if (entry && attempt.outcome === 'retrying') {
      entry.attempts = attempt.attempt;
      entry.nextAttemptAt = attempt.nextAttemptAt ?? attempt.at;
    } else this.#outbox.delete(event.id);
    this.#attempts.push(attempt);
    if (this.#attempts.length > MAX_REMEMBERED_ATTEMPTS)
      this.#attempts.splice(0, this.#attempts.length - MAX_REMEMBERED_ATTEMPTS);
    await this.#commit();
  }

  async webhookAttempts(page: number, perPage: number): Promise<{ data: WebhookAttempt[]; total: number }> {
    const newestFirst = [...this.#attempts].reverse();
    return { data: newestFirst.slice((page - 1) * perPage, page * perPage), total: newestFirst.length };
  }

  async webhookBacklog(): Promise<number> {
    return this.#outbox.size;
  }

  async pruneWebhookAttempts(before: number): Promise<void> {
    const kept = this.#attempts.filter((attempt) => attempt.at >= before);
    if (kept.length === this.#attempts.length) return;
    this.#attempts = kept;
    await this.#commit();
  }

  /** Memory always answers. */
  async ping(): Promise<void> {}

  /** Resolves when every change made so far has been written (or has failed and been undone). */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  // ---- Inside ----------------------------------------------------------------------------------

  /**
   * A reserved use becomes a use (its reservation was released in this same step). The link may
   * have been replaced (a rollback) or deleted while the session was minted: count on what is there now.
   */
  #countUse(id: string, origin: string | null, now: number): Promise<void> {
    const link = this.#links.get(id);
    if (!link) return Promise.resolve();
    link.usageCount += 1;
    // Webhooks (docs/operators.md): this use's events, queued with its count, in the same write.
    for (const event of this.#webhookEventsOf?.({ link: { ...link }, origin, now }) ?? [])
      this.#outbox.set(event.id, { ...event, nextAttemptAt: now, attempts: 0 });
    return this.#commit();
  }

  /** Analytics and the webhook outbox from a data file (or from the last state written, after a failed write). */
  #setOperatorData(data: DataFile): void {
    this.#analytics = new Map((data.analytics ?? []).map((row) => [analyticsKey(row), row]));
    this.#outbox = new Map((data.webhooks?.outbox ?? []).map((entry) => [entry.id, entry]));
    this.#attempts = data.webhooks?.attempts ?? [];
  }

  #resolved(link: StoredShareLink): ResolvedLink {
    return {
      link: this.#view(link),
      persona: this.#personas.get(link.personaId),
      revision: this.#revision(link.id),
    };
  }

  #revision(id: string): string {
    return String(this.#revisions.get(id) ?? 0);
  }

  #bumpRevision(id: string): void {
    this.#revisions.set(id, (this.#revisions.get(id) ?? 0) + 1);
  }

  /** The link as answered: reserved uses count (a lookup must not offer a use a start holds). */
  #view(link: StoredShareLink): StoredShareLink {
    const reserved = this.#reserved.get(link.id);
    return reserved ? { ...link, usageCount: link.usageCount + reserved } : link;
  }

  #reserve(id: string, delta: number): void {
    const reserved = (this.#reserved.get(id) ?? 0) + delta;
    if (reserved > 0) this.#reserved.set(id, reserved);
    else this.#reserved.delete(id);
  }

  #setLinks(links: StoredShareLink[]): void {
    this.#links = new Map(links.map((link) => [link.id, link]));
    this.#byToken = new Map(links.map((link) => [link.token, link]));
  }

  #demoteOtherPrimaries(primary: StoredShareLink): void {
    for (const link of this.#links.values()) {
      if (link !== primary && link.personaId === primary.personaId) link.isPrimary = false;
    }
  }

  #serialize(): string {
    return serialize(this.snapshot());
  }

  /** Call right after a change, in the same synchronous step; resolves once the change is on disk. */
  #commit(): Promise<void> {
    if (!this.#writer) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this.#waiting.push({ resolve, reject }));
    this.#writing ??= this.#writeLoop(this.#writer);
    return done;
  }

  async #writeLoop(writer: DataFileWriter): Promise<void> {
    try {
      // Let the changes of this tick join the first write.
      await Promise.resolve();
      while (this.#waiting.length) {
        const batch = this.#waiting.splice(0);
        const text = this.#serialize();
        try {
          await writer.write(text);
          this.#durableText = text;
          for (const waiter of batch) waiter.resolve();
        } catch (error) {
          // Everything since the last durable state is undone: this write's changes and those made while it ran.
          const undone = [...batch, ...this.#waiting.splice(0)];
          const durable = JSON.parse(this.#durableText) as DataFile;
          this.#setLinks(durable.shareLinks);
          this.#setOperatorData(durable);
          for (const id of this.#links.keys()) this.#bumpRevision(id);
          const failure = new StoreUnavailableError(
            `cannot write ${writer.target}: ${(error as Error).message}; the change was undone`,
            { cause: error },
          );
          for (const waiter of undone) waiter.reject(failure);
        }
      }
    } finally {
      // In the same step as the last look for waiters (no await between), so the next change starts a new loop.
      this.#writing = null;
    }
  }
}

/** Whether a use is left under the link's limit (its count including reserved uses). */
function hasUseLeft(link: StoredShareLink): boolean {
  return link.usageLimit === null || link.usageCount < link.usageLimit;
}

function serialize(data: DataFile): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}
