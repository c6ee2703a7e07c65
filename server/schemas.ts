/**
 * What the reference API accepts: the data file, write bodies and list queries. Built from the
 * public schemas (server/public-schemas.ts), which the widget's validator is tested against.
 */
import * as v from 'valibot';
import { allowlistEntryProblem } from './allowlist.ts';
import { CHALLENGES } from '../src/schema.ts';
import { StoredConversationSchema, StoredShareSchema } from './conversation-schemas.ts';
import { Id, IsoDate, LinkType, MediaUrl, PublicPersonaSchema, ShareLinkSchema, isUuid } from './public-schemas.ts';

export { isUuid };

/** A lone surrogate: UTF-16 that is not text (JSON's `"\\ud800"` makes one). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text both stores keep as it is: PostgreSQL refuses U+0000 (in text and in JSON), and would store a
 * lone surrogate as U+FFFD. So neither is accepted anywhere a store would keep or compare it, on
 * either store: they answer alike, `400` (or a data file refused at start), never `503`.
 */
export const isStorableText = (text: string): boolean => !text.includes('\0') && !LONE_SURROGATE.test(text);

/** The path of the first string or key in `value` (parsed JSON) that is not storable text; `null` when all are. */
export function unstorablePath(value: unknown, path: string[] = []): string[] | null {
  if (typeof value === 'string') return isStorableText(value) ? null : path;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, inner] of Object.entries(value)) {
    if (!isStorableText(key)) return [...path, JSON.stringify(key).slice(0, 40)];
    const found = unstorablePath(inner, [...path, key]);
    if (found) return found;
  }
  return null;
}

const UNSTORABLE = 'holds U+0000 or a lone surrogate, which the stores cannot keep';

const AllowedOrigins = v.pipe(
  v.array(
    v.pipe(
      v.string(),
      v.maxLength(300),
      v.rawCheck(({ dataset, addIssue }) => {
        if (!dataset.typed) return;
        const problem = allowlistEntryProblem(dataset.value);
        if (problem) addIssue({ message: problem });
      }),
    ),
  ),
  v.maxLength(100),
);

const Count = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));

/** `startsPerMinute`: sessions granted per minute on a link, for every client together (docs/security.md). */
export const StartsPerMinute = v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000)));

/** A signing key as stored: sealed (server/signing-keys.ts), never the key itself. */
export const SealedKey = v.pipe(v.string(), v.regex(/^v1\.[\w-]{16}\.[\w-]{40,200}$/, 'must be a sealed signing key'));

/** The link fields of the protections (docs/security.md): the defaults are those of a link made before them. */
const PROTECTION_FIELDS = {
  startsPerMinute: v.optional(StartsPerMinute, 60),
  requireSignedEmbed: v.optional(v.boolean(), false),
  /** Private: never in a public or a management answer (`hasSigningKey` says whether there is one). */
  signingKey: v.optional(v.nullable(SealedKey), null),
};

/**
 * A stored share link: the seeds' full shape (the public fields plus `organizationId`), with strict
 * origins, and the protections' fields. Unknown fields are kept, not lost, and never leave through
 * the public API.
 */
export const StoredShareLinkSchema = v.looseObject({
  ...ShareLinkSchema.entries,
  organizationId: Id,
  allowedOrigins: AllowedOrigins,
  // Conversations: keep the transcripts of this link's conversations (docs/conversations.md). Never public.
  recordTranscripts: v.optional(v.boolean(), false),
  // Strict where it is stored: an unknown kind is a mistake in the data file.
  challenge: v.optional(v.picklist(CHALLENGES), 'none'),
  ...PROTECTION_FIELDS,
});

/**
 * Media in a data file: an absolute http(s) URL, or a path on this server (`/media/cara.svg`) that
 * the public API turns into an absolute URL on its own origin, so one fixture file works on any port.
 */
