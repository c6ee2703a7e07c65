/**
 * Request validation: Hono's validator, through @hono/valibot-validator, with the app's valibot
 * schemas (server/schemas.ts). Every failure is one error body naming the first wrong field
 * (server/errors.ts). The valibot adapter rather than @hono/standard-validator: its hook gets
 * valibot's own issues, the ones `describeIssue` reads for every other message of the API.
 */
import { vValidator } from '@hono/valibot-validator';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as v from 'valibot';
import { invalidField, problem } from '../errors.ts';
import { describeIssue } from '../public-schemas.ts';
import { isUuid } from '../schemas.ts';

/** `target` (`param`, `query` or `json`) checked against `schema`; `c.req.valid(target)` is its output. */
export const valid = <Target extends 'param' | 'query' | 'json', Schema extends v.GenericSchema>(
  target: Target,
  schema: Schema,
) =>
  vValidator(target, schema, (result, c) => {
    if (result.success) return;
    const field = result.issues[0]?.path?.map((item) => String(item.key)).join('.') || 'body';
    return problem(c, 'invalid-request', { field, message: describeIssue(result.issues) });
  });

/** `/{id}` where the id is a UUID. */
export const validId = valid('param', v.object({ id: v.pipe(v.string(), v.check(isUuid, 'must be a UUID')) }));

/** A write's body: at most 64 KiB (`413`). */
export const limitBody = bodyLimit({
  maxSize: 64 * 1024,
  onError: (c) => problem(c, 'body-too-large', { field: 'body' }),
});

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;

/**
 * A write's body must be a JSON object, sent as JSON (what Hono's validator reads; it would take
 * any other body as `{}`). Otherwise `400` naming `body`.
 */
export const jsonObjectBody: MiddlewareHandler = async (c, next) => {
  const type = c.req.header('content-type')?.split(';')[0]?.trim() ?? '';
  if (!JSON_TYPE.test(type)) return invalidField(c, 'body', 'must be JSON (Content-Type: application/json)');
  const body: unknown = await c.req.json().catch(() => undefined);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return invalidField(c, 'body', 'must be a JSON object');
  await next();
};
