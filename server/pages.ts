/**
 * The API's own pages (the console; docs/operators.md, "Console"): apps built apart from the
 * widget into `dist/pages/` (vite.config.ts, PAGE_ENTRIES), served at `/pages/` with hashed,
 * immutable names. This module finds a page's entry script and the chunks it imports in Vite's
 * manifest, and writes the HTML shell every such page shares: strict headers, a CSP that allows
 * scripts from this origin only and styles by nonce (the apps themselves use constructed
 * stylesheets, which a CSP does not govern), and no inline script.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from 'hono';

/** Text as HTML: every character that could end an attribute or start markup, as a reference. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Where pages' scripts are served; the files are those of `dist/pages/`. */
export const PAGES_PATH = '/pages/';

interface ManifestChunk {
  file: string;
  name?: string;
  isEntry?: boolean;
  imports?: string[];
}

export interface PageScripts {
  /** The entry module's URL path. */
  entry: string;
  /** The chunks it imports statically, to preload beside it. */
  preloads: string[];
}

/**
 * The page's scripts, from `dist/pages/manifest.json`; `null` when the pages are not built. Read at
 * each request (a page is opened rarely, and a rebuild must not need a restart).
 */
export async function pageScripts(bundleDir: string | undefined, name: string): Promise<PageScripts | null> {
  if (!bundleDir) return null;
  let manifest: Record<string, ManifestChunk>;
  try {
    manifest = JSON.parse(await readFile(join(bundleDir, 'pages', 'manifest.json'), 'utf8'));
  } catch {
    return null;
  }
  const entry = Object.values(manifest).find((chunk) => chunk.isEntry && chunk.name === name);
  if (!entry) return null;
  const preloads = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || preloads.has(chunk.file)) return;
    preloads.add(chunk.file);
    chunk.imports?.forEach(visit);
  };
  entry.imports?.forEach(visit);
  return { entry: `${PAGES_PATH}${entry.file}`, preloads: [...preloads].map((file) => `${PAGES_PATH}${file}`) };
}

/** A page's Content-Security-Policy: this origin's scripts and requests, nothing else. */
export function pageCsp(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** An app's page (the console): its document, its scripts found, and the status. */
export interface PageShell extends PageDocument {
  scripts: PageScripts;
  status?: 200 | 503;
}

/** Before the app's styles arrive: the page's background in both schemes, so nothing flashes. */
const SHELL_STYLES =
  ':root{color-scheme:light dark;background:#f6f7fb;color:#17171f;font:16px/1.5 system-ui,sans-serif}' +
  '@media (prefers-color-scheme:dark){:root{background:#111218;color:#ececf3}}body{margin:0}';

/** JSON that may sit inside `<script type="application/json">`: no `<` can close the element. */
const inertJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** A page's document: what differs between the API's pages. */
export interface PageDocument {
  lang?: string;
  title: string;
  /** The page's own stylesheet, under the CSP's nonce; default: the shell's background in both schemes. */
  styles?: string;
  /** Trusted markup (the app's root element, or escaped text). */
  body: string;
  /** The app's module and the chunks to preload beside it; none for a page of words. */
  scripts?: PageScripts | null;
  /** Settings for the app, read from a JSON data block (never executed). */
  settings?: unknown;
  /** An empty icon (`data:`, so no request for /favicon.ico), where the page's CSP allows `img-src data:`. */
  emptyIcon?: boolean;
}

/**
 * The HTML of every page the API answers (share pages, conversation pages, the console). Only
 * escaped text, a language code, this origin's paths and inert JSON are interpolated.
 */
export function pageHtml(
  nonce: string,
  { lang = 'en', title, styles = SHELL_STYLES, body, scripts = null, settings, emptyIcon = false }: PageDocument,
): string {
  const preloads = (scripts?.preloads ?? [])
    .map((path) => `<link rel="modulepreload" href="${escapeHtml(path)}">\n`)
    .join('');
  const entry = scripts ? `<script type="module" src="${escapeHtml(scripts.entry)}"></script>\n` : '';
  const data =
    settings === undefined
      ? ''
      : `<script type="application/json" id="page-settings">${inertJson(settings)}</script>\n`;
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
${emptyIcon ? '<link rel="icon" href="data:,">\n' : ''}<style nonce="${nonce}">${styles}</style>
${preloads}${entry}${data}</head>
<body>
${body}
</body>
</html>
`;
}

/**
 * Headers of every page the API answers (share pages, conversation pages, the console): no
 * framing, no referrer, not indexed. Only share pages, which hold the player, may ask for the
 * microphone.
 */
export function setPageHeaders(c: Context, csp: string, { microphone = false } = {}): void {
  c.header('Content-Type', 'text/html; charset=utf-8');
  c.header('Content-Security-Policy', csp);
  c.header('X-Frame-Options', 'DENY');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Robots-Tag', 'noindex');
  c.header('Cross-Origin-Opener-Policy', 'same-origin');
  c.header('Cross-Origin-Resource-Policy', 'same-origin');
  c.header(
    'Permissions-Policy',
    `microphone=(${microphone ? 'self' : ''}), camera=(), geolocation=(), payment=(), usb=()`,
  );
}

/** Answers a page. */
export function page(c: Context, shell: PageShell): Response {
  const nonce = randomBytes(16).toString('base64');
  setPageHeaders(c, pageCsp(nonce));
  return c.body(pageHtml(nonce, shell), shell.status ?? 200);
}

/** A page whose app is not built: says so in words, with the same headers. */
export function pageNotBuilt(c: Context, title: string): Response {
  const nonce = randomBytes(16).toString('base64');
  setPageHeaders(c, pageCsp(nonce));
  const text = `${title} is not built on this server: run "npm run build", then reload.`;
  return c.body(
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(title)}</title>\n` +
      `<style nonce="${nonce}">${SHELL_STYLES}p{padding:24px}</style>\n</head>\n<body>\n<p>${escapeHtml(text)}</p>\n</body>\n</html>\n`,
    503,
  );
}
