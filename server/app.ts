/**
 * The reference API (contract §4) as a Hono app: web-standard Request/Response, so the same app
 * runs under Node (see `cli.ts`), inside Vite's dev server (see `vite.config.ts`), or at the edge.
 *
 * The server enforces every rule itself; the widget's own checks are a courtesy to visitors.
 */
import { timingSafeEqual } from 'node:crypto';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { serveStatic } from '@hono/node-server/serve-static';
import * as v from 'valibot';
import { checkShareLink } from '../src/policy.ts';
import { isValidToken, type PublicPersona } from '../src/schema.ts';
import { SessionResponseSchema, describeIssue } from './public-schemas.ts';
import type { ErrorReason } from '../src/errors.ts';
import {
  CreateShareLinkSchema,
  ListQuerySchema,
  UpdatePersonaSchema,
  UpdateShareLinkSchema,
  isPublicSuffix,
  isUuid,
  type StoredPersona,
} from './schemas.ts';
import { clientAddress, limitKeyOf } from './client-address.ts';
import { EngineError, NO_ENGINE_KEYS, mintEngine, type EngineConfig } from './engines.ts';
import { createAbuseLimiter, type AbuseLimiter, type LimitDecision } from './limits.ts';
import { absoluteMediaUrl, publicShareLink } from './public-shape.ts';
import { generateSessionSecret, mintSessionToken } from './session-token.ts';
import { isFromOwnPage, shareUrlFor, sharePages } from './share-page.ts';
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
  /**
   * Abuse limits per client (contract §4); default: `createAbuseLimiter()`, counted in memory.
   * `false` turns them off, for benchmarks and load tests only.
   */
  limits?: AbuseLimiter | false;
  /** Count clients by the last `X-Forwarded-For` entry (one trusted proxy in front), not the socket. */
  trustProxy?: boolean;
  /**
   * The API's public base URL (`https://api.example.com`), for the absolute media URLs, share-page
   * URLs and the scripted engine's WebSocket URL it hands out. Default: the address the connection
   * arrived on. Never the request's `Host` header, which the client writes.
   */
  publicUrl?: string | undefined;
  /** The HMAC key session tokens are signed with (see server/session-token.ts); default: a random one. */
  sessionSecret?: string | Uint8Array | undefined;
  /** Vendor URLs and keys for conversation engines (see `engineConfigFromEnv`); default: no keys. */
  engines?: EngineConfig | undefined;
}

const BUNDLES = /^\/share-link-embed(\.iife|-[\w-]+)?\.js(\.map)?$/;

export const SESSION_LIFETIME_MS = 15 * 60 * 1000;

const STATUS_OF: Record<
  Exclude<ErrorReason, 'not-embeddable' | 'network' | 'bad-response' | 'microphone-denied' | 'conversation-failed'>,
  400 | 403 | 404 | 410 | 429 | 500
> = {
  'invalid-token': 400,
  'not-found': 404,
  'origin-not-allowed': 403,
  disabled: 403,
  'usage-limit-reached': 403,
  expired: 410,
  'rate-limited': 429,
  server: 500,
};

const REASON_MESSAGES: Record<keyof typeof STATUS_OF, string> = {
  'invalid-token': 'The token is not a share-link token (sh_ then 8 to 64 letters or digits).',
  'not-found': 'No share link has this token.',
  'origin-not-allowed': 'This share link may not be embedded on this origin.',
  disabled: 'This share link is disabled.',
  'usage-limit-reached': 'This share link has reached its usage limit.',
  expired: 'This share link has expired.',
  'rate-limited': 'Too many requests from this address; try again later.',
  server: 'The server failed; try again later.',
};

const MESSAGES = {
  ...REASON_MESSAGES,
  engine: 'The conversation service did not answer; nothing was counted. Try again later.',
};

/**
 * Only what a visitor's browser may see of a persona: never its brain, voice, tools or knowledge.
 * Media paths stored as `/media/...` become absolute URLs on `publicUrl` (or `null` without one).
 */
