/**
 * Pure templates: each takes the view, what the device allows, and the actions, and returns what
 * to draw. Text from the API only ever lands in text bindings (escaped by Lit), and URLs only in
 * `src`, after the schema has limited them to http(s).
 */
import { html, nothing, type TemplateResult } from 'lit';
import { isRetryable } from '../errors.js';
import type { Messages } from '../i18n/text.js';
import { initialOf } from './initial.js';
import type { Actions, Presentation, View } from './view.js';

export { initialOf };

/**
 * The box the watermark is drawn over (by `WatermarkController`, see watermark.ts): not a part, so
 * no `::part()` rule reaches it. The comment ends Lit's content, so the watermark after it is never
 * touched by a re-render.
 */
export const renderFramed = (content: unknown) => html`<div class="frame" data-watermark-frame>${content}<!----></div>`;

function renderMedia(view: View, p: Presentation, act: Actions) {
  const avatar = view.persona?.avatar;
  // The page's own poster where it wrote one (controllers/media.ts); else the poster requested
  // beside the link, at the same URL: from the browser's cache.
  const poster = p.pagePoster
    ? html`<slot name="poster"></slot>`
    : avatar?.imageUrl && !p.posterFailed
      ? html`<img part="poster" class="media" src=${p.poster || avatar.imageUrl} alt="" decoding="async" @error=${act.posterFailed} />`
      : html`<div part="poster" class="media fallback" aria-hidden="true">${initialOf(view.persona?.name ?? '')}</div>`;
  let video: TemplateResult | typeof nothing = nothing;
  if (p.stream) {
    video = html`<video part="video" class="media" .srcObject=${p.stream} autoplay playsinline></video>`;
  } else if (avatar?.videoUrl && p.playIdleVideo && !p.videoFailed) {
    video = html`<video part="video" class="media idle" src=${avatar.videoUrl} muted loop playsinline autoplay aria-hidden="true" @error=${act.videoFailed}></video>`;
  }
  return [poster, video];
}

/**
 * The bar's action: end while live, else start. The start button is the one place a visitor shows
 * intent before pressing (pointer, focus): `act.intent`, which begins what a start needs
 * (LoadingController's `warm`).
 */
function renderAction(view: View, t: Messages, act: Actions) {
  const { state } = view;
  if (state === 'live') {
    return html`<span class="live" role="status"><i></i>${t.live}</span>
      <button part="end-button" class="button" type="button" @click=${act.end}>${t.end}</button>`;
  }
  const starting = state === 'starting';
  // Pointer events cover touch: pointerenter fires as a finger lands, before the tap's click.
  return html`<button part="start-button" class="button primary" type="button" aria-disabled=${starting ? 'true' : 'false'} @click=${act.start} @pointerenter=${act.intent} @focus=${act.intent}>
    ${starting ? t.starting : t.start}
  </button>`;
}

/** PLAYER_EMBED, also drawn inside the orb's panel. */
export function renderPlayer(view: View, p: Presentation, act: Actions) {
  if (view.state === 'error' || view.state === 'loading') return renderMessage(view, p.messages, act, p.pagePoster);
  return html`<div part="player" class="player" data-state=${view.state}>
    ${renderMedia(view, p, act)}
    <div class="bar">
      <span part="name" class="name">${view.persona?.name}</span>
      ${(view.state === 'live' && p.conversation) || renderAction(view, p.messages, act)}
    </div>
  </div>`;
}

/**
 * Loading and error states: the same box as the player, so nothing moves when it arrives. Loading
 * is one box with no text (its name is an attribute): nothing to shape or lay out while the link
 * is on its way, but the page's own poster when it wrote one, as before the element was defined.
 * The watermark comes with the first thing it can mark, the persona or an error.
 */
export function renderMessage(view: View, t: Messages, act: Pick<Actions, 'retry'>, pagePoster = false) {
  const error = view.error;
  if (!error)
    return html`<div part="player" class="player loading" role="progressbar" aria-busy="true" aria-label=${t.loading}>
      ${pagePoster ? html`<slot name="poster"></slot>` : nothing}
    </div>`;
  return html`<div part="player" class="player message" data-state=${view.state}>
    <p part="message" role="status">${t.errors[error.reason]}</p>
    ${isRetryable(error.reason) ? html`<button class="button" type="button" @click=${act.retry}>${t.retry}</button>` : nothing}
  </div>`;
}
