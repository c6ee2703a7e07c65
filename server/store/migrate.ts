/**
 * Applies the plain SQL files of server/migrations/ (`NNN_name.sql`, in name order), each once.
 *
 * Every process runs this at start, so it must be safe when several start at once: the whole run
 * happens in one transaction that first takes a transaction-level advisory lock. A second process
 * waits on the lock, then sees the first one's work as applied and does nothing. DDL is
 * transactional in PostgreSQL, so a failing migration leaves no half-made schema behind.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from 'postgres';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

/** The advisory lock key of schema changes and seeding ("shareLnk" as 8 bytes, stable across releases). */
export const SCHEMA_LOCK = 8_316_003_855_893_294_699n;

/** Applies what is missing; resolves with the names of the files applied now. */
export async function migrate(sql: Sql): Promise<string[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((name) => /^\d+_[\w-]+\.sql$/.test(name)).sort();
  const texts = await Promise.all(files.map((name) => readFile(join(MIGRATIONS_DIR, name), 'utf8')));
  return sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK.toString()}::bigint)`;
    await tx`CREATE TABLE IF NOT EXISTS share_link_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`;
    const applied = new Set(
      (await tx<{ name: string }[]>`SELECT name FROM share_link_migrations`).map((row) => row.name),
    );
    const now: string[] = [];
    for (const [index, name] of files.entries()) {
      if (applied.has(name)) continue;
      await tx.unsafe(texts[index]!);
      await tx`INSERT INTO share_link_migrations (name) VALUES (${name})`;
      now.push(name);
    }
    return now;
  });
}
