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

/** English, built into the element: the only language on the critical path. */
export const en: Messages = {
  loading: 'Loading…',
  start: 'Start conversation',
  starting: 'Connecting…',
  end: 'End conversation',
  live: 'Live',
  close: 'Close',
  retry: 'Try again',
  talkTo: 'Talk to {name}',
  poweredBy: 'Powered by',
  errors: {
    'invalid-token': 'This embed is not set up correctly.',
    'not-found': 'This conversation link does not exist.',
    'origin-not-allowed': 'This conversation is not available on this website.',
    disabled: 'This conversation link has been turned off.',
    expired: 'This conversation link has expired.',
    'usage-limit-reached': 'This conversation link has reached its limit.',
    'rate-limited': 'Too many attempts from your network right now. Please wait a moment.',
    'not-embeddable': 'This conversation link cannot be embedded.',
    network: 'Could not connect. Check your connection.',
    'bad-response': 'Something went wrong loading this conversation.',
    server: 'The service is having trouble. Try again later.',
    'microphone-denied': 'The microphone is blocked. Allow it and try again.',
    'conversation-failed': 'The conversation stopped. Try again.',
  },
};
