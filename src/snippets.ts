/**
 * Embed snippets for a site's pages (docs/delivery.md), made from a build's manifest
 * (`integrity.json`, which the API serves at `/integrity.json`): the bundle at its versioned,
 * immutable URL with `integrity` and `crossorigin="anonymous"`, an import map that pins every
 * chunk the bundle may load, and for a player its poster as an image of the page, painted before the
 * bundle has arrived, with the code and the lookup behind it on the network.
 * The demo and the console make their snippets here; nothing of it ships in the bundles.
 */
import { endpoint } from './api.js';

/** A build's manifest, as `GET /integrity.json` answers it (server/bundle-files.ts). */
export interface BuildManifest {
  version: string;
  /** `sha384-…` of each file a page may load, by file name. */
  files: Record<string, string>;
}

export type SnippetKind = 'module' | 'classic' | 'one-liner';

export interface SnippetOptions {
  /** Where the bundles are served: the API's origin (`https://embed.example.com`), or any base URL of them. */
  base: string;
  manifest: BuildManifest;
  token: string;
  /** `module` (the ES bundle), `classic` (the IIFE bundle), `one-liner` (the IIFE bundle appends the element). */
  kind: SnippetKind;
  /** A player gets its poster in the page (or preloaded, by the one-liner); an orb shows no image until it opens. Default `player`. */
  variant?: 'player' | 'orb';
  /** The element's `api-base`, when the API is not where the bundles are. */
  apiBase?: string;
}

const ENTRIES: Record<SnippetKind, string> = {
  module: 'share-link-embed.js',
  classic: 'share-link-embed.iife.js',
  'one-liner': 'share-link-embed.iife.js',
};

const escape = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** The versioned base of a build's files: `https://embed.example.com/v/1.2.3/`. */
export const versionedBase = (base: string, manifest: BuildManifest): string =>
  new URL(`v/${manifest.version}/`, base.endsWith('/') ? base : `${base}/`).href;

/**
 * The import map that pins every lazy chunk of the build (`integrity`, by absolute URL): browsers
 * that support integrity in import maps refuse a chunk whose bytes differ. It must come before any
 * module script of the page; a page with an import map of its own merges these entries into it.
 */
export function importMap(base: string, manifest: BuildManifest): string {
  const root = versionedBase(base, manifest);
  const integrity = Object.fromEntries(
    Object.entries(manifest.files)
      .filter(([file]) => !Object.values(ENTRIES).includes(file))
      .map(([file, hash]) => [root + file, hash]),
  );
  return `<script type="importmap">${JSON.stringify({ integrity }).replaceAll('<', '\\u003c')}</script>`;
}

/** The HTML a page pastes: hints, import map, bundle, element. */
export function embedSnippet({ base, manifest, token, kind, variant = 'player', apiBase }: SnippetOptions): string {
  const root = versionedBase(base, manifest);
  const entry = ENTRIES[kind];
  const integrity = manifest.files[entry];
  if (!integrity) throw new Error(`the manifest of ${manifest.version} has no ${entry}`);
  const lines: string[] = [];
  const lookup = endpoint(apiBase ?? base, token);
  const poster = `${lookup}/poster`;
  // A player written into the page (not appended by the one-liner) carries its poster as an image
  // of the page's own: painted as soon as it arrives, before the element is defined (the API
  // answers it only for a link this page may show; the element adopts it, controllers/media.ts).
  const posterInPage = variant === 'player' && kind !== 'one-liner';
  // The poster is the player's largest paint: the code and the lookup give it the network first.
  const after = posterInPage ? ' fetchpriority="low"' : '';
  lines.push(`<link rel="preconnect" href="${escape(new URL(lookup).origin)}" crossorigin>`);
  // The link's lookup starts with the page, beside the bundle, rather than after it: the element's
  // own request (src/api.ts) asks exactly as this does (same URL, CORS, no credentials elsewhere,
  // no headers of its own), so the browser hands it the preloaded answer.
  lines.push(`<link rel="preload" as="fetch" href="${escape(lookup)}" crossorigin${after}>`);
  if (variant === 'player' && !posterInPage) {
    // Appended by a script, the element has no image in the page: its poster's request starts with
    // the page all the same, at the URL and with the referrer policy of the element's own.
    lines.push(
      `<link rel="preload" as="image" href="${escape(poster)}" fetchpriority="high" referrerpolicy="strict-origin">`,
    );
  }
  if (posterInPage) {
    // The player's box before the bundle has defined the element: nothing below it moves (CLS 0),
    // and the poster fills it as the player will.
    lines.push(
      '<style>share-link-embed:not(:defined){display:block;aspect-ratio:16/9}share-link-embed>img[slot=poster]{display:block;width:100%;height:100%;object-fit:cover;border-radius:var(--share-link-embed-radius,12px)}</style>',
    );
  }
  lines.push(importMap(base, manifest));
  const src = `src="${escape(root + entry)}" integrity="${escape(integrity)}" crossorigin="anonymous"${after}`;
  const apiAttribute = (name: string) => (apiBase ? ` ${name}="${escape(apiBase)}"` : '');
  if (kind === 'one-liner') {
    lines.push(`<script ${src} data-token="${escape(token)}"${apiAttribute('data-api-base')} async></script>`);
    return lines.join('\n');
  }
  lines.push(kind === 'module' ? `<script type="module" ${src}></script>` : `<script ${src} defer></script>`);
  const image = posterInPage
    ? `<img slot="poster" src="${escape(poster)}" alt="" fetchpriority="high" referrerpolicy="strict-origin">`
    : '';
  lines.push(`<share-link-embed token="${escape(token)}"${apiAttribute('api-base')}>${image}</share-link-embed>`);
  return lines.join('\n');
}
