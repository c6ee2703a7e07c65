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

  const listen = () => {
    listening = sql.listen(
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
    // A failure to listen is retried by postgres.js; meanwhile it is reported, never thrown.
    listening.catch((error: Error) => {
      reportStoreFailure(new StoreUnavailableError(`cannot LISTEN on PostgreSQL: ${error.message}`, { cause: error }));
      listening = null;
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
      listeners.clear();
      const current = listening;
      listening = null;
      await current?.then((meta) => meta.unlisten()).catch(() => undefined);
    },
  };
}
