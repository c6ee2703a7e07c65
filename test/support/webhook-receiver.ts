/**
 * A webhook receiver on loopback for the tests: it records every request it gets, and can be
 * down (not listening: connections are refused), slow (answers after a delay), failing (500) or
 * well (204), switched while a test runs.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
}

export type ReceiverMode = { answer: 'ok' } | { answer: 'fail' } | { answer: 'slow'; delayMs: number };

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  mode: ReceiverMode;
  /** Stops listening: attempts are refused. */
  down(): Promise<void>;
  /** Listens again, on the same port. */
  up(): Promise<void>;
  /** Resolves once a request with this `webhook-id` has been answered 2xx. */
  delivered(id: string): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(port = 0): Promise<Receiver> {
  const received: Received[] = [];
  const waiting = new Map<string, () => void>();
  const deliveredIds = new Set<string>();
  let server: Server | null = null;
  const receiver = {
    url: '',
    received,
    mode: { answer: 'ok' } as ReceiverMode,
    async down() {
      const closing = server;
      server = null;
      if (closing) {
        closing.closeAllConnections();
        await new Promise((resolve) => closing.close(resolve));
      }
    },
    async up() {
      server = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const header = (name: string) => String(request.headers[name] ?? '');
          const id = header('webhook-id');
          received.push({
            id,
            timestamp: header('webhook-timestamp'),
            signature: header('webhook-signature'),
            body: Buffer.concat(chunks).toString('utf8'),
          });
          const mode = receiver.mode;
          if (mode.answer === 'fail') response.writeHead(500).end('receiver failed');
          else if (mode.answer === 'slow') setTimeout(() => response.writeHead(204).end(), mode.delayMs).unref();
          else {
            response.writeHead(204).end();
            deliveredIds.add(id);
            waiting.get(id)?.();
          }
        });
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
      port = (server!.address() as AddressInfo).port;
      receiver.url = `http://127.0.0.1:${port}/hooks/share-link`;
    },
    delivered(id: string) {
      if (deliveredIds.has(id)) return Promise.resolve();
      return new Promise<void>((resolve) => waiting.set(id, resolve));
    },
    close() {
      return receiver.down();
    },
  };
  await receiver.up();
  return receiver;
}
