/** The demo as a site owner first sees it: `npm start`'s server, in a real browser. */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { createLogger, createServer, type ViteDevServer } from 'vite';
import { CHROME_ARGS, requireTool } from '../../scripts/browsers.mjs';
import { ROOT } from '../../scripts/api-process.ts';

let server: ViteDevServer;
let browser: Browser;
let base: string;
/** What `npm start` prints. */
const printed: string[] = [];

before(async () => {
  const logger = createLogger('silent');
  // Port 0: the test must not collide with a demo already running on 5173.
  server = await createServer({
    root: ROOT,
    configFile: `${ROOT}/vite.config.ts`,
    customLogger: { ...logger, info: (message) => printed.push(message) },
    server: { port: 0, strictPort: false },
  });
  await server.listen();
  base = server.resolvedUrls!.local[0]!.replace(/\/$/, '');
  browser = await chromium.launch({
    executablePath: requireTool('chromium'),
    args: [...CHROME_ARGS.filter((arg) => !arg.startsWith('--headless')), '--use-fake-device-for-media-stream'],
  });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

it('shows every fixture live, lets the playground change a link, and shows the origin check', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${base}/`);

  const cards = page.locator('[data-gallery] .card');
  await cards.first().waitFor();
  assert.equal(await cards.count(), 12);
  // Every card's widget settles into ready or the error its link calls for.
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-gallery] .badge')].every((badge) => badge.textContent !== 'loading'),
  );
  const badges = await page.locator('[data-gallery] .badge').allTextContents();
  for (const expected of ['error: expired', 'error: disabled', 'error: usage-limit-reached', 'error: not-embeddable']) {
    assert.ok(badges.includes(expected), `${expected} in ${badges.join(', ')}`);
  }
  assert.ok(badges.filter((badge) => badge === 'ready').length >= 6);

  // The playground disables its link through the API; the widget reacts.
  const stage = page.locator('[data-playground-stage] share-link-embed');
  await page.waitForFunction(
    () => document.querySelector('[data-playground-stage] share-link-embed')?.getAttribute('state') === 'ready',
  );
  await page.locator('[data-playground] input[name="enabled"]').uncheck();
  await page.waitForFunction(
    () => document.querySelector('[data-playground-stage] share-link-embed')?.getAttribute('state') === 'error',
  );
  assert.equal(await stage.evaluate((el) => (el as unknown as { error: { reason: string } }).error.reason), 'disabled');
  // A wrong field comes back as the API's 400 message.
  await page.locator('[data-playground] textarea[name="allowedOrigins"]').fill('https://*.com');
  await page.locator('[data-playground] textarea[name="allowedOrigins"]').blur();
  await page.locator('[data-problem]').waitFor({ state: 'visible' });
  assert.match((await page.locator('[data-problem]').textContent()) ?? '', /public suffix/);

  // Snippets for each way to embed.
  assert.equal(await page.locator('[data-snippets] figure').count(), 5);
  // The first, recommended: the versioned bundle with its integrity, and the chunks' import map.
  const pinned = (await page.locator('[data-snippets] pre').first().textContent()) ?? '';
  assert.match(
    pinned,
    /<script type="module" src="[^"]+\/v\/[\d.]+\/share-link-embed\.js" integrity="sha384-[\w+/=]+" crossorigin="anonymous" fetchpriority="low">/,
  );
  assert.match(pinned, /<script type="importmap">\{"integrity":/);
  // A player's poster in the page, at its link's poster endpoint.
  assert.match(pinned, /<share-link-embed token="(sh_\w+)"><img slot="poster" src="[^"]+\/v1\/embed\/\1\/poster"/);

  // The second origin is refused by the server, inside the frame.
  const frame = page.frameLocator('[data-origins] iframe');
  await frame.locator('share-link-embed[state="error"]').waitFor();
  assert.equal(
    (await frame.locator('share-link-embed [part~="message"]').textContent())?.trim(),
    'This conversation is not available on this website.',
  );
  assert.deepEqual(errors, []);
});

it('runs scripted conversations from the gallery and the playground, and the playground switches the engine', async () => {
  const context = await browser.newContext({ permissions: ['microphone'] });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${base}/`);
  assert.match((await page.locator('[data-demo-engine]').textContent()) ?? '', /scripted demo engine/);

  // The gallery: Cara's player card says which engine it runs, and runs it.
  const card = page.locator('[data-gallery] .card').filter({ hasText: 'sh_2kL9pQxYzR4vN8mBwHfJc' });
  await card.locator('.notes', { hasText: 'engine: scripted demo engine' }).waitFor();
  await page
    .locator('[data-gallery] .card', { hasText: 'sh_Markup6vN8mBwHfJc4' })
    .locator('.notes', { hasText: 'no engine: the page runs the conversation' })
    .waitFor();
  const embed = card.locator('share-link-embed');
  await embed.locator('[part~="start-button"]').click();
  await embed.locator('[part~="captions"]', { hasText: 'scripted demo persona' }).waitFor({ timeout: 15_000 });
  await embed.locator('.compose input:not([disabled])').fill('Hi from the gallery');
  await embed.locator('.compose input').press('Enter');
  await embed.locator('[part~="captions"]', { hasText: 'You wrote: "Hi from the gallery"' }).waitFor();
  await embed.locator('[part~="end-button"]').click();
  await card.locator('.badge', { hasText: 'ready' }).waitFor();

  // The playground, on Cara's unlimited link: no engine, then the page would run the conversation.
  const form = page.locator('[data-playground]');
  await form.locator('select[name="link"]').selectOption('00000000-0000-4000-8000-000000000001');
  const stage = page.locator('[data-playground-stage] share-link-embed');
  await page.waitForFunction(
    () => document.querySelector('[data-playground-stage] share-link-embed')?.getAttribute('state') === 'ready',
  );
  assert.equal(await form.locator('select[name="engine"]').inputValue(), 'scripted');
  await form.locator('select[name="engine"]').selectOption('');
  await page.locator('[data-log] li', { hasText: 'PATCH /v1/personas: no engine' }).waitFor();
  await page.waitForFunction(
    () => document.querySelector('[data-playground-stage] share-link-embed')?.getAttribute('state') === 'ready',
  );
  await stage.locator('[part~="start-button"]').click();
  await page.waitForFunction(
    () => document.querySelector('[data-playground-stage] share-link-embed')?.getAttribute('state') === 'live',
  );
  await page.waitForTimeout(300);
  assert.equal(await stage.locator('[part~="captions"]').count(), 0);
  await stage.locator('[part~="end-button"]').click();

  // Back to the scripted engine: the conversation runs in the playground too.
  await form.locator('select[name="engine"]').selectOption('scripted');
  await page.locator('[data-log] li', { hasText: 'PATCH /v1/personas: engine: scripted demo engine' }).waitFor();
  await page.waitForFunction(
    () => document.querySelector('[data-playground-stage] share-link-embed')?.getAttribute('state') === 'ready',
  );
  await stage.locator('[part~="start-button"]').click();
  await stage.locator('[part~="captions"]', { hasText: 'scripted demo persona' }).waitFor({ timeout: 15_000 });
  await page.locator('[data-log] li', { hasText: 'share-link-message: persona' }).first().waitFor();
  await stage.locator('[part~="end-button"]').click();
  await page.locator('[data-log] li', { hasText: 'share-link-end: visitor' }).first().waitFor();

  // ElevenLabs needs an agent id before it is saved.
  await form.locator('select[name="engine"]').selectOption('elevenlabs');
  await form.locator('input[name="agentId"]').waitFor();
  await form.locator('input[name="agentId"]').fill('agent_demo');
  await form.locator('input[name="agentId"]').blur();
  await page.locator('[data-log] li', { hasText: 'PATCH /v1/personas: engine: ElevenLabs' }).waitFor();
  await form.locator('select[name="engine"]').selectOption('scripted');
  await page
    .locator('[data-log] li', { hasText: 'PATCH /v1/personas: engine: scripted demo engine' })
    .first()
    .waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

it("gives a LINK link's share page as its snippet, and the same server opens it", async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${base}/`);
  const select = page.locator('[data-playground] select[name="link"]');
  await page.locator('[data-playground-stage] share-link-embed').waitFor();
  const value = await select.locator('option', { hasText: 'sh_DirectLinkQxYzR4vN' }).getAttribute('value');
  await select.selectOption(value!);
  await page.waitForFunction(() =>
    document.querySelector('[data-snippets] figcaption')?.textContent?.startsWith('Share page'),
  );
  assert.equal(await page.locator('[data-snippets] figure').count(), 1);
  const shareUrl = (await page.locator('[data-snippets] pre').textContent())!;
  assert.equal(shareUrl, `${base}/s/sh_DirectLinkQxYzR4vN`);

  await page.goto(shareUrl);
  await page.waitForFunction(
    () => document.querySelector('share-link-embed')?.getAttribute('state') === 'ready',
    undefined,
    { timeout: 15_000 },
  );
  assert.equal(await page.getAttribute('share-link-embed', 'variant'), 'player');
  assert.deepEqual(errors, []);
  await page.close();
});

it('serves the operator console beside the demo, which links to it', async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/`);
  await page.locator('a[href="/console"]').click();
  await page.locator('share-link-console input[name="key"]').waitFor();
  assert.match((await page.evaluate(() => document.title)) ?? '', /Console/);
  await page.close();
});

