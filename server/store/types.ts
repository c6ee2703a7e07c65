/**
 * What the app and the services ask of a store, one interface per capability, so that a new
 * piece (conversations, analytics, an outbox) is one more interface beside these and a service
 * names only the ones it uses. Both stores (the embedded memory-plus-file store and PostgreSQL)
 * implement `ShareLinkStore`, every piece of it. The policy stays in src/policy.ts and is applied
 * by the services (server/judging.ts); a store makes the count atomic (docs/api.md, "Stores").
 */
import type { CounterBackend } from '../limits.ts';
import type { CreateShareLink, EngineSetting, StoredPersona, StoredShareLink, UpdateShareLink } from '../schemas.ts';

export interface ListOptions {
  page: number;
  perPage: number;
  search?: string | undefined;
  personaId?: string | undefined;
}

/** The seeds' pagination meta. */
export interface ListMeta {
  total: number;
  lastPage: number;
  currentPage: number;
  perPage: number;
  prev: number | null;
  next: number | null;
}

/** A link as read by token, with its persona and the revision it was read at. */
export interface ResolvedLink {
  link: StoredShareLink;
  /** The full persona, private fields included: never put it into a public answer as it is. */
  persona: StoredPersona | undefined;
  /** Changes whenever a management write changes the link (not when a use is counted). */
  revision: string;
}

/** Lookups: a link and its persona in one read (one query on PostgreSQL). */
export interface LinkLookup {
  resolve(token: string): Promise<ResolvedLink | undefined>;
}

/**
 * One use to count: the link as it was read and judged, and the time it was judged at. Whatever
 * else must be written in the same atomic step as the count (a conversation record, say) joins
 * this request, and `release` undoes it with the count.
 */
export interface UseRequest {
  judged: ResolvedLink;
  /** ms since the epoch, the start's one clock reading. */
  now: number;
  /** The page origin the start named, `null` when none. */
  origin?: string | null;
}

/** A use counted against its link's limit, not yet granted. */
export interface ReservedUse {
  /** The link's count with this use in it: what the session answer reports. */
  usageCount: number;
  /** The link as counted. */
  link: StoredShareLink;
  /** Grants the use; resolves once it is durable (rejects with `StoreUnavailableError`, counting nothing, if it cannot be). */
  confirm(): Promise<void>;
  /** Gives the use back (the session could not be minted). Never rejects: a failure is reported and over-counts by one. */
  release(): Promise<void>;
}

/**
 * The counted step of a session start (server/sessions.ts): judge, then `reserveUse`, then mint,
 * then `confirm` or `release`. No lock or transaction is held between the steps.
 */
export interface UseCounter {
  /**
   * Counts one use, atomically, if the link still has the revision it was judged at and a use
   * left at `now` (enabled, not expired, under its limit, counting uses other starts hold).
   * `null` when it has not: the caller reads the link again and judges it again. N concurrent
   * starts on a link with k uses left reserve exactly k, across processes on PostgreSQL.
   */
  reserveUse(request: UseRequest): Promise<ReservedUse | null>;
}

/** Management of share links (`/v1/share-links`). */
export interface ShareLinkRepository {
  linkById(id: string): Promise<StoredShareLink | undefined>;
  list(options: ListOptions): Promise<{ data: StoredShareLink[]; meta: ListMeta }>;
  /** `undefined` when `input.personaId` names no persona. An `isPrimary` link demotes the persona's other links. */
  create(input: CreateShareLink, now: number): Promise<StoredShareLink | undefined>;
  update(id: string, changes: UpdateShareLink): Promise<StoredShareLink | undefined>;
  remove(id: string): Promise<boolean>;
}

/** Personas (`/v1/personas`). */
export interface PersonaRepository {
  /** The full persona, private fields included: never put it into a public answer as it is. */
  persona(id: string): Promise<StoredPersona | undefined>;
  /** Sets (or, with `null`, removes) a persona's private conversation engine; `undefined` when no persona has this id. */
  setPersonaEngine(id: string, engine: EngineSetting | null): Promise<StoredPersona | undefined>;
}

/** Counts of one link × page origin × UTC day (docs/operators.md, "Analytics"). */
export interface AnalyticsCounts {
  views: number;
  starts: number;
  /** Refusals by reason. */
  refused: Record<string, number>;
  conversations: number;
  conversationSeconds: number;
}

export interface AnalyticsRow extends AnalyticsCounts {
  shareLinkId: string;
  /** The page origin, `null` when the requests named none. */
  origin: string | null;
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
}

