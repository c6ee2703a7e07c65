/**
 * Small pieces every view renders the same way: loading, failure, a section the API does not offer,
 * and events that ask the app to go somewhere or to announce something to screen readers.
 */
import { html, type TemplateResult } from 'lit';
import type { ApiError } from './api.ts';
import type { Route } from './route.ts';

export const loading = (what: string): TemplateResult => html`<p class="muted" role="status">Loading ${what}…</p>`;

export const failed = (error: Error, retry?: () => void): TemplateResult =>
  html`<div class="notice bad" role="alert">
    <p>${error.message}</p>
    ${retry ? html`<button type="button" @click=${retry}>Try again</button>` : null}
  </div>`;

/** A section whose endpoint answered 404: this API does not offer it (yet). */
export const unavailable = (what: string, endpoint: string, error: ApiError): TemplateResult =>
  html`<div class="notice warn" role="status" data-unavailable>
    <p><strong>This API does not offer ${what}.</strong></p>
    <p>
      <code>${endpoint}</code> answered ${error.status}: the API is older than the console, or runs without this
      feature. Nothing is shown rather than something made up.
    </p>
  </div>`;

export interface NavigateDetail {
  route: Route;
  /** Replace the current history entry (a search being typed) rather than add one. */
  replace?: boolean;
}

/** Asks the app to go to `route`. */
export const navigate = (from: EventTarget, route: Route, replace = false): boolean =>
  from.dispatchEvent(
    new CustomEvent<NavigateDetail>('console-navigate', { detail: { route, replace }, bubbles: true, composed: true }),
  );

/** Asks the app to say `message` in its polite live region (a save, a copy). */
export const announce = (from: EventTarget, message: string): boolean =>
  from.dispatchEvent(new CustomEvent<string>('console-announce', { detail: message, bubbles: true, composed: true }));

declare global {
  interface HTMLElementEventMap {
    'console-navigate': CustomEvent<NavigateDetail>;
    'console-announce': CustomEvent<string>;
  }
}
