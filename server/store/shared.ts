/** Pieces both stores share, so that they answer alike. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { CreateShareLink, StoredPersona, StoredShareLink, UpdateShareLink } from '../schemas.ts';
import type { AnalyticsCounts, AnalyticsRow, ListMeta } from './types.ts';

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export function listMeta(total: number, page: number, perPage: number): ListMeta {
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  return {
    total,
    lastPage,
    currentPage: page,
    perPage,
    prev: page > 1 ? Math.min(page - 1, lastPage) : null,
    next: page < lastPage ? page + 1 : null,
  };
}

/** The search needle, or `null` for none: case-insensitive, trimmed, as both stores compare. */
export function searchNeedle(search: string | undefined): string | null {
  const needle = search?.trim().toLowerCase();
  return needle ? needle : null;
}

/**
 * Dates are kept to the millisecond, in UTC (`2026-04-27T10:00:00.000Z`): what a JS `Date` holds
 * and what PostgreSQL returns, so that both stores answer the same text and the policy (which
 * reads milliseconds) and the database's `expires_at > now` agree at the exact millisecond.
 */
export const normalizeDate = (iso: string): string => new Date(Date.parse(iso)).toISOString();

export function normalizeLinkDates<T extends { expiresAt: string | null; createdAt: string }>(link: T): T {
  link.expiresAt = link.expiresAt === null ? null : normalizeDate(link.expiresAt);
  link.createdAt = normalizeDate(link.createdAt);
  return link;
}

export function normalizeChanges(changes: UpdateShareLink): UpdateShareLink {
  return typeof changes.expiresAt === 'string' ? { ...changes, expiresAt: normalizeDate(changes.expiresAt) } : changes;
}

/** A new link as `POST /v1/share-links` makes it: fresh id and token, no uses yet. */
export function newShareLink(
  input: CreateShareLink,
  now: number,
  persona: Pick<StoredPersona, 'name'>,
  organizationId: string,
): StoredShareLink {
  return {
    ...input,
    expiresAt: input.expiresAt === null ? null : normalizeDate(input.expiresAt),
    id: randomUUID(),
    token: `sh_${randomToken(21)}`,
    usageCount: 0,
    createdAt: new Date(now).toISOString(),
    personaName: persona.name,
    organizationId,
  };
}

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomToken(length: number): string {
  // 248 is the largest multiple of 62 below 256: rejecting bytes above it keeps the draw uniform.
  let token = '';
  while (token.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && token.length < length) token += TOKEN_ALPHABET[byte % 62];
    }
  }
  return token;
}

let lastReport = 0;
let unreported = 0;

/**
 * Logs a store failure in one line, at most every five seconds: while a database is down every
 * request fails the same way, and a log line per request would bury everything else.
 */
export function reportStoreFailure(error: Error): void {
  const time = Date.now();
  if (time - lastReport < 5000) {
    unreported++;
    return;
  }
  const cause =
    error.cause instanceof Error && !error.message.includes(error.cause.message) ? ` (${error.cause.message})` : '';
  console.error(
    `[share-link-api] store unavailable: ${error.message}${cause}${unreported ? ` (and ${unreported} more since the last report)` : ''}`,
  );
  lastReport = time;
  unreported = 0;
}

/** The key of an analytics row: one link × day × origin. */
export const analyticsKey = (row: Pick<AnalyticsRow, 'shareLinkId' | 'day' | 'origin'>): string =>
  `${row.shareLinkId}\n${row.day}\n${row.origin ?? ''}`;

export const noCounts = (): AnalyticsCounts => ({
  views: 0,
  starts: 0,
  refused: {},
  conversations: 0,
  conversationSeconds: 0,
});

/** Adds `delta`'s counts into `into`. */
export function addCounts(into: AnalyticsCounts, delta: AnalyticsCounts): void {
  into.views += delta.views;
  into.starts += delta.starts;
  into.conversations += delta.conversations;
  into.conversationSeconds += delta.conversationSeconds;
  for (const [reason, count] of Object.entries(delta.refused))
    into.refused[reason] = (into.refused[reason] ?? 0) + count;
}

/** How long a session start's webhook events wait for its grant before they are sent anyway (a crash between count and grant). */
export const HELD_WEBHOOK_MS = 60_000;

/** Attempts the embedded store remembers for `GET /v1/webhooks/deliveries`. */
export const MAX_REMEMBERED_ATTEMPTS = 1000;
