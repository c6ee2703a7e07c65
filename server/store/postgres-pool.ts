/**
 * The PostgreSQL store's connections (server/store/postgres.ts): the pool's settings, and the
 * deadline every query runs under, so that a database that is away fails requests fast
 * (`StoreUnavailableError`, 503) instead of holding them.
 */
import postgres, { type Sql } from 'postgres';
import { requestElapsedMs } from '../request-time.ts';
import { StoreUnavailableError } from './types.ts';

export interface PostgresOptions {
  /**
   * Connections in this process's pool (default 4). Few connections carry many pipelined queries
   * each, which costs the database less CPU per lookup than many lightly loaded ones. Measured on
   * 2 cores, one process at 50 HTTP connections: about 8,400 lookups/s with p99 14 ms with 4,
   * against 5,400 to 6,800 with p99 20 to 44 ms with 10 (the driver's default). Processes × pool
   * must stay under the server's `max_connections`.
   */
  poolSize?: number;
  /** How long a query may take, waiting for a connection included, before it fails (default 5000 ms). */
  queryTimeoutMs?: number;
  /** How long opening a connection may take (default 3 s). */
  connectTimeoutSeconds?: number;
}

/** A pool for this process. Connections open lazily, on the first query. */
export function connect(url: string, options: PostgresOptions = {}): Sql {
  const queryTimeoutMs = options.queryTimeoutMs ?? 5000;
  return postgres(url, {
    max: options.poolSize ?? 4,
    connect_timeout: options.connectTimeoutSeconds ?? 3,
    idle_timeout: 60,
    prepare: true,
    onnotice: () => undefined,
    connection: { application_name: 'share-link-api', statement_timeout: queryTimeoutMs },
  });
}

/**
 * The driver asks each new connection for the database's array types before its first query, with
 * a promise nobody catches: when the database goes away while a connection opens, that promise is
 * rejected unhandled, and Node ends the process (found by test/server/conversations-postgres.test.ts,
 * which stops the database mid-conversation). The types are the same for every connection and the
 * pool keeps them once read, so after the first query has answered (types read), later connections
 * skip the question.
 */
export function fetchTypesOnce(sql: Sql): void {
  (sql.options as { fetch_types: boolean }).fetch_types = false;
}

/** `host:port/database` of a pool, for messages (never the password). */
export function describeDatabase(sql: Sql): string {
  const { host, port, database } = sql.options;
  return `${host.join(',')}:${port.join(',')}/${database}`;
}

/** Errors that mean the database cannot be reached or entered, rather than a failed statement. */
const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  '28P01',
  '28000',
  '3D000',
  '57P03', // bad password, no such role or database, the server is starting
]);

export const isConnectionError = (code: string | undefined): boolean =>
  code !== undefined && CONNECTION_ERRORS.has(code);

/**
 * Runs a query with a deadline in this process (which also covers waiting for a connection);
 * every failure becomes a `StoreUnavailableError` naming the database and what failed. Within a
 * request, the deadline is `timeoutMs` after the request began (server/request-time.ts), so all the
 * queries of one request, abuse limits included, share it; a query that would start past it fails at once.
 */
export async function withDeadline<T>(sql: Sql, timeoutMs: number, what: string, run: () => Promise<T>): Promise<T> {
  const left = Math.ceil(timeoutMs - requestElapsedMs());
  const missed = () => new StoreUnavailableError(`PostgreSQL did not answer within ${timeoutMs} ms (${what})`);
  if (left <= 0) throw missed();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(missed()), left);
  });
  try {
    return await Promise.race([run(), deadline]);
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw error;
    const { code, message } = error as Error & { code?: string };
    throw new StoreUnavailableError(
      `PostgreSQL at ${describeDatabase(sql)}: ${what} failed: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}
