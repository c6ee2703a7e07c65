/**
 * Share pages (docs/share-pages.md): `GET /s/{token}` serves a `LINK` link as a page of its own
 * (rendered by server/share-page.ts), under the lookups' abuse limit; anything else under `/s/` is
 * the 404 page.
 */
import { Hono, type Context } from 'hono';
import { MESSAGES } from '../../src/i18n/messages.ts';
import { isValidToken } from '../../src/schema.ts';
import { judgeLink } from '../judging.ts';
import type { AbuseLimits } from '../middleware/abuse-limits.ts';
import { apiBase } from '../origins.ts';
import { publicPersona } from '../public-shape.ts';
import { languageOf, sharePage, sharePageNotFound } from '../share-page.ts';
import type { LinkLookup } from '../store/index.ts';

export interface SharePageRoutesOptions {
  store: LinkLookup;
  limits: AbuseLimits;
  now: () => number;
  publicUrl: string | undefined;
}

export function sharePageRoutes({ store, limits, now, publicUrl }: SharePageRoutesOptions): Hono {
  const pages = new Hono();
  const notFound = (c: Context) => sharePageNotFound(c, apiBase(c, publicUrl));

  pages.get('/:token', limits.unreportedLookups, async (c) => {
    const token = c.req.param('token');
    const found = isValidToken(token) ? await store.resolve(token) : undefined;
    if (!found || found.link.type !== 'LINK' || !found.persona) return notFound(c);
    const base = apiBase(c, publicUrl);
    const messages = MESSAGES[languageOf(c)];
    // The page is the link opened directly; the title names the persona only while the link may
    // be used, as the API's lookup does.
    const refusal = judgeLink(found.link, { origin: null, now: now(), context: 'share-page' });
    if (refusal) return sharePage(c, { token, title: messages.errors[refusal], mediaUrls: [], ownOrigin: base });
    const { imageUrl, videoUrl } = publicPersona(found.persona, base).avatar;
    const title = messages.talkTo.replace('{name}', found.persona.name);
    return sharePage(c, { token, title, mediaUrls: [imageUrl, videoUrl], ownOrigin: base });
  });

  pages.get('/*', notFound);
  pages.get('/', notFound);
  return pages;
}
