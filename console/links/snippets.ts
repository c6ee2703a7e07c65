/**
 * The snippets a site owner pastes for a link (docs/element.md, "Loading"), written from the link
 * and where the API is: the ES module, the classic one-liner, the versioned files pinned with
 * Subresource Integrity when the build has them (docs/delivery.md), npm, and for a `LINK` link the
 * URL of its share page. Pure: the console shows them, test/unit/console.test.ts reads them.
 */
import type { ManagedLink } from '../types.ts';

/** A bundle at a versioned, immutable URL with its `sha384-…` hash. */
export interface PinnedFile {
  url: string;
  integrity: string;
}

export interface Bundles {
  /** Where the API is, which serves the bundles: `https://embed.example.com`. */
  apiBase: string;
  /** The versioned files, when the build wrote their hashes. */
  pinned: { module: PinnedFile; classic: PinnedFile } | null;
}

export interface Snippet {
  id: 'module' | 'classic' | 'pinned' | 'npm' | 'share-url';
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
  snippets.push(
    {
      id: 'module',
      title: 'Script tag (ES module)',
      code: `<script type="module" src="${attr(base)}/share-link-embed.js"></script>\n${element}`,
    },
    {
      id: 'classic',
      title: 'One line (classic script; adds the element to <body>, best for orbs)',
      code: `<script src="${attr(base)}/share-link-embed.iife.js" data-token="${token}" async></script>`,
    },
  );
  if (bundles.pinned) {
    const { module } = bundles.pinned;
    snippets.push({
      id: 'pinned',
      title: 'Pinned version with Subresource Integrity',
      code:
        `<script type="module" src="${attr(module.url)}"\n  integrity="${attr(module.integrity)}" crossorigin="anonymous"></script>\n` +
        element,
    });
  }
  snippets.push({
    id: 'npm',
    title: 'npm (React, Vue, Svelte, Angular, plain HTML)',
    code:
      `npm install share-link-embed\n\n// once, in your app's entry:\nimport 'share-link-embed';\n\n` +
      `// in any template:\n<share-link-embed token="${token}" api-base="${attr(base)}"></share-link-embed>`,
  });
  // A LINK link cannot be embedded: its share URL is what to send; the tags are left for reference.
  return snippets;
}
