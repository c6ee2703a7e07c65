/**
 * Delivery in Chromium (docs/delivery.md): the snippets of src/snippets.ts on a host page, served
 * compressed at versioned URLs; with Subresource Integrity a page works, and a tampered bundle or
 * chunk is refused; the poster goes out at high priority beside the link in the first viewport.
 */
import assert from 'node:assert/strict';
import { appendFile, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { ROOT } from '../../scripts/api-process.ts';
import { embedSnippet, type BuildManifest, type SnippetKind } from '../../src/snippets.ts';
import { startInProcessApi, type InProcessApi } from '../support/api-inprocess.ts';
import { TOKENS } from '../support/fixtures.ts';
import { settledState, useHarness } from './harness.ts';

const current = useHarness();
const page = (body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host page</title></head><body><main><h1>A page</h1>${body}</main></body></html>`;

let manifest: BuildManifest;

describe('Subresource Integrity, from the snippets', () => {
  before(async () => {
    manifest = (await (await fetch(`${current().api.base}/integrity.json`)).json()) as BuildManifest;
  });

  for (const kind of ['module', 'classic', 'one-liner'] as SnippetKind[]) {
    it(`${kind}: the pinned bundle and its chunks (the orb's) load and work, compressed, from /v/${'{version}'}/`, async () => {
      const snippet = embedSnippet({ base: current().api.base, manifest, token: TOKENS.orb, kind, variant: 'orb' });
      const opened = await current().open(current().page(`/sri-${kind}`, page(snippet)));
      const encodings = new Map<string, string | undefined>();
      opened.page.on('response', (response) => {
        if (response.url().includes('/v/')) encodings.set(response.url(), response.headers()['content-encoding']);
      });
      assert.equal(await settledState(opened.page), 'ready');
      assert.equal(await opened.page.getAttribute('share-link-embed', 'variant'), 'orb');
      assert.ok(opened.allRequests.some((url) => url.includes(`/v/${manifest.version}/share-link-embed-orb-`)));
      assert.ok(
        opened.allRequests
          .filter((url) => /\/share-link-embed[-.\w]*\.js$/.test(url))
          .every((url) => url.includes(`/v/${manifest.version}/`)),
        'every script from the versioned URLs',
      );
      assert.deepEqual([...opened.pageErrors, ...opened.consoleErrors], []);
      await opened.page.reload();
      await settledState(opened.page);
      assert.ok(
        [...encodings.values()].every((encoding) => encoding === 'br'),
        JSON.stringify([...encodings]),
      );
    });
  }
});

