/**
 * Abuse limits (docs/api.md, "Abuse limits"): per client, at most 10 session starts per link per 10 minutes, 300
 * lookups per minute (404s included), and 10 failed management authentications per 10 minutes.
 *
 * The counting is rate-limiter-flexible's (fixed windows that open at a key's first hit). Where the
 * counts live is a `CounterBackend`: memory for one process (`memoryCounters`), or any of the
 * library's store limiters for many processes. For PostgreSQL, `RateLimiterPostgres` runs one
 * atomic `INSERT … ON CONFLICT DO UPDATE … RETURNING` per hit, so processes that share the database
 * share the counts; see `flexibleCounters`.
 */
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';

export interface LimitRule {
  /** Also the key prefix in a shared store: one table can hold every rule. */
  readonly name: string;
  readonly points: number;
  readonly durationSeconds: number;
}

export const DEFAULT_RULES = {
  lookup: { name: 'lookup', points: 300, durationSeconds: 60 },
  sessionStart: { name: 'session-start', points: 10, durationSeconds: 600 },
  managementAuth: { name: 'management-auth', points: 10, durationSeconds: 600 },
} as const satisfies Record<string, LimitRule>;

export type LimitRules = { [K in keyof typeof DEFAULT_RULES]: LimitRule };

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** One rule's counts, kept wherever its backend keeps them. */
export interface RateCounter {
  /** Counts one hit for `key`; refused when the key has no points left in its window. */
  hit(key: string): Promise<LimitDecision>;
  /** Whether `key` has used every point of its window, without counting anything. */
  check(key: string): Promise<LimitDecision>;
}

/** Makes the counter of one rule. */
export type CounterBackend = (rule: LimitRule) => RateCounter;

/** What the API asks before doing the work a client wants. `client` is `limitKeyOf(address)`. */
export interface AbuseLimiter {
  /** Every request that resolves a token: lookups and session starts, known tokens or not. */
  lookup(client: string): Promise<LimitDecision>;
  /** Every session start attempt on one link (by token), granted or not. */
  sessionStart(client: string, token: string): Promise<LimitDecision>;
  /** Before a management key is checked: refused once the client has used its failures. */
  managementAllowed(client: string): Promise<LimitDecision>;
  /** After a wrong or missing management key. */
  managementFailed(client: string): Promise<LimitDecision>;
}

const ALLOWED: LimitDecision = { allowed: true };
const refused = (msBeforeNext: number): LimitDecision => ({
  allowed: false,
  retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)),
});

/**
 * A backend on any rate-limiter-flexible limiter. `create` gets the rule's options (points,
 * duration, keyPrefix) and adds its store's own, e.g. for PostgreSQL:
 *
 * ```ts
 * flexibleCounters((options) => new RateLimiterPostgres({
 *   ...options, storeClient, storeType: 'client', tableName: 'share_link_rate_limits', tableCreated: true,
 *   insuranceLimiter: new RateLimiterMemory(options), inMemoryBlockOnConsumed: options.points + 1,
 * }))
 * ```
 */
export function flexibleCounters(
  create: (options: { points: number; duration: number; keyPrefix: string }) => RateLimiterAbstract,
): CounterBackend {
  return (rule) => {
    const limiter = create({
      points: rule.points,
      duration: rule.durationSeconds,
      keyPrefix: `share-link:${rule.name}`,
    });
    return {
      hit: (key) =>
        limiter.consume(key).then(
          () => ALLOWED,
          (rejection: unknown) => {
            // The library rejects with a RateLimiterRes when the key is over its limit, with an Error when its store fails.
            if (rejection instanceof RateLimiterRes) return refused(rejection.msBeforeNext);
            throw rejection;
          },
        ),
      check: async (key) => {
        const state = await limiter.get(key);
        return state && state.consumedPoints >= rule.points ? refused(state.msBeforeNext) : ALLOWED;
      },
    };
  };
}

/** Counts in this process's memory: right for one process, not for many. */
export const memoryCounters: CounterBackend = flexibleCounters((options) => new RateLimiterMemory(options));

/** The table `postgresCounters` counts in; the store's migration creates it. */
export const RATE_LIMIT_TABLE = 'share_link_rate_limits';
/** rate-limiter-flexible's own layout for `RateLimiterPostgres` (key, points, expire in ms since the epoch). */
export const RATE_LIMIT_TABLE_DDL = `CREATE TABLE IF NOT EXISTS ${RATE_LIMIT_TABLE} (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`;

/** What `RateLimiterPostgres` needs of a client: `postgres` (porsager)'s `sql.unsafe(text, parameters)` fits. */
export interface SqlClient {
  unsafe(query: string, parameters?: never[]): PromiseLike<readonly object[]>;
}

/**
 * Counts in PostgreSQL, shared by every process on the database: one atomic upsert per hit. A key
 * found over its limit is then refused from memory until its window ends (no write per refusal),
 * and while the database fails, each process counts in memory instead (the insurance limiter).
 */
export function postgresCounters(sql: SqlClient): CounterBackend {
  const storeClient = {
    query: ({ text, values }: { text: string; values?: unknown[] }) =>
      Promise.resolve(sql.unsafe(text, (values ?? []) as never[])).then((rows) => ({ rows: [...rows] })),
  };
  return flexibleCounters(
    (options) =>
      new RateLimiterPostgres({
        ...options,
        storeClient,
        storeType: 'client',
        tableName: RATE_LIMIT_TABLE,
        tableCreated: true,
        inMemoryBlockOnConsumed: options.points + 1,
        insuranceLimiter: new RateLimiterMemory(options),
      }),
  );
}

export interface AbuseLimiterOptions {
  counters?: CounterBackend;
  /** Other numbers than the documented ones, for tests. */
  rules?: Partial<LimitRules>;
}

export function createAbuseLimiter({ counters = memoryCounters, rules = {} }: AbuseLimiterOptions = {}): AbuseLimiter {
  const lookups = counters(rules.lookup ?? DEFAULT_RULES.lookup);
  const starts = counters(rules.sessionStart ?? DEFAULT_RULES.sessionStart);
  const failures = counters(rules.managementAuth ?? DEFAULT_RULES.managementAuth);
  return {
    lookup: (client) => lookups.hit(client),
    // A token has no spaces; the separator keeps `client + token` pairs apart.
    sessionStart: (client, token) => starts.hit(`${client} ${token}`),
    managementAllowed: (client) => failures.check(client),
    managementFailed: (client) => failures.hit(client),
  };
}
