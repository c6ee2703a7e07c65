/** A WebSocket client for the API's sockets in Node tests: records every JSON frame and waits for the ones a test expects. */
import WebSocket from 'ws';

export interface Frame {
  type: string;
  [field: string]: unknown;
}

export class SocketClient {
  readonly frames: Frame[] = [];
  readonly ws: WebSocket;
  /** Resolves when open; rejects with `HTTP <status>` when the upgrade is refused. */
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: (() => void)[] = [];

  constructor(url: string, options: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(url, options);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_request, response) => {
        reject(Object.assign(new Error(`HTTP ${response.statusCode}`), { status: response.statusCode, response }));
        response.resume();
        this.ws.terminate();
      });
      this.ws.once('error', reject);
    });
    this.opened.catch(() => undefined);
    this.closed = new Promise((resolve) =>
      this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    this.ws.on('message', (data) => {
      try {
        this.frames.push(JSON.parse(data.toString()) as Frame);
      } catch {
        this.frames.push({ type: 'not-json', data: data.toString() });
      }
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.ws.on('close', () => {
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame at or after index `from` that matches; fails after `timeoutMs`. */
  async next(
    match: (frame: Frame) => boolean,
    from = 0,
    what = 'a frame',
    timeoutMs = 10_000,
  ): Promise<Frame & { index: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.frames.findIndex((frame, i) => i >= from && match(frame));
      if (index >= 0) return { ...this.frames[index]!, index };
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.frames).slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  /** The next frame of `type` after everything received so far. */
  nextOf(type: string, what = `a ${type} frame`): Promise<Frame & { index: number }> {
    return this.next((frame) => frame.type === type, this.frames.length, what);
  }

  close(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
    return this.closed;
  }
}

/** Opens a client and waits until it is open. */
export async function connected(url: string, options?: WebSocket.ClientOptions): Promise<SocketClient> {
  const client = new SocketClient(url, options);
  await client.opened;
  return client;
}

/** The status an upgrade was refused with (rejects if it opened). */
export async function refusedWith(url: string, options?: WebSocket.ClientOptions): Promise<number> {
  const client = new SocketClient(url, options);
  try {
    await client.opened;
  } catch (error) {
    return (error as { status?: number }).status ?? 0;
  }
  await client.close();
  throw new Error(`${url.split('?')[0]} opened`);
}
