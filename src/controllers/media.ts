/**
 * The player's media, a reactive controller: the idle video loads and plays only while the player
 * is on screen (an IntersectionObserver), never under `prefers-reduced-motion` or Save-Data; what
 * failed to load falls back (the poster to the initial, the video to the poster); a live stream
 * attached by the page or the conversation.
 *
 * The page's own poster (docs/delivery.md, "The poster in the page"): an `<img slot="poster">` the
 * recommended snippet writes inside the element, at the link's poster endpoint, paints before the
 * bundle has defined the element. The element keeps showing it (slotted) while it loads and once the
 * link is shown, only while its URL is the current link's poster endpoint (the API judged the link
 * for the page before answering the image) and the image decodes; else the element's own poster.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PublicPersona } from '../schema.js';

type Host = ReactiveControllerHost &
  HTMLElement & { readonly persona: PublicPersona | null; readonly renderRoot: HTMLElement | DocumentFragment };

export interface MediaState {
  visible: boolean;
  posterFailed: boolean;
  videoFailed: boolean;
  stream: MediaStream | null;
  /** The page has its own poster for this link (until it fails to decode). */
  pagePoster: boolean;
}

const NO_MEDIA: MediaState = {
  visible: false,
  posterFailed: false,
  videoFailed: false,
  stream: null,
  pagePoster: false,
};

export class MediaController implements ReactiveController {
  #state = NO_MEDIA;
  #resets = 0;
  #observer: IntersectionObserver | null = null;
  #observed: Element | null = null;

  readonly #host: Host;

  constructor(host: Host) {
    this.#host = host;
    host.addController(this);
  }

  /** What the renderers need to know of the media (see `Presentation`). */
  get presentation(): MediaState & { playIdleVideo: boolean } {
    // The idle video may load and play: on screen, no reduced motion, no Save-Data.
    return { ...this.#state, playIdleVideo: this.#state.visible && motionAllowed() };
  }

  set(changes: Partial<MediaState>): void {
    this.#state = { ...this.#state, ...changes };
    this.#host.requestUpdate();
  }

  /**
   * Another link: its media starts afresh (on screen or not, the player stays where it is). `poster`
   * is the link's poster endpoint: a page's `<img slot="poster">` at that URL (with no embed token)
   * is adopted, until it fails to decode (a link that asks for a signed embed answers it no image).
   */
  reset(poster: string | undefined): void {
    const image = this.#host.querySelector<HTMLImageElement>(':scope>img[slot=poster]');
    const pagePoster = !!poster && image?.src === poster.split('?')[0];
    this.set({ ...NO_MEDIA, visible: this.#state.visible, pagePoster });
    // Told only while no other link has reset the media since.
    const link = ++this.#resets;
    if (pagePoster) image!.decode().catch(() => link === this.#resets && this.set({ pagePoster: false }));
  }

  hostConnected(): void {
    this.#watch();
  }

  hostUpdated(): void {
    this.#watch();
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#observer = null;
    this.#observed = null;
  }

  /** Watches the player while it may play an idle video. */
  #watch(): void {
    const player =
      this.#host.persona?.avatar.videoUrl && motionAllowed()
        ? this.#host.renderRoot.querySelector('[part~="player"]')
        : null;
    if (player === this.#observed) return;
    this.#observer?.disconnect();
    this.#observed = player;
    if (!player || typeof IntersectionObserver === 'undefined') return;
    this.#observer ??= new IntersectionObserver((entries) => {
      const visible = entries.some((entry) => entry.isIntersecting);
      if (visible !== this.#state.visible) this.set({ visible });
    });
    this.#observer.observe(player);
  }
}

/** Idle motion is off under `prefers-reduced-motion` and Save-Data. */
function motionAllowed(): boolean {
  const saveData = (navigator as Navigator & { connection?: { saveData?: boolean } }).connection?.saveData === true;
  return !saveData && !matchMedia('(prefers-reduced-motion: reduce)').matches;
}
