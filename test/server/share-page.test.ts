/**
 * Share pages (docs/share-pages.md) over real HTTP: `GET /s/{token}` for LINK links, its headers, its
 * language, its 404s, escaping, and the rule that lets the page's own requests use a LINK link
 * whatever its allowed origins. The browser side is in test/e2e/share-page.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MESSAGES } from '../../src/i18n/messages.ts';
import { auth, jsonHeaders, startInProcessApi, type InProcessApi } from '../support/api-inprocess.ts';
import { ENGINES_DATA } from '../support/fixtures.ts';

const LINKS = {
  plain: 'sh_PlainLink00000001',
  scripted: 'sh_ScriptedLink00001',
  elevenlabs: 'sh_ElevenLink0000001',
  expired: 'sh_ExpiredLink000001',
  disabled: 'sh_DisabledLink00001',
  usedUp: 'sh_UsedUpLink0000001',
  markup: 'sh_MarkupLink0000001',
} as const;
const PLAYER = 'sh_NoEngine000000001';
const ORB = 'sh_OrbEmbed000000001';
const RESTRICTED_EMBED = 'sh_RestrictedEmbed01';
const PLAIN_PERSONA = '00d4c3b2-0000-4000-8000-000000000001';

let api: InProcessApi;
before(async () => (api = await startInProcessApi({ data: ENGINES_DATA })));
after(() => api.close());

const page = (token: string, headers: Record<string, string> = {}, method = 'GET') =>
  fetch(`${api.base}/s/${token}`, { headers, method });

/** `{ directive: [sources] }` from a Content-Security-Policy header. */
function parseCsp(header: string | null): Record<string, string[]> {
  assert.ok(header, 'a Content-Security-Policy header');
  return Object.fromEntries(
    header
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .map(([name, ...sources]) => [name!, sources]),
  );
}

function assertPageHeaders(response: Response) {
  assert.match(response.headers.get('content-type') ?? '', /^text\/html; charset=utf-8$/);
  assert.equal(response.headers.get('x-frame-options'), 'DENY');
  assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(response.headers.get('x-robots-tag'), 'noindex');
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  const csp = parseCsp(response.headers.get('content-security-policy'));
  assert.deepEqual(csp['default-src'], ["'none'"]);
  assert.deepEqual(
    csp['script-src'],
    ["'self'"],
    'scripts only from this origin: no inline script, no eval, no other host',
  );
  assert.deepEqual(csp['frame-ancestors'], ["'none'"]);
  assert.deepEqual(csp['base-uri'], ["'none'"]);
  assert.deepEqual(csp['form-action'], ["'none'"]);
  assert.equal(csp['style-src']?.length, 1);
  assert.match(csp['style-src']![0]!, /^'nonce-[A-Za-z0-9+/]{22}=='$/);
  return csp;
}

