/**
 * What the built bundles fetch, watched from the browser: the critical path of an English player
 * is the bundle alone; what only some visitors need (another language, the orb, the error
 * messages) comes from beside
 * the bundle, on demand, and a language in parallel with the link rather than after it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MESSAGES } from '../../src/i18n/messages.ts';
import { TOKENS } from '../support/fixtures.ts';
import { settledState, useHarness, type OpenPage } from './harness.ts';

const current = useHarness();
const CHUNK = /\/share-link-embed-([a-z]+)-[\w-]+\.js$/;

/** Records, when `share-link-ready` or `share-link-error` fires, every resource the page had requested. */
const RECORD_AT_SETTLE = `
  for (const type of ['share-link-ready', 'share-link-error']) {
    document.addEventListener(type, () => {
      window.__settled = { type, resources: performance.getEntriesByType('resource').map((entry) => ({ name: entry.name, startTime: entry.startTime, responseEnd: entry.responseEnd })) };
    }, { once: true, capture: true });
  }
`;

interface Resource {
  name: string;
  startTime: number;
  responseEnd: number;
}

const page = (lang: string, body: string, head: string) =>
  `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>host page</title>${head}</head><body><main>${body}</main></body></html>`;

const esm = () => `<script type="module" src="${current().api.base}/share-link-embed.js"></script>`;
const classic = () => `<script src="${current().api.base}/share-link-embed.iife.js"></script>`;

async function openSettled(
  path: string,
  html: string,
): Promise<{ opened: OpenPage; settled: { type: string; resources: Resource[] } }> {
  const opened = await current().open(current().page(path, html), { initScript: RECORD_AT_SETTLE });
  await settledState(opened.page);
  const settled = await opened.page.evaluate(
    () => (window as unknown as { __settled: { type: string; resources: Resource[] } }).__settled,
  );
  return { opened, settled };
}

const scriptsOf = (resources: Resource[]) =>
  resources
    .filter((entry) => new URL(entry.name).pathname.endsWith('.js'))
    .map((entry) => new URL(entry.name).pathname.slice(1));
const chunksIn = (urls: string[]) => urls.flatMap((url) => CHUNK.exec(new URL(url).pathname)?.[1] ?? []);

describe('the critical path, from the network', () => {
  for (const [bundle, tag, file] of [
    ['ES module', esm, 'share-link-embed.js'],
    ['classic script', classic, 'share-link-embed.iife.js'],
  ] as const) {
    it(`${bundle}: an English player loads the bundle alone before ready, and no chunk after`, async () => {
      const { opened, settled } = await openSettled(
        `/en-${file}`,
        page('en', `<share-link-embed token="${TOKENS.player}"></share-link-embed>`, tag()),
      );
      assert.equal(settled.type, 'share-link-ready');
      assert.deepEqual(scriptsOf(settled.resources), [file]);
      assert.equal(
        await opened.page
          .locator('share-link-embed [part~="start-button"]')
          .textContent()
          .then((text) => text?.trim()),
        MESSAGES.en.start,
      );
      await opened.page.waitForTimeout(300);
      assert.deepEqual(chunksIn(opened.allRequests), [], 'no orb, no language, no conversation code');
      assert.deepEqual([...opened.pageErrors, ...opened.consoleErrors], []);
    });

    it(`${bundle}: a German player fetches its language beside the bundle, in parallel with the link`, async () => {
      const { opened, settled } = await openSettled(
        `/de-${file}`,
        page('de', `<share-link-embed token="${TOKENS.player}"></share-link-embed>`, tag()),
      );
      assert.equal(settled.type, 'share-link-ready');
      const de = settled.resources.find((entry) => CHUNK.exec(new URL(entry.name).pathname)?.[1] === 'de');
      const link = settled.resources.find((entry) => entry.name.includes('/v1/'));
      assert.ok(de && link, 'both the language and the link were fetched before ready');
      assert.ok(de.name.startsWith(`${current().api.base}/`), 'from beside the bundle');
      // Requested before the link's answer had arrived: side by side, not one after the other.
      assert.ok(
        de.startTime < link.responseEnd,
        `the language chunk started at ${de.startTime} ms, the link ended at ${link.responseEnd} ms`,
      );
      assert.deepEqual(chunksIn(settled.resources.map((entry) => entry.name)), ['de']);
      assert.equal(
        await opened.page
          .locator('share-link-embed [part~="start-button"]')
          .textContent()
          .then((text) => text?.trim()),
        MESSAGES.de.start,
      );
      assert.deepEqual([...opened.pageErrors, ...opened.consoleErrors], []);
    });

    it(`${bundle}: an orb loads the orb chunk, and a player never does`, async () => {
      const { opened, settled } = await openSettled(
        `/orb-${file}`,
        page('en', `<share-link-embed token="${TOKENS.orb}"></share-link-embed>`, tag()),
      );
      assert.equal(settled.type, 'share-link-ready');
      assert.deepEqual(chunksIn(settled.resources.map((entry) => entry.name)), ['orb']);
      const orb = opened.page.locator('share-link-embed [part~="orb"]');
      assert.equal(await orb.isVisible(), true);
      // The orb's own stylesheet came with it: fixed at its corner.
      assert.equal(await orb.evaluate((button) => getComputedStyle(button.parentElement!).position), 'fixed');
      await orb.click();
      assert.equal(await opened.page.locator('share-link-embed [part~="panel"]').isVisible(), true);
      assert.deepEqual([...opened.pageErrors, ...opened.consoleErrors], []);
    });
  }

  for (const [bundle, tag] of [
    ['ES module', esm],
    ['classic script', classic],
  ] as const) {
    it(`${bundle}: an English error fires at once, then loads the error messages' chunk and shows the message`, async () => {
      const { opened, settled } = await openSettled(
        `/en-error-${bundle.replace(' ', '-')}`,
        page('en', `<share-link-embed token="${TOKENS.expired}"></share-link-embed>`, tag()),
      );
      assert.equal(settled.type, 'share-link-error');
      assert.deepEqual(
        chunksIn(settled.resources.map((entry) => entry.name)),
        [],
        'the event does not wait for a chunk',
      );
      assert.equal(
        (await opened.page.locator('share-link-embed [part~="message"]').textContent())?.trim(),
        MESSAGES.en.errors.expired,
      );
      assert.deepEqual(chunksIn(opened.allRequests), ['errors']);
      assert.equal(opened.warnings.filter((warning) => warning.startsWith('<share-link-embed>')).length, 1);
      assert.deepEqual(opened.pageErrors, []);
    });
  }

  it('an error in German shows the translated message from the language chunk, with one warning', async () => {
    const { opened, settled } = await openSettled(
      '/de-error',
      page('de', `<share-link-embed token="${TOKENS.expired}"></share-link-embed>`, esm()),
    );
    assert.equal(settled.type, 'share-link-error');
    assert.equal(
      (await opened.page.locator('share-link-embed [part~="message"]').textContent())?.trim(),
      MESSAGES.de.errors.expired,
    );
    assert.deepEqual(chunksIn(opened.allRequests), ['de'], 'German carries its own error messages');
    assert.equal(opened.warnings.filter((warning) => warning.startsWith('<share-link-embed>')).length, 1);
    assert.deepEqual(opened.pageErrors, []);
  });
});
