/**
 * Conversations with the built bundles, on host pages of another origin than the API: the lazy
 * chunks (never before start, by absolute URL from the bundle's own origin, for the ES module and
 * the classic script alike), the scripted engine over a real WebSocket with Chromium's fake
 * microphone, a refused microphone, a page that takes over, and the documented CSP.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ROOT } from '../../scripts/api-process.ts';
import { TOKENS } from '../support/fixtures.ts';
import { settledState, useHarness, type OpenPage } from './harness.ts';

const current = useHarness();
const CHUNK = /\/share-link-embed-([a-z]+)-[\w-]+\.js$/;

/** Records what a conversation opens in the page, so the test can see that nothing is left running. */
const SPY = `(() => {
  const opened = { tracks: [], sockets: [], contexts: [], intervals: new Set() };
  const media = navigator.mediaDevices;
  if (media) {
    const getUserMedia = media.getUserMedia.bind(media);
    media.getUserMedia = async (constraints) => {
      const stream = await getUserMedia(constraints);
      opened.tracks.push(...stream.getTracks());
      return stream;
    };
  }
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket { constructor(...args) { super(...args); opened.sockets.push(this); } };
  const NativeAudioContext = window.AudioContext;
  window.AudioContext = class extends NativeAudioContext { constructor(...args) { super(...args); opened.contexts.push(this); } };
  const setInterval = window.setInterval, clearInterval = window.clearInterval;
  window.setInterval = (...args) => { const id = setInterval(...args); opened.intervals.add(id); return id; };
  window.clearInterval = (id) => { opened.intervals.delete(id); clearInterval(id); };
  window.__opened = opened;
  window.__leftRunning = () => [
    ...opened.tracks.filter((track) => track.readyState !== 'ended').map(() => 'a microphone track'),
    ...opened.sockets.filter((socket) => socket.readyState !== WebSocket.CLOSED).map(() => 'a socket'),
    ...opened.contexts.filter((context) => context.state !== 'closed').map(() => 'an audio context'),
    ...[...opened.intervals].map(() => 'an interval'),
  ];
})();`;

const chunksRequested = (opened: OpenPage) =>
  opened.allRequests.flatMap((url) => {
    const match = CHUNK.exec(new URL(url).pathname);
    return match ? [{ name: match[1]!, url }] : [];
  });

