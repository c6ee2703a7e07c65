/** ORB_EMBED: a round launcher fixed at a corner, opening a panel that holds the player. */
import { html, nothing } from 'lit';
import { initialOf, renderPlayer } from './player.js';
import type { OrbActions, OrbPresentation, View } from './view.js';

const closeIcon = html`<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"><path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round" /></svg>`;

export function renderOrb(view: View, p: OrbPresentation, act: OrbActions) {
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
    ${p.everOpened
      ? // The frame, not a part, holds the panel and the watermark beside it (see watermark.ts).
        html`<div class="panel-frame" data-watermark-frame ?hidden=${!p.open}><div part="panel" class="panel" id="panel" role="dialog" aria-label=${name} ?hidden=${!p.open}>
          <button part="close-button" class="close" type="button" aria-label=${t.close} @click=${act.close}>${closeIcon}</button>
          ${renderPlayer(view, p, act)}
        </div></div>`
      : nothing}
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
