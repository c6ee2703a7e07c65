/**
 * Anam's browser client behind the adapter interface, in its own lazy chunk (the only code that
 * imports `@anam-ai/js-sdk`). The API minted the session token with the key that never leaves
 * it; here `createClient(sessionToken)` streams the persona over WebRTC. The SDK's own
 * `streamToVideoElement(id)` looks the video up by id in the document, which cannot see into the
 * element's shadow root, so the adapter takes the streams from `stream(microphone)` and the
 * element shows them in its `video` part.
 */
import { AnamEvent, ConnectionClosedCode, MessageRole, createClient, type MessageStreamEvent } from '@anam-ai/js-sdk';
import type { EngineOf } from '../../engine-schema.js';
import type { Connect } from './adapter.js';

const CONNECT_TIMEOUT_MS = 30_000;

export const connect: Connect<EngineOf<'anam'>> = async ({ engine, microphone, showStream, signal, events }) => {
  const client = createClient(engine.sessionToken);
  let ending = false;
  let released = false;
  const turns = new Map<string, string>();

  const onMessage = (event: MessageStreamEvent) => {
    const role = event.role === MessageRole.USER ? 'visitor' : 'persona';
    const text = (turns.get(event.id) ?? '') + event.content;
    if (event.endOfSpeech) turns.delete(event.id);
    else turns.set(event.id, text);
    if (text.trim()) events.caption(role, text.trim(), event.endOfSpeech);
    if (role === 'persona') events.mode(event.endOfSpeech || event.interrupted ? 'listening' : 'speaking');
  };
  const onClosed = (code: ConnectionClosedCode, details?: string) => {
    if (ending) return;
    ending = true;
    if (code === ConnectionClosedCode.NORMAL) events.ended('closed');
    else events.failed(`Anam closed the connection (${code}${details ? `: ${details}` : ''})`);
  };
  client.addListener(AnamEvent.MESSAGE_STREAM_EVENT_RECEIVED, onMessage);
  client.addListener(AnamEvent.CONNECTION_CLOSED, onClosed);

  const end = async () => {
    if (released) return;
    released = true;
    ending = true;
    client.removeListener(AnamEvent.MESSAGE_STREAM_EVENT_RECEIVED, onMessage);
    client.removeListener(AnamEvent.CONNECTION_CLOSED, onClosed);
    await client.stopStreaming().catch(() => undefined);
    showStream(null);
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  let voice: MediaStreamTrack[] = [];
  try {
    const streams = await Promise.race([
      client.stream(microphone),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Anam did not stream within ${CONNECT_TIMEOUT_MS / 1000} s`)),
          CONNECT_TIMEOUT_MS,
        );
        onAbort = () => reject(new Error('the conversation ended before it connected'));
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
    // Video and audio arrive as two streams: one element plays both.
    showStream(new MediaStream(streams.flatMap((stream) => stream.getTracks())));
    voice = streams.flatMap((stream) => stream.getAudioTracks());
  } catch (error) {
    await end();
    throw error;
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
  events.mode('listening');

  return {
    send: (text) => client.sendUserMessage(text),
    mute: (muted) => void (muted ? client.muteInputAudio() : client.unmuteInputAudio()),
    hold(held) {
      // The persona stops where it is, and its voice stays silent while the person talks.
      if (held) client.interruptPersona();
      for (const track of voice) track.enabled = !held;
    },
    end,
  };
};
