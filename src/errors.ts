/**
 * Every way a share link can fail to show or start (docs/element.md), shared by the
 * widget, its events and the API, in one table of what each means. What the visitor reads is
 * `errors[reason]` in each language's text (src/i18n/, a missing one is a type error); what the site
 * owner reads in the console names the exact cause where it is found (api.ts for the API's answers,
 * diagnostics.ts for the widget's own checks). A new reason is a line here, and its words.
 */
interface Handling {
  /** The HTTP status the API answers it with; the fetch layer reads the API's answers by it. */
  status?: number;
  /** The visitor is offered "Try again": the same request may well succeed later. */
  retry?: true;
}

const REASONS = {
  'invalid-token': { status: 400 },
  'not-found': { status: 404 },
  'origin-not-allowed': { status: 403 },
  disabled: { status: 403 },
  expired: { status: 410 },
  'usage-limit-reached': { status: 403 },
  // The widget's own: the API never refuses a LINK link's lookup for it.
  'not-embeddable': {},
  'rate-limited': { status: 429, retry: true },
  network: { retry: true },
  'bad-response': { retry: true },
  server: { status: 500, retry: true },
  'microphone-denied': { retry: true },
  'conversation-failed': { retry: true },
  // The link's protections (docs/security.md): the page must give a valid embed token; a proof of
  // work that failed (expired, used) is solved again on the next try.
  'signature-required': { status: 403 },
  'signature-invalid': { status: 403 },
  'challenge-failed': { status: 403, retry: true },
} as const satisfies Record<string, Handling>;

export type ErrorReason = keyof typeof REASONS;

export const ERROR_REASONS = Object.keys(REASONS) as readonly ErrorReason[];

const handling = (reason: ErrorReason): Handling => REASONS[reason];

export const isErrorReason = (value: unknown): value is ErrorReason =>
  typeof value === 'string' && Object.hasOwn(REASONS, value);

/** Whether the visitor is offered to try again after `reason`. */
export const isRetryable = (reason: ErrorReason): boolean => handling(reason).retry === true;

/**
 * The reason of an API refusal with `status`: the one the API names in its answer if the table
 * gives it that status, else the status's only reason, else `bad-response` (the API said something
 * the widget does not know).
 */
export function reasonOf(status: number, claimed: unknown): ErrorReason {
  if (isErrorReason(claimed) && handling(claimed).status === status) return claimed;
  const only = ERROR_REASONS.filter((reason) => handling(reason).status === status);
  return only.length === 1 ? only[0]! : 'bad-response';
}

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
