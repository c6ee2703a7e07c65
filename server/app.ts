/**
 * The reference API (contract §4) as a Hono app: web-standard Request/Response, so the same app
 * runs under Node (see `cli.ts`), inside Vite's dev server (see `vite.config.ts`), or at the edge.
 *
 * The server enforces every rule itself; the widget's own checks are a courtesy to visitors.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { serveStatic } from '@hono/node-server/serve-static';
import * as v from 'valibot';
import { checkShareLink } from '../src/policy.ts';
import { describeIssue, isValidToken, type PublicPersona } from '../src/schema.ts';
import type { ErrorReason } from '../src/errors.ts';
import {
  CreateShareLinkSchema,
  ListQuerySchema,
  UpdateShareLinkSchema,
  isPublicSuffix,
  isUuid,
  type StoredPersona,
} from './schemas.ts';
import { StoreUnavailableError, reportStoreFailure, type ShareLinkStore } from './store.ts';

export { FIXTURES_DIR } from './paths.ts';

export interface AppOptions {
  store: ShareLinkStore;
  /** The management API's bearer key; without one, management endpoints answer 401. */
  apiKey?: string | undefined;
  /** The server's clock; injectable so tests can pin time. */
  now?: () => number;
  /** A folder whose `media/` subfolder is served at `/media/` (the demo's avatars). */
  staticRoot?: string | undefined;
  /**
   * The built bundles' folder (`dist/`), served at `/share-link-embed.js` and `.iife.js`, so the
   * widget's default api-base (the origin it was loaded from) is this API, as in production.
   */
  bundleDir?: string | undefined;
}

const BUNDLES = /^\/share-link-embed(\.iife)?\.js(\.map)?$/;

export const SESSION_LIFETIME_MS = 15 * 60 * 1000;

const STATUS_OF: Record<Exclude<ErrorReason, 'not-embeddable' | 'network' | 'bad-response'>, 400 | 403 | 404 | 410 | 500> = {
  'invalid-token': 400,
  'not-found': 404,
  'origin-not-allowed': 403,
  disabled: 403,
  'usage-limit-reached': 403,
  expired: 410,
  server: 500,
};

const MESSAGES: Record<keyof typeof STATUS_OF, string> = {
  'invalid-token': 'The token is not a share-link token (sh_ then 8 to 64 letters or digits).',
  'not-found': 'No share link has this token.',
  'origin-not-allowed': 'This share link may not be embedded on this origin.',
  disabled: 'This share link is disabled.',
  'usage-limit-reached': 'This share link has reached its usage limit.',
  expired: 'This share link has expired.',
  server: 'The server failed; try again later.',
};

/**
 * Only what a visitor's browser may see of a persona: never its brain, voice, tools or knowledge.
 * Media paths stored as `/media/...` become absolute URLs on the origin the request came to.
 */
export function publicPersona(persona: StoredPersona, requestUrl: string): PublicPersona {
  const { id, name, description, avatar } = persona;
  const absolute = (url: string | null) => (url === null ? null : new URL(url, requestUrl).href);
  return {
    id,
    name,
    description,
    avatar: { id: avatar.id, displayName: avatar.displayName, imageUrl: absolute(avatar.imageUrl), videoUrl: absolute(avatar.videoUrl) },
  };
}

/** The page origin: the `Origin` header, else the origin of `Referer`, else none. */
export function pageOrigin(c: Context): string | null {
  const origin = c.req.header('origin');
  if (origin !== undefined) return origin;
  const referer = c.req.header('referer');
  if (!referer) return null;
  try {
    return new URL(referer).origin;
  } catch {
    return null;
  }
}

