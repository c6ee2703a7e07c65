/**
 * Share pages in Chromium: the reference API (real CLI, built bundles) serves `/s/{token}` for a
 * LINK link; the page shows the persona full-viewport, starts a conversation, shows the link's
 * states in the visitor's language, refuses to be framed, and raises no CSP violation.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { MESSAGES } from '../../src/i18n/messages.ts';
import { TOKENS } from '../support/fixtures.ts';
import { settledState, useHarness } from './harness.ts';

const current = useHarness();
const MALLORY = 'c47a0e58-1f9b-4d23-8e6a-5b3d9c0f1a82';

/** Records CSP violations from before the page's own code runs (init scripts are not subject to its CSP). */
const RECORD_VIOLATIONS = `window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
  // These tests are about the page, not the conversation: the "page" takes the session over, so the
  // start ends in 'live' whatever engine the persona uses.
  document.addEventListener('share-link-start', (e) => e.preventDefault(), true);`;

interface SharePage {
  page: Page;
  context: BrowserContext;
  errors: string[];
  status: number;
  headers: Record<string, string>;
}

async function openSharePage(
  url: string,
  { locale = 'en-US', viewport = { width: 1100, height: 800 } } = {},
): Promise<SharePage> {
  const context = await current().browser.newContext({ locale, viewport });
  await context.addInitScript({ content: RECORD_VIOLATIONS });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on(
    'console',
    (message) =>
      message.type() === 'error' && !/Failed to load resource/.test(message.text()) && errors.push(message.text()),
  );
  const response = await page.goto(url);
  return { page, context, errors, status: response!.status(), headers: await response!.allHeaders() };
}

const violations = (page: Page) => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
const embedError = (page: Page) =>
  page.evaluate(
    () => (document.querySelector('share-link-embed') as unknown as { error: { reason: string } | null }).error,
  );
const messageText = (page: Page) =>
  page.evaluate(() =>
    document.querySelector('share-link-embed')!.shadowRoot!.querySelector('[part~="message"]')!.textContent!.trim(),
  );

describe('a LINK link opened on its share page', () => {
  it('shows the persona full-viewport, starts a conversation that counts one use, with no CSP violation', async () => {
    // No origin allowed at all: a LINK link's allowed origins are about embedding, not its own page.
    const link = await current().createLink({
      type: 'LINK',
      allowAllOrigins: false,
      allowedOrigins: [],
      usageLimit: 3,
    });
    const shared = await openSharePage(`${current().api.base}/s/${link.token}`);
    const { page } = shared;
    assert.equal(shared.status, 200);
    assert.equal(await settledState(page), 'ready');
    assert.equal(await page.getAttribute('share-link-embed', 'variant'), 'player');
    assert.equal(await page.title(), 'Talk to Cara');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.getAttribute('meta[name="robots"]', 'content'), 'noindex');
    const box = await page.locator('share-link-embed [part~="player"]').boundingBox();
    assert.deepEqual([box?.width, box?.height], [1100, 800], 'the player fills the viewport');
    await page.locator('share-link-embed [part~="video"]').waitFor();

    await page.locator('share-link-embed [part~="start-button"]').click();
    await page.waitForFunction(() => document.querySelector('share-link-embed')?.getAttribute('state') === 'live');
    assert.equal((await current().getLink(link.id)).usageCount, 1);
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(shared.errors, []);
    await shared.context.close();
  });

  it('works on a phone-sized screen', async () => {
    const shared = await openSharePage(`${current().api.base}/s/sh_DirectLinkQxYzR4vN`, {
      viewport: { width: 390, height: 844 },
    });
    assert.equal(await settledState(shared.page), 'ready');
    const box = await shared.page.locator('share-link-embed [part~="player"]').boundingBox();
    assert.deepEqual([box?.width, box?.height], [390, 844]);
    assert.ok(
      await shared.page.locator('share-link-embed [part~="start-button"]').isVisible(),
      'the start button is on screen',
    );
    assert.deepEqual(await violations(shared.page), []);
    await shared.context.close();
  });

  it('sends the headers of a page that must not be indexed, framed or leak its URL', async () => {
    const link = await current().createLink({ type: 'LINK' });
    const { headers, context } = await openSharePage(`${current().api.base}/s/${link.token}`);
    assert.match(headers['content-security-policy'] ?? '', /frame-ancestors 'none'/);
    assert.match(headers['content-security-policy'] ?? '', /script-src 'self';/);
    assert.doesNotMatch(headers['content-security-policy'] ?? '', /unsafe-inline|unsafe-eval/);
    assert.equal(headers['x-frame-options'], 'DENY');
    assert.equal(headers['referrer-policy'], 'no-referrer');
    assert.equal(headers['x-robots-tag'], 'noindex');
    await context.close();
  });

  it('cannot be framed by another site', async () => {
    const link = await current().createLink({ type: 'LINK' });
    const shareUrl = `${current().api.base}/s/${link.token}`;
    const host = current().page(
      '/frames-share-page',
      `<!doctype html><title>framer</title><iframe src="${shareUrl}" width="600" height="400"></iframe>`,
    );
    const context = await current().browser.newContext();
    const page = await context.newPage();
    const [refusal] = await Promise.all([
      page.waitForEvent('console', {
        predicate: (message) => /frame-ancestors|Refused to (frame|display)/i.test(message.text()),
        timeout: 15_000,
      }),
      page.goto(host),
    ]);
    assert.match(refusal.text(), /frame-ancestors 'none'|X-Frame-Options/, 'Chromium reports the refusal');
    const frame = await (await page.waitForSelector('iframe')).contentFrame();
    const rendered = await frame
      ?.evaluate(() => document.querySelector('share-link-embed') !== null)
      .catch(() => false);
    assert.equal(rendered, false, 'the share page did not render inside the frame');
    assert.notEqual(frame?.url(), shareUrl, 'the frame shows an error page, not the share page');
    await context.close();
  });

  it('shows a persona name made of markup as text, running nothing', async () => {
    const link = await current().createLink({ type: 'LINK', personaId: MALLORY });
    const shared = await openSharePage(`${current().api.base}/s/${link.token}`);
    assert.equal(await settledState(shared.page), 'ready');
    assert.equal(await shared.page.title(), 'Talk to <img src=x onerror="window.__pwned=1"><b>Mallory</b>');
    assert.equal(await shared.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(
      await shared.page.evaluate(() => document.querySelectorAll('img, b, script:not([src])').length),
      0,
      'no element from the name in the page',
    );
    assert.deepEqual(await violations(shared.page), []);
    await shared.context.close();
  });
});

