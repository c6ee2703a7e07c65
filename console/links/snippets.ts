/**
 * The snippets a site owner pastes for a link (docs/element.md, "Loading"), written from the link
 * and where the API is: the version pinned with Subresource Integrity, as src/snippets.ts writes it
 * for the demo too (docs/delivery.md), the plain ES module and the classic one-liner, npm, and for
 * a `LINK` link the URL of its share page. Pure but for reading the build's manifest:
 * test/unit/console.test.ts reads them.
 */
import { embedSnippet, type BuildManifest } from '../../src/snippets.ts';
import type { ManagedLink } from '../types.ts';

/** The build's manifest the API serves, or `null` (an API without it, or not built). */
export async function fetchBuildManifest(apiBase: string, signal?: AbortSignal): Promise<BuildManifest | null> {
  try {
    const response = await fetch(new URL('/integrity.json', apiBase), { signal, credentials: 'omit' });
    return response.ok ? ((await response.json()) as BuildManifest) : null;
  } catch (error) {
    if (signal?.aborted) throw error;
    return null;
  }
}

export interface Bundles {
  /** Where the API is, which serves the bundles: `https://embed.example.com`. */
  apiBase: string;
  /** The build's manifest (`GET /integrity.json`), for the pinned snippet; `null` when the API has none. */
  manifest: BuildManifest | null;
}

export interface Snippet {
  id: 'pinned' | 'module' | 'classic' | 'npm' | 'share-url';
  title: string;
  code: string;
}

/** For attribute values between double quotes. */
const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function snippetsFor(link: Pick<ManagedLink, 'token' | 'type' | 'shareUrl'>, bundles: Bundles): Snippet[] {
  const base = bundles.apiBase.replace(/\/+$/, '');
  const token = attr(link.token);
  const element = `<share-link-embed token="${token}"></share-link-embed>`;
  const snippets: Snippet[] = [];
  if (link.type === 'LINK' && link.shareUrl)
    snippets.push({
      id: 'share-url',
      title: 'Share URL (a LINK link opens as a page of its own)',
      code: link.shareUrl,
    });
  if (bundles.manifest)
    snippets.push({
      id: 'pinned',
      title: `Pinned to version ${bundles.manifest.version}, with Subresource Integrity (recommended)`,
      code: embedSnippet({
        base,
        manifest: bundles.manifest,
        token: link.token,
        kind: link.type === 'ORB_EMBED' ? 'one-liner' : 'module',
        variant: link.type === 'ORB_EMBED' ? 'orb' : 'player',
      }),
    });
  snippets.push(
    {
      id: 'module',
      title: 'Script tag (ES module, always the latest version)',
      code: `<script type="module" src="${attr(base)}/share-link-embed.js"></script>\n${element}`,
    },
    {
      id: 'classic',
      title: 'One line (classic script; adds the element to <body>, best for orbs)',
      code: `<script src="${attr(base)}/share-link-embed.iife.js" data-token="${token}" async></script>`,
    },
  );
  snippets.push({
    id: 'npm',
    title: 'npm (React, Vue, Svelte, Angular, plain HTML)',
    code:
      `npm install share-link-embed\n\n// once, in your app's entry:\nimport 'share-link-embed';\n\n` +
      `// in any template:\n<share-link-embed token="${token}" api-base="${attr(base)}"></share-link-embed>`,
  });
  // A LINK link cannot be embedded: its share URL comes first; the tags stay for a type changed later.
  return snippets;
}
