/**
 * ElevenLabs' browser client behind the adapter interface, in its own lazy chunk (the only code
 * that imports `@elevenlabs/client`). The API minted the conversation token with the key that
 * never leaves it; here `Conversation.startSession({ conversationToken })` runs the agent over
 * WebRTC. The SDK opens the microphone itself (on the device the visitor granted) and plays the
 * agent's voice itself; there is no video, so the player keeps the persona's picture.
 */
import { Conversation, type DisconnectionDetails } from '@elevenlabs/client';
import type { EngineOf } from '../../engine-schema.js';
import type { Connect } from './adapter.js';

export const connect: Connect<EngineOf<'elevenlabs'>> = async ({ engine, microphone, signal, events }) => {
  let ending = false;
  const inputDeviceId = microphone.getAudioTracks()[0]?.getSettings().deviceId;
  const conversation = await Conversation.startSession({
    conversationToken: engine.conversationToken,
    connectionType: 'webrtc',
    ...(inputDeviceId ? { inputDeviceId } : {}),
    onMessage: ({ message, role }) => {
      if (message.trim()) events.caption(role === 'user' ? 'visitor' : 'persona', message.trim(), true);
    },
    onModeChange: ({ mode }) => events.mode(mode),
    onDisconnect: (details: DisconnectionDetails) => {
      if (ending) return;
      ending = true;
      if (details.reason === 'error') events.failed(`ElevenLabs disconnected: ${details.message}`);
      else events.ended(details.reason);
    },
  });

  const end = async () => {
    ending = true;
    await conversation.endSession().catch(() => undefined);
  };
  if (signal.aborted) {
    await end();
    throw new Error('the conversation ended before it connected');
  }
  events.mode('listening');

  return {
    send: (text) => conversation.sendUserMessage(text),
    mute: (muted) => conversation.setMicMuted(muted),
    // The agent hears nothing while held (the microphone is muted), and is not heard.
    hold: (held) => conversation.setVolume({ volume: held ? 0 : 1 }),
    end,
  };
};
