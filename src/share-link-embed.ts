import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { resolve, startSession, type ResolvedLink } from './api.js';
import { BUNDLE_URL } from './bundle-url.js';
import type { ConversationController, ConversationFailure } from './conversation/controller.js';
import { loadConversation } from './conversation/load.js';
import { explainRateLimit, explainRefusal } from './diagnostics.js';
import { ShareLinkError, type ErrorReason } from './errors.js';
import type { ShareLinkEmbedEventMap, ShareLinkEndReason } from './events.js';
import { ENGLISH, LanguageController } from './i18n/language.js';
import { checkShareLink } from './policy.js';
import { loadOrb, type OrbModule } from './render/load-orb.js';
import { renderFramed, renderMessage, renderPlayer } from './render/player.js';
import { WatermarkController } from './render/watermark.js';
import {
  variantOf,
  type Actions,
  type EmbedState,
  type Placement,
  type Presentation,
  type Variant,
  type View,
} from './render/view.js';
import { isValidToken, type PublicPersona, type SessionResponse, type ShareLink } from './schema.js';
import { RetryAfterOnce } from './retry-after.js';
import { styles } from './styles.js';
import { callAt } from './timers.js';

/** The origin this code was loaded from: the default API. Empty where there is none (server-side rendering). */
const BUNDLE_ORIGIN = BUNDLE_URL && new URL(BUNDLE_URL).origin;

/**
 * Share-page mode: the `share-page` attribute, which the API's share page (`GET /s/{token}`) writes
 * into its HTML, shows a `LINK` link as a player: it is opened directly there, not embedded. An
 * attribute rather than a property because that page runs no inline script; read when the link is
 * judged. It cannot turn an ordinary embed into a LINK player: it counts only on the API's own
 * origin (the element's API is the page's origin), where share pages are served, and the API
 * applies the origin rule to LINK links on every other page.
 */
const onSharePage = (el: ShareLinkEmbed): boolean =>
  el.hasAttribute('share-page') && `${el.apiBase || BUNDLE_ORIGIN}/`.startsWith(`${location.origin}/`);

const LOADING: View = { state: 'loading', shareLink: null, persona: null, error: null };

interface MediaState {
  visible: boolean;
  posterFailed: boolean;
  videoFailed: boolean;
  stream: MediaStream | null;
}
const NO_MEDIA: MediaState = { visible: false, posterFailed: false, videoFailed: false, stream: null };

