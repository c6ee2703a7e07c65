/**
 * A stand-in for `@elevenlabs/client` in the browser tests (the wtr plugin `sdkStandIns` maps the
 * specifier here): `Conversation.startSession` and the conversation methods the ElevenLabs adapter
 * uses, with ElevenLabs' cloud replaced by a recorder. The options and methods are typed with the
 * real SDK's definitions, so a change in its API fails `npm run typecheck`. Tests drive and
 * inspect it through `standIn`.
 */
import type * as ElevenLabs from '@elevenlabs/client';

type UsedByTheAdapter = 'endSession' | 'sendUserMessage' | 'setMicMuted' | 'setVolume';

export class StandInConversation implements Pick<ElevenLabs.VoiceConversation, UsedByTheAdapter> {
  readonly calls: [string, ...unknown[]][] = [];
  open = true;

  constructor(readonly options: ElevenLabs.PartialOptions) {}

  async endSession(): Promise<void> {
    this.calls.push(['endSession']);
    if (!this.open) return;
    this.open = false;
    this.options.onDisconnect?.({ reason: 'user' });
  }

  sendUserMessage(text: string): void {
    this.calls.push(['sendUserMessage', text]);
  }

  setMicMuted(isMuted: boolean): void {
    this.calls.push(['setMicMuted', isMuted]);
  }

  setVolume = ({ volume }: { volume: number }): void => {
    this.calls.push(['setVolume', volume]);
  };
}

export const standIn = { conversations: [] as StandInConversation[], fail: '' };

export const Conversation = {
  async startSession(options: ElevenLabs.PartialOptions) {
    if (standIn.fail) throw new Error(standIn.fail);
    const conversation = new StandInConversation(options);
    standIn.conversations.push(conversation);
    options.onConnect?.({ conversationId: 'conv_stand_in' });
    options.onModeChange?.({ mode: 'listening' });
    return conversation;
  },
} as unknown as typeof ElevenLabs.Conversation;
