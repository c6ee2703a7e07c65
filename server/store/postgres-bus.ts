/**
 * The message bus on PostgreSQL (server/message-bus.ts): `LISTEN share_link_conversations` on a
 * connection of its own, and `NOTIFY` through the pool, so API processes on one database reach one
 * another with no other service. postgres.js listens again by itself after a lost connection; the
 * messages sent while it was away are lost, which `resubscribed` tells subscribers.
 */
import type { Sql } from 'postgres';
import { MAX_MESSAGE_BYTES, type MessageBus } from '../message-bus.ts';
import { withDeadline } from './postgres-pool.ts';
import { reportStoreFailure } from './shared.ts';
import { StoreUnavailableError } from './types.ts';

export const BUS_CHANNEL = 'share_link_conversations';

export function postgresBus(sql: Sql, timeoutMs: number): MessageBus {
  const listeners = new Set<{ listener: (message: string) => void; resubscribed: (() => void) | undefined }>();
  let listening: ReturnType<Sql['listen']> | null = null;
  let listens = 0;

  let retry: NodeJS.Timeout | undefined;
  const listen = () => {
    const attempt = sql.listen(
      BUS_CHANNEL,
      (message) => {
        for (const { listener } of [...listeners]) listener(message);
      },
      // Called on every (re)connection: the first is the subscription itself.
      () => {
        if (listens++ === 0) return;
        for (const { resubscribed } of [...listeners]) resubscribed?.();
      },
    );
    listening = attempt;
    // A LISTEN that cannot start (the database is away) is reported and tried again every 5 s;
    // once it starts, subscribers are told to read again what they missed.
    attempt.catch((error: Error) => {
      reportStoreFailure(new StoreUnavailableError(`cannot LISTEN on PostgreSQL: ${error.message}`, { cause: error }));
      if (listening !== attempt) return;
      listening = null;
      listens = Math.max(listens, 1);
      retry = setTimeout(() => listeners.size && !listening && listen(), 5000).unref();
    });
  };

  return {
    async publish(message) {
      if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES) throw new Error('the message is too large for the bus');
      await withDeadline(sql, timeoutMs, 'notify', () => sql.notify(BUS_CHANNEL, message));
    },
    subscribe(listener, resubscribed) {
      const entry = { listener, resubscribed };
      listeners.add(entry);
      if (!listening) listen();
      return () => listeners.delete(entry);
    },
    async close() {
      clearTimeout(retry);
      listeners.clear();
      const current = listening;
      listening = null;
      await current?.then((meta) => meta.unlisten()).catch(() => undefined);
    },
  };
}
