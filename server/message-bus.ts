/**
 * Messages to every API process that shares a store: how a takeover made on one process reaches a
 * visitor whose conversation channel landed on another (docs/conversations.md, "Across processes").
 * On PostgreSQL it is the database's own LISTEN/NOTIFY (server/store/postgres-bus.ts), so no other
 * service is needed; the embedded store serves one process, and its messages stay in it.
 *
 * Delivery is at most once, in the order published by one process, to every subscriber of every
 * process, the publisher's own included. A message is text of at most `MAX_MESSAGE_BYTES`.
 */

/** PostgreSQL's NOTIFY takes payloads under 8,000 bytes. */
export const MAX_MESSAGE_BYTES = 7900;

export interface MessageBus {
  /** Sends a message to every subscriber of every process. Rejects when it could not be sent. */
  publish(message: string): Promise<void>;
  /**
   * Calls `listener` with every message, and `resubscribed` each time the bus had to reconnect
   * (messages sent meanwhile were lost: read what matters again). Returns the unsubscribe.
   */
  subscribe(listener: (message: string) => void, resubscribed?: () => void): () => void;
  close(): Promise<void>;
}

/** The embedded store's bus: one process. Messages are delivered asynchronously, as they are across processes. */
export function localBus(): MessageBus {
  const listeners = new Set<(message: string) => void>();
  return {
    async publish(message) {
      if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES) throw new Error('the message is too large for the bus');
      queueMicrotask(() => {
        for (const listener of [...listeners]) listener(message);
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
    },
  };
}
