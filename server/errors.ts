/**
 * Every error the API answers (docs/api.md, "Errors"): one table of reasons, each with its status,
 * its public `error` code and its message, and one function that builds every error body,
 * `{ error, message[, field] }`. The widget reads `error` (src/errors.ts); people read `message`.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { StoreUnavailableError, reportStoreFailure } from './store/index.ts';

interface Problem {
  status: ContentfulStatusCode;
  /** The public code; the reason itself when absent. */
  error?: string;
  message: string;
}

const SERVER_FAILED = 'The server failed; try again later.';

const PROBLEMS = {
  // A link that cannot be used, and why: the widget shows each as its own translated state.
  'invalid-token': {
    status: 400,
    message: 'The token is not a share-link token (sh_ then 8 to 64 letters or digits).',
  },
  'not-found': { status: 404, message: 'No share link has this token.' },
  'origin-not-allowed': { status: 403, message: 'This share link may not be embedded on this origin.' },
  disabled: { status: 403, message: 'This share link is disabled.' },
  'usage-limit-reached': { status: 403, message: 'This share link has reached its usage limit.' },
  expired: { status: 410, message: 'This share link has expired.' },
  'rate-limited': { status: 429, message: 'Too many requests from this address; try again later.' },
  // The server's side.
  server: { status: 500, message: SERVER_FAILED },
  'store-unavailable': { status: 503, error: 'server', message: SERVER_FAILED },
  'engine-failed': {
    status: 502,
    error: 'server',
    message: 'The conversation service did not answer; nothing was counted. Try again later.',
  },
  // Management.
  unauthorized: { status: 401, message: 'A valid "Authorization: Bearer <key>" header is required.' },
  'invalid-request': { status: 400, message: 'The request is invalid.' },
  'body-too-large': { status: 413, error: 'invalid-request', message: 'The body is larger than 64 KiB.' },
  'unknown-link': { status: 404, error: 'not-found', message: 'No share link has this id.' },
  'unknown-persona': { status: 404, error: 'not-found', message: 'No persona has this id.' },
  'no-poster': { status: 404, error: 'not-found', message: "This share link's persona has no poster image." },
  'no-endpoint': { status: 404, error: 'not-found', message: 'No such endpoint.' },
} as const satisfies Record<string, Problem>;

export type ProblemReason = keyof typeof PROBLEMS;

export interface ProblemDetail {
  /** Instead of the table's message, when the request's own words say it better. */
  message?: string;
  /** The field or parameter that is wrong. */
  field?: string;
}

/** The one error answer: `{ error, message[, field] }` with the reason's status. */
export function problem(c: Context, reason: ProblemReason, { message, field }: ProblemDetail = {}): Response {
  const entry: Problem = PROBLEMS[reason];
  const body = { error: entry.error ?? reason, message: message ?? entry.message, ...(field && { field }) };
  return c.json(body, entry.status);
}

/** `429 rate-limited` with `Retry-After`, which a cross-origin page can read only when it is exposed. */
export function rateLimited(c: Context, retryAfterSeconds: number): Response {
  c.header('Retry-After', String(retryAfterSeconds));
  c.header('Access-Control-Expose-Headers', 'Retry-After');
  return problem(c, 'rate-limited', {
    message: `Too many requests from this address; try again in ${retryAfterSeconds} s.`,
  });
}

/** `400 invalid-request` naming the field: `"field: what is wrong"`. */
export function invalidField(c: Context, field: string, message: string): Response {
  return problem(c, 'invalid-request', { field, message: `${field}: ${message}` });
}

/** For `app.onError`: what was thrown, as an error body. */
export const answerError: ErrorHandler = (error, c) => {
  // Nothing was changed or counted: the store could not make it durable, or the database is away.
  if (error instanceof StoreUnavailableError) {
    reportStoreFailure(error);
    return problem(c, 'store-unavailable');
  }
  // Middleware that answers by throwing (bearerAuth) built its answer with `problem`.
  if (error instanceof HTTPException) return error.getResponse();
  console.error('[share-link-api]', error);
  return problem(c, 'server');
};

/** For `app.notFound`. */
export const noEndpoint: NotFoundHandler = (c) =>
  problem(c, 'no-endpoint', { message: `No endpoint ${c.req.method} ${c.req.path}.` });
