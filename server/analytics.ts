/**
 * Analytics (docs/operators.md, "Analytics"): views, starts, refusals by reason, conversations
 * ended and their seconds, per link × page origin × UTC day, counted from the observers' events
 * (server/observers.ts).
 *
 * Counting never waits on the store: an event adds one to a map in memory, and the map is written
 * as one batch every `flushEveryMs` (5 s), when `GET /v1/analytics` asks, and on shutdown. A
 * crash loses at most the counts since the last batch. A batch the store refuses is kept and
 * added to the next one.
 *
 * Against forged `Origin` headers (anyone with the token can send any), each link gets at most
 * MAX_ORIGINS_PER_LINK_DAY origins a day from this process; further origins count under
 * `OTHER_ORIGINS`, and values that are not origins under `INVALID_ORIGIN`.
 */
import type { LinkObserver, ObservedEvent } from './observers.ts';
import { isValidToken } from '../src/schema.ts';
import { analyticsKey, noCounts, addCounts } from './store/shared.ts';
import type { AnalyticsCounts, AnalyticsRow, AnalyticsStore, LinkLookup } from './store/index.ts';

export const FLUSH_EVERY_MS = 5000;
export const MAX_ORIGINS_PER_LINK_DAY = 200;
export const OTHER_ORIGINS = '(other)';
export const INVALID_ORIGIN = '(invalid)';
/** Rows waiting in memory; beyond (a store away for long, under a flood of new keys), new keys are dropped and said so. */
const MAX_PENDING_ROWS = 100_000;
/** Tokens of rate-limited requests resolved to their links per batch (the rest are dropped). */
const MAX_TOKENS_PER_FLUSH = 1000;
const DAY_MS = 86_400_000;
/** What a browser sends as `Origin`: scheme://host[:port], or `null` for an opaque origin. */
const ORIGIN = /^(null|[a-z][a-z\d+.-]{0,30}:\/\/[^\s/?#@]{1,255})$/i;

export interface AnalyticsOptions {
  store: AnalyticsStore & LinkLookup;
  flushEveryMs?: number;
  /** Told of every batch written or refused, and of counts dropped (metrics). */
  onFlush?: (outcome: 'written' | 'failed' | 'dropped', rows: number) => void;
}

export interface Analytics {
  /** Subscribe it to the app's events (`AppOptions.observers`). */
  observe: LinkObserver;
  /** Writes what is pending now; resolves once the store has it (or has refused it, kept for the next batch). */
  flush(): Promise<void>;
  /** Starts the timer that flushes every `flushEveryMs`. */
  start(): void;
  /** Stops the timer and flushes. */
  close(): Promise<void>;
}

/** Marks a pending row counted against a token (a request refused before its link was read), resolved when written. */
const TOKEN = '\u0000';

interface Pending extends AnalyticsCounts {
  /** The link's id, or TOKEN and the token. */
  link: string;
  origin: string | null;
  day: string;
}

export function createAnalytics({ store, flushEveryMs = FLUSH_EVERY_MS, onFlush }: AnalyticsOptions): Analytics {
  /** Pending rows by link and day (`link \n day`), then by origin (`''` for none). */
  let pending = new Map<string, Map<string, Pending>>();
  let pendingRows = 0;
  /** Origins seen per link and day in this process, to cap them. */
  const origins = new Map<string, Set<string>>();
  let flushing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;
  /** The latest day counted (by the server's clock, through the events), to forget older origin sets. */
  let today = '';
  /** The day of the last event, kept: formatting a date for every event would cost the public path. */
  let lastDayNumber = NaN;
  let lastDay = '';

  /** The pending counts of one link × day × origin as counted; `null` when memory is full. */
  const entryFor = (link: string, day: string, linkDay: string, origin: string | null) => {
    let byOrigin = pending.get(linkDay);
    if (!byOrigin) pending.set(linkDay, (byOrigin = new Map()));
    let entry = byOrigin.get(origin ?? '');
    if (!entry) {
      if (pendingRows >= MAX_PENDING_ROWS) {
        onFlush?.('dropped', 1);
        return null;
      }
      byOrigin.set(origin ?? '', (entry = { link, origin, day, ...noCounts() }));
      pendingRows++;
    }
    return entry;
  };

  // On every lookup and start: no allocation but a new row's, one string built.
  const observe: LinkObserver = (event) => {
    const link = linkOf(event);
    if (link === null) return;
    const dayNumber = Math.floor(event.at / DAY_MS);
    if (dayNumber !== lastDayNumber) {
      lastDayNumber = dayNumber;
      lastDay = new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
      if (lastDay > today) today = lastDay;
    }
    const linkDay = `${link}\n${lastDay}`;
    const entry = entryFor(link, lastDay, linkDay, originCounted(origins, linkDay, event.origin));
    if (entry) count(entry, event);
  };

  const write = async () => {
    const batch = [...pending.values()].flatMap((byOrigin) => [...byOrigin.values()]);
    pending = new Map();
    pendingRows = 0;
    if (!batch.length) return;
    const rows = await rowsOf(store, batch);
    try {
      await store.addAnalytics(rows);
      onFlush?.('written', rows.length);
    } catch (error) {
      onFlush?.('failed', rows.length);
      console.error(`[share-link-api] analytics: ${rows.length} rows not written, kept for the next batch:`, error);
      for (const row of rows) {
        const entry = entryFor(row.shareLinkId, row.day, `${row.shareLinkId}\n${row.day}`, row.origin);
        if (entry) addCounts(entry, row);
      }
    }
    forgetOldDays(origins, today);
  };

  const flush = async () => {
    while (flushing) await flushing;
    flushing = write().finally(() => (flushing = null));
    await flushing;
  };

  return {
    observe,
    flush,
    start() {
      timer ??= setInterval(() => void flush(), flushEveryMs);
      timer.unref();
    },
    async close() {
      clearInterval(timer);
      timer = undefined;
      await flush();
    },
  };
}

/** What an event is counted against: its link's id, or TOKEN and the token of a request refused before the link was read. */
function linkOf(event: ObservedEvent): string | null {
  // A start is counted by its session; an end by the conversation's link.
  if (event.type === 'conversation-started') return null;
  if (event.type === 'conversation-ended') return event.conversation.shareLinkId;
  if (event.link) return event.link.id;
  // Only a rate-limited request names a link it never read; an unknown token is no link's.
  const refused = event.type === 'lookup-refused' || event.type === 'session-refused';
  return refused && event.reason === 'rate-limited' && isValidToken(event.token) ? TOKEN + event.token : null;
}

function count(entry: AnalyticsCounts, event: ObservedEvent): void {
  switch (event.type) {
    case 'lookup-served':
      entry.views++;
      break;
    case 'session-granted':
      entry.starts++;
      break;
    case 'lookup-refused':
    case 'session-refused':
      entry.refused[event.reason] = (entry.refused[event.reason] ?? 0) + 1;
      break;
    case 'conversation-ended':
      entry.conversations++;
      entry.conversationSeconds += Math.max(0, Math.round(event.durationSeconds));
      break;
  }
}

/** The origin as counted: itself, `INVALID_ORIGIN`, or `OTHER_ORIGINS` past the cap. */
function originCounted(seen: Map<string, Set<string>>, linkDay: string, origin: string | null): string | null {
  if (origin === null || origin === '') return null;
  let set = seen.get(linkDay);
  if (set?.has(origin)) return origin;
  if (!ORIGIN.test(origin)) return INVALID_ORIGIN;
  if (!set) seen.set(linkDay, (set = new Set()));
  if (set.size >= MAX_ORIGINS_PER_LINK_DAY) return OTHER_ORIGINS;
  set.add(origin);
  return origin;
}

/** Keeps the origin sets of `today` and the day before (a request near midnight may be counted late). */
function forgetOldDays(seen: Map<string, Set<string>>, today: string): void {
  if (!today) return;
  const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
  for (const key of seen.keys()) if (key.slice(key.lastIndexOf('\n') + 1) < yesterday) seen.delete(key);
}

/** The batch as rows: tokens resolved to their links (a token that names none is dropped), rows of one key merged. */
async function rowsOf(store: LinkLookup, batch: Pending[]): Promise<AnalyticsRow[]> {
  const tokens = [
    ...new Set(batch.flatMap((entry) => (entry.link.startsWith(TOKEN) ? [entry.link.slice(TOKEN.length)] : []))),
  ];
  const ids = new Map<string, string>();
  for (const token of tokens.slice(0, MAX_TOKENS_PER_FLUSH)) {
    const found = await store.resolve(token).catch(() => undefined);
    if (found) ids.set(token, found.link.id);
  }
  const rows = new Map<string, AnalyticsRow>();
  for (const { link, origin, day, ...counts } of batch) {
    const shareLinkId = link.startsWith(TOKEN) ? ids.get(link.slice(TOKEN.length)) : link;
    if (!shareLinkId) continue;
    const key = analyticsKey({ shareLinkId, origin, day });
    const row = rows.get(key);
    if (row) addCounts(row, counts);
    else rows.set(key, { shareLinkId, origin, day, ...counts });
  }
  return [...rows.values()];
}
