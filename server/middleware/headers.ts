/**
 * Headers every answer carries, and CORS (docs/api.md, "Origin and CORS").
 *
 * Headers are set before the handler runs: changing an answer after it is built makes Hono
 * rebuild it as a stream, which takes @hono/node-server off its fast path (measured: about half
 * the lookups per second).
 */
import { Context, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

type CorsOptions = NonNullable<Parameters<typeof cors>[0]>;

/** `no-store`, `Vary: Origin`, `nosniff`, and CORP `cross-origin` so that COEP pages can embed the widget. */
export const baseHeaders: MiddlewareHandler = async (c, next) => {
  c.header('Cache-Control', 'no-store');
  c.header('Vary', 'Origin');
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Cross-Origin-Resource-Policy', 'cross-origin');
  await next();
};

/**
 * Hono's `cors`, with its headers in place before the handler runs (see the module comment):
 * run as it is, it appends `Vary: Origin` after the handler, to an answer already built. It is
 * run on a scratch context of the same request; what it sets is copied over (its `Vary: Origin`
 * replaces ours, so there is one), and a preflight is answered here.
 */
export function corsUpFront(options: CorsOptions): MiddlewareHandler {
  const middleware = cors(options);
  return async (c, next) => {
    const scratch = new Context(c.req.raw);
    const preflight = await middleware(scratch, async () => undefined);
    for (const [name, value] of scratch.res.headers) c.header(name, value);
    if (preflight) return c.body(null, 204);
    await next();
  };
}
