/**
 * The scripted demo engine: a real conversation service of the reference API, with no outside
 * service behind it. `npm start`, the demo and the tests talk to it; a production deployment
 * points personas at Anam or ElevenLabs instead.
 *
 * `ws(s)://<api origin>/v1/engines/scripted?session=<sessionToken>`, a route of the socket gate
 * (server/socket-gate.ts, which holds every socket to its caps and frame rules). The upgrade is
 * refused unless the injected `verifySession` accepts the token (401), and a session gets one
 * socket at a time (409). Then it greets the visitor, takes turns (voice activity the browser
 * reports, or a typed message), answers with scripted lines as text, and reports `listening` /
 * `speaking`. The protocol is in `src/conversation/protocol.ts`. An idle visitor is sent away
 * after `idleTimeoutMs`, and no conversation outlives `maxDurationMs`.
 *
 * Its turns and its ends are the conversation's record (server/conversations.ts): the engine
 * records them itself. While a person holds the conversation it stops answering (and waits, not
 * counting the visitor idle); handed back, it says so and listens again.
 */
import {
  MAX_FRAME_BYTES,
  MAX_TEXT,
  VisitorFrameSchema,
  parseFrame,
  type EngineFrame,
  type VisitorFrame,
} from '../src/conversation/protocol.ts';
import type { TurnRole } from './conversation-schemas.ts';
import type { ConversationService } from './conversations.ts';
import type { SessionVerifier, VerifiedSession } from './session-token.ts';
import type { GatedSocket, SocketHandlers, SocketRoute } from './socket-gate.ts';

export const SCRIPTED_ENGINE_PATH = '/v1/engines/scripted';

export interface ScriptedEngineOptions {
  /** The session a token was granted, if this API granted it and it is still valid; else `null`. */
  verifySession: SessionVerifier;
  /** Where its turns and ends are recorded. */
  conversations: ConversationService;
  /** Silence from the visitor (no frame at all) after which the engine ends the conversation. Default 2 min. */
  idleTimeoutMs?: number;
  /** No conversation lasts longer. Default 15 min, a session's lifetime. */
  maxDurationMs?: number;
  /** How long a line takes to say when the browser does not report it spoken. Default 60 ms a character. */
  speakingMsPerChar?: number;
}

/** A well-formed session token (`st_` JWTs are about 300 characters). */
export const SESSION_TOKEN = /^[\w.~-]{16,4096}$/;

/** The scripted engine, as a route of the socket gate. */
export function scriptedEngineRoute(
  options: ScriptedEngineOptions,
): SocketRoute<VerifiedSession & { release: () => void }, VisitorFrame> & { readonly connections: number } {
  const { verifySession, conversations } = options;
  const timing: Timing = {
    idleTimeoutMs: options.idleTimeoutMs ?? 120_000,
    maxDurationMs: options.maxDurationMs ?? 15 * 60_000,
    speakingMsPerChar: options.speakingMsPerChar ?? 60,
  };
  const liveSessions = new Set<string>();
  return {
    path: SCRIPTED_ENGINE_PATH,
    maxFrameBytes: MAX_FRAME_BYTES,
    expects: '{"type":"activity","speaking":boolean}, {"type":"message","text":string} or {"type":"spoken"}',
    parse: (text) => parseFrame(VisitorFrameSchema, text),
    get connections() {
      return liveSessions.size;
    },
    async admit(url) {
      const sessionToken = url.searchParams.get('session') ?? '';
      let session: VerifiedSession | null = null;
      try {
        session = SESSION_TOKEN.test(sessionToken) ? await verifySession(sessionToken, conversations.now()) : null;
      } catch (error) {
        console.error('[share-link-api] scripted engine: verifySession failed', error);
      }
      if (!session) return { ok: false, status: 401 };
      if (liveSessions.has(sessionToken)) return { ok: false, status: 409 };
      liveSessions.add(sessionToken);
      return { ok: true, admitted: { ...session, release: () => liveSessions.delete(sessionToken) } };
    },
    open(socket, { conversationId, release }) {
      const handlers = converse(socket, conversationLink(conversations, conversationId), timing);
      return {
        frame: handlers.frame,
        closed(code) {
          release();
          handlers.closed(code);
        },
      };
    },
  };
}

/** What the engine does with its conversation's record: turns, its end, and whether a person holds it. */
interface ConversationLink {
  record(role: TurnRole, text: string | null): void;
  end(reason: 'completed' | 'idle' | 'expired'): void;
  /**
   * Calls `held` when a person takes the conversation over (`true`) or hands it back, and `ended`
   * when something else ended it (the person's link expired, the sweep); returns the unsubscribe.
   */
  follow(held: (held: boolean) => void, ended: (reason: string) => void): () => void;
}

function conversationLink(conversations: ConversationService, id: string): ConversationLink {
  return {
    record: (role, text) => void conversations.recordTurn(id, role, text, null),
    end: (reason) => void conversations.end(id, reason),
    follow(changed, ended) {
      let held = false;
      const check = (holder: string | null) => {
        if (held !== (holder !== null)) changed((held = holder !== null));
      };
      const read = () =>
        void conversations.store.conversation(id).then(
          (record) => record && (record.endReason ? ended(record.endReason) : check(record.hold?.holder ?? null)),
          () => undefined,
        );
      // A socket opened while a person holds the conversation starts held.
      read();
      return conversations.hub.listen(id, (heard) => {
        if (heard.kind === 'hold') check(heard.holder);
        else if (heard.kind === 'ended') ended(heard.conversation.endReason ?? 'expired');
        else if (heard.kind === 'resync') read();
      });
    },
  };
}

