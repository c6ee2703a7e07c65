/**
 * Assets (docs/delivery.md): the built bundles and their lazy chunks, which module scripts load
 * cross-origin (CORS `*`: a public script needs no credentials), the build's manifest, and the
 * demo's media. Public and cacheable, unlike every other answer of the API.
 *
 * Bundles are served precompressed (Brotli or gzip, as the build wrote them, by `Accept-Encoding`)
 * at two kinds of URL: `/share-link-embed.js` and the rest for five minutes, and
 * `/v/{version}/share-link-embed.js` and the rest for a year, immutable, for pages that pin a
 * version (and its integrity hashes). A version other than the build's is served from
 * `<bundle dir>/v/{version}/`, where an operator keeps the releases pages still pin.
 *
 * The scripts of the API's own pages (the console, server/pages.ts) are served the same way under
 * `/pages/`, immutable (their names carry their hash), to this origin only.
 */
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type MiddlewareHandler } from 'hono';
import { MANIFEST, VERSION, readBuildManifest, type BuildManifest } from '../bundle-files.ts';
import { corsUpFront } from '../middleware/headers.ts';

export interface AssetRoutesOptions {
  /** A folder whose `media/` subfolder is served at `/media/` (the demo's avatars). */
  staticRoot?: string | undefined;
  /** The built bundles' folder (`dist/`): the bundles, the chunks, their maps and precompressed copies, `integrity.json`. */
  bundleDir?: string | undefined;
}

/** `/share-link-embed.js`, `.iife.js`, the lazy chunks `-<name>-<hash>.js`, and their `.map`s. */
const FILE = '{share-link-embed(?:\\.iife|-[\\w-]+)?\\.js(?:\\.map)?}';
const BUNDLES = `/:file${FILE}`;
const VERSIONED = `/v/:version/:file${FILE}`;

/** The API's own pages' scripts (server/pages.ts): hashed names, so cached for good. */
const PAGE_SCRIPTS = '/pages/:file{[\\w-]+\\.js(?:\\.map)?}';

export const CACHE_CONTROL = {
  /** Unversioned URLs: a new build reaches every page within five minutes. */
  short: 'public, max-age=300',
  /** `/v/{version}/…`: what a version holds never changes. */
  immutable: 'public, max-age=31536000, immutable',
} as const;

/** Cached as `policy` says when found; a miss stays uncached. */
const cacheFor =
  (policy: string): MiddlewareHandler =>
  async (c, next) => {
    c.header('Cache-Control', policy);
    await next();
    if (!c.res.ok) c.header('Cache-Control', 'no-store');
  };

/**
 * Every answer of a negotiated file names `Accept-Encoding` in `Vary`, the uncompressed one too
 * (serveStatic adds it only to a compressed one), so that no shared cache hands Brotli to a client
 * that did not ask for it, or identity bytes to every client.
 */
const varyOnEncoding: MiddlewareHandler = async (c, next) => {
  await next();
  const vary = c.res.headers.get('Vary') ?? '';
  if (c.res.ok && !/\baccept-encoding\b/i.test(vary)) c.header('Vary', 'Accept-Encoding', { append: true });
};

/** Cross-origin module scripts and `integrity` need CORS; `*`, since nothing here is personal. */
const publicFile = corsUpFront({ origin: '*', allowMethods: ['GET', 'HEAD'] });

export function assetRoutes({ staticRoot, bundleDir }: AssetRoutesOptions): Hono {
  const assets = new Hono();
  assets.use('/media/*', cacheFor(CACHE_CONTROL.short));
  if (staticRoot) assets.use('/media/*', serveStatic({ root: staticRoot }));
  if (!bundleDir) return assets;

  // Read again while there is none, so that a build made after the server started is served.
  let build: BuildManifest | null = null;
  const currentBuild = () => (build ??= readBuildManifest(bundleDir));
  const isCurrent = (version: string | undefined) => version !== undefined && version === currentBuild()?.version;
  const bundles = serveStatic({
    root: bundleDir,
    precompressed: true,
    // The build's own version is dist/ itself; any other is looked for in dist/v/{version}/.
    rewriteRequestPath: (path) => {
      const version = /^\/v\/([^/]+)\//.exec(path)?.[1];
      return isCurrent(version) ? path.slice(`/v/${version}`.length) : path;
    },
  });
  const validVersion: MiddlewareHandler = async (c, next) =>
    VERSION.test(c.req.param('version') ?? '') ? next() : c.notFound();

  const archived = serveStatic({ root: bundleDir });

  assets.use(BUNDLES, cacheFor(CACHE_CONTROL.short), publicFile, varyOnEncoding, bundles);
  // The API's own pages' scripts: same-origin only, no CORS.
  assets.use(VERSIONED, validVersion, cacheFor(CACHE_CONTROL.immutable), publicFile, varyOnEncoding, bundles);
  assets.use(
    PAGE_SCRIPTS,
    cacheFor(CACHE_CONTROL.immutable),
    varyOnEncoding,
    serveStatic({ root: bundleDir, precompressed: true }),
  );
  // The manifest: what the snippets are made from (src/snippets.ts).
  assets.get(`/${MANIFEST}`, cacheFor(CACHE_CONTROL.short), publicFile, (c) => {
    const manifest = currentBuild();
    return manifest ? c.json(manifest) : c.notFound();
  });
  assets.get(
    `/v/:version/${MANIFEST}`,
    validVersion,
    cacheFor(CACHE_CONTROL.immutable),
    publicFile,
    async (c, next) => {
      const manifest = currentBuild();
      if (manifest && isCurrent(c.req.param('version'))) return c.json(manifest);
      return (await archived(c, next)) ?? c.notFound();
    },
  );
  return assets;
}
