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
  /**
   * When the starts of about the last minute were counted (ms since the epoch; granted, or being
   * granted), as read: what the velocity cap judges by (server/velocity.ts). May hold older ones.
   */
  recentStarts: readonly number[];
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
  /**
   * Velocity cap (docs/security.md): count the use only while fewer starts than this were counted
   * on the link in the minute before `now`, and count this one among them; `null`: no cap.
   */
  startsPerMinute: number | null;
  /**
   * Signed embeds and proofs of work (docs/security.md): one-time proofs this start spends, in the
   * same atomic step as the use (and given back with it). One already spent refuses the start.
   */
  proofs: readonly OneTimeProof[];
}

/** A proof that may start one session: an embed token's `jti`, a solved challenge. */
export interface OneTimeProof {
  /** Unique per link and kind: `jti:…`, `challenge:…`; at most 200 characters. */
  id: string;
  /** ms since the epoch; after it the proof is refused anyway, and its record may go. */
  expiresAt: number;
}

/** Why `reserveUse` counted nothing although the link had not changed: a proof was spent already. */
export interface ProofSpent {
  spent: string;
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
   * left at `now` (enabled, not expired, under its limit, counting uses other starts hold) and
   * under its velocity cap; and spends the request's proofs in the same step. `null` when it has
   * not: the caller reads the link again and judges it again. `{ spent }` when a proof was spent
   * already. N concurrent starts on a link with k uses left reserve exactly k, across processes on
   * PostgreSQL.
   */
  reserveUse(request: UseRequest): Promise<ReservedUse | ProofSpent | null>;
}

/** Management of share links (`/v1/share-links`). */
export interface ShareLinkRepository {
  linkById(id: string): Promise<StoredShareLink | undefined>;
  list(options: ListOptions): Promise<{ data: StoredShareLink[]; meta: ListMeta }>;
  /** `undefined` when `input.personaId` names no persona. An `isPrimary` link demotes the persona's other links. */
  create(input: CreateShareLink, now: number): Promise<StoredShareLink | undefined>;
  update(id: string, changes: UpdateShareLink): Promise<StoredShareLink | undefined>;
  /** Signed embeds: stores the link's sealed signing key, replacing any before it; `false` when no link has this id. */
  setSigningKey(id: string, sealed: string): Promise<boolean>;
  remove(id: string): Promise<boolean>;
}

/** Personas (`/v1/personas`). */
export interface PersonaRepository {
  /** The full persona, private fields included: never put it into a public answer as it is. */
  persona(id: string): Promise<StoredPersona | undefined>;
  /** Sets (or, with `null`, removes) a persona's private conversation engine; `undefined` when no persona has this id. */
  setPersonaEngine(id: string, engine: EngineSetting | null): Promise<StoredPersona | undefined>;
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

export interface ShareLinkStore
  extends LinkLookup, UseCounter, ShareLinkRepository, PersonaRepository, StoreCapabilities {
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
