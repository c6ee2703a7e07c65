/**
 * Visitor-facing text. Every language must give every message: a missing one is a type error.
 * Site owners read developer messages in the console, in English; visitors read these.
 */
import type { ErrorReason } from '../errors.js';

export interface Messages {
  loading: string;
  start: string;
  starting: string;
  end: string;
  live: string;
  close: string;
  retry: string;
  /** Accessible name of the orb: `{name}` is the persona's name. */
  talkTo: string;
  poweredBy: string;
  errors: Record<ErrorReason, string>;
}

/** The messages every state but an error needs. */
export type UiMessages = Omit<Messages, 'errors'>;

/**
 * English, built into the element: the only language on the critical path. Its error messages are
 * a lazy chunk of their own (en-errors.ts), fetched when an error is first shown.
 */
export const enUi: UiMessages = {
  loading: 'Loading…',
  start: 'Start conversation',
  starting: 'Connecting…',
  end: 'End conversation',
  live: 'Live',
  close: 'Close',
  retry: 'Try again',
  talkTo: 'Talk to {name}',
  poweredBy: 'Powered by',
};
