/**
 * A cross-origin-isolated host page (COOP same-origin, COEP require-corp) loads the classic bundle,
 * the link and the avatar from the API's origin: possible only because every one of them carries
 * `Cross-Origin-Resource-Policy: cross-origin`.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { TOKENS } from '../support/fixtures.ts';
import { settledState, useHarness } from './harness.ts';

const current = useHarness();

it('works on a page with Cross-Origin-Embedder-Policy: require-corp', async () => {
  const { api } = current();
  const url = current().page(
    '/isolated',
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>isolated</title></head><body>
      <share-link-embed token="${TOKENS.player}"></share-link-embed>
      <script src="${api.base}/share-link-embed.iife.js"></script></body></html>`,
    { 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Opener-Policy': 'same-origin' },
  );
  const opened = await current().open(url);
  assert.equal(await opened.page.evaluate(() => crossOriginIsolated), true, 'the page is cross-origin isolated');
  assert.equal(await settledState(opened.page), 'ready');
  await opened.page.waitForFunction(
    () => {
      const poster = document
        .querySelector('share-link-embed')
        ?.shadowRoot?.querySelector('img[part~="poster"]') as HTMLImageElement | null;
      return poster?.complete && poster.naturalWidth > 0;
    },
    undefined,
    { timeout: 10_000 },
  );
  assert.deepEqual([...opened.pageErrors, ...opened.consoleErrors], []);
});
