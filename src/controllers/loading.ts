/**
 * The link's requests, a reactive controller: the lookup (with what it waits for beside it) and the
 * session start, one at a time, each under an AbortSignal of its own. A new load or start aborts the
 * one before it, so an answer that arrives late has no one left to tell: only the current request
 * reaches the host, through `found` and `failed`.
 *
 * Beside the lookup, in parallel: the visitor's words (their language's chunk), the link's poster
 * (docs/delivery.md: in the browser's cache when the player shows it, never shown before the link
 * is judged); once the link says `ORB_EMBED`, the orb's chunk. On the visitor's intent to start,
 * `warm` begins what a start needs. After a `429 rate-limited`, one automatic load once the API's
 * `Retry-After` has passed (retry-after.ts). Offline, then online: loaded again. Removed from the
 * page mid-request: aborted, and loaded again if put back (docs/element.md).
 *
 * A link that asks for a proof of work has it solved from the visitor's first sign of intent
 * (`prepare`), by the lazy challenge chunk, so that the start finds it ready (docs/security.md).
 */
import type { ReactiveController } from 'lit';
import { endpoint, fetchChallenge, resolve, startSession, type ResolvedLink } from '../api.js';
import { loadConversation } from '../conversation/load.js';
import { explainRateLimit } from '../diagnostics.js';
import type { Prover } from '../challenge/prove.js';
import { ShareLinkError, type ErrorReason } from '../errors.js';
import { loadOrb } from '../render/load-orb.js';
import type { OrbController, OrbHost } from '../render/orb.js';
import type { EmbedError, EmbedState } from '../render/view.js';
import { RetryAfterOnce } from '../retry-after.js';
import { isValidToken, type SessionResponse, type ShareLink } from '../schema.js';

/** What names a link and what every request for it carries. */
export interface Target {
  token: string;
  /** Base URL of the API. */
  apiBase: string;
  /** A signed embed's token (`embed-token`); read at each request, so a fresh one never reloads the link. */
  embedToken?: string | undefined;
}

/** What the controller uses of `<share-link-embed>`: its public API. */
type Host = OrbHost & {
  readonly state: EmbedState;
  readonly error: { reason: ErrorReason } | null;
  reload(): void;
};

export interface LoadingOptions {
  /** What the link waits for beside its lookup (the visitor's words); `null` when nothing. */
  beside(): Promise<unknown> | null;
  found(link: ResolvedLink): void;
  failed(error: EmbedError): void;
}

const keyOf = ({ token, apiBase }: Target) => `${token} ${apiBase}`;

export class LoadingController implements ReactiveController {
  /** The host's orb, once an `ORB_EMBED` link has brought its chunk. */
  declare orb: OrbController | undefined;
  /** The URL of the poster requested beside the link (an URL of the API). */
  declare poster: string | undefined;
  #loaded: Target | null = null;
  #current: AbortController | null = null;
  /** The challenge chunk's keeper of proofs of work, once a link asked for one. */
  #prover: Promise<Prover> | null = null;
  readonly #retry = new RetryAfterOnce();

  readonly #host: Host;
  readonly #options: LoadingOptions;

  constructor(host: Host, options: LoadingOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('online', this.#onOnline);
    if (!this.#loaded) this.#host.requestUpdate();
  }

  hostDisconnected(): void {
    window.removeEventListener('online', this.#onOnline);
    // Moving the element in the DOM disconnects and reconnects it at once: only a real removal lets go.
    queueMicrotask(() => this.#host.isConnected || this.#teardown());
  }

  /** Whether `target` is not the link loaded last. */
  changed(target: Target): boolean {
    return !this.#loaded || keyOf(target) !== keyOf(this.#loaded);
  }

  /** Looks the link up, and fetches what it waits for beside it; `found` or `failed` tells the host. */
  load(target: Target): void {
    if (this.changed(target)) this.#retry.reset();
    else this.#retry.cancel();
    this.#loaded = target;
    this.poster = undefined;
    const signal = this.#begin();
    // The visitor's words are fetched beside the link, not after it.
    const beside = this.#options.beside();
    if (!isValidToken(target.token)) {
      this.#current = null;
      const given = target.token ? `"${String(target.token).slice(0, 80)}"` : 'is missing; it';
      this.#options.failed({
        reason: 'invalid-token',
        message: `the token attribute ${given} must be sh_ then 8 to 64 letters or digits`,
      });
      return;
    }
    this.#requestPoster(target);
    const lookup = resolve(target.token, { ...target, signal }).then((link) =>
      link.shareLink.type === 'ORB_EMBED' && !this.orb ? this.#loadOrb().then(() => link) : link,
    );
    void this.#settle(signal, Promise.all([lookup, beside])).then((done) => {
      if (!done) return;
      this.#retry.reset();
      this.#options.found(done[0]);
    });
  }