describe("the link's states, in the visitor's language", () => {
  const past = new Date(Date.now() - 3600_000).toISOString();
  const cases = [
    ['expired', { expiresAt: past }, 'de-DE', 'de'],
    ['disabled', { enabled: false }, 'fr-FR', 'fr'],
    ['usage-limit-reached', { usageLimit: 0 }, 'ja-JP', 'ja'],
  ] as const;
  for (const [reason, fields, locale, lang] of cases) {
    it(`${reason} in ${lang}`, async () => {
      const link = await current().createLink({ type: 'LINK', allowAllOrigins: false, ...fields });
      const shared = await openSharePage(`${current().api.base}/s/${link.token}`, { locale });
      assert.equal(shared.status, 200);
      assert.equal(await shared.page.getAttribute('html', 'lang'), lang);
      assert.equal(await settledState(shared.page), 'error');
      assert.equal((await embedError(shared.page))?.reason, reason);
      assert.equal(await messageText(shared.page), MESSAGES[lang].errors[reason]);
      assert.equal(await shared.page.title(), MESSAGES[lang].errors[reason]);
      assert.deepEqual(await violations(shared.page), []);
      await shared.context.close();
    });
  }

  it('shows the expiry when it comes while the page is open', async () => {
    const link = await current().createLink({ type: 'LINK', expiresAt: new Date(Date.now() + 10_000).toISOString() });
    const shared = await openSharePage(`${current().api.base}/s/${link.token}`, { locale: 'es-ES' });
    assert.equal(await settledState(shared.page), 'ready');
    await shared.page.waitForFunction(
      () => document.querySelector('share-link-embed')?.getAttribute('state') === 'error',
      undefined,
      { timeout: 30_000 },
    );
    assert.equal(await messageText(shared.page), MESSAGES.es.errors.expired);
    await shared.context.close();
  });
});

describe('what is not a share page', () => {
  for (const [what, token] of [
    ['a player embed link', TOKENS.player],
    ['an orb embed link', TOKENS.orb],
    ['an unknown token', 'sh_Unknown000000000000'],
  ] as const) {
    it(`${what}: a translated 404 page with the same headers`, async () => {
      const shared = await openSharePage(`${current().api.base}/s/${token}`, { locale: 'de-DE' });
      assert.equal(shared.status, 404);
      assert.equal(shared.headers['x-frame-options'], 'DENY');
      assert.equal(shared.headers['x-robots-tag'], 'noindex');
      assert.match(shared.headers['content-security-policy'] ?? '', /frame-ancestors 'none'/);
      assert.equal(await shared.page.locator('share-link-embed').count(), 0);
      assert.equal((await shared.page.locator('main').textContent())?.trim(), MESSAGES.de.errors['not-found']);
      assert.deepEqual(await violations(shared.page), []);
      await shared.context.close();
    });
  }
});

describe('the same LINK link on an ordinary page', () => {
  it('is still refused by the element, with or without share-page', async () => {
    const api = current().api.base;
    const html = `<!doctype html><script type="module" src="${api}/share-link-embed.js"></script>
      <share-link-embed id="plain" token="sh_DirectLinkQxYzR4vN"></share-link-embed>
      <share-link-embed id="claimed" token="sh_DirectLinkQxYzR4vN" share-page></share-link-embed>`;
    const { page, context } = await current().open(current().page('/ordinary-link', html));
    await page.waitForFunction(() =>
      [...document.querySelectorAll('share-link-embed')].every((el) => el.getAttribute('state') === 'error'),
    );
    const reasons = await page.evaluate(() =>
      [...document.querySelectorAll('share-link-embed')].map(
        (el) => (el as unknown as { error: { reason: string } }).error.reason,
      ),
    );
    assert.deepEqual(reasons, ['not-embeddable', 'not-embeddable']);
    await context.close();
  });
});