export interface AnalyticsQuery {
  /** First and last UTC day, inclusive, `YYYY-MM-DD`. */
  from: string;
  to: string;
  shareLinkId?: string | undefined;
}

/** Analytics (server/analytics.ts): each process adds its batches; reads see every process's. */
export interface AnalyticsStore {
  /** Adds each row's counts to what is stored (one atomic step per batch). */
  addAnalytics(rows: readonly AnalyticsRow[]): Promise<void>;
  /** The stored rows whose day is in the range. */
  analytics(query: AnalyticsQuery): Promise<AnalyticsRow[]>;
}

/** A webhook event as queued: its body is signed and sent, unchanged, on every attempt. */
export interface WebhookEvent {
  /** The `webhook-id`, the same across retries. */
  id: string;
  type: string;
  body: string;
  /** ms since the epoch. */
  createdAt: number;
}

/** An event taken for an attempt by one process, until `leasedUntil`. */
export interface LeasedWebhook extends WebhookEvent {
  /** Attempts finished before this one. */
  attempts: number;
  leasedUntil: number;
}

export interface WebhookAttempt {
  webhookId: string;
  type: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** When the attempt started, ms since the epoch. */
  at: number;
  /** The receiver's HTTP status, `null` when none came (refused, timed out). */
  status: number | null;
  error: string | null;
  durationMs: number;
  outcome: 'delivered' | 'retrying' | 'failed';
  /** When the next attempt may start (`retrying` only). */
  nextAttemptAt: number | null;
}

/** What a session start's counted step tells the outbox: the link as counted, the page, the time. */
export interface CountedUse {
  link: StoredShareLink;
  origin: string | null;
  now: number;
  /** The conversation created in the same step, where the store records conversations (docs/conversations.md). */
  conversationId?: string;
}

/**
 * The webhook outbox (server/webhooks.ts), durable in the store: an event is queued in the same
 * atomic step as what it reports, and leaves only once delivered or out of retries.
 */
export interface WebhookOutbox {
  /**
   * From now on, the counted step of every session start queues `eventsOf(use)` with its count, in
   * the same atomic step, and a start whose session is not granted takes them back.
   */
  queueWebhooksOnUse(eventsOf: (use: CountedUse) => WebhookEvent[]): void;
  /** Queues an event, due at once. */
  enqueueWebhook(event: WebhookEvent): Promise<void>;
  /** Takes up to `limit` events due at `now` for `leaseMs`, each to at most one process at a time. */
  leaseWebhooks(now: number, limit: number, leaseMs: number): Promise<LeasedWebhook[]>;
  /**
   * Records an attempt on a leased event: `delivered` and `failed` remove it from the outbox,
   * `retrying` makes it due again at `nextAttemptAt`.
   */
  settleWebhook(event: LeasedWebhook, attempt: WebhookAttempt): Promise<void>;
  /** Recent attempts, newest first. */
  webhookAttempts(page: number, perPage: number): Promise<{ data: WebhookAttempt[]; total: number }>;
  /** Events waiting (due or not). */
  webhookBacklog(): Promise<number>;
  /** Forgets attempts that started before `before`. */
  pruneWebhookAttempts(before: number): Promise<void>;
}

/** What a store may offer beyond its data. Ask for a capability; never test a store's class. */
export interface StoreCapabilities {
  /**
   * Abuse-limit counters that every process on this store shares (server/limits.ts). Absent: the
   * store serves one process, and counting in its memory is exact.
   */
  sharedLimitCounters?(): CounterBackend;
  /** Every persona, when the store holds them in memory (for the start-up warning about missing vendor keys). */
  personasInMemory?(): readonly StoredPersona[];
}

/** Whether the store answers, within `timeoutMs` (`/readyz`); rejects when it does not. */
export interface StoreHealth {
  ping(timeoutMs: number): Promise<void>;
}

export interface ShareLinkStore
  extends
    LinkLookup,
    UseCounter,
    ShareLinkRepository,
    PersonaRepository,
    AnalyticsStore,
    WebhookOutbox,
    StoreHealth,
    StoreCapabilities {
  /** Waits for pending writes and releases connections. */
  close(): Promise<void>;
}

/**
 * A change could not be made durable (a failed data-file write, rolled back), or the database is
 * unreachable or too slow. Nothing was changed or counted, except as each store documents. The app
 * answers `503 { "error": "server" }`.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

/** The store cannot start (unreadable or invalid data file, unreachable database, seed conflict); one message for the operator. */
export class StoreStartError extends Error {
  override name = 'StoreStartError';
}
