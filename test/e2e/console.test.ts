/**
 * The operator's console in Chromium (docs/operators.md, "Console"): the API serves it under a
 * strict CSP; an operator signs in with the key, creates a link (the origins editor explains an
 * entry the API would refuse), pastes its snippet into a page on another origin where it works,
 * sees the view and a third origin's refusal counted, allows that origin from there, edits the link
 * and sees the embed change, and deletes it after confirming. Every view passes axe
 * (WCAG 2.2 AA) in light and dark, and a phone's width needs no sideways scrolling.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { API_KEY } from '../../scripts/api-process.ts';
import { axeViolations } from '../support/axe.ts';
import { settledState, useHarness, type OpenPage } from './harness.ts';

const current = useHarness();
const CARA = '3f6c2a91-8d4e-4b7a-a1c5-2e9f0b8d7c61';

/** Records CSP violations from before the page's own code runs. */
const RECORD_VIOLATIONS = `window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));`;

const violations = (page: Page) => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);

async function openConsole(options: Parameters<ReturnType<typeof current>['open']>[1] = {}): Promise<OpenPage> {
  const opened = await current().open(`${current().api.base}/console`, { initScript: RECORD_VIOLATIONS, ...options });
  await opened.page.locator('share-link-console input[name="key"]').waitFor();
  return opened;
}

/** Signs in with the keyboard alone: the key field, then Enter. */
async function signIn(page: Page, key = API_KEY) {
  await page.locator('input[name="key"]').focus();
  await page.keyboard.type(key);
  await page.keyboard.press('Enter');
}

async function audit(page: Page, view: string) {
  const found = await axeViolations(page);
  assert.deepEqual(found, [], `${view}: ${found.join('\n')}`);
}

/** The heading of the view shown, which takes focus when the view changes. */
const heading = (page: Page) => page.locator('[data-view] h1').first();