const hostPage = (head: string, body = `<share-link-embed token="${TOKENS.player}"></share-link-embed>`) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host page</title>${head}</head><body><main>${body}</main></body></html>`;

const inEmbed = (page: Page, part: string) => page.locator(`share-link-embed [part~="${part}"]`);
const captionsOf = async (page: Page) => ((await inEmbed(page, 'captions').textContent()) ?? '').replace(/\s+/g, ' ');

async function converse(opened: OpenPage) {
  const { page } = opened;
  await inEmbed(page, 'start-button').click();
  await inEmbed(page, 'captions').filter({ hasText: 'scripted demo persona' }).waitFor({ timeout: 15_000 });
  await page.locator('share-link-embed .compose input:not([disabled])').waitFor();
}

async function expectNothingRunning(page: Page) {
  await page
    .waitForFunction(
      () => (window as unknown as { __leftRunning: () => string[] }).__leftRunning().length === 0,
      null,
      { timeout: 10_000 },
    )
    .catch(async () => {
      assert.fail(
        `left running: ${(await page.evaluate(() => (window as unknown as { __leftRunning: () => string[] }).__leftRunning())).join(', ')}`,
      );
    });
}

describe('conversations with the built bundles', () => {
  it('ES module: no conversation code before start; then a scripted conversation, end to end, and nothing left running', async () => {
    const api = current().api.base;
    const url = current().page(
      '/convo-esm',
      hostPage(`<script type="module" src="${api}/share-link-embed.js"></script>
      <script type="module">window.__messages = []; document.addEventListener('share-link-message', (event) => window.__messages.push(event.detail));
      document.addEventListener('share-link-end', (event) => (window.__end = event.detail));</script>`),
    );
    const opened = await current().open(url, { permissions: ['microphone'], initScript: SPY });
    assert.equal(await settledState(opened.page), 'ready');
    await opened.page.waitForTimeout(300);
    assert.deepEqual(chunksRequested(opened), [], 'nothing of the conversations before start');

    await converse(opened);
    const chunks = chunksRequested(opened);
    // No valibot chunk shared by the two: the controller checks the engine with the widget's own validator.
    assert.deepEqual(chunks.map((chunk) => chunk.name).sort(), ['conversation', 'scripted']);
    assert.ok(
      chunks.every((chunk) => chunk.url.startsWith(`${api}/`)),
      "chunks come from the bundle's origin",
    );

    await opened.page.locator('share-link-embed .compose input').fill('Hello from the page');
    await opened.page.locator('share-link-embed .compose input').press('Enter');
    await opened.page.waitForFunction(() =>
      (window as unknown as { __messages: { text: string }[] }).__messages.some((message) =>
        /You wrote: "Hello from the page"/.test(message.text),
      ),
    );
    assert.match(await captionsOf(opened.page), /You: Hello from the page/);

    await inEmbed(opened.page, 'mute-button').click();
    assert.equal(await inEmbed(opened.page, 'mute-button').getAttribute('aria-pressed'), 'true');
    await inEmbed(opened.page, 'end-button').click();
    await opened.page.waitForFunction(
      () => (window as unknown as { __end?: { reason: string } }).__end?.reason === 'visitor',
    );
    assert.equal(await opened.page.getAttribute('share-link-embed', 'state'), 'ready');
    await expectNothingRunning(opened.page);
    assert.deepEqual([...opened.pageErrors, ...opened.consoleErrors], []);
  });

  it('classic script: loads the same chunks by absolute URL from its own origin, and removal releases everything', async () => {
    const api = current().api.base;
    const url = current().page('/convo-iife', hostPage(`<script src="${api}/share-link-embed.iife.js"></script>`));
    const opened = await current().open(url, { permissions: ['microphone'], initScript: SPY });
    assert.equal(await settledState(opened.page), 'ready');
    assert.deepEqual(chunksRequested(opened), []);
    await converse(opened);
    const chunks = chunksRequested(opened);
    assert.deepEqual(chunks.map((chunk) => chunk.name).sort(), ['conversation', 'scripted']);
    assert.ok(chunks.every((chunk) => chunk.url.startsWith(`${api}/`)));
    await opened.page.evaluate(() => document.querySelector('share-link-embed')!.remove());
    await expectNothingRunning(opened.page);
    assert.deepEqual([...opened.pageErrors, ...opened.consoleErrors], []);
  });

  it('a refused microphone is microphone-denied: the translated reason, one warning, nothing running', async () => {
    const api = current().api.base;
    const url = current().page(
      '/convo-refused',
      hostPage(
        `<script type="module" src="${api}/share-link-embed.js"></script>`,
        `<share-link-embed lang="fr" token="${TOKENS.player}"></share-link-embed>`,
      ),
    );
    const opened = await current().open(url, { initScript: SPY });
    assert.equal(await settledState(opened.page), 'ready');
    await inEmbed(opened.page, 'start-button').click();
    await opened.page.locator('share-link-embed[state="error"]').waitFor();
    assert.equal(
      await opened.page.evaluate(
        () => (document.querySelector('share-link-embed') as unknown as { error: { reason: string } }).error.reason,
      ),
      'microphone-denied',
    );
    assert.equal(
      (await inEmbed(opened.page, 'message').textContent())?.trim(),
      'Le microphone est bloqué. Autorisez-le et réessayez.',
    );
    const warnings = opened.warnings.filter((warning) => warning.startsWith('<share-link-embed>'));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /microphone was refused/);
    // The adapter downloads while the visitor answers the prompt; no vendor's. French is a chunk of its own.
    assert.deepEqual(
      chunksRequested(opened)
        .map((chunk) => chunk.name)
        .filter((name) => !['conversation', 'scripted'].includes(name)),
      ['fr'],
    );
    await expectNothingRunning(opened.page);
    assert.deepEqual(opened.pageErrors, []);
  });

  it('a page that takes over (preventDefault) gets the session, and no engine code loads at all', async () => {
    const api = current().api.base;
    const url = current().page(
      '/convo-takeover',
      hostPage(`<script type="module" src="${api}/share-link-embed.js"></script>
      <script type="module">document.addEventListener('share-link-start', (event) => { event.preventDefault(); window.__session = event.detail.sessionToken; });</script>`),
    );
    const opened = await current().open(url, { permissions: ['microphone'], initScript: SPY });
    assert.equal(await settledState(opened.page), 'ready');
    // Pressed without a pointer passing over it: intent would warm the conversation chunk up, before
    // anyone knows the page will take over (docs/delivery.md, "Warm-up").
    await inEmbed(opened.page, 'start-button').dispatchEvent('click');
    await opened.page.locator('share-link-embed[state="live"]').waitFor();
    assert.match(await opened.page.evaluate(() => (window as unknown as { __session: string }).__session), /^st_/);
    await opened.page.waitForTimeout(500);
    assert.deepEqual(chunksRequested(opened), []);
    assert.equal(
      await opened.page.evaluate(
        () => (window as unknown as { __opened: { tracks: unknown[]; sockets: unknown[] } }).__opened.tracks.length,
      ),
      0,
    );
    assert.equal(await inEmbed(opened.page, 'captions').count(), 0);
    assert.deepEqual([...opened.pageErrors, ...opened.consoleErrors], []);
  });

  it('each adapter chunk, with its real SDK, loads in the browser and exports connect', async () => {
    const api = current().api.base;
    const files = readdirSync(join(ROOT, 'dist')).filter((file) =>
      /^share-link-embed-(scripted|anam|elevenlabs)-[\w-]+\.js$/.test(file),
    );
    assert.equal(files.length, 3, files.join(', '));
    const opened = await current().open(current().page('/convo-chunks', hostPage('')));
    for (const file of files) {
      const exported = await opened.page.evaluate(async (src) => typeof (await import(src)).connect, `${api}/${file}`);
      assert.equal(exported, 'function', file);
    }
    assert.deepEqual(opened.pageErrors, []);
  });

  it('runs under the strict CSP docs/conversations.md gives for the scripted engine, with no violation', async () => {
    const api = current().api.base;
    const csp = [
      "default-src 'none'",
      `script-src ${api}`,
      `connect-src ${api} ${api.replace('http:', 'ws:')}`,
      `img-src ${api}`,
      `media-src ${api}`,
      "require-trusted-types-for 'script'",
      'trusted-types lit-html',
    ].join('; ');
    const url = current().page(
      '/convo-csp',
      hostPage(
        `<meta http-equiv="Content-Security-Policy" content="${csp}"><script type="module" src="${api}/share-link-embed.js"></script>`,
      ),
    );
    const violations = `window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));`;
    const opened = await current().open(url, { permissions: ['microphone'], initScript: violations });
    assert.equal(await settledState(opened.page), 'ready');
    await converse(opened);
    await inEmbed(opened.page, 'end-button').click();
    await opened.page.locator('share-link-embed[state="ready"]').waitFor();
    assert.deepEqual(
      await opened.page.evaluate(() => (window as unknown as { __violations: string[] }).__violations),
      [],
    );
    assert.deepEqual([...opened.pageErrors, ...opened.consoleErrors], []);
  });
});
