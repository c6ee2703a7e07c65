/**
 * The conversation page's HTML (docs/conversations.md, "The conversation page"): `GET /c/{capability}`
 * answers a shell that loads the page's app from this origin (the entry `conversation` of the API's
 * pages, built from pages/conversation/ and served at /pages/: server/pages.ts), under the API's
 * pages' headers: `noindex`, no framing, no
 * referrer (the URL is the capability), a strict CSP with no inline script and a nonce'd style.
 * Unknown or altered capabilities answer a 404 page, expired ones a 410 page, each in words.
 *
 * The page is for the site's operators, in English. Only escaped text is interpolated.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { escapeHtml, pageHtml, setPageHeaders, type PageScripts } from './pages.ts';

/** The page's app among the API's pages (vite.config.ts, `PAGE_ENTRIES`; server/pages.ts). */
export const CONVERSATION_PAGE_ENTRY = 'conversation';

/** The page's CSP: its own script and API (and the API's socket), nothing else. */
export function conversationPageCsp(nonce: string, ownOrigin: string | null): string {
  const own = ownOrigin === null ? null : new URL(ownOrigin);
  const socket = own ? [`${own.protocol === 'https:' ? 'wss:' : 'ws:'}//${own.host}`] : [];
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'nonce-${nonce}'`,
    "img-src 'self'",
    ["connect-src 'self'", ...socket].join(' '),
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const STYLES = `
:root{color-scheme:light dark}
html,body{margin:0;min-height:100%;background:#0d0e14;color:#f1f1f6;font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}
@media (prefers-color-scheme:light){html,body{background:#eef0f6;color:#17171f}}
conversation-page{display:block;min-height:100vh;min-height:100dvh}
.notice{max-width:36rem;margin:0 auto;padding:48px 24px;text-align:center}
.notice h1{font-size:1.4rem;margin:0 0 8px}
`.trim();

/** The page of a valid share URL: the `<conversation-page>` element reads the capability from the address. */
export function conversationPage(
  c: Context,
  { personaName, ownOrigin, scripts }: { personaName: string | null; ownOrigin: string | null; scripts: PageScripts },
) {
  const nonce = randomBytes(16).toString('base64');
  setPageHeaders(c, conversationPageCsp(nonce, ownOrigin));
  const title = personaName ? `Conversation with ${personaName}` : 'Conversation';
  return c.body(
    pageHtml(nonce, { title, styles: STYLES, body: '<conversation-page></conversation-page>', scripts }),
    200,
  );
}

const NOTICES = {
  404: [
    'This conversation link does not exist',
    'It may have been mistyped, or revoked when the conversation was deleted.',
  ],
  410: ['This conversation link has expired', 'Ask for a new link to the conversation.'],
} as const;

/** A 404 (unknown, altered or revoked) or 410 (expired) page, in words. */
export function conversationPageNotice(c: Context, status: 404 | 410, ownOrigin: string | null) {
  const nonce = randomBytes(16).toString('base64');
  setPageHeaders(c, conversationPageCsp(nonce, ownOrigin));
  const [title, detail] = NOTICES[status];
  const body = `<main class="notice"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p></main>`;
  return c.body(pageHtml(nonce, { title, styles: STYLES, body }), status);
}
