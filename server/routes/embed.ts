/**
 * The public embed API (docs/api.md, "Public"): a link's lookup and its session start, for any
 * page, without credentials. The policy decides who gets a link; CORS echoes the page's origin,
 * on errors too, so that the widget can read why it was refused.
 */
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type Context } from 'hono';
import { validator } from 'hono/validator';
import { isValidToken } from '../../src/schema.ts';
import { problem } from '../errors.ts';
import type { LookupService } from '../lookups.ts';
import type { AbuseLimits } from '../middleware/abuse-limits.ts';
import { corsUpFront } from '../middleware/headers.ts';
import { apiBase, pageOrigin } from '../origins.ts';
import { absoluteMediaUrl, publicPersona, publicShareLink } from '../public-shape.ts';
import type { StoredPersona } from '../schemas.ts';
import { variantOf } from '../../src/render/view.ts';
import type { SessionService } from '../sessions.ts';
import { judgingContextOf } from '../share-page.ts';

export interface EmbedRoutesOptions {
  lookups: LookupService;
  sessions: SessionService;
  limits: AbuseLimits;
  now: () => number;
  publicUrl: string | undefined;
  /** The folder whose `media/` the API serves (AppOptions.staticRoot): a poster stored there is answered directly. */
  mediaRoot?: string | undefined;
}

/** `sh_` then 8 to 64 letters or digits, else `400 invalid-token` (the widget's own reason). */
const validToken = validator('param', (params: Record<string, string>, c) =>
  isValidToken(params['token']) ? { token: params['token'] } : problem(c, 'invalid-token'),
);

/** A poster may be kept in a browser's cache (never a shared one) this long; the element shows it only for a link it may show. */
const POSTER_CACHE = 'private, max-age=300';

/** A media path of this server that names a file under `media/`, never a way out of it. */
const LOCAL_MEDIA = /^\/media\/(?!.*(?:^|\/)\.\.?(?:\/|$))[\w\-./]+$/;

export function embedRoutes({ lookups, sessions, limits, now, publicUrl, mediaRoot }: EmbedRoutesOptions): Hono {
  const embed = new Hono();
  // Never with credentials: the API has none to offer a page.
  embed.use(
    '*',
    corsUpFront({
      origin: (origin) => origin || null,
      allowMethods: ['GET', 'POST'],
      allowHeaders: ['Accept', 'Content-Type'],
      maxAge: 600,
    }),
  );

  embed.get('/:token', limits.lookups, validToken, async (c) => {
    const time = now();
    const { token } = c.req.valid('param');
    const found = await lookups.find({ token, origin: pageOrigin(c), context: judgingContextOf(c), now: time });
    if (!found.found) return problem(c, found.reason);
    return c.json({
      shareLink: publicShareLink(found.link),
      persona: publicPersona(found.persona, apiBase(c, publicUrl)),
      serverTime: new Date(time).toISOString(),
    });
  });

  /**
   * The link's poster (docs/delivery.md), judged as a lookup for the same page, so that it can be
   * requested beside the link: the image itself when it is this server's media, else a redirect to
   * it. `204` when the page would not show it as a player's poster (an orb shows none until it
   * opens; a `LINK` link is a player only on its share page), `404 not-found` without an image.
   */
  embed.get('/:token/poster', limits.unreportedLookups, validToken, async (c) => {
    const { token } = c.req.valid('param');
    const context = judgingContextOf(c);
    const found = await lookups.find({ token, origin: pageOrigin(c), context, now: now(), purpose: 'poster' });
    if (!found.found) return problem(c, found.reason);
    if (variantOf(publicShareLink(found.link), context === 'share-page') !== 'player') return c.body(null, 204);
    return poster(c, found.persona);
  });

  const poster = async (c: Context, persona: StoredPersona): Promise<Response> => {
    const stored = persona.avatar.imageUrl;
    const url = absoluteMediaUrl(stored, apiBase(c, publicUrl));
    if (stored === null || url === null) return problem(c, 'no-poster');
    c.header('Cache-Control', POSTER_CACHE);
    if (mediaRoot && LOCAL_MEDIA.test(stored)) {
      const served = await serveStatic({ root: mediaRoot, path: stored })(c, async () => undefined);
      if (served) return served;
    }
    return c.redirect(url, 302);
  };

  embed.post('/:token/sessions', limits.lookups, limits.sessionStarts, validToken, async (c) => {
    const started = await sessions.start({
      token: c.req.valid('param').token,
      origin: pageOrigin(c),
      context: judgingContextOf(c),
      now: now(),
      apiBase: apiBase(c, publicUrl),
    });
    return started.granted ? c.json(started.answer, 201) : problem(c, started.reason);
  });

  return embed;
}
