/**
 * Analytics answers (`GET /v1/analytics`, docs/operators.md, "Analytics") shaped for the charts and
 * their tables. Pure: test/unit/console.test.ts reads them.
 */
import type { Analytics, AnalyticsRow, RefusedCounts } from '../types.ts';

/** The refusal a site owner can fix: a site that embeds the link but is missing from its allowlist. */
export const ORIGIN_REFUSAL = 'origin-not-allowed';

export const refusedTotal = (refused: RefusedCounts): number =>
  Object.values(refused).reduce<number>((sum, value) => sum + (value ?? 0), 0);

export interface Totals {
  views: number;
  starts: number;
  refused: number;
  refusedByOrigin: number;
  conversations: number;
  conversationSeconds: number;
}

export function totalsOf(rows: readonly AnalyticsRow[]): Totals {
  const totals: Totals = {
    views: 0,
    starts: 0,
    refused: 0,
    refusedByOrigin: 0,
    conversations: 0,
    conversationSeconds: 0,
  };
  for (const row of rows) {
    totals.views += row.views;
    totals.starts += row.starts;
    totals.refused += refusedTotal(row.refused);
    totals.refusedByOrigin += row.refused[ORIGIN_REFUSAL] ?? 0;
    totals.conversations += row.conversations;
    totals.conversationSeconds += row.conversationSeconds;
  }
  return totals;
}

export interface DaySeries {
  /** Each day's UTC midnight, in seconds (uPlot's time axis). */
  x: number[];
  views: number[];
  starts: number[];
  refused: number[];
  refusedByOrigin: number[];
}

/** Rows keyed `YYYY-MM-DD`, in day order. */
export function daySeries(rows: readonly AnalyticsRow[]): DaySeries {
  const sorted = [...rows].sort((a, b) => String(a.key).localeCompare(String(b.key)));
  return {
    x: sorted.map((row) => Date.parse(`${row.key}T00:00:00Z`) / 1000),
    views: sorted.map((row) => row.views),
    starts: sorted.map((row) => row.starts),
    refused: sorted.map((row) => refusedTotal(row.refused)),
    refusedByOrigin: sorted.map((row) => row.refused[ORIGIN_REFUSAL] ?? 0),
  };
}

/** Refusals by reason over the rows, largest first. */
export function reasonTotals(rows: readonly AnalyticsRow[]): { reason: string; count: number }[] {
  const totals = new Map<string, number>();
  for (const row of rows)
    for (const [reason, value] of Object.entries(row.refused))
      totals.set(reason, (totals.get(reason) ?? 0) + (value ?? 0));
  return [...totals]
    .filter(([, value]) => value > 0)
    .map(([reason, value]) => ({ reason, count: value }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

/** How an origin key reads: requests that named no page (or an opaque one) are `(no origin)`. */
export const originLabel = (key: string | null): string =>
  key === null || key === '' || key === 'null' ? '(no origin)' : key;

/**
 * Origins refused as not allowed, most first: the API's own list when it gives one (over every
 * origin of the range), else counted from the rows by origin.
 */
export function originsNotAllowed(origins: Analytics): { origin: string | null; refused: number }[] {
  if (origins.meta.originsNotAllowed) return origins.meta.originsNotAllowed.filter((entry) => entry.refused > 0);
  return originRanking(origins.data)
    .map((row) => ({ origin: row.key, refused: row.refused[ORIGIN_REFUSAL] ?? 0 }))
    .filter((entry) => entry.refused > 0);
}

/**
 * Origins, those refused as not allowed first (the ones to act on), then by views. `refusedOnly`:
 * origins that were only ever refused, which are sites embedding the link without being allowed.
 */
export function originRanking(rows: readonly AnalyticsRow[]): (AnalyticsRow & { refusedOnly: boolean })[] {
  return [...rows]
    .map((row) => ({ ...row, refusedOnly: row.views === 0 && (row.refused[ORIGIN_REFUSAL] ?? 0) > 0 }))
    .sort(
      (a, b) =>
        (b.refused[ORIGIN_REFUSAL] ?? 0) - (a.refused[ORIGIN_REFUSAL] ?? 0) ||
        b.views - a.views ||
        String(a.key).localeCompare(String(b.key)),
    );
}