/**
 * Puts an AI persona on the page from a share-link token: an inline player for `PLAYER_EMBED`
 * links, or a floating orb that opens one for `ORB_EMBED` links. It checks the link (enabled,
 * expiry, usage limit, allowed origins) by the API server's clock, shows a watermark unless the
 * link removes it, and asks the API for a conversation session when the visitor presses start.
 * Then it runs the conversation in the player with the persona's engine (its client code loads
 * only now), unless the page cancels `share-link-start` to run the conversation itself.
 *
 * @tag share-link-embed
 * @summary An AI persona player or orb from a share-link token.
 *
 * @attr {string} token - The share link's token: `sh_` then 8 to 64 letters or digits. Changing it loads the new link.
 * @attr {string} api-base - Base URL of the API. Default: the origin this script was loaded from.
 * @attr {string} lang - Language of visitor-facing text (`en`, `de`, `fr`, `es`, `ja`); else the nearest `[lang]` ancestor, else `en`.
 * @attr {'bottom-right' | 'bottom-left' | 'top-right' | 'top-left'} placement - Orb only: the corner it sits in. Default `bottom-right`.
 * @attr {boolean} open - Orb only: the panel is open. Reflected.
 * @attr {boolean} share-page - The element is the API's share page for a `LINK` link (`GET /s/{token}` sets it), shown as a player. Honoured only on the API's own origin: elsewhere a `LINK` link stays `not-embeddable`.
 * @attr {'loading' | 'ready' | 'starting' | 'live' | 'error'} state - Read-only, reflected: where the element is.
 * @attr {'player' | 'orb'} variant - Read-only, reflected, once the link is known.
 *
 * @fires {CustomEvent<ShareLinkReadyDetail>} share-link-ready - The link is valid and shown: `{ shareLink, persona }`.
 * @fires {CustomEvent<ShareLinkErrorDetail>} share-link-error - The link cannot be shown or started, or its conversation failed: `{ reason, message }`.
 * @fires {CustomEvent<ShareLinkStartDetail>} share-link-start - The API granted a session: `{ sessionToken, expiresAt, shareLink, persona }`. Cancelable: `preventDefault()` and the page runs the conversation with the token (and `attachMediaStream`); else the element runs it.
 * @fires {CustomEvent<ShareLinkMessageDetail>} share-link-message - A complete turn of a conversation the element runs: `{ role: 'visitor' | 'persona', text }`.
 * @fires {CustomEvent<ShareLinkEndDetail>} share-link-end - The conversation ended: `{ sessionToken, reason }`, reason `visitor`, `engine`, `removed` or `error`.
 * @fires {CustomEvent<ShareLinkToggleDetail>} share-link-toggle - Orb only: the panel opened or closed: `{ open }`.
 *
 * @csspart player - The player box (also the box of the loading and error states).
 * @csspart poster - The avatar image, or its initial when there is none.
 * @csspart video - The avatar's idle video, or the live stream.
 * @csspart name - The persona's name.
 * @csspart start-button - The button that starts a conversation.
 * @csspart end-button - The button that ends a live conversation.
 * @csspart mute-button - The microphone's mute toggle (`aria-pressed`) of a conversation the element runs.
 * @csspart captions - The conversation's captions, a polite live region.
 * @csspart orb - The orb's round launcher button.
 * @csspart panel - The orb's panel that holds the player.
 * @csspart close-button - The panel's close button.
 * @csspart message - The error message.
 *
 * @cssprop [--share-link-embed-aspect-ratio=16 / 9] - The player's shape, reserved before anything loads.
 * @cssprop [--share-link-embed-accent=#4f46e5] - Button and orb colour.
 * @cssprop [--share-link-embed-accent-text=#fff] - Text on the accent colour.
 * @cssprop [--share-link-embed-background=#eef0f6] - Background of the player and the panel (dark scheme: #1d1e29).
 * @cssprop [--share-link-embed-text=#17171f] - Text colour of messages (dark scheme: #f1f1f6).
 * @cssprop [--share-link-embed-radius=12px] - Corner radius of the player and the panel.
 * @cssprop [--share-link-embed-font=system-ui] - Font family; no web font is ever loaded.
 * @cssprop [--share-link-embed-focus-ring=#f59e0b] - Keyboard focus outline colour.
 * @cssprop [--share-link-embed-orb-size=64px] - Diameter of the orb.
 * @cssprop [--share-link-embed-offset=24px] - Distance of the orb from the viewport's edges.
 * @cssprop [--share-link-embed-z-index=2147483000] - Stacking level of the orb and its panel.
 * @cssprop [--share-link-embed-panel-width=400px] - Width of the orb's panel (it fills narrow screens).
 */
export class ShareLinkEmbed extends LitElement {
  // Static getters rather than static fields: built for ES2022, fields would become `static {}`
  // blocks, which need Safari 16.4; private fields and getters run from Safari 15 (docs/performance.md).
  static override get styles() {
    return styles;
  }

  static override get properties() {
    return {
      token: {},
      apiBase: { attribute: 'api-base' },
      placement: { reflect: true },
      open: { type: Boolean, reflect: true },
      _view: { state: true },
      _media: { state: true },
      _everOpened: { state: true },
    };
  }

  /** The share link's token. */
  declare token: string | undefined;
  /** Base URL of the API; default: the origin this script was loaded from. */
  declare apiBase: string | undefined;
  /** Orb only: the corner it sits in. */
  declare placement: Placement;
  /** Orb only: whether the panel is open. */
  declare open: boolean;

  declare private _view: View;
  declare private _media: MediaState;
  declare private _everOpened: boolean;

