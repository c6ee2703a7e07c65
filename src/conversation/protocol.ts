/**
 * The scripted demo engine's wire protocol: JSON text frames over one WebSocket, validated on both
 * sides with these schemas (the reference API's `server/scripted-engine.ts` and the browser's
 * `adapters/scripted.ts`). A frame that fails them is answered with an `error` frame, never a crash.
 *
 * Visitor → engine
 * - `{ "type": "activity", "speaking": boolean }`: the visitor's voice started or stopped (the
 *   browser measures it on the microphone; the engine hears no audio).
 * - `{ "type": "message", "text": string }`: a typed message.
 * - `{ "type": "spoken" }`: the browser finished voicing the persona's last line.
 *
 * Engine → visitor
 * - `{ "type": "mode", "mode": "listening" | "speaking" }`
 * - `{ "type": "transcript", "role": "visitor" | "persona", "text": string }`
 * - `{ "type": "error", "code": "bad-frame" | "too-fast", "message": string }`
 * - `{ "type": "end", "reason": "completed" | "idle" | "expired" }`, then the engine closes (1000).
 */
import * as v from 'valibot';

/** Larger frames close the socket with 1009 (message too big). */
export const MAX_FRAME_BYTES = 4096;
/** Longest typed message or scripted line, in characters. */
export const MAX_TEXT = 500;

const fields = <T extends object>(entries: T): T => Object.assign(Object.create(null) as T, entries);
const Text = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_TEXT));

export const VisitorFrameSchema = v.variant('type', [
  v.strictObject(fields({ type: v.literal('activity'), speaking: v.boolean() })),
  v.strictObject(fields({ type: v.literal('message'), text: Text })),
  v.strictObject(fields({ type: v.literal('spoken') })),
]);

export const EngineFrameSchema = v.variant('type', [
  v.object(fields({ type: v.literal('mode'), mode: v.picklist(['listening', 'speaking']) })),
  v.object(fields({ type: v.literal('transcript'), role: v.picklist(['visitor', 'persona']), text: Text })),
  v.object(
    fields({
      type: v.literal('error'),
      code: v.pipe(v.string(), v.maxLength(40)),
      message: v.pipe(v.string(), v.maxLength(MAX_TEXT)),
    }),
  ),
  v.object(fields({ type: v.literal('end'), reason: v.pipe(v.string(), v.maxLength(40)) })),
]);

export type VisitorFrame = v.InferOutput<typeof VisitorFrameSchema>;
export type EngineFrame = v.InferOutput<typeof EngineFrameSchema>;

/** Parses one text frame; `null` for anything that is not valid JSON of the schema. */
export function parseFrame<TSchema extends v.GenericSchema>(
  schema: TSchema,
  text: string,
): v.InferOutput<TSchema> | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const result = v.safeParse(schema, json);
  return result.success ? result.output : null;
}
