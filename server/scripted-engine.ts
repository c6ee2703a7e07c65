/**
 * The scripted demo engine: a real conversation service of the reference API, with no outside
 * service behind it. `npm start`, the demo and the tests talk to it; a production deployment
 * points personas at Anam or ElevenLabs instead.
 *
 * `ws(s)://<api origin>/v1/engines/scripted?session=<sessionToken>`. The upgrade is refused unless
 * the injected `verifySession` accepts the token (401), and a session gets one socket at a time
 * (409). Then it greets the visitor, takes turns (voice activity the browser reports, or a typed
 * message), answers with scripted lines as text, and reports `listening` / `speaking`. The
 * protocol is in `src/conversation/protocol.ts`; every frame is validated, a bad one gets an error
 * frame, too many bad or too fast frames close the socket (1008), an oversized one closes it (1009).
 * An idle visitor is sent away after `idleTimeoutMs`, and no conversation outlives `maxDurationMs`.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  MAX_FRAME_BYTES,
  MAX_TEXT,
  VisitorFrameSchema,
  parseFrame,
  type EngineFrame,
} from '../src/conversation/protocol.ts';

export const SCRIPTED_ENGINE_PATH = '/v1/engines/scripted';

export interface ScriptedEngineOptions {
  /**
   * Whether a session token was granted by this API and is still valid. The default accepts any
   * well-formed token: the integration swaps in the signed-token verifier.
   */
  verifySession?: (sessionToken: string) => boolean | Promise<boolean>;
  /** Silence from the visitor (no frame at all) after which the engine ends the conversation. Default 2 min. */
  idleTimeoutMs?: number;
  /** No conversation lasts longer. Default 15 min, a session's lifetime. */
  maxDurationMs?: number;
  /** How long a line takes to say when the browser does not report it spoken. Default 60 ms a character. */
  speakingMsPerChar?: number;
  /** Open sockets across all sessions. Default 1000. */
  maxConnections?: number;
  /**
   * Answer upgrades on other paths with 404. On a server of its own (the CLI) nothing else wants
   * them; inside Vite's dev server, its hot-reload socket does.
   */
  exclusive?: boolean;
}

export interface ScriptedEngine {
  /** How many sockets are open; for tests. */
  readonly connections: number;
  /** Ends every conversation (1001) and stops answering upgrades. */
  close(): Promise<void>;
}

const SESSION_TOKEN = /^[\w.~-]{16,4096}$/;
const FRAME_WINDOW_MS = 10_000;
const MAX_FRAMES_PER_WINDOW = 60;
const MAX_BAD_FRAMES = 10;

const acceptWellFormed = () => true;

