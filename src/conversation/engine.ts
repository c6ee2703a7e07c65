/**
 * The `engine` of a session answer (contract §5), validated before anything uses it: the API's
 * answer is never trusted. Parsed in the lazy conversation chunk, so none of this is on the
 * critical path.
 */
import * as v from 'valibot';

const fields = <T extends object>(entries: T): T => Object.assign(Object.create(null) as T, entries);
const Secret = v.pipe(v.string(), v.minLength(1), v.maxLength(8192));
const isSocketUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return url.protocol === 'wss:' || url.protocol === 'ws:';
  } catch {
    return false;
  }
};

export const ENGINE_KINDS = ['scripted', 'anam', 'elevenlabs'] as const;
export type EngineKind = (typeof ENGINE_KINDS)[number];

export const EngineAnswerSchema = v.variant('kind', [
  v.object(
    fields({
      kind: v.literal('scripted'),
      url: v.pipe(v.string(), v.maxLength(8192), v.check(isSocketUrl, 'must be a ws: or wss: URL')),
    }),
  ),
  v.object(fields({ kind: v.literal('anam'), sessionToken: Secret })),
  v.object(
    fields({ kind: v.literal('elevenlabs'), conversationToken: Secret, expiresAt: v.optional(v.nullable(v.string())) }),
  ),
]);

export type EngineAnswer = v.InferOutput<typeof EngineAnswerSchema>;
export type EngineOf<K extends EngineKind> = Extract<EngineAnswer, { kind: K }>;

/** The engine, or why it cannot be used: `unsupported` for a kind this widget does not know. */
export function parseEngine(json: unknown): { engine: EngineAnswer } | { problem: string; unsupported: boolean } {
  const result = v.safeParse(EngineAnswerSchema, json);
  if (result.success) return { engine: result.output };
  const kind = (json as { kind?: unknown } | null)?.kind;
  const unsupported = typeof kind === 'string' && !(ENGINE_KINDS as readonly string[]).includes(kind);
  if (unsupported)
    return { problem: `the engine "${kind.slice(0, 40)}" is not supported by this version of the widget`, unsupported };
  const issue = result.issues[0];
  const path = issue?.path?.map((item) => String(item.key)).join('.');
  return {
    problem: `the API's engine answer is invalid (${path ? `engine.${path}: ` : ''}${issue?.message ?? 'invalid'})`,
    unsupported,
  };
}
