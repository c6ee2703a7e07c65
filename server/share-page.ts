/**
 * Share pages (docs/share-pages.md): `GET /s/{token}` serves a `LINK` link as a page of its own, the way
 * Anam's LINK links, ElevenLabs' shareable agent links and Xenioo's share URLs open directly.
 *
 * The page is a shell: the same `<share-link-embed>` element, full-viewport, in share-page mode
 * (the `share-page` attribute), loaded from this origin's own bundle. The element asks the API for
 * the link like any embed, so enabled, expiry and usage show as its translated states, and a start
 * runs the same conversation. What the page adds is what a page opened from a link needs:
 * `noindex`, no framing, a strict CSP with no inline script, no referrer (the URL holds the token).
 *
 * Embed links (`PLAYER_EMBED`, `ORB_EMBED`), unknown and malformed tokens answer a plain 404 page
 * with the same headers: a page never says which tokens exist as embed links.
 *
 * This module renders the pages; server/routes/share-pages.ts serves them.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { FALLBACK_LANGUAGE, matchLanguage, type Language } from '../src/i18n/languages.ts';
import { MESSAGES } from '../src/i18n/messages.ts';
import type { JudgingContext } from './judging.ts';
import { escapeHtml, pageHtml, setPageHeaders } from './pages.ts';

export const SHARE_PAGE_PATH = '/s/';
/** The ES bundle on this origin, which the page loads. */
export const SHARE_PAGE_BUNDLE = '/share-link-embed.js';

/** The page a `LINK` link opens: `https://api.example.com/s/sh_…`. */
export function shareUrlFor(publicOrigin: string, token: string): string {
  return new URL(`${SHARE_PAGE_PATH}${token}`, publicOrigin).href;
}

/**
 * Whether a request comes from a page of this very origin (the share page). Browsers say so in
 * `Sec-Fetch-Site`, which no page script can set; the share page's requests carry neither a
 * `Referer` nor (for GET) an `Origin`, because the page sends no referrer.
 */
export function isFromOwnPage(c: Context): boolean {
  return c.req.header('sec-fetch-site') === 'same-origin';
}

/** How the API judges a request's link: for its own share page, or for any other page (server/judging.ts). */
export function judgingContextOf(c: Context): JudgingContext {
  return isFromOwnPage(c) ? 'share-page' : 'page';
}

/**
 * What engines' browser clients connect to, allowed on every share page whatever the persona's
 * engine (a per-persona policy would tell visitors which vendor a persona uses before it starts).
 * `'self'` covers the scripted engine's WebSocket in current browsers; its ws(s) origin is added
 * explicitly for older ones. WebRTC media is not governed by CSP.
 */
export const ENGINE_CONNECT_SOURCES = [
  // Anam: the JS SDK's REST calls and signalling WebSocket.
  'https://*.anam.ai',
  'wss://*.anam.ai',
  // ElevenLabs: api.elevenlabs.io and its LiveKit WebRTC signalling (livekit.rtc.elevenlabs.io).
  'https://*.elevenlabs.io',
  'wss://*.elevenlabs.io',
] as const;

/** The share page's Content-Security-Policy: no inline script, nothing from elsewhere but media and engines. */
export function sharePageCsp({
  nonce,
  ownOrigin,
  mediaOrigins,
}: {
  nonce: string;
  /** Where browsers reach this API (server/origins.ts); `null` when unknown: `'self'` alone then. */
  ownOrigin: string | null;
  mediaOrigins: readonly string[];
}): string {
  const own = ownOrigin === null ? null : new URL(ownOrigin);
  const ownSocket = own ? [`${own.protocol === 'https:' ? 'wss:' : 'ws:'}//${own.host}`] : [];
  const media = [...new Set(mediaOrigins)].filter((origin) => origin !== own?.origin);
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'nonce-${nonce}'`,
    ["img-src 'self'", ...media].join(' '),
    ["media-src 'self'", ...media].join(' '),
    ["connect-src 'self'", ...ownSocket, ...ENGINE_CONNECT_SOURCES].join(' '),
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The visitor's language among the element's (src/i18n/languages.ts), by `Accept-Language` and its q-values. */
export function pickLanguage(acceptLanguage: string | undefined): Language {
  let best: { lang: Language; q: number } | null = null;
  for (const part of (acceptLanguage ?? '').slice(0, 1000).split(',')) {
    const [range, ...params] = part.trim().split(';');
    const lang = matchLanguage(range?.trim());
    if (!lang) continue;
    const qParam = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { lang, q };
  }
  return best?.lang ?? FALLBACK_LANGUAGE;
}

/** Escapes text for HTML text and double-quoted attribute values. */

const STYLES = `
html,body{margin:0;height:100%;background:#0d0e14;color:#f1f1f6;font:16px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}
main{display:grid;min-height:100%;place-items:center}
share-link-embed{display:block;width:100%;--share-link-embed-radius:0;--share-link-embed-aspect-ratio:auto}
share-link-embed::part(player){height:100vh;height:100dvh}
.not-found{margin:0;padding:24px;text-align:center}
`.trim();

/** The HTML document (server/pages.ts). Only `lang`, the token (checked against its pattern) and escaped text are interpolated. */
function sharePageHtml({
  lang,
  nonce,
  title,
  body,
  bundlePath,
}: {
  lang: Language;
  nonce: string;
  title: string;
  body: string;
  bundlePath?: string;
}): string {
  const scripts = bundlePath ? { entry: bundlePath, preloads: [] } : null;
  return pageHtml(nonce, { lang, title, styles: STYLES, body: `<main>${body}</main>`, scripts });
}

const originOf = (url: string | null): string | null => {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : null;
  } catch {
    return null;
  }
};

export interface SharePage {
  /** The token, checked against its pattern. */
  token: string;
  /** The page's title: the persona while the link may be used, else why it may not (in `lang`). */
  title: string;
  /** The persona's media URLs, for `img-src` and `media-src`; none while the link may not be used. */
  mediaUrls: readonly (string | null)[];
  /** Where browsers reach this API; `null` when unknown. */
  ownOrigin: string | null;
}

/** The share page of a `LINK` link: the element, in share-page mode (the `share-page` attribute in src/share-link-embed.ts). */
export function sharePage(c: Context, { token, title, mediaUrls, ownOrigin }: SharePage): Response {
  const lang = languageOf(c);
  const nonce = randomBytes(16).toString('base64');
  const mediaOrigins = mediaUrls.map(originOf).filter((origin): origin is string => origin !== null);
  setPageHeaders(c, sharePageCsp({ nonce, ownOrigin, mediaOrigins }), { microphone: true });
  const body = `<share-link-embed token="${escapeHtml(token)}" share-page></share-link-embed>`;
  return c.body(sharePageHtml({ lang, nonce, title, body, bundlePath: SHARE_PAGE_BUNDLE }), 200);
}

/** The 404 page, for embed links, unknown and malformed tokens and anything else under `/s/`. */
export function sharePageNotFound(c: Context, ownOrigin: string | null): Response {
  const lang = languageOf(c);
  const nonce = randomBytes(16).toString('base64');
  setPageHeaders(c, sharePageCsp({ nonce, ownOrigin, mediaOrigins: [] }), { microphone: true });
  const text = MESSAGES[lang].errors['not-found'];
  return c.body(sharePageHtml({ lang, nonce, title: text, body: `<p class="not-found">${escapeHtml(text)}</p>` }), 404);
}

/** The visitor's language, by `Accept-Language`. */
export const languageOf = (c: Context): Language => pickLanguage(c.req.header('accept-language'));
