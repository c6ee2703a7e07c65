/**
 * When the request being served began, so that everything it waits for shares one deadline: a
 * request that asks the database three times (two abuse limits, then the link) answers within the
 * store's deadline in all, not within three of them (docs/api.md, "Stores").
 *
 * Carried by an AsyncLocalStorage, because the waits it bounds happen where no request is passed:
 * inside rate-limiter-flexible's queries, say.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { MiddlewareHandler } from 'hono';

const began = new AsyncLocalStorage<number>();

/** Marks the start of each request (the app's first middleware). */
export const markRequestStart: MiddlewareHandler = (_c, next) => began.run(performance.now(), next);

/** How long the current request has run, in ms; `0` outside one (start-up, background work). */
export function requestElapsedMs(): number {
  const start = began.getStore();
  return start === undefined ? 0 : performance.now() - start;
}

/** Runs `work` outside any request's time: what must finish whatever the request used (a use given back, say). */
export const outsideRequestTime = <T>(work: () => T): T => began.exit(work);