  /**
   * Asks the API for a session, which counts one use. Resolves with it, or with `undefined` when it
   * failed (told through `failed`) or was called off (a new load, a removal).
   */
  start(target: Target, link: ShareLink): Promise<SessionResponse | undefined> {
    const signal = this.#begin();
    // A proof of work, if the link asks for one: solved since the visitor's intent, or now. Spent here.
    const proof = link.challenge === 'proof-of-work' ? this.#prove(target, true) : undefined;
    const started = Promise.resolve(proof).then((challenge) =>
      startSession(target.token, { ...target, signal, challenge }),
    );
    return this.#settle(signal, started);
  }

  /** The visitor shows intent to start (pointer, focus): a link that asks for a proof of work has it solved now. */
  prepare(target: Target, link: ShareLink): void {
    if (link.challenge === 'proof-of-work') this.#prove(target, false).catch(() => undefined);
  }

  /** The challenge chunk solves (and keeps) the proofs; `take`: this start spends it. */
  #prove(target: Target, take: boolean): Promise<string> {
    this.#prover ??= import('../challenge/prove.js').then((chunk) => new chunk.Prover(ShareLinkError));
    return this.#prover.then((prover) =>
      prover.proof((signal) => fetchChallenge(target.token, { ...target, signal }), take),
    );
  }

  /**
   * The visitor shows intent to start (docs/delivery.md, "Warm-up"): the one place where what a
   * start needs begins early, without a session or the microphone. Now: the conversation's chunk,
   * which then warms the connection to the API and the adapters it can fetch on a guess.
   */
  warm(): void {
    loadConversation().then((module) => module.warm(this.poster!), noop);
  }

  /** The poster, beside the link; at high priority when the element is in the first viewport. */
  #requestPoster(target: Target): void {
    const image = new Image();
    if (this.#host.getBoundingClientRect().top < innerHeight) image.fetchPriority = 'high';
    // An <img> sends no Origin: its Referer's origin stands for the page, whatever its referrer policy.
    image.referrerPolicy = 'strict-origin';
    try {
      image.src = this.poster = endpoint(target.apiBase, target.token, '/poster', target.embedToken);
    } catch {
      // An api-base that is no URL: the lookup says so.
    }
  }

  /** Aborts what is in flight, and returns the signal of what comes next. */
  #begin(): AbortSignal {
    this.#current?.abort();
    return (this.#current = new AbortController()).signal;
  }

  /** The value of `work`, or `undefined` when it failed (told through `failed`) or `signal` was aborted meanwhile. */
  #settle<T>(signal: AbortSignal, work: Promise<T>): Promise<T | undefined> {
    return work.then(
      (value) => (this.#finish(signal) ? value : undefined),
      (error: unknown) => void (this.#finish(signal) && this.#options.failed(this.#explain(error))),
    );
  }

  /** Whether the request of `signal` is still the current one; if so, it is done. */
  #finish(signal: AbortSignal): boolean {
    if (signal.aborted) return false;
    this.#current = null;
    return true;
  }

  /** An orb link brings the orb's chunk (behaviour, renderer and stylesheet) along before it is shown. */
  async #loadOrb(): Promise<void> {
    let orb;
    try {
      orb = await loadOrb();
    } catch (error) {
      throw new ShareLinkError('network', `its orb code did not load (${String(error)})`);
    }
    this.orb = new orb.OrbController(this.#host);
  }

  #explain(error: unknown): EmbedError {
    const token = this.#loaded?.token;
    if (!(error instanceof ShareLinkError))
      return { reason: 'bad-response', message: `share link ${token}: unexpected failure: ${String(error)}` };
    if (error.reason !== 'rate-limited')
      return { reason: error.reason, message: `share link ${token}: ${error.message}` };
    // Loading again (not starting again) after the wait: no use is ever counted without a press.
    const retryInMs = this.#retry.schedule(error.retryAfterMs, () => this.#host.reload());
    return { reason: 'rate-limited', message: explainRateLimit(String(token), error.retryAfterMs, retryInMs) };
  }

  // A visitor who was offline should not have to find the retry button once they are back.
  readonly #onOnline = () => {
    if (this.#host.error?.reason === 'network') this.#host.reload();
  };

  #teardown(): void {
    this.#retry.cancel();
    void this.#prover?.then((prover) => prover.abort());
    if (!this.#current) return;
    this.#current.abort();
    this.#current = null;
    // Torn down mid-lookup: load again if it is put back. (Mid-start, the start resolves `undefined`.)
    if (this.#host.state === 'loading') this.#loaded = null;
  }
}

const noop = () => undefined;
