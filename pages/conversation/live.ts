/**
 * The conversation page's socket (src/conversation/watch-protocol.ts): connects, hands every frame
 * to the page, and reconnects after a drop (1, 2, 4, 8, 16, then every 30 s) until the API says the
 * link expired or the conversation was deleted. On every (re)connect the API sends a snapshot, so
 * nothing the page missed while away is lost.
 */
import { WATCH_PATH, type WatchFrame } from '../../src/conversation/watch-protocol.js';

const BACKOFF_MS = [1000, 2000, 4000, 8000, 16_000, 30_000];
/** Closes after which the page does not come back: erased, expired. */
const FINAL = new Set([4404, 4410]);

export interface LiveEvents {
  frame(frame: WatchFrame): void;
  /** `true` while the socket is open. */
  connected(open: boolean): void;
}

export class LiveConversation {
  #socket: WebSocket | null = null;
  #failures = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  readonly #url: string;
  readonly #events: LiveEvents;

  constructor(capability: string, page: string, events: LiveEvents) {
    const url = new URL(WATCH_PATH, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('capability', capability);
    url.searchParams.set('page', page);
    this.#url = url.href;
    this.#events = events;
    this.#connect();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#socket?.close(1000);
    this.#socket = null;
  }

  #connect(): void {
    const socket = new WebSocket(this.#url);
    this.#socket = socket;
    socket.onopen = () => {
      this.#failures = 0;
      this.#events.connected(true);
    };
    socket.onmessage = (event) => {
      try {
        this.#events.frame(JSON.parse(String(event.data)) as WatchFrame);
      } catch {
        // Not JSON: not from this API's protocol; ignored.
      }
    };
    socket.onclose = (event) => {
      this.#socket = null;
      this.#events.connected(false);
      if (this.#closed || FINAL.has(event.code)) return;
      const delay = BACKOFF_MS[Math.min(this.#failures++, BACKOFF_MS.length - 1)]!;
      this.#timer = setTimeout(() => this.#connect(), delay * (0.75 + Math.random() / 2));
    };
  }
}

/** Takes over, hands back, or says something: `null` when it worked, else the API's message. */
export async function act(
  capability: string,
  action: 'takeover' | 'handback' | 'messages',
  body: object,
): Promise<string | null> {
  try {
    const response = await fetch(`/c/${capability}/${action}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'omit',
    });
    if (response.ok) return null;
    const answer = (await response.json().catch(() => null)) as { message?: string } | null;
    return answer?.message ?? `The server answered ${response.status}.`;
  } catch {
    return 'No connection to the server. Check your connection and try again.';
  }
}
