/** Every way a share link can fail to show (contract §2), shared by the widget, its events and the API. */
export const ERROR_REASONS = [
  'invalid-token',
  'not-found',
  'origin-not-allowed',
  'disabled',
  'expired',
  'usage-limit-reached',
  'not-embeddable',
  'rate-limited',
  'network',
  'bad-response',
  'server',
  'microphone-denied',
  'conversation-failed',
] as const;

export type ErrorReason = (typeof ERROR_REASONS)[number];

export const isErrorReason = (value: unknown): value is ErrorReason =>
  (ERROR_REASONS as readonly unknown[]).includes(value);

/** A failure with one of the contract's reasons. `message` is for developers, not visitors. */
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
