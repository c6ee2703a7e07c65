/**
 * The built bundles on host pages served from another origin than the API: real CORS, real
 * `Origin` checks, real session starts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TOKENS } from '../support/fixtures.ts';
import { settledState, useHarness } from './harness.ts';

const current = useHarness();
const { player: PLAYER, orb: ORB } = TOKENS;
const page = (body: string, head = '') =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host page</title>${head}</head><body><main>${body}</main></body></html>`;

describe('the built bundles on another origin', () => {
  it("ES module: the default api-base is the bundle's origin, and the page origin is checked", async () => {
    const url = current().page(
      '/esm',
      page(
        `<share-link-embed token="${PLAYER}"></share-link-embed>`,
        `<script type="module" src="${current().api.base}/share-link-embed.js"></script>`,
      ),
    );
    const opened = await current().open(url);
    assert.equal(await settledState(opened.page), 'ready');
    assert.equal(await opened.page.getAttribute('share-link-embed', 'variant'), 'player');
    assert.equal(await opened.page.locator('share-link-embed [part~="name"]').textContent(), 'Cara');
    assert.equal(await opened.page.locator('share-link-embed [data-watermark]').count(), 1);
    // The poster, an image, sends no Origin (its Referer's origin stands for the page, docs/delivery.md).
    assert.deepEqual(
      opened.requests.filter((request) => !request.url.endsWith('/poster')).map((request) => request.origin),
      [current().hostOrigin],
    );
    assert.ok(opened.requests.every((request) => request.url.startsWith(current().api.base)));
    assert.deepEqual([...opened.pageErrors, ...opened.consoleErrors], []);
  });

  it('classic script: registers the element for markup already on the page', async () => {
    const url = current().page(
      '/iife',
      page(
        `<share-link-embed token="${PLAYER}"></share-link-embed><script src="${current().api.base}/share-link-embed.iife.js"></script>`,
      ),
    );
    const opened = await current().open(url);
    assert.equal(await settledState(opened.page), 'ready');
    assert.deepEqual([...opened.pageErrors, ...opened.consoleErrors], []);
  });

  it('one-liner: data-token appends one orb to <body>, on the api of data-api-base', async () => {
    const url = current().page(
      '/one-liner',
      page(
        '<h1>Shop</h1>',
        `<script src="${current().api.base}/share-link-embed.iife.js" data-token="${ORB}" data-api-base="${current().api.base}" async></script>`,
      ),
    );
    const opened = await current().open(url);
    assert.equal(await settledState(opened.page), 'ready');
    assert.equal(await opened.page.locator('share-link-embed').count(), 1);
    assert.equal(
      await opened.page.evaluate(() => document.querySelector('share-link-embed')!.parentElement!.tagName),
      'BODY',
    );
    assert.equal(await opened.page.getAttribute('share-link-embed', 'variant'), 'orb');
    await opened.page.locator('share-link-embed [part~="orb"]').click();
    assert.equal(await opened.page.locator('share-link-embed [part~="panel"]').isVisible(), true);
    assert.deepEqual([...opened.pageErrors, ...opened.consoleErrors], []);
  });

  it('loading both bundles, twice each, is harmless: one definition, no error', async () => {
    const scripts = [1, 2]
      .map(
        () =>
          `<script type="module" src="${current().api.base}/share-link-embed.js?copy=${Math.random()}"></script><script src="${current().api.base}/share-link-embed.iife.js?copy=${Math.random()}"></script>`,
      )
      .join('');
    const url = current().page('/twice', page(`<share-link-embed token="${PLAYER}"></share-link-embed>`, scripts));
    const opened = await current().open(url);
    assert.equal(await settledState(opened.page), 'ready');
    await opened.page.waitForTimeout(300);
    assert.deepEqual([...opened.pageErrors, ...opened.consoleErrors], []);
    assert.equal(await opened.page.evaluate(() => typeof customElements.get('share-link-embed')), 'function');
  });

  it('enforces allowed origins with the real Origin header, both ways', async () => {
    const link = await current().createLink({ allowAllOrigins: false, allowedOrigins: [current().hostOrigin] });
    const html = page(
      `<share-link-embed token="${link.token}"></share-link-embed>`,
      `<script type="module" src="${current().api.base}/share-link-embed.js"></script>`,
    );
    const allowed = await current().open(current().page('/allowed', html));
    assert.equal(await settledState(allowed.page), 'ready');

    const refused = await current().open(`${current().otherHostOrigin}/allowed`);
    assert.equal(await settledState(refused.page), 'error');
    assert.equal(
      await refused.page.evaluate(
        () => (document.querySelector('share-link-embed') as unknown as { error: { reason: string } }).error.reason,
      ),
      'origin-not-allowed',
    );
    assert.equal(
      (await refused.page.locator('share-link-embed [part~="message"]').textContent())?.trim(),
      'This conversation is not available on this website.',
    );
    assert.equal(refused.warnings.filter((warning) => warning.startsWith('<share-link-embed>')).length, 1);
    assert.deepEqual(refused.pageErrors, []);
  });

  it('starts a session across origins and counts exactly one use', async () => {
    const link = await current().createLink({ usageLimit: 3 });
    const url = current().page(
      '/start',
      page(
        `<share-link-embed token="${link.token}"></share-link-embed>`,
        `<script type="module" src="${current().api.base}/share-link-embed.js"></script>
      <script type="module">document.addEventListener('share-link-start', (event) => { event.preventDefault(); window.sessionToken = event.detail.sessionToken; });</script>`,
      ),
    );
    const opened = await current().open(url);
    assert.equal(await settledState(opened.page), 'ready');
    const start = opened.page.locator('share-link-embed [part~="start-button"]');
    await start.dblclick();
    await opened.page.waitForFunction(
      () => document.querySelector('share-link-embed')?.getAttribute('state') === 'live',
    );
    assert.match(
      await opened.page.evaluate(() => (window as unknown as { sessionToken: string }).sessionToken),
      /^st_/,
    );
    assert.equal((await current().getLink(link.id)).usageCount, 1);
    assert.deepEqual([...opened.pageErrors, ...opened.consoleErrors], []);
  });
});
