/**
 * The public shapes of the embed API, validated field by field. A body either passes whole or is
 * refused whole (`bad-response`): the widget never works from a partially trusted object.
 *
 * Unknown fields are accepted and dropped, so the API can grow without breaking deployed widgets.
 * The reference API builds its stricter write and data-file schemas from these pieces.
 */
import * as v from 'valibot';

/** `sh_` then 8 to 64 letters or digits (contract §2). */
export const TOKEN_PATTERN = /^sh_[A-Za-z0-9]{8,64}$/;

export const isValidToken = (token: unknown): token is string =>
  typeof token === 'string' && TOKEN_PATTERN.test(token);

const MAX_TEXT = 500;
const MAX_LONG_TEXT = 5000;
const MAX_URL = 4096;
const MAX_ORIGINS = 100;

// Few valibot actions, each used often: every distinct one adds its code to the bundle.
const ISO_DATE_TIME = /^(\d{4})-(\d\d)-(\d\d)T\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/;

/** ISO 8601 date-time with a zone, on a day the calendar has (no 2026-02-30), and within JS dates. */
const isIsoDateTime = (value: string): boolean => {
  const parts = ISO_DATE_TIME.exec(value);
  if (!parts || Number.isNaN(Date.parse(value))) return false;
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};

export const IsoDate = v.pipe(v.string(), v.check(isIsoDateTime, 'must be an ISO 8601 date-time'));

/** Media the widget puts into `src` attributes: only `https:` and `http:` absolute URLs. */
export const isHttpUrl = (value: string): boolean => {
  if (value.length > MAX_URL || !/^https?:\/\//i.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
};

export const MediaUrl = v.nullable(v.pipe(v.string(), v.check(isHttpUrl, 'must be an http: or https: URL')));

const Count = v.pipe(v.number(), v.check((n: number) => Number.isSafeInteger(n) && n >= 0, 'must be a whole number, 0 or more'));
const Text = v.pipe(v.string(), v.maxLength(MAX_TEXT));
export const Id = v.pipe(v.string(), v.check((id: string) => id.length > 0 && id.length <= 100, 'must be 1 to 100 characters'));

export const LinkType = v.picklist(['LINK', 'PLAYER_EMBED', 'ORB_EMBED']);

/**
 * Object schemas take their entries from a null-prototype object: valibot walks them with
 * `for…in`, and a host page that adds enumerable properties to `Object.prototype` would otherwise
 * add phantom fields to every schema and break validation.
 */
const fields = <T extends object>(entries: T): T => Object.assign(Object.create(null) as T, entries);

/**
 * The share link as the public API gives it: the seeds' `PersonaShareLink` fields the widget reads.
 * Not `organizationId`: the widget has no use for it, so the API never sends it (server/public-shape.ts).
 */
export const ShareLinkSchema = v.object(fields({
  id: Id,
  token: v.pipe(v.string(), v.check((token: string) => TOKEN_PATTERN.test(token), 'must be a share-link token')),
  type: LinkType,
  expiresAt: v.nullable(IsoDate),
  usageLimit: v.nullable(Count),
  usageCount: Count,
  allowedOrigins: v.pipe(v.array(v.pipe(v.string(), v.maxLength(300))), v.maxLength(MAX_ORIGINS)),
  allowAllOrigins: v.boolean(),
  removeWatermark: v.boolean(),
  enabled: v.boolean(),
  isPrimary: v.boolean(),
  createdAt: IsoDate,
  personaId: Id,
  personaName: Text,
}));

/** What the public API may say about a persona: never its brain, voice, tools or knowledge. */
export const PublicPersonaSchema = v.object(fields({
  id: Id,
  name: Text,
  description: v.nullable(v.pipe(v.string(), v.maxLength(MAX_LONG_TEXT))),
  avatar: v.object(fields({
    id: Id,
    displayName: Text,
    imageUrl: MediaUrl,
    videoUrl: MediaUrl,
  })),
}));

export const EmbedResponseSchema = v.object(fields({
  shareLink: ShareLinkSchema,
  persona: PublicPersonaSchema,
  serverTime: IsoDate,
}));

export const SessionResponseSchema = v.object(fields({
  sessionToken: v.pipe(v.string(), v.check((token: string) => token.length >= 16 && token.length <= 4096, 'must be 16 to 4096 characters')),
  expiresAt: IsoDate,
  usageCount: Count,
}));

export type ShareLink = v.InferOutput<typeof ShareLinkSchema>;
export type PublicPersona = v.InferOutput<typeof PublicPersonaSchema>;
export type EmbedResponse = v.InferOutput<typeof EmbedResponseSchema>;
/**
 * `engine` is passed through as it came: the conversation chunk validates it after start, so none
 * of its schema is on the critical path.
 */
export type SessionResponse = v.InferOutput<typeof SessionResponseSchema> & { engine?: unknown };

/** `"persona.avatar.imageUrl: must be an http: or https: URL"`: the first problem, with its path. */
export function describeIssue(issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  if (!issue) return 'invalid';
  const path = issue.path?.map((item) => String(item.key)).join('.') ?? '';
  return path ? `${path}: ${issue.message}` : issue.message;
}
