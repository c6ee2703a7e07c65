/**
 * The embed API's public shapes as valibot schemas: the reference API builds its stricter data-file
 * and write schemas from them (server/schemas.ts). The widget validates the same shapes with its
 * own small validator (src/schema.ts) so that valibot stays out of the browser bundle;
 * test/unit/validator-agreement.test.ts checks that the two accept and refuse the same bodies and
 * produce the same values. The leaf rules (token, dates, URLs, limits) are shared, not copied, and
 * the engines come from the one table in src/engine-schema.ts.
 */
import * as v from 'valibot';
import { ENGINE_FIELDS, type EngineFieldKind, type EngineKind, type SessionEngine } from '../src/engine-schema.ts';
import {
  CHALLENGES,
  ENGINE_URL_SCHEMES,
  LIMITS,
  LINK_TYPES,
  TOKEN_PATTERN,
  isCount,
  isHttpUrl,
  isIsoDateTime,
  isUrl,
  type EmbedResponse,
  type PublicPersona,
  type SessionResponse,
  type ShareLink,
} from '../src/schema.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);

export const IsoDate = v.pipe(v.string(), v.check(isIsoDateTime, 'must be an ISO 8601 date-time'));
export const MediaUrl = v.nullable(v.pipe(v.string(), v.check(isHttpUrl, 'must be an http: or https: URL')));
export const LinkType = v.picklist(LINK_TYPES);

const Count = v.pipe(
  v.number(),
  v.check((value: number) => isCount(value), 'must be a whole number, 0 or more'),
);
const Text = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.check(
      (value: string) => value.length >= min && value.length <= max,
      `must be text of ${min} to ${max} characters`,
    ),
  );
export const Id = Text(1, LIMITS.id);
const Name = Text(0, LIMITS.text);

/**
 * Object schemas take their entries from a null-prototype object: valibot walks them with
 * `for…in`, and a page or process that adds enumerable properties to `Object.prototype` would
 * otherwise add phantom fields to every schema.
 */
const fields = <T extends object>(entries: T): T => Object.assign(Object.create(null) as T, entries);

export const ShareLinkSchema = v.object(
  fields({
    id: Id,
    token: v.pipe(v.string(), v.regex(TOKEN_PATTERN, 'must be a share-link token')),
    type: LinkType,
    expiresAt: v.nullable(IsoDate),
    usageLimit: v.nullable(Count),
    usageCount: Count,
    allowedOrigins: v.pipe(v.array(Text(0, LIMITS.origin)), v.maxLength(LIMITS.origins)),
    allowAllOrigins: v.boolean(),
    removeWatermark: v.boolean(),
    enabled: v.boolean(),
    isPrimary: v.boolean(),
    createdAt: IsoDate,
    personaId: Id,
    personaName: Name,
    // Absent from APIs older than proofs of work, or a kind the widget does not know: none to it.
    challenge: v.fallback(v.picklist(CHALLENGES), 'none'),
  }),
);

export const PublicPersonaSchema = v.object(
  fields({
    id: Id,
    name: Name,
    description: v.nullable(Text(0, LIMITS.longText)),
    avatar: v.object(fields({ id: Id, displayName: Name, imageUrl: MediaUrl, videoUrl: MediaUrl })),
  }),
);

export const EmbedResponseSchema = v.object(
  fields({
    shareLink: ShareLinkSchema,
    persona: PublicPersonaSchema,
    serverTime: IsoDate,
  }),
);

/** The rule of each kind of engine field (src/engine-schema.ts), as the widget's validator has it. */
const ENGINE_FIELD_SCHEMAS: Record<EngineFieldKind, v.GenericSchema> = {
  token: Text(1, LIMITS.engineToken),
  expiry: v.nullable(IsoDate),
  socket: v.pipe(
    v.string(),
    v.check((url: string) => isUrl(url, ENGINE_URL_SCHEMES), 'must be a ws:, wss:, http: or https: URL'),
  ),
};

const engineSchema = (kind: EngineKind) => {
  const entries: { kind: v.LiteralSchema<EngineKind, undefined> } & Record<string, v.GenericSchema> = {
    kind: v.literal(kind),
  };
  for (const [name, field] of Object.entries(ENGINE_FIELDS[kind])) entries[name] = ENGINE_FIELD_SCHEMAS[field];
  return v.object(fields(entries));
};

/**
 * What `POST /v1/embed/{token}/sessions` answers in `engine` (docs/conversations.md, "Engines"):
 * one object schema per row of ENGINE_FIELDS. Built from the table at run time, so valibot cannot
 * infer its output: it is declared as the table's type, and test/unit/validator-agreement.test.ts
 * checks the values against the widget's validator.
 */
export const SessionEngineSchema: v.GenericSchema<unknown, SessionEngine> = v.variant(
  'kind',
  (Object.keys(ENGINE_FIELDS) as EngineKind[]).map(engineSchema),
) as v.GenericSchema as v.GenericSchema<unknown, SessionEngine>;

export const SessionResponseSchema = v.object(
  fields({
    sessionToken: Text(16, LIMITS.credential),
    expiresAt: IsoDate,
    usageCount: Count,
    // Absent from APIs older than engines: the page runs the conversation itself.
    engine: v.optional(v.nullable(SessionEngineSchema), null),
  }),
);

// The widget's types and these schemas describe the same values: a change to one without the other fails the type check.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShapes: [
  Same<v.InferOutput<typeof ShareLinkSchema>, ShareLink>,
  Same<v.InferOutput<typeof PublicPersonaSchema>, PublicPersona>,
  Same<v.InferOutput<typeof EmbedResponseSchema>, EmbedResponse>,
  Same<v.InferOutput<typeof SessionResponseSchema>, SessionResponse>,
] = [true, true, true, true];
void sameShapes;

/** `"persona.avatar.imageUrl: must be an http: or https: URL"`: the first problem, with its path. */
export function describeIssue(issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  if (!issue) return 'invalid';
  const path = issue.path?.map((item) => String(item.key)).join('.') ?? '';
  return path ? `${path}: ${issue.message}` : issue.message;
}