const StoredMediaUrl = v.union([
  MediaUrl,
  v.pipe(
    v.string(),
    v.maxLength(300),
    v.regex(/^\/(?!\/)[\w\-./]*$/, 'must be an http(s) URL or a path on this server'),
  ),
]);

/** An ElevenLabs agent id: it goes into the path of an upstream URL, so only URL-safe characters. */
const AgentId = v.pipe(v.string(), v.regex(/^[\w-]{1,100}$/, 'must be 1 to 100 letters, digits, "_" or "-"'));

const ENGINE_SHAPES = 'must be {"kind":"anam"}, {"kind":"elevenlabs","agentId":"..."}, {"kind":"scripted"} or null';

/**
 * Which engine runs a persona's conversations (docs/conversations.md): private persona data, never sent to a
 * browser. `anam` uses the persona's own id as Anam's persona id; none (absent or null) means the
 * page runs the conversation itself with the session token.
 */
export const EngineSchema = v.nullable(
  v.variant(
    'kind',
    [
      v.strictObject({ kind: v.literal('anam') }),
      v.strictObject({ kind: v.literal('elevenlabs'), agentId: AgentId }),
      v.strictObject({ kind: v.literal('scripted') }),
    ],
    ENGINE_SHAPES,
  ),
);

export type EngineSetting = NonNullable<v.InferOutput<typeof EngineSchema>>;
export type EngineKind = EngineSetting['kind'];

/** The seeds' full persona: the public fields checked, everything private kept as it is. */
export const StoredPersonaSchema = v.looseObject({
  ...PublicPersonaSchema.entries,
  avatar: v.looseObject({
    ...PublicPersonaSchema.entries.avatar.entries,
    imageUrl: StoredMediaUrl,
    videoUrl: StoredMediaUrl,
  }),
  engine: v.optional(EngineSchema),
});