/** Answers WebSocket upgrades on `server` for the scripted engine. */
export function attachScriptedEngine(server: Server, options: ScriptedEngineOptions = {}): ScriptedEngine {
  const {
    verifySession = acceptWellFormed,
    idleTimeoutMs = 120_000,
    maxDurationMs = 15 * 60_000,
    speakingMsPerChar = 60,
    maxConnections = 1000,
    exclusive = false,
  } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  const liveSessions = new Set<string>();

  const refuse = (socket: Duplex, status: number, text: string) => {
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`,
    );
  };

  const onUpgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://engine');
    } catch {
      if (exclusive) refuse(socket, 400, 'Bad Request');
      return;
    }
    if (url.pathname !== SCRIPTED_ENGINE_PATH) {
      if (exclusive) refuse(socket, 404, 'Not Found');
      return;
    }
    socket.on('error', () => socket.destroy());
    const sessionToken = url.searchParams.get('session') ?? '';
    let valid = false;
    try {
      valid = SESSION_TOKEN.test(sessionToken) && (await verifySession(sessionToken));
    } catch (error) {
      console.error('[share-link-api] scripted engine: verifySession failed', error);
    }
    if (!valid) return refuse(socket, 401, 'Unauthorized');
    if (liveSessions.has(sessionToken)) return refuse(socket, 409, 'Conflict');
    if (wss.clients.size >= maxConnections) return refuse(socket, 503, 'Service Unavailable');
    liveSessions.add(sessionToken);
    wss.handleUpgrade(request, socket, head, (ws) => {
      ws.once('close', () => liveSessions.delete(sessionToken));
      converse(ws, { idleTimeoutMs, maxDurationMs, speakingMsPerChar });
    });
  };
  const listener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void onUpgrade(request, socket, head);
  server.on('upgrade', listener);

  return {
    get connections() {
      return wss.clients.size;
    },
    close() {
      server.off('upgrade', listener);
      for (const ws of wss.clients) ws.close(1001, 'server closing');
      return new Promise<void>((resolve) => {
        const deadline = setTimeout(() => {
          for (const ws of wss.clients) ws.terminate();
        }, 1000);
        wss.close(() => {
          clearTimeout(deadline);
          resolve();
        });
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
const QUESTION_REPLY = 'Good question! I am a demo engine, so I have no real answer, but a connected persona would.';

interface Timing {
  idleTimeoutMs: number;
  maxDurationMs: number;
  speakingMsPerChar: number;
}

function converse(ws: WebSocket, { idleTimeoutMs, maxDurationMs, speakingMsPerChar }: Timing): void {
  let idleTimer: NodeJS.Timeout | undefined;
  let speakingTimer: NodeJS.Timeout | undefined;
  let ending = false;
  /** Said goodbye: no more turns, only the end once the farewell is spoken. */
  let leaving = false;
  let speakingSince: number | null = null;
  let voiceTurns = 0;
  let typedTurns = 0;
  let badFrames = 0;
  let windowStart = Date.now();
  let framesInWindow = 0;
  let afterSpoken: (() => void) | null = null;

  const send = (frame: EngineFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };

  const finish = (reason: 'completed' | 'idle' | 'expired') => {
    if (ending) return;
    ending = true;
    send({ type: 'end', reason });
    ws.close(1000, reason);
  };

  const resetIdle = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => finish('idle'), idleTimeoutMs);
  };
  const lifetime = setTimeout(() => finish('expired'), maxDurationMs);

  /** Says a line: speaking, the text, then listening once the browser reports it spoken (or it would have been). */
  const say = (text: string, then: () => void = () => send({ type: 'mode', mode: 'listening' })) => {
    const line = text.slice(0, MAX_TEXT);
    clearTimeout(speakingTimer);
    send({ type: 'mode', mode: 'speaking' });
    send({ type: 'transcript', role: 'persona', text: line });
    afterSpoken = then;
    speakingTimer = setTimeout(spoken, Math.min(line.length * speakingMsPerChar, 20_000));
  };
  const spoken = () => {
    clearTimeout(speakingTimer);
    const next = afterSpoken;
    afterSpoken = null;
    next?.();
  };

  const reject = (code: 'bad-frame' | 'too-fast', message: string) => {
    send({ type: 'error', code, message });
    if (code === 'too-fast' || ++badFrames >= MAX_BAD_FRAMES) {
      ending = true;
      ws.close(1008, code);
    }
  };

  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (ending) return;
    resetIdle();
    const now = Date.now();
    if (now - windowStart > FRAME_WINDOW_MS) {
      windowStart = now;
      framesInWindow = 0;
    }
    if (++framesInWindow > MAX_FRAMES_PER_WINDOW)
      return reject('too-fast', `more than ${MAX_FRAMES_PER_WINDOW} frames in ${FRAME_WINDOW_MS / 1000} s`);
    if (isBinary) return reject('bad-frame', 'frames are JSON text');
    const frame = parseFrame(VisitorFrameSchema, data.toString());
    if (!frame)
      return reject(
        'bad-frame',
        'expected {"type":"activity","speaking":boolean}, {"type":"message","text":string} or {"type":"spoken"}',
      );

    if (leaving && frame.type !== 'spoken') return;
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
          say(VOICE_REPLIES[voiceTurns++ % VOICE_REPLIES.length]!(seconds));
        }
        return;
      case 'message': {
        const text = frame.text.trim().replace(/\s+/g, ' ');
        if (!text) return reject('bad-frame', 'the message is empty');
        send({ type: 'transcript', role: 'visitor', text });
        if (/\b(bye|goodbye)\b/i.test(text)) {
          leaving = true;
          return say(FAREWELL, () => finish('completed'));
        }
        if (text.endsWith('?')) return say(QUESTION_REPLY);
        return say(TYPED_REPLIES[typedTurns++ % TYPED_REPLIES.length]!(text.slice(0, 120)));
      }
    }
  });

  ws.on('error', () => ws.terminate());
  ws.once('close', () => {
    ending = true;
    clearTimeout(idleTimer);
    clearTimeout(speakingTimer);
    clearTimeout(lifetime);
  });

  resetIdle();
  say(GREETING);
}
