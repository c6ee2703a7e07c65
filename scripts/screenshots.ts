/**
 * `npm run screenshots`: the built widget on a host page, as a visitor sees it, and the operator's
 * console, light and dark, written to docs/screenshots/. The README and the docs show some of them.
 */
import { mkdir } from 'node:fs/promises';
import { API_KEY } from './api-process.ts';
import { settledState, startHarness, type Harness } from '../test/e2e/harness.ts';

const OUT = new URL('../docs/screenshots/', import.meta.url);
const harness = await startHarness();
await mkdir(OUT, { recursive: true });

const host = (body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="color-scheme" content="light dark">
  <script type="module" src="${harness.api.base}/share-link-embed.js"></script>
  <style>body{margin:0;padding:32px;font:16px system-ui;background:Canvas;color:CanvasText} main{max-width:560px}</style></head>
  <body><main>${body}</main></body></html>`;

const shots: { name: string; body: string; viewport?: { width: number; height: number }; open?: boolean }[] = [
  {
    name: 'player',
    body: '<share-link-embed token="sh_2kL9pQxYzR4vN8mBwHfJc"></share-link-embed>',
    viewport: { width: 624, height: 380 },
  },
  {
    name: 'orb-closed',
    body: '<p>A shop page with an orb in the corner.</p><share-link-embed token="sh_Orb7mBwHfJc4kL9pQxYz"></share-link-embed>',
    viewport: { width: 640, height: 520 },
  },
  {
    name: 'orb-open',
    body: '<p>A shop page with an orb in the corner.</p><share-link-embed token="sh_Orb7mBwHfJc4kL9pQxYz"></share-link-embed>',
    viewport: { width: 640, height: 520 },
    open: true,
  },
  {
    name: 'orb-open-phone',
    body: '<share-link-embed token="sh_Orb7mBwHfJc4kL9pQxYz"></share-link-embed>',
    viewport: { width: 375, height: 667 },
    open: true,
  },
  {
    name: 'error-expired',
    body: '<share-link-embed token="sh_Expired9pQxYzR4vN8m"></share-link-embed>',
    viewport: { width: 624, height: 380 },
  },
  {
    name: 'error-origin',
    body: '<share-link-embed token="sh_OriginNo3xYzR4vN8m" lang="de"></share-link-embed>',
    viewport: { width: 624, height: 380 },
  },
];

try {
  for (const shot of shots) {
    const url = harness.page(`/${shot.name}`, host(shot.body));
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page, context } = await harness.open(url, {
        colorScheme,
        viewport: shot.viewport ?? { width: 800, height: 600 },
      });
      await settledState(page);
      if (shot.open) {
        await page.locator('share-link-embed [part~="orb"]').click();
        await page.locator('share-link-embed [part~="poster"]').waitFor();
      }
      // Let posters decode and animations settle.
      await page.waitForTimeout(600);
      await page.screenshot({ path: new URL(`${shot.name}-${colorScheme}.png`, OUT).pathname });
      await context.close();
    }
  }
  await consoleShots(harness);
  console.log(`screenshots written to ${OUT.pathname}`);
} finally {
  await harness.close();
}

/** The console (docs/operators.md, "Console"): the links, a link, analytics; a phone. */
async function consoleShots(harness: Harness): Promise<void> {
  // Traffic for the analytics: views on an allowed page, and refusals on a page that is not allowed.
  const host = harness.page(
    '/shop',
    `<!doctype html><body><script type="module" src="${harness.api.base}/share-link-embed.js"></script><share-link-embed token="sh_OriginOk8mBwHfJc4k"></share-link-embed></body>`,
  );
  for (const url of [host, host, host, host.replace(harness.hostOrigin, harness.otherHostOrigin)]) {
    const { page, context } = await harness.open(url);
    await settledState(page);
    await context.close();
  }
  const views: { name: string; hash: string; viewport: { width: number; height: number } }[] = [
    { name: 'console-links', hash: '#/links', viewport: { width: 1280, height: 820 } },
    {
      name: 'console-link',
      hash: '#/links/00000000-0000-4000-8000-000000000006',
      viewport: { width: 1280, height: 1100 },
    },
    { name: 'console-analytics', hash: '#/analytics', viewport: { width: 1280, height: 1200 } },
    { name: 'console-phone', hash: '#/links', viewport: { width: 390, height: 844 } },
  ];
  for (const view of views) {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page, context } = await harness.open(`${harness.api.base}/console`, {
        colorScheme,
        viewport: view.viewport,
      });
      await page.locator('input[name="key"]').fill(API_KEY);
      await page.keyboard.press('Enter');
      await page.locator('console-links table').waitFor();
      await page.evaluate((hash) => (location.hash = hash), view.hash);
      await page.locator('[data-view] h1').first().waitFor();
      // Loaded (or said to be unavailable), charts drawn.
      await page.waitForFunction(
        () =>
          !document
            .querySelector('share-link-console')
            ?.shadowRoot?.querySelector('[data-view]')
            ?.shadowRoot?.querySelector('[role="status"].muted'),
      );
      await page.waitForTimeout(600);
      await page.screenshot({ path: new URL(`${view.name}-${colorScheme}.png`, OUT).pathname });
      await context.close();
    }
  }
}
