/**
 * Expiry by the API server's clock (docs/policy.md): a reactive controller that keeps the
 * server's clock, calls the host's `judge` the moment a shown link expires, and again when the tab
 * is shown (background tabs throttle timers, sometimes for minutes) or the element is put back.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { callAt } from '../timers.js';

export class ExpiryController implements ReactiveController {
  #offset = 0;
  #cancel: (() => void) | null = null;

  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #judge: () => void;

  constructor(host: ReactiveControllerHost & HTMLElement, judge: () => void) {
    this.#host = host;
    this.#judge = judge;
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#onVisibilityChange);
    this.#judge();
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#onVisibilityChange);
    this.stop();
  }

  /** `server clock − visitor clock`, in ms: from a lookup's round trip. */
  set offset(ms: number) {
    this.#offset = ms;
  }

  /** The server's time, in ms. */
  now(): number {
    return Date.now() + this.#offset;
  }

  /** Judges again once the server's clock reaches `expiresAt`; replaces any earlier timer. */
  judgeAt(expiresAt: string | null): void {
    this.stop();
    if (!expiresAt || !this.#host.isConnected) return;
    this.#cancel = callAt(
      Date.parse(expiresAt),
      () => this.now(),
      () => {
        this.#cancel = null;
        this.#judge();
      },
    );
  }

  stop(): void {
    this.#cancel?.();
    this.#cancel = null;
  }

  readonly #onVisibilityChange = () => {
    if (document.visibilityState === 'visible') this.#judge();
  };
}