describe('a tampered file is refused', () => {
  let tampered: InProcessApi;
  let dir: string;
  before(async () => {
    // The build as an attacker who holds the bundle's server would change it: one byte more in the
    // module bundle and in the orb's chunk, their compressed copies made again to match.
    dir = await mkdtemp(join(tmpdir(), 'share-link-tampered-'));
    await cp(join(ROOT, 'dist'), dir, { recursive: true });
    const orb = Object.keys(manifest.files).find((file) => file.startsWith('share-link-embed-orb-'))!;
    for (const file of ['share-link-embed.js', orb]) {
      await appendFile(join(dir, file), '\n;globalThis.__tampered = true;\n');
      const bytes = await readFile(join(dir, file));
      await writeFile(join(dir, `${file}.br`), brotliCompressSync(bytes));
      await writeFile(join(dir, `${file}.gz`), gzipSync(bytes));
    }
    tampered = await startInProcessApi({ bundleDir: dir });
  });
  after(async () => {
    await tampered.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('the module bundle: not run, and the browser says why', async () => {
    const snippet = embedSnippet({
      base: tampered.base,
      manifest,
      token: TOKENS.player,
      kind: 'module',
      variant: 'orb',
    });
    const opened = await current().open(current().page('/tampered-bundle', page(snippet)));
    await opened.page.waitForTimeout(1500);
    assert.equal(await opened.page.evaluate(() => customElements.get('share-link-embed') ?? null), null);
    assert.equal(await opened.page.evaluate(() => '__tampered' in globalThis), false);
    assert.ok(
      opened.consoleErrors.some((text) => /integrity/i.test(text)),
      `an integrity error: ${opened.consoleErrors.join('\n')}`,
    );
  });

  it("a chunk: the classic bundle, which is intact, runs; the orb's tampered chunk is refused", async () => {
    const snippet = embedSnippet({ base: tampered.base, manifest, token: TOKENS.orb, kind: 'classic', variant: 'orb' });
    const opened = await current().open(current().page('/tampered-chunk', page(snippet)));
    assert.equal(await settledState(opened.page), 'error');
    assert.equal(await opened.page.evaluate(() => '__tampered' in globalThis), false, 'the chunk never ran');
    assert.ok(
      opened.warnings.some((text) => /its orb code did not load/.test(text)),
      opened.warnings.join('\n'),
    );
    assert.ok(
      opened.consoleErrors.some((text) => /integrity/i.test(text)),
      opened.consoleErrors.join('\n'),
    );
  });

  it('the same tampered chunk without the import map runs: what the map covers is what is verified', async () => {
    const bundle = `${tampered.base}/v/${manifest.version}/share-link-embed.iife.js`;
    const html = page(
      `<script src="${bundle}" integrity="${manifest.files['share-link-embed.iife.js']}" crossorigin="anonymous" defer></script><share-link-embed token="${TOKENS.orb}"></share-link-embed>`,
    );
    const opened = await current().open(current().page('/unpinned-chunk', html));
    assert.equal(await settledState(opened.page), 'ready');
    assert.equal(await opened.page.evaluate(() => '__tampered' in globalThis), true);
  });
});

describe('the poster, from the network', () => {
  async function posterPriority(path: string, spacer: string): Promise<string | undefined> {
    const context = await current().browser.newContext({ viewport: { width: 1000, height: 700 } });
    try {
      const tab = await context.newPage();
      const cdp = await context.newCDPSession(tab);
      await cdp.send('Network.enable');
      let priority: string | undefined;
      cdp.on('Network.requestWillBeSent', (event: { request: { url: string; initialPriority: string } }) => {
        if (event.request.url.endsWith('/poster')) priority = event.request.initialPriority;
      });
      const html = page(
        `${spacer}<share-link-embed token="${TOKENS.player}"></share-link-embed><script type="module" src="${current().api.base}/share-link-embed.js"></script>`,
      );
      await tab.goto(current().page(path, html));
      await settledState(tab);
      return priority;
    } finally {
      await context.close();
    }
  }

  it('high priority in the first viewport; the default for an image below it', async () => {
    assert.equal(await posterPriority('/poster-above', ''), 'High');
    assert.equal(await posterPriority('/poster-below', '<div style="height:3000px"></div>'), 'Low');
  });
});

describe('the poster in the page, from the snippet', () => {
  it('is the largest paint before the bundle has defined the element, and the player poster after: one request', async () => {
    const { base } = current().api;
    const snippet = embedSnippet({ base, manifest, token: TOKENS.player, kind: 'module' });
    const context = await current().browser.newContext({ viewport: { width: 412, height: 823 } });
    try {
      const tab = await context.newPage();
      // The bundle is held back until the poster has been painted.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      await tab.route(/\/share-link-embed\.js$/, async (route) => {
        await held;
        await route.continue();
      });
      const posters: string[] = [];
      tab.on('request', (request) => void (request.url().endsWith('/poster') && posters.push(request.url())));
      await tab.goto(current().page('/poster-in-page', page(snippet)), { waitUntil: 'commit' });
      const image = 'share-link-embed > img[slot="poster"]';
      await tab.waitForFunction(
        (selector) => (document.querySelector(selector) as HTMLImageElement).naturalWidth > 0,
        image,
      );
      // The page's largest paint becomes the poster, while the bundle is still held back.
      await tab.waitForFunction(
        () =>
          new Promise<boolean>((resolve) =>
            new PerformanceObserver((list) => {
              const entry = list.getEntries().at(-1) as PerformanceEntry & { element: Element | null };
              resolve(entry.element?.matches('img[slot="poster"]') === true);
            }).observe({ type: 'largest-contentful-paint', buffered: true }),
          ),
      );
      assert.equal(await tab.evaluate(() => customElements.get('share-link-embed')), undefined, 'not yet defined');
      const box = async () =>
        tab.evaluate((selector) => {
          const { width, height } = document.querySelector(selector)!.getBoundingClientRect();
          return [Math.round(width), Math.round(height)];
        }, image);
      const before = await box();
      assert.ok(before[1]! > 100, `a poster ${before.join('×')} px`);

      release();
      assert.equal(await settledState(tab), 'ready');
      assert.deepEqual(await box(), before, 'the same box, slotted into the player');
      assert.equal(
        await tab.evaluate((selector) => document.querySelector(selector)!.assignedSlot?.name, image),
        'poster',
      );
      assert.equal(posters.length, 1, posters.join('\n'));
    } finally {
      await context.close();
    }
  });
});

describe('the lookup, preloaded by the snippet', () => {
  it("is the element's own: one request for the link, and no warning of a preload left unused", async () => {
    const { base } = current().api;
    const snippet = embedSnippet({ base, manifest, token: TOKENS.player, kind: 'module' });
    const opened = await current().open(current().page('/preloaded-lookup', page(snippet)));
    assert.equal(await settledState(opened.page), 'ready');
    // Chromium warns of an unused preload a few seconds after the page's load event.
    await opened.page.waitForTimeout(3500);
    const lookups = opened.allRequests.filter((url) => url === `${base}/v1/embed/${TOKENS.player}`);
    assert.equal(lookups.length, 1, lookups.join('\n'));
    assert.deepEqual(
      opened.warnings.filter((text) => /preload/i.test(text)),
      [],
    );
    assert.deepEqual([...opened.pageErrors, ...opened.consoleErrors], []);
  });
});
