/**
 * The player's media, a reactive controller: the idle video loads and plays only while the player
 * is on screen (an IntersectionObserver), never under `prefers-reduced-motion` or Save-Data; what
 * failed to load falls back (the poster to the initial, the video to the poster); a live stream
 * attached by the page or the conversation.
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
}

const NO_MEDIA: MediaState = { visible: false, posterFailed: false, videoFailed: false, stream: null };

export class MediaController implements ReactiveController {
  #state = NO_MEDIA;
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

  /** Another link: its media starts afresh (on screen or not, the player stays where it is). */
  reset(): void {
    this.set({ ...NO_MEDIA, visible: this.#state.visible });
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
