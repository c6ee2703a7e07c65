/**
 * Assets (docs/delivery.md): the built bundles and their lazy chunks, which module scripts load
 * cross-origin (CORS `*`: a public script needs no credentials), the demo's media, and the scripts
 * of the API's own pages (same origin only). Public and
 * cacheable, unlike every other answer of the API.
 */
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type MiddlewareHandler } from 'hono';
import { corsUpFront } from '../middleware/headers.ts';

export interface AssetRoutesOptions {
  /** A folder whose `media/` subfolder is served at `/media/` (the demo's avatars). */
  staticRoot?: string | undefined;
  /** The built bundles' folder (`dist/`): `/share-link-embed.js`, `.iife.js`, the chunks, their maps. */
  bundleDir?: string | undefined;
}

/** `/share-link-embed.js`, `.iife.js`, the lazy chunks `-<name>-<hash>.js`, and their `.map`s. */
const BUNDLES = '/:file{share-link-embed(?:\\.iife|-[\\w-]+)?\\.js(?:\\.map)?}';

/** The API's own pages' scripts (server/pages.ts): hashed names, so cached for good. */
const PAGE_SCRIPTS = '/pages/:file{[\\w-]+\\.js(?:\\.map)?}';

const immutable: MiddlewareHandler = async (c, next) => {
  c.header('Cache-Control', 'public, max-age=31536000, immutable');
  await next();
  if (!c.res.ok) c.header('Cache-Control', 'no-store');
};

/** Five minutes in any cache, for what was found; a miss stays uncached. */
const cacheable: MiddlewareHandler = async (c, next) => {
  c.header('Cache-Control', 'public, max-age=300');
  await next();
  if (!c.res.ok) c.header('Cache-Control', 'no-store');
};

export function assetRoutes({ staticRoot, bundleDir }: AssetRoutesOptions): Hono {
  const assets = new Hono();
  assets.use('/media/*', cacheable);
  if (staticRoot) assets.use('/media/*', serveStatic({ root: staticRoot }));
  assets.use(BUNDLES, cacheable);
  if (bundleDir)
    assets.use(BUNDLES, corsUpFront({ origin: '*', allowMethods: ['GET', 'HEAD'] }), serveStatic({ root: bundleDir }));
  if (bundleDir) assets.use(PAGE_SCRIPTS, immutable, serveStatic({ root: bundleDir }));
  return assets;
}