describe('GET /s/{token}: a LINK link', () => {
  it('serves the element in share-page mode from this origin, with the headers a page opened from a link needs', async () => {
    const response = await page(LINKS.plain);
    assert.equal(response.status, 200);
    const csp = assertPageHeaders(response);
    const html = await response.text();
    assert.match(html, /^<!doctype html>\n<html lang="en">/);
    assert.match(html, /<meta name="robots" content="noindex">/);
    assert.match(html, /<meta name="referrer" content="no-referrer">/);
    assert.match(html, new RegExp(`<share-link-embed token="${LINKS.plain}" share-page></share-link-embed>`));
    assert.deepEqual(
      html.match(/<script[^>]*>/g),
      ['<script type="module" src="/share-link-embed.js">'],
      'one script, the bundle, nothing inline',
    );
    assert.match(html, /<title>Talk to Plain<\/title>/);
    const nonce = /<style nonce="([^"]+)">/.exec(html)?.[1];
    assert.deepEqual(csp['style-src'], [`'nonce-${nonce}'`], 'the one style element carries the nonce');
    assert.doesNotMatch(html, /style="/, 'no inline style attributes');
  });

  it('uses a fresh nonce for every page', async () => {
    const nonces = await Promise.all(
      [1, 2, 3].map(
        async () => parseCsp((await page(LINKS.plain)).headers.get('content-security-policy'))['style-src']![0],
      ),
    );
    assert.equal(new Set(nonces).size, 3);
  });

  it("lets the page load the persona's media and connect to the API and the engines, nothing else", async () => {
    const csp = parseCsp((await page(LINKS.plain)).headers.get('content-security-policy'));
    const { host } = new URL(api.base);
    // The fixture's poster is on this origin, its idle video on a media host.
    assert.deepEqual(csp['img-src'], ["'self'", 'https://media.example.net']);
    assert.deepEqual(csp['media-src'], ["'self'", 'https://media.example.net']);
    assert.deepEqual(csp['connect-src'], [
      "'self'",
      `ws://${host}`,
      'https://*.anam.ai',
      'wss://*.anam.ai',
      'https://*.elevenlabs.io',
      'wss://*.elevenlabs.io',
    ]);
    assert.deepEqual(csp['worker-src'], ["'self'", 'blob:']);
  });

  it('does not tell which engine a persona uses: the same policy for every engine, and no engine in the page', async () => {
    const withoutNonce = (csp: string | null) => csp!.replace(/'nonce-[^']+'/, "'nonce'");
    const policies = new Set<string>();
    for (const token of [LINKS.plain, LINKS.scripted, LINKS.elevenlabs]) {
      const response = await page(token);
      policies.add(withoutNonce(response.headers.get('content-security-policy')));
      const html = await response.text();
      // The fixture tokens name their engine; nothing else in the page may.
      assert.doesNotMatch(html.replaceAll(token, ''), /engine|agent_|elevenlabs|anam|scripted/i, token);
    }
    assert.equal(policies.size, 1);
  });

  it('on the configured public URL, the engine socket is wss: on that host', async () => {
    const behindProxy = await startInProcessApi({ data: ENGINES_DATA, publicUrl: 'https://api.example.com' });
    try {
      const csp = parseCsp(
        (await fetch(`${behindProxy.base}/s/${LINKS.plain}`)).headers.get('content-security-policy'),
      );
      assert.equal(csp['connect-src']![1], 'wss://api.example.com');
    } finally {
      await behindProxy.close();
    }
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await page(LINKS.plain, {}, 'HEAD');
    assert.equal(response.status, 200);
    assertPageHeaders(response);
    assert.equal(await response.text(), '');
  });
});

describe('language', () => {
  const cases: [string | undefined, keyof typeof MESSAGES][] = [
    [undefined, 'en'],
    ['de-AT,de;q=0.9,en;q=0.5', 'de'],
    ['fr;q=0.2, ja;q=0.8', 'ja'],
    ['pt-BR, es;q=0.4', 'es'],
    ['pt-BR', 'en'],
    ['*', 'en'],
    ['de;q=0, fr;q=0.1', 'fr'],
    ['EN-gb', 'en'],
    [';;;,,q=2,de;q=abc', 'en'],
  ];
  for (const [header, lang] of cases) {
    it(`Accept-Language ${JSON.stringify(header)} → ${lang}`, async () => {
      const html = await (await page(LINKS.plain, header === undefined ? {} : { 'Accept-Language': header })).text();
      assert.match(html, new RegExp(`<html lang="${lang}">`));
      assert.match(html, new RegExp(`<title>${MESSAGES[lang].talkTo.replace('{name}', 'Plain')}</title>`));
    });
  }
});

describe('a LINK link that cannot be used: still a page, whose element shows why', () => {
  for (const [which, reason] of [
    ['expired', 'expired'],
    ['disabled', 'disabled'],
    ['usedUp', 'usage-limit-reached'],
  ] as const) {
    it(`${reason}: 200, the translated reason as title, no persona and no media`, async () => {
      const response = await page(LINKS[which], { 'Accept-Language': 'de' });
      assert.equal(response.status, 200);
      const csp = assertPageHeaders(response);
      assert.deepEqual(csp['img-src'], ["'self'"]);
      const html = await response.text();
      assert.match(html, new RegExp(`<title>${MESSAGES.de.errors[reason]}</title>`));
      assert.doesNotMatch(html, /Plain/);
      assert.match(html, /<share-link-embed token="sh_\w+" share-page>/);
    });
  }
});

