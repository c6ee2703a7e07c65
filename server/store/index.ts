/**
 * The reference API's data, behind the interfaces of ./types.ts (`ShareLinkStore` is all of them),
 * with two implementations that behave the same through the API (docs/api.md, "Stores"):
 * - `EmbeddedStore` (./embedded.ts): memory plus the data file, the default; one process.
 * - `PostgresStore` (./postgres.ts): for production and for many processes on one database.
 */
import { DataFileError, loadDataFile } from './data-file.ts';
import { EmbeddedStore } from './embedded.ts';
import type { PostgresOptions } from './postgres-pool.ts';
import { PostgresStore } from './postgres.ts';
import { StoreStartError, type ShareLinkStore } from './types.ts';

export * from './types.ts';
export { DataFileError, DataFileWriter, loadDataFile, validateDataFile } from './data-file.ts';
export { EmbeddedStore } from './embedded.ts';
export { PostgresStore } from './postgres.ts';
export { connect, describeDatabase, type PostgresOptions } from './postgres-pool.ts';
export { migrate } from './migrate.ts';
export { reportStoreFailure } from './shared.ts';

export interface OpenStoreOptions {
  /** PostgreSQL when set; the embedded store otherwise. */
  databaseUrl?: string | undefined;
  /** The embedded store's data (required), or the file that seeds the database (optional). */
  dataFile?: string | undefined;
  /** Embedded store only: write every change back to `dataFile`. */
  persist?: boolean;
  postgres?: PostgresOptions;
}

/** `DATABASE_POOL_SIZE`: connections per API process (default 4); processes × pool must stay under the server's `max_connections`. */
function poolSizeFromEnvironment(): number | undefined {
  const value = process.env['DATABASE_POOL_SIZE'];
  if (value === undefined || value === '') return undefined;
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1 || size > 1000)
    throw new StoreStartError(`DATABASE_POOL_SIZE must be a whole number from 1 to 1000, not "${value}"`);
  return size;
}

/** Opens the store the command line asks for. Every failure is a `StoreStartError` with one message for the operator. */
export async function openStore({
  databaseUrl,
  dataFile,
  persist = false,
  postgres,
}: OpenStoreOptions): Promise<ShareLinkStore> {
  if (databaseUrl) {
    if (persist)
      throw new StoreStartError(
        '--persist is for the embedded store (the data file); PostgreSQL makes every change durable itself',
      );
    let seed;
    if (dataFile) {
      try {
        seed = { data: await loadDataFile(dataFile), file: dataFile };
      } catch (error) {
        if (error instanceof DataFileError)
          throw new StoreStartError(`invalid data file ${dataFile}\n  ${error.message}`);
        throw error;
      }
    }
    const poolSize = postgres?.poolSize ?? poolSizeFromEnvironment();
    return PostgresStore.open(databaseUrl, { ...postgres, ...(poolSize && { poolSize }), ...(seed && { seed }) });
  }
  if (!dataFile) throw new StoreStartError('a data file (--data FILE) or a database (--database-url URL) is needed');
  try {
    return await EmbeddedStore.open(dataFile, { persist });
  } catch (error) {
    if (error instanceof DataFileError) throw new StoreStartError(`invalid data file ${dataFile}\n  ${error.message}`);
    const { code, message } = error as NodeJS.ErrnoException;
    if (persist && code) throw new StoreStartError(`--persist: cannot write the data file ${dataFile}: ${message}`);
    throw error;
  }
}