// ---- One conversation ---------------------------------------------------------------------------

const GREETING =
  "Hello! I'm a scripted demo persona: I can't understand words yet, but I take turns like a real one. Say something, or type a message.";
const VOICE_REPLIES = [
  (seconds: number) =>
    `I heard you speak for about ${seconds} seconds. A real engine would answer what you said; I can only take my turn.`,
  () => 'Thank you. In a real conversation, Anam or ElevenLabs would understand you and answer in this same player.',
  () => 'Go on, I am listening. When you are done, you can end the conversation with the button below.',
];
const TYPED_REPLIES = [
  (text: string) => `You wrote: "${text}". I'm only scripted, so here is my next line.`,
  () => 'Typed messages work for visitors without a microphone, and for keyboard users.',
  () => 'Everything you see here also works with a real engine: captions, mute, and the end button.',
];
const FAREWELL = 'Goodbye, and thanks for trying the demo!';
const RESUMED = "I'm back. Go on, I'm listening.";
const QUESTION_REPLY = 'Good question! I am a demo engine, so I have no real answer, but a connected persona would.';

interface Timing {
  idleTimeoutMs: number;
  maxDurationMs: number;
  speakingMsPerChar: number;
}

function converse(
  socket: GatedSocket,
  conversation: ConversationLink,
  { idleTimeoutMs, maxDurationMs, speakingMsPerChar }: Timing,
): SocketHandlers<VisitorFrame> {
  let idleTimer: NodeJS.Timeout | undefined;
  let speakingTimer: NodeJS.Timeout | undefined;
  let ending = false;
  /** Said goodbye: no more turns, only the end once the farewell is spoken. */
  let leaving = false;
  /** A person holds the conversation: the engine waits. */
  let held = false;
  let speakingSince: number | null = null;
  let voiceTurns = 0;
  let typedTurns = 0;
  let afterSpoken: (() => void) | null = null;

  const send = (frame: EngineFrame) => socket.send(frame);

  const finish = (reason: 'completed' | 'idle' | 'expired') => {
    if (ending) return;
    ending = true;
    conversation.end(reason);
    send({ type: 'end', reason });
    socket.close(1000, reason);
  };

  const resetIdle = () => {
    clearTimeout(idleTimer);
    if (!held) idleTimer = setTimeout(() => finish('idle'), idleTimeoutMs);
  };
  const lifetime = setTimeout(() => finish('expired'), maxDurationMs);

  /** Says a line: speaking, the text, then listening once the browser reports it spoken (or it would have been). */
  const say = (text: string, then: () => void = () => send({ type: 'mode', mode: 'listening' })) => {
    const line = text.slice(0, MAX_TEXT);
    clearTimeout(speakingTimer);
    send({ type: 'mode', mode: 'speaking' });
    send({ type: 'transcript', role: 'persona', text: line });
    conversation.record('persona', line);
    afterSpoken = then;
    speakingTimer = setTimeout(spoken, Math.min(line.length * speakingMsPerChar, 20_000));
  };
  const spoken = () => {
    clearTimeout(speakingTimer);
    const next = afterSpoken;
    afterSpoken = null;
    next?.();
  };

  const stopFollowing = conversation.follow(
    (nowHeld) => {
      if (ending || leaving) return;
      held = nowHeld;
      if (held) {
        // The person answers now: whatever the engine was about to say or do is dropped.
        clearTimeout(speakingTimer);
        afterSpoken = null;
        speakingSince = null;
        resetIdle();
        return;
      }
      resetIdle();
      say(RESUMED);
    },
    (reason) => {
      // Ended elsewhere (and recorded there): the engine says so and closes.
      if (ending) return;
      ending = true;
      send({ type: 'end', reason });
      socket.close(1000, reason);
    },
  );

  const turn = (frame: VisitorFrame, now: number) => {
    switch (frame.type) {
      case 'spoken':
        return spoken();
      case 'activity':
        if (frame.speaking) {
          speakingSince ??= now;
          return;
        }
        if (speakingSince === null) return;
        {
          const seconds = Math.max(1, Math.round((now - speakingSince) / 1000));
          speakingSince = null;
          // The engine hears no words: the visitor's voice turn is counted, with no text.
          conversation.record('visitor', null);
          say(VOICE_REPLIES[voiceTurns++ % VOICE_REPLIES.length]!(seconds));
        }
        return;
      case 'message': {
        const text = frame.text.trim().replace(/\s+/g, ' ');
        if (!text) return send({ type: 'error', code: 'bad-frame', message: 'the message is empty' });
        send({ type: 'transcript', role: 'visitor', text });
        conversation.record('visitor', text);
        if (/\b(bye|goodbye)\b/i.test(text)) {
          leaving = true;
          return say(FAREWELL, () => finish('completed'));
        }
        if (text.endsWith('?')) return say(QUESTION_REPLY);
        return say(TYPED_REPLIES[typedTurns++ % TYPED_REPLIES.length]!(text.slice(0, 120)));
      }
    }
  };

  resetIdle();
  say(GREETING);

  return {
    frame(frame) {
      if (ending) return;
      resetIdle();
      // While a person holds the conversation, what the visitor says goes to them, not here.
      if (held || (leaving && frame.type !== 'spoken')) return;
      turn(frame, Date.now());
    },
    closed() {
      ending = true;
      stopFollowing();
      clearTimeout(idleTimer);
      clearTimeout(speakingTimer);
      clearTimeout(lifetime);
    },
  };
}
