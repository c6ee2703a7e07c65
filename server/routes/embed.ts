/**
 * The public embed API (docs/api.md, "Public"): a link's lookup and its session start, for any
 * page, without credentials. The policy decides who gets a link; CORS echoes the page's origin,
 * on errors too, so that the widget can read why it was refused.
 */
import { Hono, type Context } from 'hono';
import { validator } from 'hono/validator';
import { isValidToken } from '../../src/schema.ts';
import type { Challenges } from '../challenges.ts';
import { problem, rateLimited } from '../errors.ts';
import type { LookupService } from '../lookups.ts';
import type { AbuseLimits } from '../middleware/abuse-limits.ts';
import { corsUpFront } from '../middleware/headers.ts';
import { apiBase, pageOrigin } from '../origins.ts';
import { publicPersona, publicShareLink } from '../public-shape.ts';
import type { SessionService } from '../sessions.ts';
import { judgingContextOf } from '../share-page.ts';

export interface EmbedRoutesOptions {
  lookups: LookupService;
  sessions: SessionService;
  challenges: Challenges;
  limits: AbuseLimits;
  now: () => number;
  publicUrl: string | undefined;
}

/** `sh_` then 8 to 64 letters or digits, else `400 invalid-token` (the widget's own reason). */
const validToken = validator('param', (params: Record<string, string>, c) =>
  isValidToken(params['token']) ? { token: params['token'] } : problem(c, 'invalid-token'),
);

/** What every request for a link says about the page: its origin, how it is judged, its embed token. */
const seenFrom = (c: Context) => ({
  origin: pageOrigin(c),
  context: judgingContextOf(c),
  embedToken: c.req.query('embedToken') ?? null,
});

/** The header a start carries a solved proof of work in (docs/security.md). */
export const CHALLENGE_HEADER = 'X-Share-Link-Challenge';

export function embedRoutes({ lookups, sessions, challenges, limits, now, publicUrl }: EmbedRoutesOptions): Hono {
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
    if (!found.found) return problem(c, found.reason, { ...(found.message && { message: found.message }) });
    return c.json({
      shareLink: publicShareLink(found.link),
      persona: publicPersona(found.persona, apiBase(c, publicUrl)),
      serverTime: new Date(time).toISOString(),
    });
  });

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
    return problem(c, started.reason, { ...(started.message && { message: started.message }) });
  });

  // A proof of work to solve before a start (ALTCHA's challenge JSON), under a lookup's rules.
  embed.get('/:token/challenge', limits.lookups, validToken, async (c) => {
    const time = now();
    const judged = await lookups.judge({ token: c.req.valid('param').token, ...seenFrom(c), now: time });
    if (!judged.found) return problem(c, judged.reason, { ...(judged.message && { message: judged.message }) });
    if (judged.link.challenge !== 'proof-of-work') return problem(c, 'no-challenge');
    return c.json(await challenges.issue(judged.link.id, time));
  });

  return embed;
}
