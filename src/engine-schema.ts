/**
 * The engines a session answer may name, and what each one hands the browser (docs/conversations.md,
 * "Engines"). One table, and everything else is derived from it or checked against it:
 *
 * - the widget's validator of the session answer (src/schema.ts, hand-written, on the critical path);
 * - the conversation chunk's parse (src/conversation/engine.ts, which runs that same validator);
 * - the reference API's valibot schema (server/public-schemas.ts), which the server also runs on
 *   its own answer before it replies, so it never counts a use the widget would refuse;
 * - the `SessionEngine` type, which the server's minting (server/engines.ts) and the browser
 *   adapters (src/conversation/adapters/) are typed by.
 *
 * test/unit/validator-agreement.test.ts checks that the validators agree. Each field is one of a
 * few kinds, whose rules (lengths, schemes) both validators take from `LIMITS` in src/schema.ts.
 */

/**
 * - `token`: a vendor's credential, 1 to `LIMITS.engineToken` characters;
 * - `expiry`: an ISO 8601 date-time (four-digit years), or `null`;
 * - `socket`: an absolute `wss:`, `ws:`, `https:` or `http:` URL of at most `LIMITS.url` characters
 *   (browsers open a WebSocket on an http(s) URL as ws(s)).
 */
export type EngineFieldKind = 'token' | 'expiry' | 'socket';

/** Each engine's fields in the session answer's `engine`, beside its `kind`. Adding an engine adds a row. */
export const ENGINE_FIELDS = {
  anam: { sessionToken: 'token' },
  elevenlabs: { conversationToken: 'token', expiresAt: 'expiry' },
  scripted: { url: 'socket' },
} as const satisfies Record<string, Record<string, EngineFieldKind>>;

export type EngineKind = keyof typeof ENGINE_FIELDS;

/** The value each kind of field holds. */
interface EngineFieldValue {
  token: string;
  expiry: string | null;
  socket: string;
}

type FieldsOf<K extends EngineKind> = (typeof ENGINE_FIELDS)[K];
type EngineShape<K extends EngineKind> = { kind: K } & {
  -readonly [F in keyof FieldsOf<K>]: FieldsOf<K>[F] extends EngineFieldKind ? EngineFieldValue[FieldsOf<K>[F]] : never;
};

/** What a conversation engine's browser client needs, minted by the API. */
export type SessionEngine = { [K in EngineKind]: { [F in keyof EngineShape<K>]: EngineShape<K>[F] } }[EngineKind];

/** One engine's answer, e.g. `EngineOf<'anam'>` is `{ kind: 'anam'; sessionToken: string }`. */
export type EngineOf<K extends EngineKind> = Extract<SessionEngine, { kind: K }>;
