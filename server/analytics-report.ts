/**
 * The answer of `GET /v1/analytics` (docs/api.md, "Analytics"), from the stored rows: one entry
 * per day (every day of the range, zeros included), per origin or per link, and the origins whose
 * pages were refused for not being on a link's allowlist, most refused first.
 */
import { addCounts, noCounts } from './store/shared.ts';
import type { AnalyticsCounts, AnalyticsRow } from './store/index.ts';

export type GroupBy = 'day' | 'origin' | 'link';

/** The longest range one request may ask for, in days. */
export const MAX_RANGE_DAYS = 366;
/** Origins listed in `meta.originsNotAllowed`. */
const MAX_ORIGINS_NOT_ALLOWED = 20;
const DAY_MS = 86_400_000;

export interface AnalyticsEntry extends AnalyticsCounts {
  /** The day (`YYYY-MM-DD`), the page origin (`null`: none named) or the share link's id. */
  key: string | null;
}

export interface AnalyticsReport {
  data: AnalyticsEntry[];
  meta: {
    from: string;
    to: string;
    groupBy: GroupBy;
    /** Page origins refused as `origin-not-allowed` in the range, most first: sites to add to an allowlist, or to look into. */
    originsNotAllowed: { origin: string | null; refused: number }[];
  };
}

export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Days from `from` to `to`, inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let at = Date.parse(`${from}T00:00:00Z`); at <= Date.parse(`${to}T00:00:00Z`); at += DAY_MS)
    days.push(dayOf(at));
  return days;
}

export function analyticsReport(
  rows: readonly AnalyticsRow[],
  range: { from: string; to: string; groupBy: GroupBy },
): AnalyticsReport {
  const { from, to, groupBy } = range;
  const groups = new Map<string | null, AnalyticsEntry>();
  if (groupBy === 'day') for (const day of daysBetween(from, to)) groups.set(day, { key: day, ...noCounts() });
  const notAllowed = new Map<string | null, number>();
  for (const row of rows) {
    const key = groupBy === 'day' ? row.day : groupBy === 'origin' ? row.origin : row.shareLinkId;
    let entry = groups.get(key);
    if (!entry) groups.set(key, (entry = { key, ...noCounts() }));
    addCounts(entry, row);
    const refused = row.refused['origin-not-allowed'];
    if (refused) notAllowed.set(row.origin, (notAllowed.get(row.origin) ?? 0) + refused);
  }
  const data = [...groups.values()];
  // Days in order; origins and links by activity, the busiest first.
  if (groupBy !== 'day') data.sort((a, b) => activity(b) - activity(a) || String(a.key).localeCompare(String(b.key)));
  const originsNotAllowed = [...notAllowed]
    .map(([origin, refused]) => ({ origin, refused }))
    .sort((a, b) => b.refused - a.refused || String(a.origin).localeCompare(String(b.origin)))
    .slice(0, MAX_ORIGINS_NOT_ALLOWED);
  return { data, meta: { from, to, groupBy, originsNotAllowed } };
}

const activity = (entry: AnalyticsCounts) =>
  entry.views + entry.starts + Object.values(entry.refused).reduce((sum, count) => sum + count, 0);
