/**
 * The public shapes of the embed API, and the widget's validator for them. A body either passes
 * whole or is refused whole (`bad-response`): the widget never works from a partially trusted object.
 *
 * Unknown fields are accepted and dropped, so the API can grow without breaking deployed widgets.
 * Only a body's own properties are read: a page that adds properties to `Object.prototype` cannot
 * supply a missing field.
 *
 * Hand-written because the shapes are small and fixed, and every byte here loads on someone else's
 * page (valibot cost 1,077 B gzip more). The reference API keeps the same rules as valibot
 * schemas (server/public-schemas.ts); test/unit/validator-agreement.test.ts runs both over one
 * corpus of good and bad bodies and checks that they agree. The engines, and what each carries,
 * come from one table (src/engine-schema.ts) that both build on.
 */
import { ENGINE_FIELDS, type EngineFieldKind, type SessionEngine } from './engine-schema.js';
import { ShareLinkError } from './errors.js';

export type { SessionEngine } from './engine-schema.js';

/** `sh_` then 8 to 64 letters or digits (docs/api.md). */
export const TOKEN_PATTERN = /^sh_[A-Za-z0-9]{8,64}$/;

export const isValidToken = (token: unknown): token is string => typeof token === 'string' && TOKEN_PATTERN.test(token);

export const LIMITS = {
  text: 500,
  longText: 5000,
  url: 4096,
  origins: 100,
  origin: 300,
  id: 100,
  /** Session tokens (ours: about 300 characters). */
  credential: 4096,
  /** Engine tokens: vendors' JWTs, whose size grows with their claims and signature. */
  engineToken: 8192,
} as const;

export const LINK_TYPES = ['LINK', 'PLAYER_EMBED', 'ORB_EMBED'] as const;
export type LinkType = (typeof LINK_TYPES)[number];

/** What a session start must carry beside the token (docs/security.md): nothing, or a solved proof of work. */
export const CHALLENGES = ['none', 'proof-of-work'] as const;
export type Challenge = (typeof CHALLENGES)[number];

const ISO_DATE_TIME = /^(\d{4})-(\d\d)-(\d\d)T\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/;

/** ISO 8601 date-time with a zone, on a day the calendar has (no 2026-02-30), and within JS dates. */
export const isIsoDateTime = (value: string): boolean => {
  const parts = ISO_DATE_TIME.exec(value);
  // Date.UTC rolls a day the calendar lacks over into the next month (and years 0-99 into 19xx).
  return (
    !!parts &&
    !Number.isNaN(Date.parse(value)) &&
    new Date(Date.UTC(+parts[1]!, +parts[2]! - 1, +parts[3]!)).toISOString().startsWith(value.slice(0, 10))
  );
};

/** An absolute `scheme://` URL whose scheme is one of `schemes`, at most 4,096 characters. */
export const isUrl = (value: string, schemes: readonly string[] = ['https', 'http']): boolean => {
  // No scheme (undefined) is in no list.
  const scheme = /^([a-z]+):\/\//i.exec(value)?.[1]!.toLowerCase() as string;
  if (value.length > LIMITS.url || !schemes.includes(scheme)) return false;
  try {
    return new URL(value).protocol === `${scheme}:`;
  } catch {
    return false;
  }
};

/** Media the widget puts into `src` attributes: only `https:` and `http:` absolute URLs. */
export const isHttpUrl: (value: string) => boolean = isUrl;

/** A whole number, 0 or more, that JavaScript counts exactly. */
export const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** The seeds' `PersonaShareLink` (ShareLink plus persona details). */
export interface ShareLink {
  id: string;
  token: string;
  type: LinkType;
  expiresAt: string | null;
  usageLimit: number | null;
  usageCount: number;
  allowedOrigins: string[];
  allowAllOrigins: boolean;
  removeWatermark: boolean;
  enabled: boolean;
  isPrimary: boolean;
  createdAt: string;
  personaId: string;
  personaName: string;
  /** What a start needs beside the token; `none` from APIs that predate it. */
  challenge: Challenge;
}

/** What the public API may say about a persona: never its brain, voice, tools or knowledge. */
export interface PublicPersona {
  id: string;
  name: string;
  description: string | null;
  avatar: { id: string; displayName: string; imageUrl: string | null; videoUrl: string | null };
}

export interface EmbedResponse {
  shareLink: ShareLink;
  persona: PublicPersona;
  serverTime: string;
}

export interface SessionResponse {
  sessionToken: string;
  expiresAt: string;
  usageCount: number;
  /** `null` when the page runs the conversation itself with `sessionToken` (or the API predates engines). */
  engine: SessionEngine | null;
}

// The validator: each check returns the value it accepts, or throws naming the path and the rule.

type Check<T> = (value: unknown, path: string) => T;
type Shape<T> = { [K in keyof T]: Check<T[K]> };

const refuse = (path: string, rule: string): never => {
  throw new ShareLinkError('bad-response', `the API answered with an invalid body (${path || 'body'}: ${rule})`);
};

