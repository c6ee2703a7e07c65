/**
 * The built bundle on pages we do not control: a strict Content-Security-Policy with Trusted Types,
 * the visitor going offline and back, hostile CSS and scripts, another copy of Lit, another copy
 * of the bundle.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TOKENS } from '../support/fixtures.ts';
import { settledState, useHarness } from './harness.ts';

const current = useHarness();
const { player: PLAYER, orb: ORB } = TOKENS;

/** Records CSP violations from before the page's own code runs (init scripts are not subject to its CSP). */
const RECORD_VIOLATIONS = `window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));`;

describe('strict pages', () => {
  it('works under a strict CSP with Trusted Types enforced, with no violation', async () => {
    const api = current().api.base;
    const csp = [
      "default-src 'none'",
      `script-src ${api}`,
      "style-src 'self'",
      // The scripted engine's WebSocket is on the API's host (docs/conversations.md).
      `connect-src ${api} ${api.replace('http:', 'ws:')}`,
      `img-src ${api}`,
      `media-src ${api}`,
      "require-trusted-types-for 'script'",
      'trusted-types lit-html',
    ].join('; ');
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}">
      <script type="module" src="${api}/share-link-embed.js"></script></head>
      <body><share-link-embed token="${PLAYER}"></share-link-embed><share-link-embed token="sh_Expired9pQxYzR4vN8m"></share-link-embed>
      <share-link-embed token="${ORB}"></share-link-embed></body></html>`;
    const url = current().page('/csp', html);
    const context = await current().browser.newContext({ permissions: ['microphone'] });
    await context.addInitScript({ content: RECORD_VIOLATIONS });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on(
      'console',
      (message) =>
        message.type() === 'error' && !/Failed to load resource/.test(message.text()) && errors.push(message.text()),
    );
    await page.goto(url);
    await page.waitForFunction(() =>
      [...document.querySelectorAll('share-link-embed')].every((el) =>
        /ready|error/.test(el.getAttribute('state') ?? ''),
      ),
    );
    assert.deepEqual(
      await page.evaluate(() =>
        [...document.querySelectorAll('share-link-embed')].map((el) => el.getAttribute('state')),
      ),
      ['ready', 'error', 'ready'],
    );
    // Open the orb, start a conversation (its chunks, the microphone, the engine's socket), see the
    // idle video: every kind of content the widget loads.
    await page.locator('share-link-embed[variant="orb"] [part~="orb"]').click();
    await page.locator('share-link-embed[variant="orb"] [part~="poster"]').waitFor();
    await page.locator('share-link-embed[variant="player"] [part~="video"]').waitFor();
    await page.locator('share-link-embed[variant="player"] [part~="start-button"]').click();
    await page.waitForFunction(
      () => document.querySelector('share-link-embed[variant="player"]')?.getAttribute('state') === 'live',
    );
    await page
      .locator('share-link-embed[variant="player"] [part~="captions"]')
      .filter({ hasText: 'scripted demo persona' })
      .waitFor();
    assert.equal(
      await page.evaluate(
        () =>
          getComputedStyle(document.querySelector('share-link-embed')!.shadowRoot!.querySelector('[part~="player"]')!)
            .borderRadius,
      ),
      '12px',
      'styles applied',
    );
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), []);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('faults', () => {
  it('recovers by itself when the visitor comes back online', async () => {
    const url = current().page(
      '/offline',
      `<!doctype html><script type="module" src="${current().api.base}/share-link-embed.js"></script><share-link-embed token="${PLAYER}"></share-link-embed>`,
    );
    const context = await current().browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // The script is cached first; then the visitor loses the network before the link is fetched.
    await page.goto(url);
    await settledState(page);
    await context.setOffline(true);
    await page.evaluate(() => {
      const embed = document.createElement('share-link-embed');
      embed.id = 'late';
      embed.setAttribute('token', 'sh_NoMark5HfJc4kL9pQx');
      document.body.append(embed);
    });
    await page.waitForFunction(() => document.getElementById('late')?.getAttribute('state') === 'error', undefined, {
      timeout: 20_000,
    });
    assert.equal(
      await page.evaluate(
        () => (document.getElementById('late') as unknown as { error: { reason: string } }).error.reason,
      ),
      'network',
    );
    await context.setOffline(false);
    await page.waitForFunction(() => document.getElementById('late')?.getAttribute('state') === 'ready', undefined, {
      timeout: 20_000,
    });
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('hostile host pages', () => {
  const hostile = (head: string) =>
    current().page(
      `/hostile-${Math.random().toString(36).slice(2)}`,
      `<!doctype html><html lang="en"><head><meta charset="utf-8">${head}
      <script type="module" src="${current().api.base}/share-link-embed.js"></script></head>
      <body><main style="width:640px"><share-link-embed token="${PLAYER}"></share-link-embed></main><share-link-embed token="${ORB}"></share-link-embed></body></html>`,
    );

  async function expectWorking(url: string) {
    // The microphone is granted, so the conversation the element runs after start stays live.
    const opened = await current().open(url, { permissions: ['microphone'] });
    const { page } = opened;
    await page.waitForFunction(() =>
      [...document.querySelectorAll('share-link-embed')].every((el) => el.getAttribute('state') === 'ready'),
    );
    const player = page.locator('share-link-embed[variant="player"]');
    const box = await player.locator('[part~="player"]').boundingBox();
    assert.ok(box && Math.abs(box.width / box.height - 16 / 9) < 0.02, `a 16:9 player, got ${JSON.stringify(box)}`);
    assert.equal(await player.locator('[part~="start-button"]').isVisible(), true);
    await player.locator('[part~="start-button"]').click();
    await page.waitForFunction(
      () => document.querySelector('share-link-embed[variant="player"]')?.getAttribute('state') === 'live',
    );
    // The orb floats above the page (its open panel may cover a full-width player, as intended).
    await page.locator('share-link-embed[variant="orb"] [part~="orb"]').click();
    assert.equal(await page.locator('share-link-embed[variant="orb"] [part~="panel"]').isVisible(), true);
    assert.deepEqual([...opened.pageErrors, ...opened.consoleErrors], []);
    await opened.context.close();
  }

  it('survives hostile global CSS', async () => {
    await expectWorking(
      hostile(`<style>
      * { all: unset !important; }
      * { z-index: 2147483647 !important; font-size: 3px !important; color: transparent !important; }
      button { display: none !important; }
      share-link-embed { display: inline !important; }
      html, body { display: block !important; }
    </style>`),
    );
  });

  it('survives a page that rewrites Array.prototype and wraps window.fetch', async () => {
    await expectWorking(
      hostile(`<script>
      // Old libraries add enumerable methods and toJSON to arrays; analytics tools wrap fetch.
      Array.prototype.extra = function () { return 'extra'; };
      Array.prototype.toJSON = function () { return 'not an array'; };
      Object.prototype.polluted = 'yes';
      const nativeFetch = window.fetch;
      window.fetch = async function (...args) { window.__fetches = (window.__fetches || 0) + 1; return nativeFetch.apply(this, args); };
    </script>`),
    );
  });

  it("lives beside the page's own copy of Lit", async () => {
    const modules = (name: string, path: string) => `"${name}": "/node_modules/${path}"`;
    const url = current().page(
      '/own-lit',
      `<!doctype html><html lang="en"><head><meta charset="utf-8">
      <script type="importmap">{ "imports": { ${[
        modules('lit', 'lit/index.js'),
        modules('lit-html', 'lit-html/lit-html.js'),
        modules('lit-html/', 'lit-html/'),
        modules('lit-element/lit-element.js', 'lit-element/lit-element.js'),
        modules('@lit/reactive-element', '@lit/reactive-element/reactive-element.js'),
        modules('@lit/reactive-element/', '@lit/reactive-element/'),
      ].join(', ')} } }</script>
      <script type="module">
        import { LitElement, html } from 'lit';
        customElements.define('page-own-element', class extends LitElement { render() { return html\`<p>the page's own Lit</p>\`; } });
      </script>
      <script type="module" src="${current().api.base}/share-link-embed.js"></script></head>
      <body><page-own-element></page-own-element><share-link-embed token="${PLAYER}"></share-link-embed></body></html>`,
    );
    const opened = await current().open(url);
    assert.equal(await settledState(opened.page), 'ready');
    await opened.page.waitForFunction(() =>
      document.querySelector('page-own-element')?.shadowRoot?.textContent?.includes("the page's own Lit"),
    );
    assert.deepEqual([...opened.pageErrors, ...opened.consoleErrors], []);
    await opened.context.close();
  });
});
