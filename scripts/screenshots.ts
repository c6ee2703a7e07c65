/**
 * `npm run screenshots`: the built widget on a host page, as a visitor sees it, light and dark,
 * written to docs/screenshots/. The README shows some of them.
 */
import { mkdir } from 'node:fs/promises';
import { settledState, startHarness } from '../test/e2e/harness.ts';

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
  console.log(`screenshots written to ${OUT.pathname}`);
} finally {
  await harness.close();
}