it("prints the console's URL with the demo's management key", () => {
  const { port } = new URL(base);
  assert.ok(
    printed.some((line) => line.includes(`console: http://127.0.0.1:${port}/console (management key "demo")`)),
    printed.join('\n'),
  );
});

it('a new user watches and takes over their own scripted conversation from the demo, with no setup', async () => {
  const context = await browser.newContext({ permissions: ['microphone'] });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${base}/`);
  const card = page.locator('[data-gallery] .card', { hasText: 'sh_2kL9pQxYzR4vN8mBwHfJc' });
  const embed = (part: string) => card.locator(`share-link-embed [part~="${part}"]`);
  // Earlier tests' conversations may still be live: this one is the row that was not there before.
  const rows = '[data-conversations] .conversation';
  await page.locator('[data-conversations] :is(ol, p)').waitFor();
  const before = await page.$$eval(rows, (shown) => shown.map((row) => row.getAttribute('data-conversation-id')));
  await embed('start-button').click();
  await embed('captions').filter({ hasText: 'scripted demo persona' }).waitFor({ timeout: 15_000 });

  // The Conversations section lists it, live; "Take over" opens its page in a new tab.
  const added = await page.waitForFunction(
    ([selector, seen]) =>
      [...document.querySelectorAll(selector)]
        .map((row) => row.getAttribute('data-conversation-id'))
        .find((id) => !seen.includes(id)),
    [rows, before] as const,
    { timeout: 10_000 },
  );
  const row = page.locator(`${rows}[data-conversation-id="${await added.jsonValue()}"]`);
  await row.filter({ hasText: 'live' }).waitFor();
  const [operator] = await Promise.all([
    context.waitForEvent('page'),
    row.locator('button', { hasText: 'Take over' }).click(),
  ]);
  await operator.waitForURL(/\/c\/cs_/);
  await operator.locator('conversation-page li', { hasText: 'scripted demo persona' }).waitFor();
  await operator.locator('conversation-page button', { hasText: 'Take over' }).click();
  await embed('captions').filter({ hasText: 'A person from the team joined the conversation.' }).waitFor();
  await operator.locator('conversation-page input[name="text"]').fill('Hello from the demo team!');
  await operator.locator('conversation-page input[name="text"]').press('Enter');
  await embed('captions').filter({ hasText: 'Team: Hello from the demo team!' }).waitFor();

  await operator.locator('conversation-page button', { hasText: 'Hand back' }).click();
  await embed('captions').filter({ hasText: "I'm back" }).waitFor({ timeout: 10_000 });
  await card.locator('share-link-embed .compose input:not([disabled])').waitFor();
  await card.locator('share-link-embed .compose input').fill('What can you do?');
  await card.locator('share-link-embed .compose input').press('Enter');
  await embed('captions').filter({ hasText: 'Good question!' }).waitFor({ timeout: 10_000 });
  await embed('end-button').click();
  await page
    .locator('[data-conversations] .conversation', { hasText: 'ended: visitor' })
    .first()
    .waitFor({ timeout: 10_000 });
  assert.deepEqual(errors, []);
  await context.close();
});
