/**
 * Allowed origins as the console explains them: the API's own verdict on each entry
 * (server/allowlist.ts), what an accepted entry admits, and entries listed twice. Pure.
 */
import { allowlistEntryProblem } from '../../server/allowlist.ts';
import { parseAllowlistEntry } from '../../src/policy.ts';

/** What an accepted entry admits, in words. */
export function describeEntry(entry: string): string | null {
  const parsed = parseAllowlistEntry(entry);
  if (!parsed) return null;
  const port = parsed.port ? `:${parsed.port}` : '';
  return parsed.wildcard
    ? `Pages on every subdomain of ${parsed.host} (such as ${parsed.scheme}//www.${parsed.host}${port}), not ${parsed.host} itself`
    : `Pages on ${parsed.scheme}//${parsed.host}${port}`;
}

export interface EntryCheck {
  entry: string;
  problem: string | null;
  note: string | null;
}

/** Each entry with the API's verdict, and a note on duplicates (harmless, but likely a slip). */
export function checkEntries(entries: readonly string[]): EntryCheck[] {
  const seen = new Map<string, number>();
  return entries.map((entry, index) => {
    const problem = allowlistEntryProblem(entry);
    const parsed = problem ? null : parseAllowlistEntry(entry);
    const key = parsed && `${parsed.wildcard ? '*.' : ''}${parsed.scheme}${parsed.host}:${parsed.port}`;
    const first = key === null ? undefined : seen.get(key);
    if (key !== null && first === undefined) seen.set(key, index);
    const note = first === undefined ? describeEntry(entry) : `The same origin as entry ${first + 1}`;
    return { entry, problem, note };
  });
}