export function createApp({ store, apiKey, now = Date.now, staticRoot, bundleDir }: AppOptions) {
  const app = new Hono();

  // Headers are set before the handler runs: changing a response after it is built would take
  // @hono/node-server off its fast path (measured: about half the requests per second).
  app.use('*', async (c, next) => {
    const isAsset = c.req.path.startsWith('/media/') || BUNDLES.test(c.req.path);
    c.header('Cache-Control', isAsset ? 'public, max-age=300' : 'no-store');
    c.header('Vary', 'Origin');
    c.header('X-Content-Type-Options', 'nosniff');
    await next();
    if (isAsset && !c.res.ok) c.header('Cache-Control', 'no-store');
  });

  app.onError((error, c) => {
    // Nothing was changed or counted: the store could not make it durable, or the database is away.
    if (error instanceof StoreUnavailableError) {
      reportStoreFailure(error);
      return c.json({ error: 'server', message: MESSAGES.server }, 503);
    }
    console.error('[share-link-api]', error);
    return c.json({ error: 'server', message: MESSAGES.server }, 500);
  });
  app.notFound((c) => c.json({ error: 'not-found', message: `No endpoint ${c.req.method} ${c.req.path}.` }, 404));

  if (staticRoot) app.use('/media/*', serveStatic({ root: staticRoot }));
  if (bundleDir) {
    const serveBundle = serveStatic({ root: bundleDir });
    app.use('/:file{share-link-embed.+}', async (c, next) => {
      if (!BUNDLES.test(c.req.path)) return next();
      // Module scripts load cross-origin in CORS mode; a public script needs no credentials.
      c.header('Access-Control-Allow-Origin', '*');
      return serveBundle(c, next);
    });
  }

  // ---- Public: no credentials, CORS for any page (the policy decides who gets a link) ----------

  const publicError = (c: Context, reason: keyof typeof STATUS_OF) => c.json({ error: reason, message: MESSAGES[reason] }, STATUS_OF[reason]);

  app.use('/v1/embed/*', async (c, next) => {
    // Echoed on success (the policy has allowed the origin) and on errors, so the widget can read
    // why it was refused. Never with credentials.
    const origin = c.req.header('origin');
    if (origin) c.header('Access-Control-Allow-Origin', origin);
    if (c.req.method === 'OPTIONS') {
      c.header('Access-Control-Allow-Methods', 'GET, POST');
      c.header('Access-Control-Allow-Headers', 'Accept, Content-Type');
      c.header('Access-Control-Max-Age', '600');
      return c.body(null, 204);
    }
    await next();
  });

  app.get('/v1/embed/:token', async (c) => {
    const token = c.req.param('token');
    if (!isValidToken(token)) return publicError(c, 'invalid-token');
    const found = await store.resolve(token);
    if (!found) return publicError(c, 'not-found');
    const { link, persona } = found;
    const time = now();
    const refusal = checkShareLink(link, { origin: pageOrigin(c), now: time, isPublicSuffix });
    // Only the widget refuses LINK links: the same lookup serves the hosted share page.
    if (refusal && refusal !== 'not-embeddable') return publicError(c, refusal);
    if (!persona) return publicError(c, 'not-found');
    return c.json({ shareLink: link, persona: publicPersona(persona, c.req.url), serverTime: new Date(time).toISOString() });
  });

  app.post('/v1/embed/:token/sessions', async (c) => {
    const token = c.req.param('token');
    if (!isValidToken(token)) return publicError(c, 'invalid-token');
    const time = now();
    const grant = await store.startSession(token, pageOrigin(c), time, async () => null);
    if (!grant.ok) return publicError(c, grant.reason);
    const sessionToken = `st_${randomBytes(24).toString('base64url')}`;
    return c.json({ sessionToken, expiresAt: new Date(time + SESSION_LIFETIME_MS).toISOString(), usageCount: grant.usageCount }, 201);
  });

  // ---- Management: bearer key, same-origin only (no CORS headers) --------------------------------

  const expectedKey = apiKey ? Buffer.from(`Bearer ${apiKey}`) : null;
  const management = new Hono();
  const managementPaths = ['/share-links', '/share-links/*', '/personas/*'];

  const requireKey: MiddlewareHandler = async (c, next) => {
    const given = Buffer.from(c.req.header('authorization') ?? '');
    if (!expectedKey || given.length !== expectedKey.length || !timingSafeEqual(given, expectedKey)) {
      return c.json({ error: 'unauthorized', message: 'A valid "Authorization: Bearer <key>" header is required.' }, 401);
    }
    await next();
  };
  const limitBody = bodyLimit({
    maxSize: 64 * 1024,
    onError: (c) => c.json({ error: 'invalid-request', field: 'body', message: 'The body is larger than 64 KiB.' }, 413),
  });
  for (const path of managementPaths) management.use(path, requireKey, limitBody);

  const invalid = (c: Context, field: string, message: string) => c.json({ error: 'invalid-request', field, message: `${field}: ${message}` }, 400);
  const validationError = (c: Context, issues: readonly v.BaseIssue<unknown>[]) => {
    const path = issues[0]?.path?.map((item) => String(item.key)).join('.') || 'body';
    return c.json({ error: 'invalid-request', field: path, message: describeIssue(issues) }, 400);
  };
  /** A write body: a JSON object, or `null` (answered with a 400 naming `body`). */
  const readJsonObject = async (c: Context): Promise<object | null> => {
    try {
      const value: unknown = await c.req.json();
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : null;
    } catch {
      return null;
    }
  };
  const linkNotFound = (c: Context) => c.json({ error: 'not-found', message: 'No share link has this id.' }, 404);

  management.get('/share-links', async (c) => {
    const query = v.safeParse(ListQuerySchema, c.req.query());
    if (!query.success) return validationError(c, query.issues);
    return c.json(await store.list(query.output));
  });

  management.get('/share-links/:id', async (c) => {
    const id = c.req.param('id');
    if (!isUuid(id)) return invalid(c, 'id', 'must be a UUID');
    const link = await store.linkById(id);
    return link ? c.json(link) : linkNotFound(c);
  });

  management.post('/share-links', async (c) => {
    const body = await readJsonObject(c);
    if (!body) return invalid(c, 'body', 'must be a JSON object');
    const input = v.safeParse(CreateShareLinkSchema, body);
    if (!input.success) return validationError(c, input.issues);
    const link = await store.create(input.output, now());
    return link ? c.json(link, 201) : invalid(c, 'personaId', 'names no persona');
  });

  management.patch('/share-links/:id', async (c) => {
    const id = c.req.param('id');
    if (!isUuid(id)) return invalid(c, 'id', 'must be a UUID');
    const body = await readJsonObject(c);
    if (!body) return invalid(c, 'body', 'must be a JSON object');
    const changes = v.safeParse(UpdateShareLinkSchema, body);
    if (!changes.success) return validationError(c, changes.issues);
    const link = await store.update(id, changes.output);
    return link ? c.json(link) : linkNotFound(c);
  });

  management.delete('/share-links/:id', async (c) => {
    const id = c.req.param('id');
    if (!isUuid(id)) return invalid(c, 'id', 'must be a UUID');
    return (await store.remove(id)) ? c.body(null, 204) : linkNotFound(c);
  });

  management.get('/personas/:id', async (c) => {
    const id = c.req.param('id');
    if (!isUuid(id)) return invalid(c, 'id', 'must be a UUID');
    const persona = await store.persona(id);
    return persona ? c.json(persona) : c.json({ error: 'not-found', message: 'No persona has this id.' }, 404);
  });

  app.route('/v1', management);
  return app;
}
