/**
 * The one interface both stores implement (the embedded memory-plus-file store and PostgreSQL),
 * and what the app and other modules code against. The policy stays in `src/policy.ts`; a store
 * makes its decision atomic.
 */
import type { PolicyReason } from '../../src/policy.ts';
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

export type SessionRefusal = 'not-found' | Exclude<PolicyReason, 'not-embeddable'>;

export type StartedSession<T> =
  | { ok: true; usageCount: number; link: StoredShareLink; persona: StoredPersona | undefined; minted: T }
  | { ok: false; reason: SessionRefusal };

/** Work that needs a counted use before it may run, e.g. an upstream call that mints an engine token. */
export type Mint<T> = (link: StoredShareLink, persona: StoredPersona | undefined) => Promise<T>;

export interface StartOptions {
  /**
   * The start comes from the link's own share page (`GET /s/{token}`, see server/share-page.ts): a
   * `LINK` link is then judged as opened directly (policy `embedding: false`), not by its allowlist.
   */
  sharePage?: boolean;
}

export interface ShareLinkStore {
  /** The full persona, private fields included: never put it into a public answer as it is. */
  persona(id: string): Promise<StoredPersona | undefined>;
  linkById(id: string): Promise<StoredShareLink | undefined>;
  /** A lookup: the link and its persona in one read (one query on PostgreSQL). */
  resolve(token: string): Promise<{ link: StoredShareLink; persona: StoredPersona | undefined } | undefined>;
  list(options: ListOptions): Promise<{ data: StoredShareLink[]; meta: ListMeta }>;
  /** `undefined` when `input.personaId` names no persona. An `isPrimary` link demotes the persona's other links. */
  create(input: CreateShareLink, now: number): Promise<StoredShareLink | undefined>;
  update(id: string, changes: UpdateShareLink): Promise<StoredShareLink | undefined>;
  remove(id: string): Promise<boolean>;
  /**
   * Checks the policy (src/policy.ts checkShareLink, embedding false) and counts one use atomically, then runs
   * `mint(link, persona)` (e.g. an upstream vendor call that mints an engine token). If mint rejects, the use
   * is given back and the error propagates: nothing is counted. Resolves only once the count is durable.
   * N concurrent starts on a link with k uses left grant exactly k, across processes on PostgreSQL.
   */
  startSession<T>(
    token: string,
    origin: string | null,
    now: number,
    mint: Mint<T>,
    options?: StartOptions,
  ): Promise<StartedSession<T>>;
  /** Sets (or, with `null`, removes) a persona's private conversation engine; `undefined` when no persona has this id. */
  setPersonaEngine(id: string, engine: EngineSetting | null): Promise<StoredPersona | undefined>;
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
