/**
 * Each built bundle in Firefox and in WebKit, end to end: a host page of another origin than the
 * API, the link loaded, start pressed by the driver's pointer, and the scripted conversation over
 * a real WebSocket, with the browser's fake microphone, up to its first caption; and each engine
 * adapter's chunk with its vendor's real SDK (WebKitGTK has no WebRTC, but they load). The other e2e
 * suites run in Chromium; `BROWSERS` picks the browsers here (test/README.md, "Browsers").
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../../scripts/api-process.ts';
import { selectedBrowsers } from '../../scripts/browsers.mjs';
import { launchFirefox, launchWebKit, type DrivenBrowser } from '../support/e2e-browsers.ts';
import { startHosts, type Hosts } from './harness.ts';

const LAUNCH = { firefox: launchFirefox, webkit: launchWebKit } as const;
const browsers = selectedBrowsers().filter((browser) => browser !== 'chromium') as (keyof typeof LAUNCH)[];
if (browsers.length === 0) console.log('test/e2e/browsers.test.ts: Firefox and WebKit left out by BROWSERS');

/** WebKitGTK says the greeting aloud before it listens (test/widget/conversation.test.ts). */
const SPOKEN_LINES_MS = 30_000;

const BUNDLES = {
  'ES module': (api: string, embed: string) =>
    `<script type="module" src="${api}/share-link-embed.js"></script></head><body><main>${embed}</main>`,
  'classic script': (api: string, embed: string) =>
    `</head><body><main>${embed}</main><script src="${api}/share-link-embed.iife.js"></script>`,
};

/** The page records its own errors and the element's, since WebDriver classic reads no console. */
const hostPage = (api: string, token: string, bundle: keyof typeof BUNDLES) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>host page</title>
<script>
  window.__errors = [];
  addEventListener('error', (event) => __errors.push(String(event.message)));
  addEventListener('unhandledrejection', (event) => __errors.push(String(event.reason)));
  document.addEventListener('share-link-error', (event) => __errors.push(event.detail.reason));
</script>
${BUNDLES[bundle](api, `<share-link-embed token="${token}"></share-link-embed>`)}
</body></html>`;

const chunks = () =>
  performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((name) => /\/share-link-embed-[a-z]+-[\w-]+\.js$/.test(name));
const state = () => document.querySelector('share-link-embed')?.getAttribute('state');

for (const browser of browsers) {
  describe(`the built bundles in ${browser}`, () => {
    let hosts: Hosts;
    let driven: DrivenBrowser;
    before(async () => {
      hosts = await startHosts();
      driven = await LAUNCH[browser]();
    });
    after(async () => {
      await driven?.close();
      await hosts?.close();
    });

    for (const bundle of Object.keys(BUNDLES) as (keyof typeof BUNDLES)[]) {
      it(`${bundle}: on another origin, loads the link, starts, and the scripted conversation reaches its first caption`, async () => {
        const api = hosts.api.base;
        const link = await hosts.createLink({ usageLimit: 5 });
        const page = await driven.open(
          hosts.page(`/${browser}-${bundle.replace(' ', '-')}`, hostPage(api, link.token, bundle)),
        );
        await page.waitFor(
          () => /^(ready|error)$/.test(document.querySelector('share-link-embed')?.getAttribute('state') ?? ''),
          'a settled element',
        );
        assert.equal(await page.evaluate(state), 'ready', driven.name);
        assert.deepEqual(await page.evaluate(chunks), [], 'no conversation code before start');

        await page.clickPart('start-button');
        await page.waitFor(
          () =>
            /scripted demo persona/.test(
              document.querySelector('share-link-embed')?.shadowRoot?.querySelector('[part~="captions"]')
                ?.textContent ?? '',
            ),
          'the greeting in the captions',
          SPOKEN_LINES_MS,
        );
        assert.equal(await page.evaluate(state), 'live');
        assert.equal((await hosts.getLink(link.id)).usageCount, 1, 'one use counted');
        const loaded = await page.evaluate(chunks);
        // Each once: WebKit fetches a module again for a modulepreload link even when it has it.
        assert.deepEqual(loaded.map((url) => /share-link-embed-([a-z]+)-/.exec(url)![1]).sort(), [
          'conversation',
          'scripted',
        ]);
        assert.equal(
          await page.evaluate(() => document.querySelectorAll('link[rel="modulepreload"]').length),
          0,
          'no modulepreload link added to the host page',
        );
        assert.ok(
          loaded.every((url) => url.startsWith(`${api}/`)),
          "chunks come from the bundle's origin",
        );

        await page.clickPart('end-button');
        await page.waitFor(
          () => document.querySelector('share-link-embed')?.getAttribute('state') === 'ready',
          'ready again after the end',
        );
        assert.deepEqual(await page.evaluate(() => (window as unknown as { __errors: string[] }).__errors), []);
      });
    }

    it('each adapter chunk, with its real SDK, loads and exports connect', async () => {
      const files = readdirSync(join(ROOT, 'dist')).filter((file) =>
        /^share-link-embed-(scripted|anam|elevenlabs)-[\w-]+\.js$/.test(file),
      );
      assert.equal(files.length, 3, files.join(', '));
      const urls = JSON.stringify(files.map((file) => `${hosts.api.base}/${file}`));
      // WebDriver classic awaits no promise: the page imports them itself and the test reads the result.
      const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>chunks</title><script type="module">
        window.__exports = await Promise.all(${urls}.map((url) => import(url).then((chunk) => typeof chunk.connect, (error) => String(error))));
      </script></head><body></body></html>`;
      const page = await driven.open(hosts.page(`/${browser}-chunks`, html));
      await page.waitFor(() => Array.isArray((window as unknown as { __exports?: string[] }).__exports), 'the imports');
      assert.deepEqual(
        await page.evaluate(() => (window as unknown as { __exports: string[] }).__exports),
        files.map(() => 'function'),
      );
    });
  });
}