  #loadedKey: string | null = null;
  #controller: AbortController | null = null;
  #clockOffset = 0;
  #cancelExpiry: (() => void) | null = null;
  #session: SessionResponse | null = null;
  #observer: IntersectionObserver | null = null;
  #observed: Element | null = null;
  #moveFocus: 'panel' | 'orb' | null = null;
  readonly #rateLimitRetry = new RetryAfterOnce();
  readonly #language = new LanguageController(this);
  // Shown unless a validated link removes it; restored if the page removes or alters it. A
  // reactive controller: registered with the element by its constructor, never called from here.
  // eslint-disable-next-line no-unused-private-class-members
  readonly #watermark = new WatermarkController(this, () => ({
    // Not while loading: that box has no text to shape (see renderMessage).
    show:
      this._view.state !== 'loading' &&
      this.#language.messages(false) !== null &&
      this._view.shareLink?.removeWatermark !== true,
    label: (this.#language.messages(false) ?? ENGLISH).poweredBy,
  }));
  #conversation: ConversationController | null = null;
  /** The orb's renderer, once an `ORB_EMBED` link has loaded its chunk. */
  #orb: OrbModule | null = null;

  constructor() {
    super();
    this.placement = 'bottom-right';
    this.open = false;
    this._view = LOADING;
    this._media = NO_MEDIA;
    this._everOpened = false;
  }

  /** Where the element is: `loading`, `ready`, `starting`, `live` or `error`. */
  get state(): EmbedState {
    return this._view.state;
  }

  /** `player` or `orb`, once the link is known; else `null`. */
  get variant(): Variant | null {
    return variantOf(this._view.shareLink, onSharePage(this));
  }

  /** The validated share link, or `null`. */
  get shareLink(): ShareLink | null {
    return this._view.shareLink;
  }

  /** The persona's public fields, or `null`. */
  get persona(): PublicPersona | null {
    return this._view.persona;
  }

  /** Why the link cannot be shown, or `null`. */
  get error(): { reason: ErrorReason; message: string } | null {
    return this._view.error;
  }

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang'];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang') this.requestUpdate();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.#onVisibilityChange);
    window.addEventListener('online', this.#onOnline);
    if (this.#loadedKey === null) this.requestUpdate();
    else if (this._view.shareLink && !this.#cancelExpiry) this.#judge();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.#onVisibilityChange);
    window.removeEventListener('online', this.#onOnline);
    // Moving the element in the DOM disconnects and reconnects it at once: only a real removal tears down.
    queueMicrotask(() => {
      if (!this.isConnected) this.#teardown();
    });
  }

  /** Loads the link again, e.g. after a network error. */
  reload(): void {
    this.#load();
  }

  /**
   * Asks the API for a conversation session, which counts one use. Resolves once the element is
   * `live` (and `share-link-start` has fired) or in `error`. Does nothing unless `ready`.
   */
  async start(): Promise<void> {
    const { state, shareLink, persona } = this._view;
    if (state !== 'ready' || !shareLink || !persona || this.#judge()) return;
    if (this.variant === 'orb' && !this.open) {
      this._everOpened = true;
      this.open = true;
    }
    const controller = this.#replaceController();
    this._view = { ...this._view, state: 'starting' };
    try {
      const session = await startSession(shareLink.token, { apiBase: this.#apiBase(), signal: controller.signal });
      if (controller !== this.#controller) return;
      this.#session = session;
      this._view = { ...this._view, state: 'live', shareLink: { ...shareLink, usageCount: session.usageCount } };
      const detail = {
        sessionToken: session.sessionToken,
        expiresAt: session.expiresAt,
        shareLink: this._view.shareLink!,
        persona,
      };
      // A page that calls preventDefault() runs the conversation itself; else the engine's client loads now.
      if (this.#emit('share-link-start', detail, true) && session.engine != null) void this.#converse(session);
    } catch (error) {
      if (controller === this.#controller && !controller.signal.aborted) this.#failWith(error);
    } finally {
      if (controller === this.#controller) this.#controller = null;
    }
  }

  /**
   * Ends a live conversation and fires `share-link-end` (`reason: 'visitor'`): the element's own
   * once its microphone, connection and audio are released; a page's takeover at once, and the
   * page ends its SDK session.
   */
  end(): void {
    if (this._view.state !== 'live') return;
    if (this.#conversation) void this.#conversation.end('visitor');
    else this.#ended(this.#session?.sessionToken ?? '', 'visitor');
  }

  /** Shows a live `MediaStream` (e.g. from a conversation SDK) in the player's video; `null` removes it. */
  attachMediaStream(stream: MediaStream | null): void {
    if (stream !== null && !(stream instanceof MediaStream))
      throw new TypeError('attachMediaStream expects a MediaStream or null');
    this._media = { ...this._media, stream };
  }

  protected override willUpdate(): void {
    // Loading starts here, before the first render, once frameworks have set their properties.
    if (this.isConnected && this.#loadKey() !== this.#loadedKey) this.#load();
    if (this.open) this._everOpened = true;
  }

  /** Also waits for the visitor's words (another language, the error messages) while their chunk is on its way. */
  protected override async getUpdateComplete(): Promise<boolean> {
    let result = await super.getUpdateComplete();
    for (let pending = this.#pendingMessages(); pending; pending = this.#pendingMessages()) {
      await pending;
      result = await super.getUpdateComplete();
    }
    return result;
  }

  #pendingMessages(): Promise<void> | null {
    return this.#language.pending(this._view.state === 'error');
  }

  protected override render() {
    const messages = this.#language.messages(this._view.state === 'error');
    // The visitor's language, or the error messages, are on their way (the link waits for its
    // language; an error or a change of lang does not): meanwhile only the textless loading box.
    if (!messages)
      return this.variant === 'orb' ? nothing : renderFramed(renderMessage(LOADING, ENGLISH, this.#actions));
    const presentation: Presentation = {
      messages,
      playIdleVideo: this._media.visible && motionAllowed(),
      posterFailed: this._media.posterFailed,
      videoFailed: this._media.videoFailed,
      stream: this._media.stream,
      conversation: this.#conversation?.render(),
    };
    const variant = this.variant;
    if (variant === 'orb') {
      const orb = this.#orb;
      const player = this._everOpened ? renderPlayer(this._view, presentation, this.#actions) : nothing;
      return (
        orb?.renderOrb(
          { html, nothing },
          this._view,
          { ...presentation, open: this.open, everOpened: this._everOpened },
          {
            ...this.#actions,
            toggle: () => this.#setOpen(!this.open),
            close: () => this.#setOpen(false),
          },
          player,
        ) ?? nothing
      );
    }
    return renderFramed(
      variant === 'player'
        ? renderPlayer(this._view, presentation, this.#actions)
        : renderMessage(this._view, messages, this.#actions),
    );
  }

  protected override updated(changed: PropertyValues<this>): void {
    this.setAttribute('state', this._view.state);
    const variant = this.variant;
    if (variant) this.setAttribute('variant', variant);
    else this.removeAttribute('variant');
    if (changed.has('open') && changed.get('open') !== undefined) this.#emit('share-link-toggle', { open: this.open });
    this.#focusAfterToggle();
    this.#watchVisibility();
  }

  readonly #actions: Actions = {
    start: () => void this.start(),
    end: () => this.end(),
    retry: () => this.reload(),
    posterFailed: () => (this._media = { ...this._media, posterFailed: true }),
    videoFailed: () => (this._media = { ...this._media, videoFailed: true }),
  };

  #setOpen(open: boolean): void {
    this.#moveFocus = open ? 'panel' : 'orb';
    this.open = open;
  }

  #focusAfterToggle(): void {
    const target = this.#moveFocus;
    if (!target) return;
    this.#moveFocus = null;
    // Into the panel: its close button, first in it, as in a dialog. Back out: the orb.
    (this.renderRoot.querySelector(target === 'panel' ? '.close' : '.orb') as HTMLElement | null)?.focus();
  }

  #apiBase(): string {
    return this.apiBase || BUNDLE_ORIGIN;
  }

  #loadKey(): string {
    return `${this.token ?? ''} ${this.#apiBase()}`;
  }

  #replaceController(): AbortController {
    this.#controller?.abort();
    return (this.#controller = new AbortController());
  }

  #load(): void {
    if (this.#loadKey() !== this.#loadedKey) this.#rateLimitRetry.reset();
    else this.#rateLimitRetry.cancel();
    this.#loadedKey = this.#loadKey();
    const controller = this.#replaceController();
    this.#stopExpiryTimer();
    void this.#conversation?.end('removed');
    this.#conversation = null;
    this.#session = null;
    this._media = { ...NO_MEDIA, visible: this._media.visible };
    this._view = LOADING;
    // The visitor's language (a lazy chunk, unless English) is fetched beside the link, not after it.
    const language = this.#language.pending(false);
    const token = this.token ?? '';
    if (!isValidToken(token)) {
      this.#controller = null;
      const given = this.token ? `"${String(this.token).slice(0, 80)}"` : 'is missing; it';
      this.#fail('invalid-token', `the token attribute ${given} must be sh_ then 8 to 64 letters or digits`);
      return;
    }
    const link = resolve(token, { apiBase: this.#apiBase(), signal: controller.signal }).then((resolved) =>
      resolved.shareLink.type === 'ORB_EMBED' && !this.#orb ? this.#loadOrb().then(() => resolved) : resolved,
    );
    (language ? Promise.all([link, language]).then(([resolved]) => resolved) : link).then(
      (link) => controller === this.#controller && this.#show(link),
      (error: unknown) => controller === this.#controller && !controller.signal.aborted && this.#failWith(error),
    );
  }

  /** An orb link brings the orb's chunk (renderer and stylesheet) along before it is shown. */
  async #loadOrb(): Promise<void> {
    try {
      this.#orb = await loadOrb();
    } catch (error) {
      throw new ShareLinkError('network', `its orb code did not load (${String(error)})`);
    }
    this.#orb.adoptOrbStyles(this.shadowRoot);
  }

  #show({ shareLink, persona, clockOffset }: ResolvedLink): void {
    this.#controller = null;
    this.#clockOffset = clockOffset;
    this.#rateLimitRetry.reset();
    this._view = { state: 'ready', shareLink, persona, error: null };
    if (!this.#judge()) this.#emit('share-link-ready', { shareLink, persona });
  }

  /**
   * Applies the policy by server time; on a refusal, shows it and returns `true`. Otherwise arms a
   * timer for the moment the link expires. A live conversation is never cut: it is judged when it ends.
   */
  #judge(): boolean {
    const { shareLink, state } = this._view;
    if (!shareLink || state === 'error' || state === 'live' || state === 'starting') return false;
    this.#stopExpiryTimer();
    const now = this.#serverNow();
    const origin = globalThis.location?.origin ?? 'null';
    const refusal = checkShareLink(shareLink, { origin, now, embedding: !onSharePage(this) });
    if (refusal) {
      this.#fail(refusal, explainRefusal(refusal, { token: shareLink.token, origin, link: shareLink, now }));
      return true;
    }
    if (shareLink.expiresAt && this.isConnected) {
      this.#cancelExpiry = callAt(
        Date.parse(shareLink.expiresAt),
        () => this.#serverNow(),
        () => {
          this.#cancelExpiry = null;
          this.#judge();
        },
      );
    }
    return false;
  }

  #serverNow(): number {
    return Date.now() + this.#clockOffset;
  }

  // Background tabs throttle timers: judge again the moment the tab is shown.
  readonly #onVisibilityChange = () => {
    if (document.visibilityState === 'visible') this.#judge();
  };

  // A visitor who was offline should not have to find the retry button once they are back.
  readonly #onOnline = () => {
    if (this._view.error?.reason === 'network') this.reload();
  };

  #failWith(error: unknown): void {
    this.#controller = null;
    if (error instanceof ShareLinkError && error.reason === 'rate-limited') {
      // Loading again (not starting again) after the wait: no use is ever counted without a press.
      const retryInMs = this.#rateLimitRetry.schedule(error.retryAfterMs, () => this.reload());
      this.#fail('rate-limited', explainRateLimit(String(this.token), error.retryAfterMs, retryInMs));
    } else if (error instanceof ShareLinkError) this.#fail(error.reason, `share link ${this.token}: ${error.message}`);
    else this.#fail('bad-response', `share link ${this.token}: unexpected failure: ${String(error)}`);
  }

  #fail(reason: ErrorReason, message: string): void {
    this.#stopExpiryTimer();
    this._view = { ...this._view, state: 'error', error: { reason, message } };
    console.warn(`<share-link-embed> ${message}`);
    this.#emit('share-link-error', { reason, message });
  }

  /** Returns `false` if a listener cancelled a cancelable event. */
  #emit<K extends keyof ShareLinkEmbedEventMap>(
    type: K,
    detail: ShareLinkEmbedEventMap[K]['detail'],
    cancelable = false,
  ): boolean {
    return this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }));
  }

  /** Runs the conversation in the player: loads the conversation chunk, which loads the engine's adapter. */
  async #converse(session: SessionResponse): Promise<void> {
    const { sessionToken } = session;
    const current = () => this.#session?.sessionToken === sessionToken && this._view.state === 'live';
    let module;
    try {
      module = await loadConversation();
    } catch (error) {
      if (current())
        this.#ended(sessionToken, 'error', {
          reason: 'conversation-failed',
          message: `its conversation code did not load (${error})`,
        });
      return;
    }
    if (!current()) return;
    this.#conversation = new module.ConversationController(this, {
      engine: session.engine,
      html,
      finished: (reason, failure) => this.#ended(sessionToken, reason, failure),
    });
  }

  /** A live session is over: back to ready (or to the failure), and `share-link-end`. */
  #ended(sessionToken: string, reason: ShareLinkEndReason, failure?: ConversationFailure): void {
    if (this.#session?.sessionToken !== sessionToken) {
      // Replaced meanwhile (a new token): only tell the page.
      this.#emit('share-link-end', { sessionToken, reason });
      return;
    }
    this.#session = null;
    this.#conversation = null;
    this._media = { ...this._media, stream: null };
    this._view = { ...this._view, state: 'ready' };
    this.#emit('share-link-end', { sessionToken, reason });
    if (failure) this.#fail(failure.reason, `share link ${this.token}: ${failure.message}`);
    else this.#judge();
  }

  #stopExpiryTimer(): void {
    this.#cancelExpiry?.();
    this.#cancelExpiry = null;
  }

  /** The idle video loads and plays only while the player is on screen. */
  #watchVisibility(): void {
    const player =
      this._view.persona?.avatar.videoUrl && motionAllowed() ? this.renderRoot.querySelector('[part~="player"]') : null;
    if (player === this.#observed) return;
    this.#observer?.disconnect();
    this.#observed = player;
    if (!player || typeof IntersectionObserver === 'undefined') return;
    this.#observer ??= new IntersectionObserver((entries) => {
      const visible = entries.some((entry) => entry.isIntersecting);
      if (visible !== this._media.visible) this._media = { ...this._media, visible };
    });
    this.#observer.observe(player);
  }

  #teardown(): void {
    // Removed from the page: the conversation releases the microphone, its connection and audio.
    void this.#conversation?.end('removed');
    if (this.#controller) {
      this.#controller.abort();
      this.#controller = null;
      // Torn down mid-request: load again if it is put back.
      if (this._view.state === 'loading') this.#loadedKey = null;
      else if (this._view.state === 'starting') this._view = { ...this._view, state: 'ready' };
    }
    this.#stopExpiryTimer();
    this.#rateLimitRetry.cancel();
    this.#observer?.disconnect();
    this.#observer = null;
    this.#observed = null;
  }
}

/** Idle motion is off under `prefers-reduced-motion` and Save-Data. */
function motionAllowed(): boolean {
  const saveData = (navigator as Navigator & { connection?: { saveData?: boolean } }).connection?.saveData === true;
  return !saveData && !matchMedia('(prefers-reduced-motion: reduce)').matches;
}

// The element's event types travel with the class (the `/element` entry has them too).
export type * from './events.js';

declare global {
  interface HTMLElementTagNameMap {
    'share-link-embed': ShareLinkEmbed;
  }
}
