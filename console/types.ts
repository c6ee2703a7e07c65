/**
 * What the management API answers (docs/api.md, "Management"; docs/conversations.md; docs/operators.md),
 * as the console reads it. Fields added by newer APIs are optional: the console offers a field only
 * when the API's answers carry it.
 */
import type { ShareLink } from '../src/schema.ts';
import type { PolicyReason } from '../src/policy.ts';
import type { ConversationEndReason, TurnRole } from '../src/conversation/channel-protocol.ts';
import type { WatchedConversation } from '../src/conversation/watch-protocol.ts';

export interface ManagedLink extends Omit<ShareLink, 'challenge'> {
  /** The page a `LINK` link opens; `null` for embed links. */
  shareUrl: string | null;
  /** Conversations keep transcripts (default off). */
  recordTranscripts?: boolean;
  /** Sessions granted per minute across every client; `null`: no cap. */
  startsPerMinute?: number | null;
  /** A proof of work before each start (the API's public field; absent from older APIs). */
  challenge?: ShareLink['challenge'];
  requireSignedEmbed?: boolean;
}

/** The link fields the console edits; each is sent only when the API's link carries it. */
export type WritableLink = Pick<
  ManagedLink,
  | 'type'
  | 'enabled'
  | 'isPrimary'
  | 'expiresAt'
  | 'usageLimit'
  | 'usageCount'
  | 'allowAllOrigins'
  | 'allowedOrigins'
  | 'removeWatermark'
  | 'recordTranscripts'
  | 'startsPerMinute'
  | 'challenge'
  | 'requireSignedEmbed'
>;

/** A page of a list, in the seeds' shape (`currentPage`, `lastPage`); `page` read too, for lists that name it so. */
export interface Page<T> {
  data: T[];
  meta: { total: number; perPage: number; currentPage?: number; lastPage?: number; page?: number };
}

/** Where a page is among its list's pages. */
export function pageInfo(meta: Page<unknown>['meta']): { page: number; pages: number; total: number } {
  const page = meta.currentPage ?? meta.page ?? 1;
  const pages = meta.lastPage ?? Math.ceil(meta.total / Math.max(1, meta.perPage));
  return { page, pages: Math.max(1, pages), total: meta.total };
}

/** Refusals by reason: the policy's and the limits'. */
export type RefusedCounts = Partial<Record<PolicyReason | string, number>>;

export interface AnalyticsRow {
  /** The day (`YYYY-MM-DD`), the page origin (`null`: the request named none) or the link's id. */
  key: string | null;
  views: number;
  starts: number;
  refused: RefusedCounts;
  conversations: number;
  conversationSeconds: number;
}

export type AnalyticsGrouping = 'day' | 'origin' | 'link';

export interface Analytics {
  data: AnalyticsRow[];
  meta: {
    from: string;
    to: string;
    groupBy: AnalyticsGrouping;
    /** Page origins refused as not allowed in the range, most first, where the API lists them. */
    originsNotAllowed?: { origin: string | null; refused: number }[];
  };
}

export type EndReason = ConversationEndReason;

/** A kept turn of a transcript. */
export interface Turn {
  role: TurnRole;
  text: string;
  at: string;
}

/** A conversation, with its transcript when one conversation is read. */
export interface Conversation extends WatchedConversation {
  transcript?: Turn[];
}

export type ShareMode = 'view' | 'takeover' | 'auto';

export interface ConversationShare {
  Url: string;
  expiresAt: string;
}

/** One attempt to deliver a webhook event (docs/operators.md, "Webhooks"). */
export interface WebhookDelivery {
  webhookId: string;
  type: string;
  /** 1 for the first attempt. */
  attempt: number;
  at: string;
  /** The receiver's HTTP status; `null` when none came (refused, timed out). */
  status: number | null;
  error: string | null;
  durationMs: number;
  outcome: 'delivered' | 'retrying' | 'failed';
  /** When the next attempt may start (`retrying` only). */
  nextAttemptAt: string | null;
}

export interface WebhookDeliveries extends Page<WebhookDelivery> {
  meta: Page<WebhookDelivery>['meta'] & {
    /** Events waiting in the outbox. */
    pending?: number;
    /** Where events are sent; `null` when webhooks are off. */
    url?: string | null;
  };
}
