/**
 * The conversation channel's wire protocol (docs/conversations.md, "The conversation channel"): one
 * WebSocket per running conversation, from the element to the API, beside whatever the engine
 * itself uses. JSON text frames. The API validates what it receives with valibot
 * (server/conversation-channel.ts); the element checks what it receives with `parseServerFrame`
 * below, which keeps valibot out of the conversation chunk.
 *
 * Element → API
 * - `{ "type": "turn", "role": "visitor" | "persona", "text"?: string }`: a complete turn the
 *   element showed as a caption (engines the element runs; the scripted engine's turns are
 *   recorded on the API). The text is sent only when the API records transcripts for the link, or
 *   while a person holds the conversation; otherwise the turn is only counted.
 * - `{ "type": "end", "reason": ChannelEndReason }`: how the conversation ended, seen from the page.
 *
 * API → element
 * - `{ "type": "state", "recording": boolean, "operator": boolean }`: on connect, and whenever a
 *   person takes the conversation over (`operator: true`) or hands it back.
 * - `{ "type": "message", "text": string }`: what the person typed.
 * - `{ "type": "end", "reason": string }`: the API ended the conversation (`operator`: the person's
 *   link expired while they held it; `expired`: it ran too long).
 * - `{ "type": "error", "code": string, "message": string }`: a frame the API refused.
 */

/** The API's path for the channel: `ws(s)://<api>/v1/channel?session=<sessionToken>`. */
export const CHANNEL_PATH = '/v1/channel';

/** Longest turn text, in UTF-16 code units (what JavaScript's `length` counts). */
export const MAX_TURN_TEXT = 2000;
/** Turns kept in one conversation's transcript; later turns are counted, not kept. */
export const MAX_TRANSCRIPT_TURNS = 500;
/** Largest frame either side sends: a turn of `MAX_TURN_TEXT` characters, three UTF-8 bytes each, in its envelope. */
export const MAX_CHANNEL_FRAME_BYTES = 8192;

export const TURN_ROLES = ['visitor', 'persona', 'operator'] as const;
export type TurnRole = (typeof TURN_ROLES)[number];

/** How a conversation ended (docs/conversations.md, "Conversation records"). */
export const END_REASONS = ['visitor', 'idle', 'expired', 'failed', 'operator', 'completed'] as const;
export type ConversationEndReason = (typeof END_REASONS)[number];
/** The reasons a page may report: `operator` is the API's alone. */
export const CHANNEL_END_REASONS = ['visitor', 'idle', 'expired', 'failed', 'completed'] as const;
export type ChannelEndReason = (typeof CHANNEL_END_REASONS)[number];

export type ElementFrame =
  { type: 'turn'; role: 'visitor' | 'persona'; text?: string } | { type: 'end'; reason: ChannelEndReason };

export type ServerFrame =
  | { type: 'state'; recording: boolean; operator: boolean }
  | { type: 'message'; text: string }
  | { type: 'end'; reason: string }
  | { type: 'error'; code: string; message: string };

/**
 * Text as a turn keeps it: control characters and runs of white space become one space, trimmed,
 * at most `MAX_TURN_TEXT` code units (never splitting a surrogate pair). Captions are one line; a
 * NUL would not fit in PostgreSQL's text.
 */
export function turnText(text: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\s]+/g, ' ').trim();
  if (flat.length <= MAX_TURN_TEXT) return flat;
  const cut = flat.slice(0, MAX_TURN_TEXT);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

const isText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= max;

/**
 * One frame from the API, checked field by field (own properties only, into a fresh object), or
 * `null` for anything else: the element never trusts what it is sent.
 */
export function parseServerFrame(data: unknown): ServerFrame | null {
  let json: unknown;
  try {
    json = typeof data === 'string' && data.length <= MAX_CHANNEL_FRAME_BYTES ? JSON.parse(data) : null;
  } catch {
    return null;
  }
  if (typeof json !== 'object' || json === null) return null;
  const field = (name: string): unknown => (Object.hasOwn(json, name) ? (json as Record<string, unknown>)[name] : null);
  switch (field('type')) {
    case 'state': {
      const recording = field('recording');
      const operator = field('operator');
      return typeof recording === 'boolean' && typeof operator === 'boolean'
        ? { type: 'state', recording, operator }
        : null;
    }
    case 'message': {
      const text = field('text');
      return isText(text, MAX_TURN_TEXT) ? { type: 'message', text } : null;
    }
    case 'end': {
      const reason = field('reason');
      return isText(reason, 40) ? { type: 'end', reason } : null;
    }
    case 'error': {
      const code = field('code');
      const message = field('message');
      return isText(code, 40) && typeof message === 'string' && message.length <= 500
        ? { type: 'error', code, message }
        : null;
    }
    default:
      return null;
  }
}