export function publicPersona(persona: StoredPersona, publicUrl: string | null): PublicPersona {
  const { id, name, description, avatar } = persona;
  const absolute = (url: string | null) =>
    publicUrl === null && url !== null && !/^https?:/i.test(url) ? null : absoluteMediaUrl(url, publicUrl ?? '');
  return {
    id,
    name,
    description,
    avatar: {
      id: avatar.id,
      displayName: avatar.displayName,
      imageUrl: absolute(avatar.imageUrl),
      videoUrl: absolute(avatar.videoUrl),
    },
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

/** The origin a connection arrived on (`http://127.0.0.1:8787`), from the socket, not from `Host`. */
function localOrigin(c: Context): string | null {
  const socket = (c.env as { incoming?: { socket?: { localAddress?: string; localPort?: number } } } | undefined)
    ?.incoming?.socket;
  if (!socket?.localAddress || !socket.localPort) return null;
  const address = socket.localAddress.replace(/^::ffff:(?=\d+\.)/i, '');
  return `http://${address.includes(':') ? `[${address}]` : address}:${socket.localPort}`;
}

export function createApp({
  store,
  apiKey,
  now = Date.now,
  staticRoot,
  bundleDir,
  limits,
  trustProxy = false,
  publicUrl,
  sessionSecret,
  engines = NO_ENGINE_KEYS,
}: AppOptions) {
  const app = new Hono();
  const limiter = limits === false ? null : (limits ?? createAbuseLimiter());
  const secret = sessionSecret ?? generateSessionSecret();
  const configuredOrigin = publicUrl ? new URL(publicUrl).origin : null;
  const mediaBase = (c: Context) => publicUrl ?? localOrigin(c);
  /**
   * The origin URLs handed out are built on: `publicUrl`, else the socket's own address. Only where
   * the runtime gives no socket (not Node) the request URL, as the last resort.
   */
  const publicOrigin = (c: Context) => configuredOrigin ?? localOrigin(c) ?? new URL(c.req.url).origin;
  /** Management answers give each link its share page's URL; embed links have none (their page is a 404). */
  const managed = <T extends { type: string; token: string }>(c: Context, link: T) => ({
    ...link,
    shareUrl: link.type === 'LINK' ? shareUrlFor(publicOrigin(c), link.token) : null,
  });

  // Headers are set before the handler runs: changing a response after it is built would take
  // @hono/node-server off its fast path (measured: about half the requests per second).
  app.use('*', async (c, next) => {
    const isAsset = c.req.path.startsWith('/media/') || BUNDLES.test(c.req.path);
    c.header('Cache-Control', isAsset ? 'public, max-age=300' : 'no-store');
    c.header('Vary', 'Origin');
    c.header('X-Content-Type-Options', 'nosniff');
    // Pages with cross-origin isolation (COEP require-corp) may load the bundles, media and answers.
    c.header('Cross-Origin-Resource-Policy', 'cross-origin');
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

  const publicError = (c: Context, reason: keyof typeof STATUS_OF) =>
    c.json({ error: reason, message: MESSAGES[reason] }, STATUS_OF[reason]);

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

  // ---- Abuse limits: decided before any work, per client address (never per Origin) ------------

  const rateLimited = (c: Context, retryAfterSeconds: number) => {
    c.header('Retry-After', String(retryAfterSeconds));
    // A cross-origin page can read Retry-After only when it is exposed.
    c.header('Access-Control-Expose-Headers', 'Retry-After');
    return c.json(
      { error: 'rate-limited', message: `Too many requests from this address; try again in ${retryAfterSeconds} s.` },
      429,
    );
  };
  /** A limiter that fails (its store is down) lets the request through: the store will refuse it if it must. */
  const decide = async (decision: () => Promise<LimitDecision>): Promise<LimitDecision> => {
    try {
      return await decision();
    } catch (error) {
      console.error('[share-link-api] abuse limiter failed; request allowed:', error);
      return { allowed: true };
    }
  };
  const clientOf = (c: Context) => limitKeyOf(clientAddress(c, trustProxy));
  const limitLookups: MiddlewareHandler = async (c, next) => {
    if (!limiter || c.req.method === 'OPTIONS') return next();
    const client = clientOf(c);
    const lookup = await decide(() => limiter.lookup(client));
    if (!lookup.allowed) return rateLimited(c, lookup.retryAfterSeconds);
    if (c.req.method === 'POST' && c.req.path.endsWith('/sessions')) {
      const start = await decide(() => limiter.sessionStart(client, c.req.param('token') ?? ''));
      if (!start.allowed) return rateLimited(c, start.retryAfterSeconds);
    }
    await next();
  };
  app.use('/v1/embed/:token', limitLookups);
  app.use('/v1/embed/:token/sessions', limitLookups);
  // A share page is a lookup too: the same per-client budget.
  app.use('/s/:token', limitLookups);

  app.get('/v1/embed/:token', async (c) => {
    const token = c.req.param('token');
    if (!isValidToken(token)) return publicError(c, 'invalid-token');
    const found = await store.resolve(token);
    if (!found) return publicError(c, 'not-found');
    const { link, persona } = found;
    const time = now();
    const refusal = checkShareLink(link, {
      origin: pageOrigin(c),
      now: time,
      isPublicSuffix,
      ...(isFromOwnPage(c) && { embedding: false }),
    });
    // Only the widget refuses LINK links: the same lookup serves the hosted share page.
    if (refusal && refusal !== 'not-embeddable') return publicError(c, refusal);
    if (!persona) return publicError(c, 'not-found');
    return c.json({
      shareLink: publicShareLink(link),
      persona: publicPersona(persona, mediaBase(c)),
      serverTime: new Date(time).toISOString(),
    });
  });

  app.post('/v1/embed/:token/sessions', async (c) => {
    const token = c.req.param('token');
    if (!isValidToken(token)) return publicError(c, 'invalid-token');
    const origin = pageOrigin(c);
    const time = now();
    try {
      // The use is counted first; the session token (which the scripted engine's URL carries) and
      // the engine are minted inside the store's step, so an upstream failure gives the use back.
      const grant = await store.startSession(
        token,
        origin,
        time,
        async (link, persona) => {
          const session = mintSessionToken(
            { linkId: link.id, personaId: link.personaId, origin, now: time, lifetimeMs: SESSION_LIFETIME_MS },
            secret,
          );
          const engine = persona
            ? await mintEngine(persona, {
                config: engines,
                sessionToken: session.sessionToken,
                publicOrigin: publicOrigin(c),
                now: time,
              })
            : null;
          // The answer is checked against the schema the widget validates it with: a use is never
          // counted for an answer the widget would refuse (src/engine-schema.ts).
          const checked = v.safeParse(SessionResponseSchema, { ...session, usageCount: link.usageCount, engine });
          if (!checked.success && engine)
            throw new EngineError(
              engine.kind,
              `the answer does not pass the widget's schema (${describeIssue(checked.issues)})`,
            );
          return { ...session, engine };
        },
        { sharePage: isFromOwnPage(c) },
      );
      if (!grant.ok) return publicError(c, grant.reason);
      const { sessionToken, expiresAt, engine } = grant.minted;
      return c.json({ sessionToken, expiresAt, usageCount: grant.usageCount, engine }, 201);
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      console.error(`[share-link-api] session for ${token} not granted, nothing counted: ${error.message}`);
      return c.json({ error: 'server', message: MESSAGES.engine }, 502);
    }
  });

  // ---- Share pages: a LINK link opened directly (see share-page.ts) ----------------------------

  app.route(
    '/',
    sharePages({
      lookup: async (token) => {
        const found = await store.resolve(token);
        return found && { link: found.link, persona: found.persona };
      },
      now,
      publicOrigin,
      mediaUrls: (persona, c) => {
        const { imageUrl, videoUrl } = publicPersona(persona, mediaBase(c)).avatar;
        return [imageUrl, videoUrl];
      },
    }),
  );

  // ---- Management: bearer key, same-origin only (no CORS headers) --------------------------------

  const expectedKey = apiKey ? Buffer.from(`Bearer ${apiKey}`) : null;
  const management = new Hono();
  const managementPaths = ['/share-links', '/share-links/*', '/personas/*'];

  const requireKey: MiddlewareHandler = async (c, next) => {
    // A client that has used its failed attempts is refused before its key is even looked at.
    const client = clientOf(c);
    const allowed = limiter ? await decide(() => limiter.managementAllowed(client)) : null;
    if (allowed && !allowed.allowed) return rateLimited(c, allowed.retryAfterSeconds);
    const given = Buffer.from(c.req.header('authorization') ?? '');
    if (!expectedKey || given.length !== expectedKey.length || !timingSafeEqual(given, expectedKey)) {
      const failure = limiter ? await decide(() => limiter.managementFailed(client)) : null;
      if (failure && !failure.allowed) return rateLimited(c, failure.retryAfterSeconds);
      return c.json(
        { error: 'unauthorized', message: 'A valid "Authorization: Bearer <key>" header is required.' },
        401,
      );
    }
    await next();
  };
  const limitBody = bodyLimit({
    maxSize: 64 * 1024,
    onError: (c) =>
      c.json({ error: 'invalid-request', field: 'body', message: 'The body is larger than 64 KiB.' }, 413),
  });
  for (const path of managementPaths) management.use(path, requireKey, limitBody);

  const invalid = (c: Context, field: string, message: string) =>
    c.json({ error: 'invalid-request', field, message: `${field}: ${message}` }, 400);
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
    const { data, meta } = await store.list(query.output);
    return c.json({ data: data.map((link) => managed(c, link)), meta });
  });

  management.get('/share-links/:id', async (c) => {
    const id = c.req.param('id');
    if (!isUuid(id)) return invalid(c, 'id', 'must be a UUID');
    const link = await store.linkById(id);
    return link ? c.json(managed(c, link)) : linkNotFound(c);
  });

  management.post('/share-links', async (c) => {
    const body = await readJsonObject(c);
    if (!body) return invalid(c, 'body', 'must be a JSON object');
    const input = v.safeParse(CreateShareLinkSchema, body);
    if (!input.success) return validationError(c, input.issues);
    const link = await store.create(input.output, now());
    return link ? c.json(managed(c, link), 201) : invalid(c, 'personaId', 'names no persona');
  });

  management.patch('/share-links/:id', async (c) => {
    const id = c.req.param('id');
    if (!isUuid(id)) return invalid(c, 'id', 'must be a UUID');
    const body = await readJsonObject(c);
    if (!body) return invalid(c, 'body', 'must be a JSON object');
    const changes = v.safeParse(UpdateShareLinkSchema, body);
    if (!changes.success) return validationError(c, changes.issues);
    const link = await store.update(id, changes.output);
    return link ? c.json(managed(c, link)) : linkNotFound(c);
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

  // For the demo playground: switch a persona's engine. Only `engine` is writable here.
  management.patch('/personas/:id', async (c) => {
    const id = c.req.param('id');
    if (!isUuid(id)) return invalid(c, 'id', 'must be a UUID');
    const body = await readJsonObject(c);
    if (!body) return invalid(c, 'body', 'must be a JSON object');
    const changes = v.safeParse(UpdatePersonaSchema, body);
    if (!changes.success) return validationError(c, changes.issues);
    const persona = await store.setPersonaEngine(id, changes.output.engine);
    return persona ? c.json(persona) : c.json({ error: 'not-found', message: 'No persona has this id.' }, 404);
  });

  app.route('/v1', management);
  return app;
}