/** A UTC day, `YYYY-MM-DD`, that is on the calendar. */
export const isDay = (value: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
const Day = v.pipe(v.string(), v.check(isDay, 'must be a day, YYYY-MM-DD'));
const Ms = Count;
/** Reasons, webhook types and ids the API writes itself: short words. */
const Word = v.pipe(v.string(), v.regex(/^[\w.:-]{1,100}$/, 'must be 1 to 100 letters, digits or ._:-'));

/** Analytics as the embedded store writes them to the data file with `--persist` (docs/operators.md). */
const AnalyticsRowSchema = v.strictObject({
  shareLinkId: v.pipe(v.string(), v.maxLength(100)),
  origin: v.nullable(v.pipe(v.string(), v.maxLength(300))),
  day: Day,
  views: Count,
  starts: Count,
  refused: v.record(Word, Count),
  conversations: Count,
  conversationSeconds: Count,
});

/** The webhook outbox and its recent attempts, as the embedded store writes them with `--persist`. */
const WebhooksSectionSchema = v.strictObject({
  outbox: v.array(
    v.strictObject({
      id: Word,
      type: Word,
      // A conversation's end carries its transcript: up to 500 turns of 2,000 characters.
      body: v.pipe(v.string(), v.maxLength(4_000_000)),
      createdAt: Ms,
      nextAttemptAt: Ms,
      attempts: Count,
    }),
  ),
  attempts: v.array(
    v.strictObject({
      webhookId: Word,
      type: Word,
      attempt: Count,
      at: Ms,
      status: v.nullable(Count),
      error: v.nullable(v.pipe(v.string(), v.maxLength(500))),
      durationMs: Count,
      outcome: v.picklist(['delivered', 'retrying', 'failed']),
      nextAttemptAt: v.nullable(Ms),
    }),
  ),
});

export const DataFileSchema = v.strictObject({
  personas: v.array(StoredPersonaSchema),
  shareLinks: v.array(StoredShareLinkSchema),
  /** Written by the embedded store with `--persist`; absent until there are any. */
  analytics: v.optional(v.array(AnalyticsRowSchema)),
  webhooks: v.optional(WebhooksSectionSchema),
  // Conversations and their share URLs, which the embedded store writes back with --persist.
  conversations: v.optional(v.array(StoredConversationSchema)),
  conversationShares: v.optional(v.array(StoredShareSchema)),
});

export type StoredShareLink = v.InferOutput<typeof StoredShareLinkSchema>;
export type StoredPersona = v.InferOutput<typeof StoredPersonaSchema>;
export type DataFile = v.InferOutput<typeof DataFileSchema>;

const Uuid = v.pipe(v.string(), v.check(isUuid, 'must be a UUID'));

/** `POST /v1/share-links`. Unknown fields are refused: a typo must not be silently ignored. */
export const CreateShareLinkSchema = v.strictObject({
  personaId: Uuid,
  type: v.optional(LinkType, 'PLAYER_EMBED'),
  expiresAt: v.optional(v.nullable(IsoDate), null),
  usageLimit: v.optional(v.nullable(Count), null),
  allowedOrigins: v.optional(AllowedOrigins, []),
  allowAllOrigins: v.optional(v.boolean(), false),
  removeWatermark: v.optional(v.boolean(), false),
  enabled: v.optional(v.boolean(), true),
  isPrimary: v.optional(v.boolean(), false),
  recordTranscripts: v.optional(v.boolean(), false),
  startsPerMinute: v.optional(StartsPerMinute, 60),
  challenge: v.optional(v.picklist(CHALLENGES), 'none'),
  requireSignedEmbed: v.optional(v.boolean(), false),
});

/** `PATCH /v1/share-links/{id}`: any writable field, plus `usageCount` so the playground can reset it. */
export const UpdateShareLinkSchema = v.strictObject({
  type: v.optional(LinkType),
  expiresAt: v.optional(v.nullable(IsoDate)),
  usageLimit: v.optional(v.nullable(Count)),
  usageCount: v.optional(Count),
  allowedOrigins: v.optional(AllowedOrigins),
  allowAllOrigins: v.optional(v.boolean()),
  removeWatermark: v.optional(v.boolean()),
  enabled: v.optional(v.boolean()),
  isPrimary: v.optional(v.boolean()),
  recordTranscripts: v.optional(v.boolean()),
  startsPerMinute: v.optional(StartsPerMinute),
  challenge: v.optional(v.picklist(CHALLENGES)),
  requireSignedEmbed: v.optional(v.boolean()),
});

/** `PATCH /v1/personas/{id}`: only the engine, for the demo playground. `null` removes it. */
export const UpdatePersonaSchema = v.strictObject({ engine: EngineSchema });

export type CreateShareLink = v.InferOutput<typeof CreateShareLinkSchema>;
export type UpdateShareLink = v.InferOutput<typeof UpdateShareLinkSchema>;

const QueryInt = (min: number, max: number, fallback: number) =>
  v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,6}$/, 'must be a whole number'),
      v.transform(Number),
      v.minValue(min),
      v.maxValue(max),
    ),
    String(fallback),
  );

/** `GET /v1/share-links` query, as in the seeds. */
export const ListQuerySchema = v.strictObject({
  page: QueryInt(1, 1_000_000, 1),
  perPage: QueryInt(1, 100, 20),
  search: v.optional(v.pipe(v.string(), v.maxLength(200), v.check(isStorableText, UNSTORABLE))),
  personaId: v.optional(Uuid),
});

/** `GET /v1/analytics` (docs/api.md): a range of UTC days, at most 366, by day, origin or link. */
export const AnalyticsQuerySchema = v.strictObject({
  from: v.optional(Day),
  to: v.optional(Day),
  shareLinkId: v.optional(Uuid),
  groupBy: v.optional(v.picklist(['day', 'origin', 'link'], 'must be day, origin or link'), 'day'),
});

/** `GET /v1/webhooks/deliveries`: pages of recent attempts, newest first. */
export const DeliveriesQuerySchema = v.strictObject({
  page: QueryInt(1, 1_000_000, 1),
  perPage: QueryInt(1, 100, 20),
});
