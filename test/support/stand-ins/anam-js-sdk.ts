/**
 * A stand-in for `@anam-ai/js-sdk` in the browser tests (the wtr plugin `sdkStandIns` maps the
 * specifier here): the published API the Anam adapter uses, with Anam's cloud replaced by a canvas
 * and a silent audio track. Its names, enum values and method signatures are checked against the
 * real SDK's type definitions by the type checker (`satisfies`, `implements`), so a change in the
 * SDK's API fails `npm run typecheck`. Tests drive and inspect it through `standIn`.
 */
import type * as Anam from '@anam-ai/js-sdk';

export const AnamEvent = {
  MESSAGE_STREAM_EVENT_RECEIVED: 'MESSAGE_STREAM_EVENT_RECEIVED',
  CONNECTION_CLOSED: 'CONNECTION_CLOSED',
} as const satisfies { [K in 'MESSAGE_STREAM_EVENT_RECEIVED' | 'CONNECTION_CLOSED']: `${(typeof Anam.AnamEvent)[K]}` };

export const ConnectionClosedCode = {
  NORMAL: 'CONNECTION_CLOSED_CODE_NORMAL',
  WEBRTC_FAILURE: 'CONNECTION_CLOSED_CODE_WEBRTC_FAILURE',
} as const satisfies { [K in 'NORMAL' | 'WEBRTC_FAILURE']: `${(typeof Anam.ConnectionClosedCode)[K]}` };

export const MessageRole = { USER: 'user', PERSONA: 'persona' } as const satisfies {
  [K in keyof typeof Anam.MessageRole]: `${(typeof Anam.MessageRole)[K]}`;
};

type Listener = (...args: never[]) => void;
type UsedByTheAdapter =
  | 'addListener'
  | 'removeListener'
  | 'stream'
  | 'sendUserMessage'
  | 'muteInputAudio'
  | 'unmuteInputAudio'
  | 'stopStreaming'
  | 'isStreaming'
  | 'interruptPersona';

export class StandInAnamClient implements Pick<Anam.AnamClient, UsedByTheAdapter> {
  readonly calls: [string, ...unknown[]][] = [];
  readonly listeners = new Map<string, Set<Listener>>();
  streaming = false;
  inputStream: MediaStream | undefined;
  #context: AudioContext | null = null;
  #tracks: MediaStreamTrack[] = [];

  constructor(readonly sessionToken: string) {}

  addListener<K extends Anam.AnamEvent>(event: K, callback: Anam.EventCallbacks[K]): void {
    this.calls.push(['addListener', event]);
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(callback as Listener);
  }

  removeListener<K extends Anam.AnamEvent>(event: K, callback: Anam.EventCallbacks[K]): void {
    this.calls.push(['removeListener', event]);
    this.listeners.get(event)?.delete(callback as Listener);
  }

  /** What the SDK would emit: a test calls this to play Anam's side. */
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (...values: unknown[]) => void)(...args);
  }

  async stream(userProvidedAudioStream?: MediaStream): Promise<MediaStream[]> {
    this.calls.push(['stream', userProvidedAudioStream]);
    await standIn.connecting;
    if (standIn.failStream) throw new Error(standIn.failStream);
    this.inputStream = userProvidedAudioStream;
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 36;
    canvas.getContext('2d')!.fillRect(0, 0, 64, 36);
    const video = canvas.captureStream(5);
    this.#context = new AudioContext();
    const audio = this.#context.createMediaStreamDestination().stream;
    this.#tracks = [...video.getTracks(), ...audio.getTracks()];
    this.streaming = true;
    return [video, audio];
  }

  sendUserMessage(content: string): void {
    this.calls.push(['sendUserMessage', content]);
  }

  muteInputAudio(): Anam.InputAudioState {
    this.calls.push(['muteInputAudio']);
    return { isMuted: true } as Anam.InputAudioState;
  }

  unmuteInputAudio(): Anam.InputAudioState {
    this.calls.push(['unmuteInputAudio']);
    return { isMuted: false } as Anam.InputAudioState;
  }

  interruptPersona(): void {
    this.calls.push(['interruptPersona']);
  }

  /** The persona's voice as the player receives it (the stand-in's silent track), for tests of a takeover. */
  get voice(): MediaStreamTrack[] {
    return this.#tracks.filter((track) => track.kind === 'audio');
  }

  async stopStreaming(): Promise<void> {
    this.calls.push(['stopStreaming']);
    // As the real SDK does (AnamClient.stopStreaming), before it closes the connection.
    if (this.streaming) this.emit(AnamEvent.CONNECTION_CLOSED, ConnectionClosedCode.NORMAL);
    for (const track of this.#tracks) track.stop();
    await this.#context?.close();
    this.#context = null;
    this.streaming = false;
  }

  isStreaming(): boolean {
    return this.streaming;
  }
}

export const standIn = { clients: [] as StandInAnamClient[], failStream: '', connecting: null as Promise<void> | null };

export const createClient = ((sessionToken: string) => {
  const client = new StandInAnamClient(sessionToken);
  standIn.clients.push(client);
  return client;
}) as unknown as typeof Anam.createClient;