describe('the console', () => {
  it('creates a link that works on another origin, edits it, and deletes it after confirming', async () => {
    const { api, hostOrigin, otherHostOrigin } = current();
    const opened = await openConsole();
    const { page } = opened;
    await signIn(page);
    await page.locator('console-links table tbody tr').first().waitFor();

    // New link: the origins editor explains an entry the API would refuse, before anything is sent.
    await page.locator('a:has-text("New link")').click();
    await page.locator('console-link-editor select').first().waitFor();
    assert.equal(await heading(page).textContent(), 'New link');
    await page.locator('console-link-editor fieldset select').first().selectOption(CARA);
    await page.locator('button:has-text("Add an origin")').click();
    const entry = page.locator('console-origins-editor input').first();
    await entry.fill(`${hostOrigin}/`);
    const why = page.locator('console-origins-editor .why').first();
    assert.match(
      (await why.textContent()) ?? '',
      /Not accepted: .* ends with "\/"; an origin ends after the host and port/,
    );
    assert.equal(await entry.getAttribute('aria-invalid'), 'true');
    assert.equal(await entry.evaluate((input) => input.getAttribute('aria-describedby')), await why.getAttribute('id'));
    await entry.fill(hostOrigin);
    assert.equal((await why.textContent())?.trim(), `Pages on ${hostOrigin}`);
    await page.locator('button:has-text("Create link")').click();
    await page.waitForFunction(() => /^#\/links\/[0-9a-f-]{36}$/.test(location.hash));
    const id = await page.evaluate(() => location.hash.split('/').pop()!);
    const token = ((await heading(page).textContent()) ?? '').replace(/^Link\s+/, '').trim();
    assert.match(token, /^sh_\w+$/);
    const stored = await (
      await fetch(`${api.base}/v1/share-links/${id}`, { headers: { Authorization: `Bearer ${API_KEY}` } })
    ).json();
    assert.deepEqual([stored.token, stored.personaId, stored.allowedOrigins], [token, CARA, [hostOrigin]]);
    // The new view's heading has focus, so a screen reader starts there.
    await page.waitForFunction(() => {
      let focused = document.activeElement;
      while (focused?.shadowRoot?.activeElement) focused = focused.shadowRoot.activeElement;
      return focused?.localName === 'h1';
    });

    // The snippet, as copied from the console, works on the allowed origin and nowhere else.
    // The recommended snippet: the version pinned with Subresource Integrity.
    const snippet = (await page.locator('console-snippets figure[data-snippet="pinned"] pre').textContent())!;
    assert.match(snippet, new RegExp(`src="${api.base}/v/[\\w.]+/share-link-embed.js" integrity="sha384-`));
    const host = await current().open(current().page('/console-embed.html', `<!doctype html><body>${snippet}</body>`));
    assert.equal(await settledState(host.page), 'ready');
    const other = await current().open(`${otherHostOrigin}/console-embed.html`);
    assert.equal(await settledState(other.page), 'error');
    assert.equal(
      await other.page.evaluate(
        () => (document.querySelector('share-link-embed') as unknown as { error: { reason: string } }).error.reason,
      ),
      'origin-not-allowed',
    );

    // Both are counted: this link's analytics show the view, and the refusal with the site refused.
    await page.evaluate((hash) => (location.hash = hash), `#/analytics?link=${id}`);
    const figure = (label: string) => page.locator(`console-analytics [data-figure="${label}"] dd`);
    await figure('Views').waitFor();
    assert.equal(await figure('Views').textContent(), '1');
    assert.equal(await figure('Refused: origin not allowed').textContent(), '1');
    const refusedSite = page.locator('console-analytics [data-refused-origins] li', { hasText: otherHostOrigin });
    await refusedSite.waitFor();
    // Allowed from there, the refused site shows the link at its next load.
    await refusedSite.locator('button').click();
    await page.waitForFunction(
      async ([base, linkId, key, origin]) =>
        (
          (await (
            await fetch(`${base}/v1/share-links/${linkId}`, { headers: { Authorization: `Bearer ${key}` } })
          ).json()) as { allowedOrigins: string[] }
        ).allowedOrigins.includes(origin!),
      [api.base, id, API_KEY, otherHostOrigin],
    );
    await other.page.reload();
    assert.equal(await settledState(other.page), 'ready');
    await page.goBack();
    await page.locator('console-link-editor fieldset').first().waitFor();

    // An edit reaches the embed: disabled in the console, refused on the page at its next load.
    await page.locator('console-link-editor label:has-text("Enabled") input').uncheck();
    assert.match((await page.locator('console-link-editor .save').textContent()) ?? '', /1 unsaved change/);
    await page.locator('button:has-text("Save changes")').click();
    await page.locator('console-link-editor .save:has-text("No unsaved changes")').waitFor();
    await host.page.evaluate(() =>
      (document.querySelector('share-link-embed') as unknown as { reload(): void }).reload(),
    );
    await host.page.waitForFunction(
      () => document.querySelector('share-link-embed')?.getAttribute('state') === 'error',
    );
    assert.equal(
      await host.page.evaluate(
        () => (document.querySelector('share-link-embed') as unknown as { error: { reason: string } }).error.reason,
      ),
      'disabled',
    );

    // Only what changed is sent.
    await page.locator('console-link-editor input[type="number"]').first().fill('5');
    const sent = page.waitForRequest((request) => request.method() === 'PATCH');
    await page.locator('button:has-text("Save changes")').click();
    assert.deepEqual((await sent).postDataJSON(), { usageLimit: 5 });
    await page.locator('console-link-editor .save:has-text("No unsaved changes")').waitFor();
    assert.equal(((await current().getLink(id)) as unknown as { usageLimit: number }).usageLimit, 5);

    // Delete: a dialog asks first; keeping it changes nothing, deleting removes it.
    await page.locator('button:has-text("Delete this link")').click();
    const dialog = page.locator('console-link-editor dialog[data-delete]');
    await dialog.waitFor();
    assert.equal(await dialog.evaluate((element) => (element as HTMLDialogElement).open), true);
    await page.keyboard.press('Escape');
    assert.equal(await dialog.evaluate((element) => (element as HTMLDialogElement).open), false);
    assert.equal(
      (await fetch(`${api.base}/v1/share-links/${id}`, { headers: { Authorization: `Bearer ${API_KEY}` } })).status,
      200,
    );
    await page.locator('button:has-text("Delete this link")').click();
    await dialog.locator('button:has-text("Delete")').last().click();
    await page.waitForFunction(() => location.hash.startsWith('#/links') && !/[0-9a-f-]{36}/.test(location.hash));
    assert.equal(
      (await fetch(`${api.base}/v1/share-links/${id}`, { headers: { Authorization: `Bearer ${API_KEY}` } })).status,
      404,
    );

    assert.deepEqual(await violations(page), []);
    assert.deepEqual([...opened.pageErrors, ...opened.consoleErrors], []);
  });

  it('asks again for a key the API refuses, and sets no cookie', async () => {
    const { page, context } = await openConsole();
    await signIn(page, 'wrong-key-0123456789');
    await page.locator('share-link-console #key-error').waitFor();
    assert.equal(
      (await page.locator('share-link-console #key-error').textContent())?.trim(),
      'The API refused this key.',
    );
    assert.equal(await page.locator('input[name="key"]').getAttribute('aria-invalid'), 'true');
    await page.locator('input[name="key"]').fill('');
    await signIn(page);
    await page.locator('console-links table').waitFor();
    assert.deepEqual(await context.cookies(), []);
    // The key is kept for the tab only: a reload stays signed in; signing out forgets it.
    await page.reload();
    await page.locator('console-links table').waitFor();
    await page.locator('button:has-text("Sign out")').click();
    await page.locator('input[name="key"]').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`passes axe on every view in ${colorScheme}, with no CSP violation`, async () => {
      const opened = await openConsole({ colorScheme });
      const { page } = opened;
      await audit(page, 'sign-in');
      await signIn(page);
      await page.locator('console-links table tbody tr').first().waitFor();
      await audit(page, 'links');
      await page.locator('console-links tbody a').first().click();
      await page.locator('console-link-editor console-snippets figure').first().waitFor();
      await audit(page, 'link editor');
      await page.locator('button:has-text("Delete this link")').click();
      await audit(page, 'delete dialog');
      await page.keyboard.press('Escape');
      for (const [section, ready] of [
        ['New link', 'console-link-editor fieldset'],
        ['Analytics', 'console-analytics h1'],
        ['Conversations', 'console-conversations h1'],
        ['Webhooks', 'console-webhooks h1'],
      ] as const) {
        await page.goto(
          `${current().api.base}/console#/${section === 'New link' ? 'links/new' : section.toLowerCase()}`,
        );
        await page.locator(ready).first().waitFor();
        // Settled: loaded, or said to be unavailable.
        await page.waitForFunction(
          () =>
            !document
              .querySelector('share-link-console')
              ?.shadowRoot?.querySelector('[data-view]')
              ?.shadowRoot?.querySelector('[role="status"].muted'),
        );
        await audit(page, section);
      }
      assert.deepEqual(await violations(page), []);
      assert.deepEqual(opened.pageErrors, []);
    });
  }

  it('fits a phone: no sideways scrolling, the navigation wraps', async () => {
    const { page } = await openConsole({ viewport: { width: 360, height: 740 } });
    await signIn(page);
    await page.locator('console-links table').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
    await audit(page, 'links on a phone');
  });
});
