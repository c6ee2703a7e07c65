/**
 * What the renderers draw: the element's whole visible state, as plain data, and the one function
 * that turns a view into the next.
 */
import type { TemplateResult } from 'lit';
import type { ErrorReason } from '../errors.js';
import type { Messages } from '../i18n/text.js';
import type { PublicPersona, ShareLink } from '../schema.js';

export type EmbedState = 'loading' | 'ready' | 'starting' | 'live' | 'error';
export type Variant = 'player' | 'orb';
export type Placement = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left';

/** Why the link cannot be shown or started: `message` is for the site owner's console. */
export interface EmbedError {
  reason: ErrorReason;
  message: string;
}

interface NoLink {
  shareLink: null;
  persona: null;
}
interface Link {
  shareLink: ShareLink;
  persona: PublicPersona;
}

export type LoadingView = { state: 'loading'; error: null } & NoLink;
/** Ready, or starting a session. */
export type ShownView = { state: 'ready' | 'starting'; error: null } & Link;
export type LiveView = { state: 'live'; error: null; sessionToken: string } & Link;
/** An error keeps the link it was judging, if there was one. */
export type ErrorView = { state: 'error'; error: EmbedError } & (Link | NoLink);

/**
 * Where the element is, each state with exactly what it has: a link once one is found, a session
 * only while live. Made only by `nextView`.
 */
export type View = LoadingView | ShownView | LiveView | ErrorView;

/** What happened, as the element tells `nextView`. */
export type ViewChange =
  | { type: 'load' }
  | ({ type: 'found' } & Link)
  | { type: 'start' }
  | { type: 'started'; shareLink: ShareLink; sessionToken: string }
  | { type: 'stop' }
  | { type: 'fail'; error: EmbedError };

export const LOADING: View = { state: 'loading', shareLink: null, persona: null, error: null };

const shown = ({ shareLink, persona }: Link, state: ShownView['state'] = 'ready'): ShownView => ({
  state,
  shareLink,
  persona,
  error: null,
});

/**
 * The next view: a new load, a link found, a start (only from ready), a session granted (only
 * while starting), a start called off or a conversation over (back to ready), a failure (which
 * keeps the link, not the session). A change that does not apply to the view leaves it as it is.
 */
export function nextView(view: View, change: ViewChange): View {
  const { state } = view;
  switch (change.type) {
    case 'load':
      return LOADING;
    case 'found':
      return shown(change);
    case 'start':
      return state === 'ready' ? shown(view, 'starting') : view;
    case 'started':
      return state === 'starting'
        ? { ...view, state: 'live', shareLink: change.shareLink, sessionToken: change.sessionToken }
        : view;
    case 'stop':
      return state === 'starting' || state === 'live' ? shown(view) : view;
    case 'fail':
      return { ...(state === 'live' ? shown(view) : view), state: 'error', error: change.error };
  }
}

/** What the page and the visitor's device allow, and what the media did. */
export interface Presentation {
  messages: Messages;
  /** The idle video may load and play: on screen, no reduced motion, no Save-Data. */
  playIdleVideo: boolean;
  posterFailed: boolean;
  videoFailed: boolean;
  /** The page has its own poster (`<img slot="poster">`) for this link: drawn in the `poster` slot. */
  pagePoster: boolean;
  /** A live stream is attached (see `attachMediaStream`). */
  stream: MediaStream | null;
  /** The controls of a conversation the element runs (the lazy conversation chunk draws them). */
  conversation?: TemplateResult | null;
  /** A player's poster URL, requested beside the link (docs/delivery.md); else the avatar's image is shown. */
  poster?: string | undefined;
}

export interface Actions {
  start: () => void;
  /** The visitor shows intent to start: pointer over or focus on the start button, an orb opening. */
  intent: () => void;
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
