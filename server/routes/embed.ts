/**
 * The public embed API (docs/api.md, "Public"): a link's lookup and its session start, for any
 * page, without credentials. The policy decides who gets a link; CORS echoes the page's origin,
 * on errors too, so that the widget can read why it was refused.
 */
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type Context } from 'hono';
import { validator } from 'hono/validator';
import { isValidToken } from '../../src/schema.ts';
import type { Challenges } from '../challenges.ts';
import { problem, rateLimited } from '../errors.ts';
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
  challenges: Challenges;
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

/** What every request for a link says about the page: its origin, how it is judged, its embed token. */
const seenFrom = (c: Context) => ({
  origin: pageOrigin(c),
  context: judgingContextOf(c),
  embedToken: c.req.query('embedToken') ?? null,
});

/** The header a start carries a solved proof of work in (docs/security.md). */
export const CHALLENGE_HEADER = 'X-Share-Link-Challenge';

/** A refusal, with the exact cause where the lookup or the start names one (the protections'). */
const refusedWith = (c: Context, outcome: { reason: Parameters<typeof problem>[1]; message?: string | undefined }) =>
  problem(c, outcome.reason, { ...(outcome.message && { message: outcome.message }) });

export function embedRoutes({
  lookups,
  sessions,
  challenges,
  limits,
  now,
  publicUrl,
  mediaRoot,
}: EmbedRoutesOptions): Hono {
  const embed = new Hono();
  // Never with credentials: the API has none to offer a page.
  embed.use(
    '*',
    corsUpFront({
      origin: (origin) => origin || null,
      allowMethods: ['GET', 'POST'],
      allowHeaders: ['Accept', 'Content-Type', CHALLENGE_HEADER],
      maxAge: 600,
    }),
  );

  embed.get('/:token', limits.lookups, validToken, async (c) => {
    const time = now();
    const { token } = c.req.valid('param');
    const found = await lookups.find({ token, ...seenFrom(c), now: time });
    if (!found.found) return refusedWith(c, found);
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
    const seen = seenFrom(c);
    const found = await lookups.find({ token, ...seen, now: now(), purpose: 'poster' });
    if (!found.found) return refusedWith(c, found);
    if (variantOf(publicShareLink(found.link), seen.context === 'share-page') !== 'player') return c.body(null, 204);
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

  // The token passes its pattern before the per-link limiter counts it: junk never becomes a counter.
  embed.post('/:token/sessions', limits.lookups, validToken, limits.sessionStarts, async (c) => {
    const started = await sessions.start({
      token: c.req.valid('param').token,
      ...seenFrom(c),
      solution: c.req.header(CHALLENGE_HEADER) ?? null,
      now: now(),
      apiBase: apiBase(c, publicUrl),
    });
    if (started.granted) return c.json(started.answer, 201);
    // The link's velocity cap: a 429 for every client, with the wait until its minute has room.
    if (started.reason === 'rate-limited') return rateLimited(c, started.retryAfterSeconds ?? 60);
    return refusedWith(c, started);
  });

  // A proof of work to solve before a start (ALTCHA's challenge JSON), under a lookup's rules.
  embed.get('/:token/challenge', limits.unreportedLookups, validToken, async (c) => {
    const time = now();
    const token = c.req.valid('param').token;
    const found = await lookups.find({ token, ...seenFrom(c), now: time, purpose: 'challenge' });
    if (!found.found) return refusedWith(c, found);
    if (found.link.challenge !== 'proof-of-work') return problem(c, 'no-challenge');
    return c.json(await challenges.issue(found.link.id, time));
  });

  return embed;
}
