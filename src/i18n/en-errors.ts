/** English error messages for visitors: a lazy chunk, loaded when the element first shows an error. */
import type { LanguageText } from './text.js';

const english: Pick<LanguageText, 'errors'> = {
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
    'signature-required': 'This conversation is not available here.',
    'signature-invalid': 'This conversation link has expired on this page. Reload the page to try again.',
    'challenge-failed': 'We could not check your browser. Try again.',
  },
};

export default english;