const check =
  <T = string>(test: (value: T) => boolean, rule: string, type = 'string'): Check<T> =>
  (value, path) =>
    typeof value === type && test(value as T) ? (value as T) : refuse(path, rule);

const text = (min: number, max: number): Check<string> =>
  check((value) => value.length >= min && value.length <= max, `must be text of ${min} to ${max} characters`);
const nullable =
  <T>(inner: Check<T>): Check<T | null> =>
  (value, path) =>
    value === null ? null : inner(value, path);
const boolean = check<boolean>(() => true, 'must be true or false', 'boolean');
const count = check<number>(isCount, 'must be a whole number, 0 or more', 'number');
const isoDate = check(isIsoDateTime, 'must be an ISO 8601 date-time');
const mediaUrl = nullable(check(isHttpUrl, 'must be an http: or https: URL'));
const id = text(1, LIMITS.id);
const name = text(0, LIMITS.text);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const own = (value: object, key: string): unknown =>
  Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;

/** Reads only the shape's keys, and only as own properties, into a fresh object. */
const object =
  <T>(shape: Shape<T>): Check<T> =>
  (value, path) => {
    if (!isObject(value)) return refuse(path, 'must be an object');
    const output = {} as T;
    for (const key of Object.keys(shape) as (keyof T & string)[]) {
      output[key] = shape[key](own(value, key), path ? `${path}.${key}` : key);
    }
    return output;
  };

const origins: Check<string[]> = (value, path) => {
  if (!Array.isArray(value) || value.length > LIMITS.origins)
    return refuse(path, `must be a list of at most ${LIMITS.origins} origins`);
  const entry = text(0, LIMITS.origin);
  return Array.from(value, (item: unknown, index) => entry(item, `${path}.${index}`));
};

const shareLink = object<ShareLink>({
  id,
  token: check((value) => TOKEN_PATTERN.test(value), 'must be a share-link token'),
  type: check((value) => (LINK_TYPES as readonly string[]).includes(value), `must be one of ${LINK_TYPES.join(', ')}`),
  expiresAt: nullable(isoDate),
  usageLimit: nullable(count),
  usageCount: count,
  allowedOrigins: origins,
  allowAllOrigins: boolean,
  removeWatermark: boolean,
  enabled: boolean,
  isPrimary: boolean,
  createdAt: isoDate,
  personaId: id,
  personaName: name,
  // A challenge this widget does not know (from a newer API) is none to it: the API refuses the start, and says why.
  challenge: (value) => (value === 'proof-of-work' ? value : 'none'),
});

const persona = object<PublicPersona>({
  id,
  name,
  description: nullable(text(0, LIMITS.longText)),
  avatar: object({ id, displayName: name, imageUrl: mediaUrl, videoUrl: mediaUrl }),
});

export const ENGINE_URL_SCHEMES = ['wss', 'ws', 'https', 'http'];

/** The rule of each kind of engine field (src/engine-schema.ts). */
const ENGINE_FIELD_CHECKS: Record<EngineFieldKind, Check<unknown>> = {
  token: text(1, LIMITS.engineToken),
  expiry: nullable(isoDate),
  socket: check<string>((url) => isUrl(url, ENGINE_URL_SCHEMES), 'must be a ws:, wss:, http: or https: URL'),
};
/** A Map, not the object: a kind like `toString` or `__proto__`, or `["anam"]`, finds no engine. */
const ENGINES: Map<unknown, Record<string, EngineFieldKind>> = new Map(Object.entries(ENGINE_FIELDS));
const ENGINE_KINDS = [...ENGINES.keys()] as string[];

/** Engines by `kind`, with the fields ENGINE_FIELDS names. A kind this widget does not know is refused: it could not run it. */
const engine: Check<SessionEngine | null> = (value, path) => {
  if (value === undefined || value === null) return null;
  const kind = own(value as object, 'kind');
  const fields = ENGINES.get(kind);
  if (!fields)
    return refuse(`${path}.kind`, `must be ${ENGINE_KINDS.slice(0, -1).join(', ')} or ${ENGINE_KINDS.at(-1)}`);
  const shape: Shape<Record<string, unknown>> = { kind: () => kind };
  for (const [name, field] of Object.entries(fields)) shape[name] = ENGINE_FIELD_CHECKS[field];
  return object(shape)(value, path) as SessionEngine;
};

/** Validates a session answer's `engine` on its own (the conversation chunk's check); `null` when there is none. */
export const parseSessionEngine = (json: unknown): SessionEngine | null => engine(json, 'engine');

/** Validates `GET /v1/embed/{token}`'s body; throws a `bad-response` `ShareLinkError` naming the first problem. */
export const parseEmbedResponse: (json: unknown) => EmbedResponse = (json) =>
  object<EmbedResponse>({ shareLink, persona, serverTime: isoDate })(json, '');

/** Validates `POST /v1/embed/{token}/sessions`' body, `engine` included (absent means `null`). */
export const parseSessionResponse: (json: unknown) => SessionResponse = (json) =>
  object<SessionResponse>({ sessionToken: text(16, LIMITS.credential), expiresAt: isoDate, usageCount: count, engine })(
    json,
    '',
  );
