/**
 * Every way a share link can fail to show or start (docs/element.md, "Error reasons"), shared by the
 * widget, its events and the API, in one table: what the widget does with each. What the visitor
 * reads is `errors[reason]` in each language's text (src/i18n/, a missing one is a type error); what
 * the site owner reads in the console names the exact cause where it is found (api.ts for the API's
 * answers, diagnostics.ts for the widget's own checks).
 */
interface Handling {
  /** The visitor is offered "Try again": the same request may well succeed later. */
  retry?: true;
}

const REASONS = {
  'invalid-token': {},
  'not-found': {},
  'origin-not-allowed': {},
  disabled: {},
  expired: {},
  'usage-limit-reached': {},
  'not-embeddable': {},
  'rate-limited': { retry: true },
  network: { retry: true },
  'bad-response': { retry: true },
  server: { retry: true },
  'microphone-denied': { retry: true },
  'conversation-failed': { retry: true },
} as const satisfies Record<string, Handling>;

export type ErrorReason = keyof typeof REASONS;

export const ERROR_REASONS = /* @__PURE__ */ Object.keys(REASONS) as readonly ErrorReason[];

export const isErrorReason = (value: unknown): value is ErrorReason =>
  typeof value === 'string' && Object.hasOwn(REASONS, value);

/** Whether the visitor is offered to try again after `reason`. */
export const isRetryable = (reason: ErrorReason): boolean => (REASONS[reason] as Handling).retry === true;

/** A failure with one of the reasons. `message` is for developers, not visitors. */
export class ShareLinkError extends Error {
  override name = 'ShareLinkError';
  constructor(
    readonly reason: ErrorReason,
    message: string,
    /** The HTTP status, when the failure came from a response. */
    readonly status?: number,
    /** How long the API asked to wait before trying again (`Retry-After`), in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export const isAbortError = (error: unknown): boolean => error instanceof DOMException && error.name === 'AbortError';
