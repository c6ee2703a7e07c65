/**
 * The conversation channel, the element's side (docs/conversations.md, "The conversation
 * channel"): one WebSocket to the API beside the engine's own connection, for as long as the
 * conversation runs. It carries the turns and the end up, and a person's takeover, messages and
 * hand-back down (protocol in ./channel-protocol.ts).
 *
 * It never breaks the conversation with the persona: a channel that cannot connect, or drops,
 * tries again after 1, 2, 4, 8, 16, then every 30 s (each ±25%), and gives up after 8 attempts in
 * a row that never opened; meanwhile what it has to say waits (at most 100 frames, the oldest
 * dropped first). What it could not send by the end is said in one console warning.
 *
 * Whether a turn's text goes up is decided as it is sent, after the API's `state` frame on that
 * connection has said whether it records: a caption shown before the channel connected (often the
 * persona's greeting) is kept with its text when the API records it, and never sent when it does not.
 */
import {
  CHANNEL_PATH,
  parseServerFrame,
  turnText,
  type ChannelEndReason,
  type ElementFrame,
} from './channel-protocol.js';

export interface ChannelEvents {
  /** On connect and on every change: whether the API records the text, and whether a person holds the conversation. */
  state(recording: boolean, operator: boolean): void;
  /** What the person typed. */
  message(text: string): void;
  /** The API ended the conversation (`operator`: the person's link expired while they held it). */
  ended(reason: string): void;
}

const BACKOFF_MS = [1000, 2000, 4000, 8000, 16_000, 30_000];
const MAX_FAILED_ATTEMPTS = 8;
/**
 * A handshake unanswered this long is given up and tried again later. Firefox opens one WebSocket
 * to a host at a time: a handshake that a proxy holds would keep the persona's engine, and the
 * page's own sockets to that host, from connecting.
 */
const HANDSHAKE_TIMEOUT_MS = 5000;
const MAX_WAITING = 100;
/** Closes that say the API will not take this channel again: erased (4404), replaced (4409). */
const FINAL_CLOSES = new Set([4404, 4409]);

/** `ws(s)://<api>/v1/channel?session=…` for an API base (absolute, or relative to the page). */
export function channelUrl(apiBase: string, sessionToken: string): string {
  const url = new URL(`${apiBase.replace(/\/+$/, '')}${CHANNEL_PATH}`, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('session', sessionToken);
  return url.href;
}

export class ConversationChannel {
  readonly #url: string;
  readonly #events: ChannelEvents;
  #socket: WebSocket | null = null;
  #waiting: ElementFrame[] = [];
  #dropped = 0;
  #failures = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #handshake: ReturnType<typeof setTimeout> | undefined;
  /** The API records transcripts for this link; a person holds the conversation. */
  #recording = false;
  #operator = false;
  /** The API has said, on the current connection, whether it records: frames may go. */
  #told = false;
  /** Ended: nothing more is sent, no reconnect. */
  #done = false;
  #endUnsent = false;

  constructor(url: string, events: ChannelEvents) {
    this.#url = url;
    this.#events = events;
    this.#connect();
  }

  /** A complete turn: its text goes only where it is kept, or to the person holding the conversation. */
  turn(role: 'visitor' | 'persona', text: string): void {
    this.#send({ type: 'turn', role, text: turnText(text) || undefined });
  }

  /**
   * The conversation is over: says how (if it can now) and closes. Returns what could not be said,
   * for the one console warning, or `null`.
   */
  end(reason: ChannelEndReason | null): string | null {
    if (this.#done) return null;
    if (reason) this.#send({ type: 'end', reason });
    this.#done = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#handshake);
    const socket = this.#socket;
    this.#socket = null;
    if (socket) {
      socket.onclose = socket.onmessage = socket.onopen = null;
      if (socket.readyState === WebSocket.OPEN) {
        // Open but not yet told whether the API records: what waits goes now, turns without their text.
        for (const frame of this.#waiting.splice(0)) socket.send(this.#wire(frame));
        socket.close(1000);
      } else socket.close();
    }
    const unsent = this.#waiting.filter((frame) => frame.type === 'turn').length + this.#dropped;
    this.#endUnsent ||= this.#waiting.some((frame) => frame.type === 'end');
    this.#waiting = [];
    if (!unsent && !this.#endUnsent) return null;
    const turns = unsent ? `${unsent} turn${unsent === 1 ? '' : 's'}` : '';
    return `the conversation channel to ${this.#url.split('?')[0]} was lost: ${[turns, this.#endUnsent ? 'its end' : ''].filter(Boolean).join(' and ')} could not be recorded`;
  }

  #send(frame: ElementFrame): void {
    if (this.#done) return;
    if (this.#told && this.#socket?.readyState === WebSocket.OPEN) return this.#socket.send(this.#wire(frame));
    this.#waiting.push(frame);
    if (this.#waiting.length > MAX_WAITING) {
      this.#waiting.shift();
      this.#dropped++;
    }
  }

  #connect(): void {
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.#url);
    } catch {
      return this.#retry();
    }
    this.#socket = socket;
    let opened = false;
    this.#handshake = setTimeout(
      () => socket.readyState === WebSocket.CONNECTING && socket.close(),
      HANDSHAKE_TIMEOUT_MS,
    );
    socket.onopen = () => {
      clearTimeout(this.#handshake);
      opened = true;
      this.#failures = 0;
    };
    socket.onmessage = (event) => this.#receive(event.data);
    socket.onclose = (event) => {
      clearTimeout(this.#handshake);
      this.#socket = null;
      this.#told = false;
      if (this.#done || FINAL_CLOSES.has(event.code)) return void (this.#done = true);
      if (!opened) this.#failures++;
      this.#retry();
    };
  }

  /** A frame as it goes up: a turn's text only where it is kept, or to the person holding the conversation. */
  #wire(frame: ElementFrame): string {
    if (frame.type !== 'turn' || this.#recording || this.#operator) return JSON.stringify(frame);
    return JSON.stringify({ type: 'turn', role: frame.role });
  }

  #retry(): void {
    if (this.#done || this.#failures >= MAX_FAILED_ATTEMPTS) return;
    const base = BACKOFF_MS[Math.min(this.#failures, BACKOFF_MS.length - 1)]!;
    this.#timer = setTimeout(() => this.#connect(), base * (0.75 + Math.random() / 2));
  }

  #receive(data: unknown): void {
    const frame = parseServerFrame(data);
    switch (frame?.type) {
      case 'state':
        this.#recording = frame.recording;
        this.#operator = frame.operator;
        this.#told = true;
        for (const waiting of this.#waiting.splice(0)) this.#socket?.send(this.#wire(waiting));
        return this.#events.state(frame.recording, frame.operator);
      case 'message':
        return this.#events.message(frame.text);
      case 'end':
        return this.#events.ended(frame.reason);
      default:
        // An error (a frame the API refused) or one this version does not know: the conversation goes on.
        return;
    }
  }
}
