/**
 * Loading as a Lit reactive controller: runs a request whenever its arguments change, aborts the
 * one before, and holds what came back as one state the view renders. A collection the API does
 * not offer (`404`) is its own state, so a view can say so instead of showing nothing.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { isMissingEndpoint, type ApiError } from './api.ts';

export type Loaded<T> =
  | { status: 'loading' }
  | { status: 'ready'; value: T }
  | { status: 'unavailable'; error: ApiError }
  | { status: 'failed'; error: Error };

export class Loader<T, Args extends readonly unknown[]> implements ReactiveController {
  state: Loaded<T> = { status: 'loading' };
  #args: Args | undefined;
  #abort: AbortController | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly load: (args: Args, signal: AbortSignal) => Promise<T>,
    private readonly argsOf: () => Args | null,
    /** Whether a 404 means the API does not offer it (collections) rather than a failure. */
    private readonly missingIsUnavailable = true,
  ) {
    host.addController(this);
  }

  hostUpdate(): void {
    const args = this.argsOf();
    if (args === null) return;
    if (this.#args && args.length === this.#args.length && args.every((arg, i) => Object.is(arg, this.#args![i])))
      return;
    this.#args = args;
    // Something else is asked for: what was shown is not it.
    this.state = { status: 'loading' };
    void this.reload();
  }

  hostDisconnected(): void {
    this.#abort?.abort();
    this.#args = undefined;
  }

  /** Loads again with the same arguments; resolves when the state is settled. */
  async reload(): Promise<void> {
    if (!this.#args) return;
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    // Keep what is shown while reloading the same thing; show loading only for a first load.
    if (this.state.status !== 'ready') this.state = { status: 'loading' };
    this.host.requestUpdate();
    try {
      const value = await this.load(this.#args, abort.signal);
      if (abort.signal.aborted) return;
      this.state = { status: 'ready', value };
    } catch (error) {
      if (abort.signal.aborted) return;
      this.state =
        this.missingIsUnavailable && isMissingEndpoint(error)
          ? { status: 'unavailable', error }
          : { status: 'failed', error: error as Error };
    }
    this.host.requestUpdate();
  }

  /** Replaces the value (after a write the API answered with the new one). */
  set(value: T): void {
    this.state = { status: 'ready', value };
    this.host.requestUpdate();
  }
}
