/**
 * ORB_EMBED: a round launcher fixed at a corner, opening a panel that holds the player. A lazy
 * chunk of its own (load-orb.ts), with its stylesheet: a player never loads it. It imports nothing
 * at run time, so the browser bundles' chunk carries no second Lit: the element passes its own
 * `html` and `nothing`, and the player it draws inside the panel.
 */
import type { html as litHtml, nothing as litNothing } from 'lit';
import { adoptStyles } from './adopt-styles.js';
import { initialOf } from './initial.js';
import { ORB_CSS } from './orb-styles.js';
import type { OrbActions, OrbPresentation, View } from './view.js';

export interface Lit {
  html: typeof litHtml;
  nothing: typeof litNothing;
}

/** Adds the orb's stylesheet to the element's shadow root, once. */
export const adoptOrbStyles = (root: ShadowRoot | null): void => adoptStyles(root, ORB_CSS, 'orb');

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
