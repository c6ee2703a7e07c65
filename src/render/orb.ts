/**
 * ORB_EMBED: a round launcher fixed at a corner, opening a panel that holds the player. A lazy
 * chunk of its own (load-orb.ts), with its stylesheet and its behaviour: a player never loads it.
 * It imports nothing at run time, so the browser bundles' chunk carries no second Lit: the element
 * passes its own `html` and `nothing`, and the player it draws inside the panel.
 */
import type {
  html as litHtml,
  nothing as litNothing,
  ReactiveController,
  ReactiveControllerHost,
  TemplateResult,
} from 'lit';
import { adoptStyles } from './adopt-styles.js';
import { initialOf } from './initial.js';
import { ORB_CSS } from './orb-styles.js';
import type { Actions, EmbedState, OrbActions, OrbPresentation, Presentation, View } from './view.js';

export interface Lit {
  html: typeof litHtml;
  nothing: typeof litNothing;
}

/** `player`: the player the panel holds (renderPlayer's), drawn by the element. */
export function renderOrb({ html, nothing }: Lit, view: View, p: OrbPresentation, act: OrbActions, player: unknown) {
  const t = p.messages;
  const name = view.persona?.name ?? '';
  const image = view.persona?.avatar.imageUrl;
  // Until the panel first opens, the orb shows the persona's initial: a closed orb costs no media bytes.
  const face =
    p.everOpened && image && !p.posterFailed
      ? html`<img src=${image} alt="" decoding="async" />`
      : html`<span class="initial" aria-hidden="true">${initialOf(name)}</span>`;
  const onKeydown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && p.open) {
      event.stopPropagation();
      act.close();
    }
  };
  return html`<div class="orb-root" @keydown=${onKeydown}>
    ${
      p.everOpened
        ? // The frame, not a part, holds the panel and the watermark beside it (see watermark.ts).
          html`<div class="panel-frame" data-watermark-frame ?hidden=${!p.open}><div part="panel" class="panel" id="panel" role="dialog" aria-label=${name} ?hidden=${!p.open}>
          <button part="close-button" class="close" type="button" aria-label=${t.close} @click=${act.close}><svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"><path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round" /></svg></button>
          ${player}
        </div></div>`
        : nothing
    }
    <button
      part="orb"
      class="orb"
      type="button"
      aria-label=${t.talkTo.replace('{name}', name)}
      aria-expanded=${p.open ? 'true' : 'false'}
      aria-controls=${p.everOpened ? 'panel' : nothing}
      @click=${act.toggle}
    >${face}</button>
  </div>`;
}

/** What the orb uses of `<share-link-embed>`: its public API. */
export type OrbHost = ReactiveControllerHost &
  HTMLElement & {
    open: boolean;
    readonly renderRoot: HTMLElement | DocumentFragment;
    readonly state: EmbedState;
    end(): void;
  };

/**
 * The orb of one element, a reactive controller created when its chunk arrives: it adds the orb's
 * stylesheet, opens and closes the panel (the host's `open`), and draws the orb. Focus follows the
 * visitor: into the panel when they open it (its close button, first in it, as in a dialog), back
 * to the orb when they close it. Closing the panel ends a live conversation (docs/delivery.md, "The
 * orb's panel"): no microphone stays live behind a closed panel.
 */
export class OrbController implements ReactiveController {
  readonly #host: OrbHost;
  /** The panel (and so the avatar's media) is drawn only once it has been opened. */
  #everOpened = false;
  #moveFocus: '.close' | '.orb' | null = null;

  constructor(host: OrbHost) {
    this.#host = host;
    adoptStyles(host.shadowRoot, ORB_CSS, 'orb');
    host.addController(this);
  }

  hostUpdate(): void {
    if (this.#host.open) this.#everOpened = true;
  }

  /** Closed (by the visitor or the page) while live, or while starting once it is live: the conversation ends. */
  hostUpdated(): void {
    // After the update, not inside it: ending changes the host's view.
    if (!this.#host.open && this.#host.state === 'live') queueMicrotask(() => this.#host.end());
  }

  /** After the host's `share-link-toggle`: focus goes where the visitor's toggle asked. */
  moveFocus(): void {
    const target = this.#moveFocus;
    this.#moveFocus = null;
    if (target) (this.#host.renderRoot.querySelector(target) as HTMLElement | null)?.focus();
  }

  /** `player`: draws the player the panel holds, once it has been opened. */
  render(lit: Lit, view: View, p: Presentation, act: Actions, player: () => TemplateResult): unknown {
    const open = this.#host.open;
    return renderOrb(
      lit,
      view,
      { ...p, open, everOpened: this.#everOpened },
      { ...act, toggle: () => this.#setOpen(!open), close: () => this.#setOpen(false) },
      this.#everOpened ? player() : lit.nothing,
    );
  }

  #setOpen(open: boolean): void {
    this.#moveFocus = open ? '.close' : '.orb';
    this.#host.open = open;
  }
}
