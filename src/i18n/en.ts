/**
 * English, built into the element: the only words on the critical path. Its error messages are a
 * lazy chunk of their own (en-errors.ts), fetched when an error is first shown; its conversation
 * words travel in the conversation chunk (en-conversation.ts).
 */
import type { UiText } from './text.js';

export const enUi: UiText = {
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
