/**
 * After a `429 rate-limited`, one automatic retry once the API's `Retry-After` has passed, then
 * none until a load succeeds again: a widget must not keep a crowded API busy on its own.
 */
import { callAt } from './timers.js';

/** Without a readable `Retry-After`. */
export const DEFAULT_RETRY_AFTER_MS = 30_000;
const MIN_DELAY_MS = 1_000;
const MAX_DELAY_MS = 60 * 60 * 1000;

export class RetryAfterOnce {
  #cancel: (() => void) | null = null;
  #used = false;

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Calls `retry` once `retryAfterMs` (clamped to 1 s … 1 h) has passed, unless this episode's one
   * retry is already used. Returns the delay, or `null` when nothing was scheduled.
   */
  schedule(retryAfterMs: number | undefined, retry: () => void): number | null {
    this.cancel();
    if (this.#used) return null;
    this.#used = true;
    const delay = Math.min(Math.max(retryAfterMs ?? DEFAULT_RETRY_AFTER_MS, MIN_DELAY_MS), MAX_DELAY_MS);
    this.#cancel = callAt(this.now() + delay, this.now, () => {
      this.#cancel = null;
      retry();
    });
    return delay;
  }

  /** Drops a scheduled retry (the element was removed, or something else reloaded it). */
  cancel(): void {
    this.#cancel?.();
    this.#cancel = null;
  }

  /** A load succeeded, or the link changed: the next rate limit gets its own retry. */
  reset(): void {
    this.cancel();
    this.#used = false;
  }
}
