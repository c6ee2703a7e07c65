/**
 * Abuse limits (docs/api.md, "Abuse limits"): per client, at most 10 session starts per link per 10 minutes, 300
 * lookups per minute (404s included), and failed management authentications: 10 per 10 minutes per
 * client and key prefix, 100 per 10 minutes per client.
 *
 * Every key a counter sees is checked and bounded first (`limitKey`): a client address, a token that
 * passed its pattern, a key prefix of a few characters. Nothing a client sends becomes a key as it is,
 * so a flood of junk cannot grow the counters' memory (or the shared table's rows) beyond one small
 * key per client and rule.
 *
 * The counting is rate-limiter-flexible's (fixed windows that open at a key's first hit). Where the
 * counts live is a `CounterBackend`: memory for one process (`memoryCounters`), or any of the
 * library's store limiters for many processes. For PostgreSQL, `RateLimiterPostgres` runs one
 * atomic `INSERT … ON CONFLICT DO UPDATE … RETURNING` per hit, so processes that share the database
 * share the counts; see `flexibleCounters`.
 */
import { createHash } from 'node:crypto';
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
  /** Wrong keys per client and key prefix: a client sending a stale key is stopped, the right key is not. */
  managementAuth: { name: 'management-auth', points: 10, durationSeconds: 600 },
  /** Wrong keys per client, whatever their prefix: the bound on guessing, and on the counters one client can make. */
  managementAuthPerClient: { name: 'management-auth-client', points: 100, durationSeconds: 600 },
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

/**
 * What the API asks before doing the work a client wants. `client` is `limitKeyOf(address)`; `token`
 * a share-link token that passed its pattern; `keyPrefix` the first `KEY_PREFIX_LENGTH` characters of
 * the management key a request presented (`''` for none). Anything else is refused with a `TypeError`.
 */
export interface AbuseLimiter {
  /** Every request that resolves a token: lookups and session starts, known tokens or not. */
  lookup(client: string): Promise<LimitDecision>;
  /** Every session start attempt on one link (by token), granted or not. */
  sessionStart(client: string, token: string): Promise<LimitDecision>;
  /** Before a management key is checked: refused once the client has used its failures, for this prefix or in all. */
  managementAllowed(client: string, keyPrefix: string): Promise<LimitDecision>;
  /** After a wrong or missing management key. */
  managementFailed(client: string, keyPrefix: string): Promise<LimitDecision>;
}

/** How much of a presented management key names its wrong-key counter. */
export const KEY_PREFIX_LENGTH = 8;

/** A client: an IP address, an IPv6 /64 (`…::/64`), or `unknown` (server/client-address.ts). */
const CLIENT = /^(?:unknown|[0-9a-f.:]{2,39}(?:\/64)?)$/i;
const TOKEN = /^sh_[A-Za-z0-9]{8,64}$/;
const KEY_PREFIX = new RegExp(`^[A-Za-z0-9._~+/=-]{0,${KEY_PREFIX_LENGTH}}$`);

/** The parts of a counter's key, each checked against what it may be: never a client's raw input. */
function limitKey(client: string, part?: { token: string } | { keyPrefix: string }): string {
  if (!CLIENT.test(client)) throw new TypeError(`not a client key: ${JSON.stringify(client.slice(0, 60))}`);
  if (!part) return client;
  const value = 'token' in part ? part.token : part.keyPrefix;
  if (!('token' in part ? TOKEN : KEY_PREFIX).test(value))
    throw new TypeError(`not a limit key part: ${JSON.stringify(value.slice(0, 60))}`);
  // A token has no spaces; the separator keeps `client + part` pairs apart.
  return `${client} ${value}`;
}

/** Keys longer than this are hashed: the shared table's column holds 255 characters, prefix included. */
export const MAX_KEY_LENGTH = 160;

/** A second bound, after `limitKey`'s: whatever a caller passes, a counter keeps a key of bounded size. */
const bounded = (key: string): string =>
  key.length <= MAX_KEY_LENGTH ? key : `sha256:${createHash('sha256').update(key).digest('base64url')}`;

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
        limiter.consume(bounded(key)).then(
          () => ALLOWED,
          (rejection: unknown) => {
            // The library rejects with a RateLimiterRes when the key is over its limit, with an Error when its store fails.
            if (rejection instanceof RateLimiterRes) return refused(rejection.msBeforeNext);
            throw rejection;
          },
        ),
      check: async (key) => {
        const state = await limiter.get(bounded(key));
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

/**
 * What `RateLimiterPostgres` needs of a client: `postgres` (porsager)'s `sql.unsafe(text, parameters)`
 * fits. The store passes one whose queries run under its deadline (server/store/postgres.ts): a
 * query that misses it fails, and the limiter counts in memory meanwhile.
 */
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

/**
 * Wrong management keys are counted per client and key prefix, and per client. Why both: a client
 * that keeps sending one wrong key (a stale script, or an attacker behind the same NAT as the
 * operator) uses up only its prefix's 10, so the right key, whose prefix it does not know, still
 * works from that address; and a client that varies its prefix to guess on is stopped at 100 in all,
 * which also bounds the counters it can create. The right key is refused only once its own prefix's
 * failures, or the client's 100, are used (docs/api.md, "Abuse limits").
 */
export function createAbuseLimiter({ counters = memoryCounters, rules = {} }: AbuseLimiterOptions = {}): AbuseLimiter {
  const lookups = counters(rules.lookup ?? DEFAULT_RULES.lookup);
  const starts = counters(rules.sessionStart ?? DEFAULT_RULES.sessionStart);
  const failures = counters(rules.managementAuth ?? DEFAULT_RULES.managementAuth);
  const clientFailures = counters(rules.managementAuthPerClient ?? DEFAULT_RULES.managementAuthPerClient);
  const both = async (first: Promise<LimitDecision>, second: Promise<LimitDecision>) => {
    const decisions = await Promise.all([first, second]);
    return decisions.find((decision) => !decision.allowed) ?? ALLOWED;
  };
  return {
    lookup: async (client) => lookups.hit(limitKey(client)),
    sessionStart: async (client, token) => starts.hit(limitKey(client, { token })),
    managementAllowed: async (client, keyPrefix) =>
      both(failures.check(limitKey(client, { keyPrefix })), clientFailures.check(limitKey(client))),
    managementFailed: async (client, keyPrefix) =>
      both(failures.hit(limitKey(client, { keyPrefix })), clientFailures.hit(limitKey(client))),
  };
}
