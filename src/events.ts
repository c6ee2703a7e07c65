/**
 * The element's events (docs/element.md, "Events, in order"): all bubble and are composed, so they cross shadow roots.
 * Every entry of the package brings these types, so `addEventListener('share-link-start', …)` on an
 * element, the document or the window knows `event.detail`.
 */
import type { ErrorReason } from './errors.js';
import type { PublicPersona, ShareLink } from './schema.js';

export interface ShareLinkReadyDetail {
  shareLink: ShareLink;
  persona: PublicPersona;
}

export interface ShareLinkErrorDetail {
  reason: ErrorReason;
  /** For developers: names the exact cause. Visitors see a translated message instead. */
  message: string;
}

export interface ShareLinkStartDetail {
  sessionToken: string;
  expiresAt: string;
  shareLink: ShareLink;
  persona: PublicPersona;
}

export interface ShareLinkToggleDetail {
  open: boolean;
}

/**
 * Why a conversation ended: the visitor (end button, or the page's `end()`), the engine (the
 * persona said goodbye, idle, time up), the element's removal from the page (or a new token), or
 * an error (followed by `share-link-error`).
 */
export type ShareLinkEndReason = 'visitor' | 'engine' | 'removed' | 'error';

export interface ShareLinkEndDetail {
  sessionToken: string;
  reason: ShareLinkEndReason;
}

/**
 * A complete turn of a conversation the element runs, where the engine gives text; `operator` is a
 * person from the site's team who took the conversation over (docs/conversations.md).
 */
export interface ShareLinkMessageDetail {
  role: 'visitor' | 'persona' | 'operator';
  text: string;
}

export interface ShareLinkEmbedEventMap {
  'share-link-ready': CustomEvent<ShareLinkReadyDetail>;
  'share-link-error': CustomEvent<ShareLinkErrorDetail>;
  'share-link-start': CustomEvent<ShareLinkStartDetail>;
  'share-link-toggle': CustomEvent<ShareLinkToggleDetail>;
  'share-link-end': CustomEvent<ShareLinkEndDetail>;
  'share-link-message': CustomEvent<ShareLinkMessageDetail>;
}

// The events bubble and are composed: listeners on any element, the document or the window see them.
// Interfaces, not type aliases: global event maps are extended by declaration merging.
/* eslint-disable @typescript-eslint/no-empty-object-type */
declare global {
  interface HTMLElementEventMap extends ShareLinkEmbedEventMap {}
  interface DocumentEventMap extends ShareLinkEmbedEventMap {}
  interface WindowEventMap extends ShareLinkEmbedEventMap {}
}
/* eslint-enable @typescript-eslint/no-empty-object-type */
