/**
 * Records what a conversation opens in the page (microphone streams, WebSockets and the frames
 * sent on them, audio contexts, intervals), so a test can prove that nothing is left running
 * after the end. It wraps the browser's own constructors; nothing is faked.
 */
export interface Opened {
  streams: MediaStream[];
  sockets: WebSocket[];
  sent: unknown[];
  contexts: AudioContext[];
  intervals: Set<unknown>;
  microphoneRequests: number;
  /** Makes the next microphone requests fail as a refusal by the visitor would. */
  refuseMicrophone: boolean;
  /** While set, microphone requests wait for it, as while the visitor reads the browser's prompt. */
  microphonePrompt: Promise<void> | null;
}

export function spyOnConversations(): { opened: Opened; restore: () => void } {
  const opened: Opened = {
    streams: [],
    sockets: [],
    sent: [],
    contexts: [],
    intervals: new Set(),
    microphoneRequests: 0,
    refuseMicrophone: false,
    microphonePrompt: null,
  };
  const media = navigator.mediaDevices;
  const getUserMedia = media.getUserMedia;
  const {
    WebSocket: NativeWebSocket,
    AudioContext: NativeAudioContext,
    setInterval: nativeSetInterval,
    clearInterval: nativeClearInterval,
  } = window;

  media.getUserMedia = async (constraints?: MediaStreamConstraints) => {
    opened.microphoneRequests++;
    await opened.microphonePrompt;
    if (opened.refuseMicrophone) throw new DOMException('Permission denied', 'NotAllowedError');
    const stream = await getUserMedia.call(media, constraints);
    opened.streams.push(stream);
    return stream;
  };
  window.WebSocket = class extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      opened.sockets.push(this);
    }
    override send(data: Parameters<WebSocket['send']>[0]) {
      opened.sent.push(typeof data === 'string' ? JSON.parse(data) : data);
      super.send(data);
    }
  };
  window.AudioContext = class extends NativeAudioContext {
    constructor(options?: AudioContextOptions) {
      super(options);
      opened.contexts.push(this);
    }
  };
  window.setInterval = ((handler: TimerHandler, timeout?: number, ...args: unknown[]) => {
    const id = nativeSetInterval(handler, timeout, ...args);
    opened.intervals.add(id);
    return id;
  }) as typeof setInterval;
  window.clearInterval = ((id?: number) => {
    opened.intervals.delete(id);
    nativeClearInterval(id);
  }) as typeof clearInterval;

  return {
    opened,
    restore() {
      media.getUserMedia = getUserMedia;
      Object.assign(window, {
        WebSocket: NativeWebSocket,
        AudioContext: NativeAudioContext,
        setInterval: nativeSetInterval,
        clearInterval: nativeClearInterval,
      });
    },
  };
}

/** Every microphone track stopped, socket closed, audio context closed and interval cleared. */
export function leftRunning(opened: Opened): string[] {
  const left: string[] = [];
  for (const track of opened.streams.flatMap((stream) => stream.getTracks()))
    if (track.readyState !== 'ended') left.push(`a ${track.kind} track`);
  for (const socket of opened.sockets)
    if (socket.readyState !== WebSocket.CLOSED) left.push(`a socket in state ${socket.readyState}`);
  for (const context of opened.contexts)
    if (context.state !== 'closed') left.push(`an audio context, ${context.state}`);
  for (const _ of opened.intervals) left.push('an interval');
  return left;
}
