/**
 * The scripted demo engine's browser client: one WebSocket to the reference API (protocol in
 * `../protocol.ts`). The engine hears no audio: this side tells it when the visitor speaks (from
 * the microphone's level) and voices the persona's lines with `speechSynthesis` where the browser
 * has it. Every frame from the engine is validated; an invalid one ends the conversation.
 */
import type { EngineOf } from '../../engine-schema.js';
import { EngineFrameSchema, MAX_TEXT, parseFrame, type VisitorFrame } from '../protocol.js';
import { VoiceActivityDetector } from '../voice-activity.js';
import type { Connect, ConversationAdapter } from './adapter.js';

const CONNECT_TIMEOUT_MS = 10_000;
/**
 * A browser with speech synthesis but no voice may never say whether it spoke a line: Firefox
 * without one fails its first line and then drops every later one without an event. A line not
 * started by then, with no voice to say it, counts as said (the engine would otherwise wait out its
 * own estimate, 60 ms a character, before it listens; docs/conversations.md).
 */
const VOICELESS_AFTER_MS = 1_000;

export const connect: Connect<EngineOf<'scripted'>> = async ({ engine, microphone, signal, events }) => {
  const socket = new WebSocket(engine.url);
  let closing = false;
  let endedBy: string | null = null;
  let muted = false;
  let listening = false;
  let utterance: SpeechSynthesisUtterance | null = null;

  const send = (frame: VisitorFrame) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  };
  const voice = new VoiceActivityDetector(microphone, (speaking) => send({ type: 'activity', speaking }));
  voice.hold(false);

  /** Voices a line; the engine listens again once it has been said (or could not be). */
  const speak = (text: string) => {
    stopSpeaking();
    const synth = globalThis.speechSynthesis;
    if (!synth || typeof SpeechSynthesisUtterance === 'undefined') return send({ type: 'spoken' });
    const line = new SpeechSynthesisUtterance(text);
    line.lang = 'en';
    let started = false;
    const done = () => {
      if (utterance !== line) return;
      clearTimeout(voiceless);
      utterance = null;
      send({ type: 'spoken' });
    };
    const voiceless = setTimeout(() => {
      if (utterance !== line || started || synth.getVoices().length > 0) return;
      done();
      synth.cancel();
    }, VOICELESS_AFTER_MS);
    line.onstart = () => (started = true);
    line.onend = done;
    line.onerror = done;
    utterance = line;
    synth.speak(line);
  };
  const stopSpeaking = () => {
    if (!utterance) return;
    utterance = null;
    globalThis.speechSynthesis?.cancel();
  };

  const release = async () => {
    closing = true;
    stopSpeaking();
    if (socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN) socket.close(1000);
    await voice.close();
  };

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(`the scripted engine did not answer within ${CONNECT_TIMEOUT_MS / 1000} s`),
      CONNECT_TIMEOUT_MS,
    );
    const settle = () => {
      clearTimeout(timer);
      socket.removeEventListener('open', opened);
      socket.removeEventListener('error', refused);
      socket.removeEventListener('close', refused);
      signal.removeEventListener('abort', aborted);
    };
    const fail = (cause: string) => {
      settle();
      void release();
      reject(new Error(cause));
    };
    const opened = () => {
      settle();
      resolve();
    };
    // The session token is in the URL's query: name only the endpoint.
    const refused = () => fail(`the scripted engine refused the connection (${engine.url.split('?')[0]})`);
    const aborted = () => fail('the conversation ended before it connected');
    socket.addEventListener('open', opened);
    // WebKit fires only `error`, never `close`, when it refuses a connection itself (a port
    // browsers block, such as 9): without this, a refused engine would wait out the timeout.
    socket.addEventListener('error', refused);
    socket.addEventListener('close', refused);
    signal.addEventListener('abort', aborted);
  });

  socket.addEventListener('message', (event) => {
    const frame = typeof event.data === 'string' ? parseFrame(EngineFrameSchema, event.data) : null;
    if (!frame) {
      events.failed('the scripted engine sent a frame that is not of its protocol');
      void release();
      return;
    }
    switch (frame.type) {
      case 'mode':
        listening = frame.mode === 'listening';
        if (listening && !muted) voice.resume();
        else voice.hold(false);
        return events.mode(frame.mode);
      case 'transcript':
        events.caption(frame.role, frame.text, true);
        if (frame.role === 'persona') speak(frame.text);
        return;
      case 'end':
        endedBy = frame.reason;
        return;
      case 'error':
        // The engine refused one of this client's frames and goes on; a fatal refusal closes the socket.
        return;
    }
  });
  socket.addEventListener('close', (event) => {
    if (closing) return;
    void release();
    if (endedBy) events.ended(endedBy);
    else
      events.failed(
        `the scripted engine closed the connection (${event.code}${event.reason ? ` ${event.reason}` : ''})`,
      );
  });

  const adapter: ConversationAdapter = {
    send(text) {
      send({ type: 'message', text: text.slice(0, MAX_TEXT) });
    },
    mute(next) {
      muted = next;
      if (muted) voice.hold(true);
      else if (listening) voice.resume();
    },
    end: release,
  };
  return adapter;
};