describe('what is not a share page: a 404 page, with the same headers', () => {
  const cases: [string, string][] = [
    ['a player embed link', PLAYER],
    ['an orb embed link', ORB],
    ['an unknown token', 'sh_Unknown00000000000'],
    ['a malformed token', 'sh_x'],
    ['markup in place of a token', encodeURIComponent('sh_<script>alert(1)</script>')],
    ['a deeper path', `${LINKS.plain}/extra`],
    ['nothing', ''],
  ];
  for (const [what, path] of cases) {
    it(what, async () => {
      const response = await page(path, { 'Accept-Language': 'fr' });
      assert.equal(response.status, 404);
      assertPageHeaders(response);
      const html = await response.text();
      assert.match(html, /<html lang="fr">/);
      assert.match(html, /<meta name="robots" content="noindex">/);
      assert.ok(html.includes(MESSAGES.fr.errors['not-found']), 'the translated reason');
      assert.doesNotMatch(html, /<script|<share-link-embed|alert/, 'nothing of the request reflected, no element');
    });
  }

  it('says the same for an embed link as for an unknown token', async () => {
    const strip = (html: string) => html.replace(/nonce="[^"]+"/, '');
    assert.equal(strip(await (await page(PLAYER)).text()), strip(await (await page('sh_Unknown00000000000')).text()));
  });
});

