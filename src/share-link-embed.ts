import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { ResolvedLink } from './api.js';
import { BUNDLE_URL } from './bundle-url.js';
import { ExpiryController } from './controllers/expiry.js';
import { LoadingController, type Target } from './controllers/loading.js';
import { MediaController } from './controllers/media.js';
import type { ConversationController, ConversationFailure } from './conversation/controller.js';
import { loadConversation } from './conversation/load.js';
import { explainRefusal } from './diagnostics.js';
import type { ErrorReason } from './errors.js';
import type { ShareLinkEmbedEventMap, ShareLinkEndReason } from './events.js';
import { ENGLISH, LanguageController } from './i18n/language.js';
import { checkShareLink } from './policy.js';
import { renderFramed, renderMessage, renderPlayer } from './render/player.js';
import { WatermarkController } from './render/watermark.js';
import {
  LOADING,
  nextView,
  variantOf,
  type Actions,
  type EmbedError,
  type EmbedState,
  type Placement,
  type Presentation,
  type Variant,
  type View,
  type ViewChange,
} from './render/view.js';
import type { PublicPersona, SessionResponse, ShareLink } from './schema.js';
import { styles } from './styles.js';

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

/**
 * `lang` is the native attribute (documented below): this has the element update when it changes,
 * through a state of its own, so the native `lang` property is not shadowed. Spread into
 * `properties`, so the docs' analyzer (which reads that object) lists `lang` as documented only.
 */
