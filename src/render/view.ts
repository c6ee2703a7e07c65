/** What the renderers draw: the element's whole visible state, as plain data. */
import type { TemplateResult } from 'lit';
import type { ErrorReason } from '../errors.js';
import type { Messages } from '../i18n/en.js';
import type { PublicPersona, ShareLink } from '../schema.js';

export type EmbedState = 'loading' | 'ready' | 'starting' | 'live' | 'error';
export type Variant = 'player' | 'orb';
export type Placement = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left';

export interface View {
  state: EmbedState;
  shareLink: ShareLink | null;
  persona: PublicPersona | null;
  error: { reason: ErrorReason; message: string } | null;
}

/** What the page and the visitor's device allow, and what the media did. */
export interface Presentation {
  messages: Messages;
  /** The idle video may load and play: on screen, no reduced motion, no Save-Data. */
  playIdleVideo: boolean;
  posterFailed: boolean;
  videoFailed: boolean;
  /** A live stream is attached (see `attachMediaStream`). */
  stream: MediaStream | null;
  /** The controls of a conversation the element runs (the lazy conversation chunk draws them). */
  conversation?: TemplateResult | null;
}

export interface Actions {
  start: () => void;
  end: () => void;
  retry: () => void;
  posterFailed: () => void;
  videoFailed: () => void;
}

export interface OrbPresentation extends Presentation {
  open: boolean;
  /** The panel (and so the avatar's media) is drawn only once it has been opened. */
  everOpened: boolean;
}

export interface OrbActions extends Actions {
  toggle: () => void;
  close: () => void;
}

/** A `LINK` link is a player only on its share page (`sharePage`), where it is opened directly. */
export const variantOf = (link: ShareLink | null, sharePage = false): Variant | null =>
  link?.type === 'ORB_EMBED'
    ? 'orb'
    : link?.type === 'PLAYER_EMBED' || (sharePage && link?.type === 'LINK')
      ? 'player'
      : null;