describe('nothing stored is interpolated unescaped', () => {
  it('a persona name made of markup is text in the title', async () => {
    const html = await (await page(LINKS.markup)).text();
    const title = /<title>([^<]*)<\/title>/.exec(html)?.[1];
    assert.equal(
      title,
      'Talk to &#60;img src=x onerror=&#34;window.__pwned=1&#34;&#62;&#34;Mal&#39;&#60;/title&#62;&#60;script&#62;window.__pwned=1&#60;/script&#62;',
    );
    assert.doesNotMatch(html, /<img|onerror="|<script>window/);
    assert.equal(html.match(/<script/g)?.length, 1, 'only the bundle');
  });
});

describe("the share page's own requests", () => {
  // The page sends no referrer, so its lookup carries neither Origin nor Referer; the browser's
  // Sec-Fetch-Site (which page scripts cannot set) says it comes from this very origin.
  const ownPage = { 'Sec-Fetch-Site': 'same-origin' };

  it('may use a LINK link whatever its allowed origins: they say where a link may be embedded', async () => {
    assert.equal((await fetch(`${api.base}/v1/embed/${LINKS.plain}`)).status, 403);
    assert.equal(
      (
        await fetch(`${api.base}/v1/embed/${LINKS.plain}`, {
          headers: { Origin: 'https://elsewhere.example', 'Sec-Fetch-Site': 'cross-site' },
        })
      ).status,
      403,
    );
    assert.equal((await fetch(`${api.base}/v1/embed/${LINKS.plain}`, { headers: ownPage })).status, 200);
    const before = api.store.linkByToken(LINKS.plain)!.usageCount;
    const refused = await fetch(`${api.base}/v1/embed/${LINKS.plain}/sessions`, {
      method: 'POST',
      headers: { Origin: 'https://elsewhere.example' },
    });
    assert.equal(refused.status, 403);
    assert.equal((await refused.json()).error, 'origin-not-allowed');
    assert.equal(api.store.linkByToken(LINKS.plain)!.usageCount, before);
    const granted = await fetch(`${api.base}/v1/embed/${LINKS.plain}/sessions`, {
      method: 'POST',
      headers: { ...ownPage, Origin: api.base },
    });
    assert.equal(granted.status, 201);
    assert.equal(api.store.linkByToken(LINKS.plain)!.usageCount, before + 1);
  });

  it('still meet every other rule', async () => {
    for (const [token, status, reason] of [
      [LINKS.disabled, 403, 'disabled'],
      [LINKS.expired, 410, 'expired'],
      [LINKS.usedUp, 403, 'usage-limit-reached'],
    ] as const) {
      for (const request of [
        fetch(`${api.base}/v1/embed/${token}`, { headers: ownPage }),
        fetch(`${api.base}/v1/embed/${token}/sessions`, { method: 'POST', headers: ownPage }),
      ]) {
        const response = await request;
        assert.equal(response.status, status, token);
        assert.equal((await response.json()).error, reason);
      }
    }
  });

  it("do not open an embed link's allowed origins", async () => {
    assert.equal((await fetch(`${api.base}/v1/embed/${RESTRICTED_EMBED}`, { headers: ownPage })).status, 403);
    assert.equal(
      (await fetch(`${api.base}/v1/embed/${RESTRICTED_EMBED}/sessions`, { method: 'POST', headers: ownPage })).status,
      403,
    );
  });
});

describe('shareUrl in management answers', () => {
  it('lists every link with its shareUrl: the page for LINK links, null for embed links', async () => {
    const { data } = await (await fetch(`${api.base}/v1/share-links?perPage=100`, { headers: auth })).json();
    assert.ok(data.length > 10, 'the fixture links');
    for (const link of data) {
      assert.equal(link.shareUrl, link.type === 'LINK' ? `${api.base}/s/${link.token}` : null, link.token);
    }
  });

  it('gives it on get, create and update, following the type', async () => {
    const created = await (
      await fetch(`${api.base}/v1/share-links`, {
        method: 'POST',
        headers: jsonHeaders,
        body: JSON.stringify({ personaId: PLAIN_PERSONA, type: 'LINK' }),
      })
    ).json();
    assert.equal(created.shareUrl, `${api.base}/s/${created.token}`);
    assert.equal((await fetch(created.shareUrl)).status, 200, 'the URL opens the page');
    const got = await (await fetch(`${api.base}/v1/share-links/${created.id}`, { headers: auth })).json();
    assert.equal(got.shareUrl, created.shareUrl);
    const embed = await (
      await fetch(`${api.base}/v1/share-links/${created.id}`, {
        method: 'PATCH',
        headers: jsonHeaders,
        body: JSON.stringify({ type: 'PLAYER_EMBED' }),
      })
    ).json();
    assert.equal(embed.shareUrl, null);
    assert.equal((await fetch(`${api.base}/s/${created.token}`)).status, 404, 'an embed link has no page');
    const back = await (
      await fetch(`${api.base}/v1/share-links/${created.id}`, {
        method: 'PATCH',
        headers: jsonHeaders,
        body: JSON.stringify({ type: 'LINK' }),
      })
    ).json();
    assert.equal(back.shareUrl, created.shareUrl);
  });

  it('is never stored, never writable, never public', async () => {
    const id = api.store.linkByToken(LINKS.plain)!.id;
    const patched = await fetch(`${api.base}/v1/share-links/${id}`, {
      method: 'PATCH',
      headers: jsonHeaders,
      body: JSON.stringify({ shareUrl: 'https://evil.example' }),
    });
    assert.equal(patched.status, 400);
    assert.equal((await patched.json()).field, 'shareUrl');
    assert.equal('shareUrl' in api.store.linkByToken(LINKS.plain)!, false);
    const lookup = await (
      await fetch(`${api.base}/v1/embed/${LINKS.plain}`, { headers: { 'Sec-Fetch-Site': 'same-origin' } })
    ).json();
    assert.equal('shareUrl' in lookup.shareLink, false);
  });

  it('uses the configured public URL', async () => {
    const behindProxy = await startInProcessApi({ data: ENGINES_DATA, publicUrl: 'https://api.example.com/' });
    try {
      const link = await (
        await fetch(`${behindProxy.base}/v1/share-links/${api.store.linkByToken(LINKS.plain)!.id}`, { headers: auth })
      ).json();
      assert.equal(link.shareUrl, `https://api.example.com/s/${LINKS.plain}`);
    } finally {
      await behindProxy.close();
    }
  });
});
