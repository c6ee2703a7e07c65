/**
 * Share-link management (`/v1/share-links`, docs/api.md, "Management"): the management key,
 * same-origin only (no CORS), every field validated.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { invalidField, problem } from '../errors.ts';
import { jsonObjectBody, limitBody, valid, validId } from '../middleware/validation.ts';
import { apiBase } from '../origins.ts';
import { CreateShareLinkSchema, ListQuerySchema, UpdateShareLinkSchema, type StoredShareLink } from '../schemas.ts';
import { shareUrlFor } from '../share-page.ts';
import { newSigningKey, type SigningKeySeal } from '../signing-keys.ts';
import type { ShareLinkRepository } from '../store/index.ts';

export interface ShareLinkRoutesOptions {
  store: ShareLinkRepository;
  auth: MiddlewareHandler;
  now: () => number;
  publicUrl: string | undefined;
  /** Seals signing keys before they are stored (server/signing-keys.ts). */
  seal: SigningKeySeal;
}

export function shareLinkRoutes({ store, auth, now, publicUrl, seal }: ShareLinkRoutesOptions): Hono {
  const links = new Hono();
  links.use('*', auth, limitBody);

  /**
   * Management answers give each link its share page's URL (embed links have none: their page is a
   * 404), and say whether it has a signing key, never the key, sealed or not.
   */
  const managed = (c: Context, { signingKey, ...link }: StoredShareLink) => {
    const base = apiBase(c, publicUrl);
    const shareUrl = link.type === 'LINK' && base ? shareUrlFor(base, link.token) : null;
    return { ...link, hasSigningKey: signingKey !== null, shareUrl };
  };

  links.get('/', valid('query', ListQuerySchema), async (c) => {
    const { data, meta } = await store.list(c.req.valid('query'));
    return c.json({ data: data.map((link) => managed(c, link)), meta });
  });

  links.get('/:id', validId, async (c) => {
    const link = await store.linkById(c.req.valid('param').id);
    return link ? c.json(managed(c, link)) : problem(c, 'unknown-link');
  });

  links.post('/', jsonObjectBody, valid('json', CreateShareLinkSchema), async (c) => {
    const link = await store.create(c.req.valid('json'), now());
    return link ? c.json(managed(c, link), 201) : invalidField(c, 'personaId', 'names no persona');
  });

  links.patch('/:id', validId, jsonObjectBody, valid('json', UpdateShareLinkSchema), async (c) => {
    const link = await store.update(c.req.valid('param').id, c.req.valid('json'));
    return link ? c.json(managed(c, link)) : problem(c, 'unknown-link');
  });

  // Signed embeds: creates the link's signing key, or rotates it (the old one stops at once). The
  // key is answered this once; the store keeps it sealed (docs/security.md, "Signed embeds").
  links.post('/:id/signing-key', validId, async (c) => {
    const { id } = c.req.valid('param');
    const signingKey = newSigningKey();
    const stored = await store.setSigningKey(id, seal.seal(signingKey, id));
    return stored ? c.json({ signingKey }, 201) : problem(c, 'unknown-link');
  });

  links.delete('/:id', validId, async (c) => {
    return (await store.remove(c.req.valid('param').id)) ? c.body(null, 204) : problem(c, 'unknown-link');
  });

  return links;
}
