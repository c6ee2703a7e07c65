/**
 * Conversation records, transcripts and share URLs (docs/conversations.md, "Conversation records"):
 * their shapes as the stores keep them, what the management API answers, and the valibot schemas
 * of the data file's entries and of the management queries.
 */
import * as v from 'valibot';
import {
  END_REASONS,
  MAX_TRANSCRIPT_TURNS,
  MAX_TURN_TEXT,
  TURN_ROLES,
  type ConversationEndReason,
  type TurnRole,
} from '../src/conversation/channel-protocol.ts';
import { ENGINE_FIELDS, type EngineKind } from '../src/engine-schema.ts';
import { isIsoDateTime } from '../src/schema.ts';
import { Id, IsoDate, isUuid } from './public-schemas.ts';

export type { ConversationEndReason, TurnRole };

/** A turn of a transcript: `at` is the server's clock when the turn reached it. */
export interface Turn {
  role: TurnRole;
  text: string;
  at: string;
}

export const SHARE_MODES = ['view', 'takeover', 'auto'] as const;
export type ShareMode = (typeof SHARE_MODES)[number];
/** Takeover URLs (`takeover`, `auto`) may hold the conversation. */
export type HoldMode = Exclude<ShareMode, 'view'>;

/** Who holds a conversation taken over: a page of a takeover URL (its random page id), until the URL expires. */
export interface Hold {
  holder: string;
  until: string;
  mode: HoldMode;
}

/** What the management API answers for a conversation. */
export interface PublicConversation {
  id: string;
  shareLinkId: string;
  personaId: string;
  origin: string | null;
  engine: EngineKind | null;
  startedAt: string;
  endedAt: string | null;
  endReason: ConversationEndReason | null;
  /** Whether a person took it over at any time. */
  takenOver: boolean;
  /** Every turn, recorded or not. */
  turns: number;
  /** `recorded` (the link's `recordTranscripts` was on when it started), `not-recorded`, or `deleted` by retention. */
  transcriptStatus: 'recorded' | 'not-recorded' | 'deleted';
}

/** A conversation as the stores keep it: the public record and what only the server uses. */
export interface ConversationRecord extends Omit<PublicConversation, 'transcriptStatus'> {
  /** Its turns are kept (the link recorded transcripts when it started). */
  recording: boolean;
  /** Retention deleted its transcript. */
  transcriptDeleted: boolean;
  /** Ended `expired` by the sweep once this passes while it is live. */
  liveUntil: string;
  hold: Hold | null;
}

export function publicConversation(record: ConversationRecord): PublicConversation {
  const { recording, transcriptDeleted, liveUntil: _liveUntil, hold: _hold, ...rest } = record;
  return {
    ...rest,
    transcriptStatus: transcriptDeleted ? 'deleted' : recording ? 'recorded' : 'not-recorded',
  };
}

/** A share URL as stored: the SHA-256 of its capability, never the capability itself. */
export interface StoredShare {
  /** Hex SHA-256 of the capability. */
  hash: string;
  conversationId: string;
  mode: ShareMode;
  expiresAt: string;
  createdAt: string;
}

// ---- The data file's entries (the embedded store with --persist) --------------------------------

const Uuid = v.pipe(v.string(), v.check(isUuid, 'must be a UUID'));
const TurnSchema = v.strictObject({
  role: v.picklist(TURN_ROLES),
  text: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_TURN_TEXT)),
  at: IsoDate,
});

export const StoredConversationSchema = v.strictObject({
  id: Uuid,
  shareLinkId: Id,
  personaId: Id,
  origin: v.nullable(v.pipe(v.string(), v.maxLength(300))),
  engine: v.nullable(v.picklist(Object.keys(ENGINE_FIELDS) as EngineKind[])),
  startedAt: IsoDate,
  endedAt: v.nullable(IsoDate),
  endReason: v.nullable(v.picklist(END_REASONS)),
  takenOver: v.boolean(),
  turns: v.pipe(v.number(), v.integer(), v.minValue(0)),
  recording: v.boolean(),
  transcriptDeleted: v.boolean(),
  liveUntil: IsoDate,
  hold: v.nullable(v.strictObject({ holder: v.string(), until: IsoDate, mode: v.picklist(['takeover', 'auto']) })),
  transcript: v.pipe(v.array(TurnSchema), v.maxLength(MAX_TRANSCRIPT_TURNS)),
});

export const StoredShareSchema = v.strictObject({
  hash: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256')),
  conversationId: Uuid,
  mode: v.picklist(SHARE_MODES),
  expiresAt: IsoDate,
  createdAt: IsoDate,
});

export type StoredConversation = v.InferOutput<typeof StoredConversationSchema>;

// ---- Management queries ----------------------------------------------------------------------------

const QueryInt = (min: number, max: number, fallback: number) =>
  v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,7}$/, 'must be a whole number'),
      v.transform(Number),
      v.minValue(min),
      v.maxValue(max),
    ),
    String(fallback),
  );
const QueryDate = v.optional(
  v.pipe(
    v.string(),
    v.check(isIsoDateTime, 'must be an ISO 8601 date-time'),
    v.transform((value) => Date.parse(value)),
  ),
);

/** `GET /v1/conversations`: newest first; `from` inclusive and `to` exclusive, on `startedAt`. */
export const ConversationListQuerySchema = v.strictObject({
  shareLinkId: v.optional(Id),
  origin: v.optional(v.pipe(v.string(), v.maxLength(300))),
  from: QueryDate,
  to: QueryDate,
  page: QueryInt(1, 1_000_000, 1),
  perPage: QueryInt(1, 100, 20),
});

export type ConversationListQuery = v.InferOutput<typeof ConversationListQuerySchema>;

/** Share URLs are valid for whole hours, 1 to 720 (30 days), as Xenioo's are given in hours. */
export const MAX_SHARE_HOURS = 720;