const LANG_ATTRIBUTE = { _lang: { attribute: 'lang' } };

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
 * @attr {string} embed-token - For links that require a signed embed: a token the site's server signs per page view (`signEmbedToken` in `share-link-embed/helpers`). A fresh one is used from the next request on; after a `signature-invalid`, set one and call `reload()`.
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
 * @fires {CustomEvent<ShareLinkMessageDetail>} share-link-message - A complete turn of a conversation the element runs: `{ role: 'visitor' | 'persona' | 'operator', text }` (`operator`: a person from the site's team who took it over).
 * @fires {CustomEvent<ShareLinkEndDetail>} share-link-end - The conversation ended: `{ sessionToken, reason }`, reason `visitor`, `engine`, `removed` or `error`.
 * @fires {CustomEvent<ShareLinkToggleDetail>} share-link-toggle - Orb only: the panel opened or closed: `{ open }`.
 *
 * @slot poster - The page's own poster, as the recommended snippet writes it: `<img slot="poster">` at the link's poster endpoint (`{api-base}/v1/embed/{token}/poster`), which paints before the bundle has defined the element. Shown while the link loads and as a player's poster, only while its URL is the link's endpoint and the image loads; else the element's own poster.
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
      embedToken: { attribute: 'embed-token' },
      placement: { reflect: true },
      open: { type: Boolean, reflect: true },
      ...LANG_ATTRIBUTE,
    };
  }

  /** The share link's token. */
  declare token: string | undefined;
  /** Base URL of the API; default: the origin this script was loaded from. */
  declare apiBase: string | undefined;
  /** A signed embed's token, from the site's own server; a fresh one is used from the next request on. */
  declare embedToken: string | undefined;
  /** Orb only: the corner it sits in. */
  declare placement: Placement;
  /** Orb only: whether the panel is open. */
  declare open: boolean;

  /** Where the element is: changed only by `#change`. */
  #view: View = LOADING;
  #conversation: ConversationController | null = null;
  // Reactive controllers, registered with the element by their constructors.
  readonly #language = new LanguageController(this);
  readonly #loading = new LoadingController(this, {
    beside: () => this.#language.pending(false),
    found: (link) => this.#show(link),
    failed: (error) => this.#fail(error),
  });
  readonly #expiry = new ExpiryController(this, () => this.#judge());
  readonly #media = new MediaController(this);
  // Shown unless a validated link removes it; restored if the page removes or alters it.
  // eslint-disable-next-line no-unused-private-class-members
  readonly #watermark = new WatermarkController(this, () => ({
    // Not while loading: that box has no text to shape (see renderMessage).
    show:
      this.#view.state !== 'loading' &&
      this.#language.messages(false) !== null &&
      this.#view.shareLink?.removeWatermark !== true,
    label: (this.#language.messages(false) ?? ENGLISH).poweredBy,
  }));

  constructor() {
    super();
    this.placement = 'bottom-right';
    this.open = false;
  }

  /** Where the element is: `loading`, `ready`, `starting`, `live` or `error`. */
  get state(): EmbedState {
    return this.#view.state;
  }

  /** `player` or `orb`, once the link is known; else `null`. */
  get variant(): Variant | null {
    return variantOf(this.#view.shareLink, onSharePage(this));
  }

  /** The validated share link, or `null`. */
  get shareLink(): ShareLink | null {
    return this.#view.shareLink;
  }

  /** The persona's public fields, or `null`. */
  get persona(): PublicPersona | null {
    return this.#view.persona;
  }

  /** Why the link cannot be shown, or `null`. */
  get error(): { reason: ErrorReason; message: string } | null {
    return this.#view.error;
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
    const view = this.#view;
    if (view.state !== 'ready' || this.#judge()) return;
    if (this.variant === 'orb') this.open = true;
    this.#change({ type: 'start' });
    const session = await this.#loading.start(this.#target(), view.shareLink);
    // Failed (shown already) or called off: a removal mid-start leaves the link ready.
    if (!session) return void this.#change({ type: 'stop' });
    const { sessionToken, expiresAt, usageCount, engine } = session;
    const shareLink = { ...view.shareLink, usageCount };
    this.#change({ type: 'started', shareLink, sessionToken });
    const detail = { sessionToken, expiresAt, shareLink, persona: view.persona };
    // A page that calls preventDefault() runs the conversation itself; else the engine's client loads now.
    if (this.#emit('share-link-start', detail, true) && engine != null) void this.#converse(session);
  }

  /**
   * Ends a live conversation and fires `share-link-end` (`reason: 'visitor'`): the element's own
   * once its microphone, connection and audio are released; a page's takeover at once, and the
   * page ends its SDK session.
   */
  end(): void {
    const view = this.#view;
    if (view.state !== 'live') return;
    if (this.#conversation) void this.#conversation.end('visitor');
    else this.#ended(view.sessionToken, 'visitor');
  }

  /** Shows a live `MediaStream` (e.g. from a conversation SDK) in the player's video; `null` removes it. */
  attachMediaStream(stream: MediaStream | null): void {
    if (stream !== null && !(stream instanceof MediaStream))
      throw new TypeError('attachMediaStream expects a MediaStream or null');
    this.#media.set({ stream });
  }

  protected override willUpdate(): void {
    // Loading starts here, before the first render, once frameworks have set their properties.
    if (this.isConnected && this.#loading.changed(this.#target())) this.#load();
  }

  /** Also waits for the visitor's words (another language, the error messages) while their chunk is on its way. */
  protected override async getUpdateComplete(): Promise<boolean> {
    let result = await super.getUpdateComplete();
    for (let pending = this.#language.pending(); pending; pending = this.#language.pending()) {
      await pending;
      result = await super.getUpdateComplete();
    }
    return result;
  }

  protected override render() {
    const messages = this.#language.messages();
    // The visitor's language, or the error messages, are on their way (the link waits for its
    // language; an error or a change of lang does not): meanwhile only the textless loading box.
    if (!messages)
      return this.variant === 'orb'
        ? nothing
        : renderFramed(renderMessage(LOADING, ENGLISH, this.#actions, this.#media.presentation.pagePoster));
    const variant = this.variant;
    const presentation: Presentation = {
      messages,
      ...this.#media.presentation,
      conversation: this.#conversation?.render(),
      // An orb's poster endpoint answers no image (it shows none until opened): its panel shows the avatar's.
      poster: variant === 'player' ? this.#loading.poster : undefined,
    };
    if (variant === 'orb')
      return (
        this.#loading.orb?.render({ html, nothing }, this.#view, presentation, this.#actions, () =>
          renderPlayer(this.#view, presentation, this.#actions),
        ) ?? nothing
      );
    return renderFramed(
      variant === 'player'
        ? renderPlayer(this.#view, presentation, this.#actions)
        : renderMessage(this.#view, messages, this.#actions, presentation.pagePoster),
    );
  }

  protected override updated(changed: PropertyValues<this>): void {
    this.setAttribute('state', this.#view.state);
    const variant = this.variant;
    if (variant) this.setAttribute('variant', variant);
    else this.removeAttribute('variant');
    if (changed.has('open') && changed.get('open') !== undefined) {
      this.#emit('share-link-toggle', { open: this.open });
      // An orb opening is intent to start.
      if (this.open) this.#actions.intent();
    }
    this.#loading.orb?.moveFocus();
  }

  readonly #actions: Actions = {
    start: () => void this.start(),
    // What a start needs begins now: the warm-up, and a proof of work if the link asks for one.
    intent: () => {
      this.#loading.warm();
      const view = this.#view;
      if (view.state === 'ready') this.#loading.prepare(this.#target(), view.shareLink);
    },
    end: () => this.end(),
    retry: () => this.reload(),
    posterFailed: () => this.#media.set({ posterFailed: true }),
    videoFailed: () => this.#media.set({ videoFailed: true }),
  };

  /** What names the link, and what every request for it carries. */
  #target(): Target {
    return { token: this.token ?? '', apiBase: this.apiBase || BUNDLE_ORIGIN, embedToken: this.embedToken };
  }

  /** The one place the view changes. */
  #change(change: ViewChange): void {
    const view = nextView(this.#view, change);
    if (view === this.#view) return;
    this.#view = view;
    this.requestUpdate();
  }

  /** Loads the link (again): whatever the last one had is let go. */
  #load(): void {
    this.#expiry.stop();
    void this.#conversation?.end('removed');
    this.#conversation = null;
    this.#change({ type: 'load' });
    this.#loading.load(this.#target());
    this.#media.reset(this.#loading.poster);
  }

  #show({ shareLink, persona, clockOffset }: ResolvedLink): void {
    this.#expiry.offset = clockOffset;
    this.#change({ type: 'found', shareLink, persona });
    if (!this.#judge()) this.#emit('share-link-ready', { shareLink, persona });
  }

  /**
   * Applies the policy by server time to a ready link; on a refusal, shows it and returns `true`.
   * Otherwise it is judged again when it expires. A conversation is never cut: it is judged when it ends.
   */
  #judge(): boolean {
    const view = this.#view;
    if (view.state !== 'ready') return false;
    const { shareLink } = view;
    const now = this.#expiry.now();
    const origin = location.origin;
    const refusal = checkShareLink(shareLink, { origin, now, embedding: !onSharePage(this) });
    if (!refusal) this.#expiry.judgeAt(shareLink.expiresAt);
    else
      this.#fail({
        reason: refusal,
        message: explainRefusal(refusal, { origin, link: shareLink, now }),
      });
    return refusal !== null;
  }

  /** Errors three ways: the view (translated text), one console warning, the `share-link-error` event. */
  #fail(error: EmbedError): void {
    this.#expiry.stop();
    this.#change({ type: 'fail', error });
    console.warn(`<share-link-embed> ${error.message}`);
    this.#emit('share-link-error', { ...error });
  }

  /** Returns `false` if a listener cancelled a cancelable event. */
  #emit<K extends keyof ShareLinkEmbedEventMap>(
    type: K,
    detail: ShareLinkEmbedEventMap[K]['detail'],
    cancelable?: boolean,
  ): boolean {
    return this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }));
  }

  /** Runs the conversation in the player: loads the conversation chunk, which loads the engine's adapter. */
  async #converse(session: SessionResponse): Promise<void> {
    const { sessionToken } = session;
    const current = () => this.#view.state === 'live' && this.#view.sessionToken === sessionToken;
    let module;
    try {
      [module] = await Promise.all([loadConversation(), this.#language.pending(false)]);
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
      session,
      html,
      lang: this.#language.language,
      text: this.#language.messages(false)?.conversation,
      finished: (reason, failure) => this.#ended(sessionToken, reason, failure),
    });
  }

  /** A live session is over: back to ready (or to the failure), and `share-link-end`. */
  #ended(sessionToken: string, reason: ShareLinkEndReason, failure?: ConversationFailure): void {
    const view = this.#view;
    // Replaced meanwhile (a new token): only tell the page.
    const current = view.state === 'live' && view.sessionToken === sessionToken;
    if (current) {
      this.#conversation = null;
      this.#media.set({ stream: null });
      this.#change({ type: 'stop' });
    }
    this.#emit('share-link-end', { sessionToken, reason });
    if (!current) return;
    if (failure) this.#fail({ reason: failure.reason, message: `share link ${this.token}: ${failure.message}` });
    else this.#judge();
  }
}

// The element's event types travel with the class (the `/element` entry has them too).
export type * from './events.js';

declare global {
  interface HTMLElementTagNameMap {
    'share-link-embed': ShareLinkEmbed;
  }
}
