/**
 * The conversation channel, the API's side (docs/conversations.md, "The conversation channel"):
 * `ws(s)://<api>/v1/channel?session=<sessionToken>`, a route of the socket gate, one per running
 * conversation the element runs. Protocol in src/conversation/channel-protocol.ts.
 *
 * - Admitted by the session token (signed by this API, and not older than the longest a
 *   conversation lasts: a channel reconnects after the token's 15 minutes) and a live
 *   conversation: else `401`, `404` (erased), `410` (over). The newest channel of a conversation wins: an older one, on any
 *   process, is closed (4409), so a visitor whose network changed is not locked out by a socket
 *   the server has not yet seen die.
 * - Up: turns (counted, and kept when the link records transcripts) and the end.
 * - Down: whether a person holds the conversation (on connect, and on every change), their
 *   messages, and an end the API decided (their link expired while they held it: `operator`).
 * - A channel lost without an end waits `graceMs` (20 s) for the visitor to reconnect, here or on
 *   another process, then ends the conversation: `visitor` if the page closed it (1000, 1001: the
 *   tab closed or navigated), else `idle`.
 */
import * as v from 'valibot';
import {
  CHANNEL_END_REASONS,
  CHANNEL_PATH,
  MAX_CHANNEL_FRAME_BYTES,
  MAX_TURN_TEXT,
  type ElementFrame,
} from '../src/conversation/channel-protocol.ts';
import { parseFrame } from '../src/conversation/protocol.ts';
import { CONVERSATION_LIMITS, type ConversationService } from './conversations.ts';
import { SESSION_TOKEN } from './scripted-engine.ts';
import type { SessionVerifier } from './session-token.ts';
import { SESSION_LIFETIME_MS } from './sessions.ts';
import type { SocketRoute } from './socket-gate.ts';

const fields = <T extends object>(entries: T): T => Object.assign(Object.create(null) as T, entries);

const ElementFrameSchema = v.variant('type', [
  v.strictObject(
    fields({
      type: v.literal('turn'),
      role: v.picklist(['visitor', 'persona']),
      text: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_TURN_TEXT))),
    }),
  ),
  v.strictObject(fields({ type: v.literal('end'), reason: v.picklist(CHANNEL_END_REASONS) })),
]);

export interface ChannelOptions {
  conversations: ConversationService;
  verifySession: SessionVerifier;
  /** How long a lost channel may take to come back before its conversation ends. Default 20 s. */
  graceMs?: number;
}

interface Admitted {
  id: string;
  recording: boolean;
  holder: string | null;
}

/** The channel's route; `dispose` clears the waits of lost channels (when the server closes). */
export function channelRoute({
  conversations,
  verifySession,
  graceMs = 20_000,
}: ChannelOptions): SocketRoute<Admitted, ElementFrame> & { dispose(): void } {
  const waiting = new Set<() => void>();
  // A channel may reconnect for as long as a conversation may last, not only the token's lifetime.
  const reconnectWindow = CONVERSATION_LIMITS.maxConversationMs - SESSION_LIFETIME_MS;

  /** After a lost channel: the conversation ends unless a channel for it connects somewhere within `graceMs`. */
  const awaitReturn = (id: string, code: number) => {
    const stop = () => {
      clearTimeout(timer);
      unlisten();
      waiting.delete(stop);
    };
    const unlisten = conversations.hub.listen(id, (heard) => {
      if (heard.kind === 'visitor' || heard.kind === 'ended' || heard.kind === 'erased') stop();
    });
    const timer = setTimeout(() => {
      stop();
      void conversations.end(id, code === 1000 || code === 1001 ? 'visitor' : 'idle');
    }, graceMs);
    waiting.add(stop);
  };

  return {
    path: CHANNEL_PATH,
    maxFrameBytes: MAX_CHANNEL_FRAME_BYTES,
    expects: '{"type":"turn","role":"visitor"|"persona","text"?:string} or {"type":"end","reason":string}',
    parse: (text) => parseFrame(ElementFrameSchema, text),
    async admit(url) {
      const token = url.searchParams.get('session') ?? '';
      const session = SESSION_TOKEN.test(token)
        ? await verifySession(token, conversations.now() - reconnectWindow)
        : null;
      if (!session) return { ok: false, status: 401 };
      const record = await conversations.store.conversation(session.conversationId);
      if (!record) return { ok: false, status: 404 };
      if (record.endedAt !== null) return { ok: false, status: 410 };
      return {
        ok: true,
        admitted: { id: record.id, recording: record.recording, holder: record.hold?.holder ?? null },
      };
    },
    open(socket, { id, recording, holder: heldBy }) {
      let holder = heldBy;
      /** Why this side closes it, if it does: then no wait for a return. */
      let settled = false;
      const state = () => socket.send({ type: 'state', recording, operator: holder !== null });
      const close = (code: number, reason: string) => {
        settled = true;
        socket.close(code, reason);
      };
      /** Ended elsewhere: the person (if one held it) is gone, and the page is told the end. */
      const ended = (reason: string) => {
        if (settled) return;
        if (holder !== null) {
          holder = null;
          state();
        }
        socket.send({ type: 'end', reason });
        close(1000, 'ended');
      };
      const held = (next: string | null) => {
        const changed = (next !== null) !== (holder !== null);
        holder = next;
        if (changed) state();
      };
      const unlisten = conversations.hub.listen(id, (heard) => {
        switch (heard.kind) {
          case 'hold':
            return held(heard.holder);
          case 'turn':
            if (heard.role === 'operator' && heard.text !== null) socket.send({ type: 'message', text: heard.text });
            return;
          case 'ended':
            return ended(heard.conversation.endReason ?? 'expired');
          case 'erased':
            return close(4404, 'erased');
          case 'visitor':
            if (heard.socket !== socket.id) close(4409, 'replaced');
            return;
          case 'resync':
            // Signals were lost while the bus reconnected: read what they would have said.
            void conversations.store.conversation(id).then(
              (record) =>
                !record
                  ? close(4404, 'erased')
                  : record.endReason
                    ? ended(record.endReason)
                    : held(record.hold?.holder ?? null),
              () => undefined,
            );
            return;
        }
      });
      state();
      void conversations.attachVisitor(id, socket.id);
      return {
        frame(frame) {
          if (frame.type === 'turn') return void conversations.recordTurn(id, frame.role, frame.text ?? null, holder);
          settled = true;
          void conversations.end(id, frame.reason);
          socket.close(1000, 'ended');
        },
        closed(code) {
          unlisten();
          if (!settled) awaitReturn(id, code);
        },
      };
    },
    dispose() {
      for (const stop of [...waiting]) stop();
    },
  };
}
