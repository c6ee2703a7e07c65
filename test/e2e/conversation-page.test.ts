/**
 * View and takeover end to end in Chromium (docs/conversations.md): a visitor talks with the
 * scripted persona on a host page in one browser context; the site's person opens the
 * conversation's share URL in another (on a phone's viewport), watches it, takes it over, talks
 * with the visitor, and hands it back; the persona answers again. The built bundles and the built
 * conversation page, against the real CLI.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { axeViolations } from '../support/axe.ts';
import { API_KEY } from '../../scripts/api-process.ts';
import { settledState, useHarness } from './harness.ts';

const current = useHarness();
const auth = { Authorization: `Bearer ${API_KEY}` };

const hostPage = (api: string, token: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>shop</title>
  <script type="module" src="${api}/share-link-embed.js"></script>
  <script type="module">window.__messages = []; document.addEventListener('share-link-message', (event) => window.__messages.push(event.detail));
  document.addEventListener('share-link-start', (event) => (window.__session = event.detail.sessionToken));</script>
  </head><body><main><share-link-embed token="${token}"></share-link-embed></main></body></html>`;

const conversationIdOf = (sessionToken: string) =>
  JSON.parse(Buffer.from(sessionToken.slice(3).split('.')[1]!, 'base64url').toString()).jti as string;

describe('the conversation page', () => {
  it('a person watches a scripted conversation, takes it over from a phone, talks, and hands it back', async () => {
    const harness = current();
    const api = harness.api.base;
    const link = await harness.createLink({ recordTranscripts: true });
    const visitor = await harness.open(harness.page('/shop', hostPage(api, link.token)), {
      permissions: ['microphone'],
    });
    const page = visitor.page;
    assert.equal(await settledState(page), 'ready');
    const embed = (part: string) => page.locator(`share-link-embed [part~="${part}"]`);
    const captions = async () => ((await embed('captions').textContent()) ?? '').replace(/\s+/g, ' ');
    await embed('start-button').click();
    await embed('captions').filter({ hasText: 'scripted demo persona' }).waitFor({ timeout: 15_000 });
    await page.locator('share-link-embed .compose input:not([disabled])').waitFor();
    const id = conversationIdOf(await page.evaluate(() => (window as unknown as { __session: string }).__session));

    // The person's takeover URL, from the management API, opened on a phone.
    const shared = await fetch(`${api}/v1/conversations/share/takeover/${id}/1`, { headers: auth });
    const { Url } = (await shared.json()) as { Url: string };
    const operator = await harness.open(Url, { viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    const op = operator.page;
    await op.locator('conversation-page h1').filter({ hasText: 'Conversation with Cara' }).waitFor();
    await op.locator('conversation-page li').filter({ hasText: 'scripted demo persona' }).waitFor();
    // Live: what the visitor types appears on the person's page.
    await page.locator('share-link-embed .compose input').fill('Hello, can a human help?');
    await page.locator('share-link-embed .compose input').press('Enter');
    await op
      .locator('conversation-page li[data-role="visitor"]')
      .filter({ hasText: 'Hello, can a human help?' })
      .waitFor();

    assert.deepEqual(await axeViolations(op), []);
    const fits = await op.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    assert.ok(fits, 'no sideways scrolling on a phone');

    await op.locator('conversation-page button', { hasText: 'Take over' }).click();
    await op.locator('conversation-page .pill', { hasText: 'You hold it' }).waitFor();
    await embed('captions').filter({ hasText: 'A person from the team joined the conversation.' }).waitFor();

    await op.locator('conversation-page input[name="text"]').fill('Hi! I am Sam from the shop.');
    await op.locator('conversation-page button', { hasText: 'Send' }).click();
    await embed('captions').filter({ hasText: 'Team: Hi! I am Sam from the shop.' }).waitFor();
    await op
      .locator('conversation-page li[data-role="operator"]')
      .filter({ hasText: 'Hi! I am Sam from the shop.' })
      .waitFor();

    await page.locator('share-link-embed .compose input').fill('Thanks Sam!');
    await page.locator('share-link-embed .compose input').press('Enter');
    await op.locator('conversation-page li[data-role="visitor"]').filter({ hasText: 'Thanks Sam!' }).waitFor();
    assert.doesNotMatch(await captions(), /You wrote: "Thanks Sam!"/, 'the persona did not answer while held');

    await op.locator('conversation-page button', { hasText: 'Hand back to Cara' }).click();
    await embed('captions').filter({ hasText: "I'm back" }).waitFor({ timeout: 10_000 });
    await op.locator('conversation-page .pill', { hasText: 'Live' }).waitFor();
    await page.locator('share-link-embed .compose input:not([disabled])').waitFor();
    await page.locator('share-link-embed .compose input').fill('Are you the persona again?');
    await page.locator('share-link-embed .compose input').press('Enter');
    // The persona's second "Good question!" (the first answered the visitor's first question).
    await op
      .locator('conversation-page li[data-role="persona"]')
      .filter({ hasText: 'Good question!' })
      .nth(1)
      .waitFor({ timeout: 10_000 });
    assert.match(await captions(), /Cara: Good question!/);

    await embed('end-button').click();
    await op.locator('conversation-page .pill', { hasText: 'the visitor ended it' }).waitFor();
    assert.equal(await op.locator('conversation-page button', { hasText: 'Take over' }).count(), 0);
    const messages = await page.evaluate(() => (window as unknown as { __messages: { role: string }[] }).__messages);
    assert.ok(messages.some((message) => message.role === 'operator'));
    assert.deepEqual([...visitor.pageErrors, ...visitor.consoleErrors, ...visitor.warnings], []);
    assert.deepEqual([...operator.pageErrors, ...operator.consoleErrors], []);
  });

  it('a view page updates live and offers no takeover; a second page of a takeover URL sees who holds it', async () => {
    const harness = current();
    const api = harness.api.base;
    const link = await harness.createLink({ recordTranscripts: false });
    const visitor = await harness.open(harness.page('/shop-2', hostPage(api, link.token)), {
      permissions: ['microphone'],
    });
    const page = visitor.page;
    await settledState(page);
    await page.locator('share-link-embed [part~="start-button"]').click();
    await page.locator('share-link-embed .compose input:not([disabled])').waitFor({ timeout: 15_000 });
    const id = conversationIdOf(await page.evaluate(() => (window as unknown as { __session: string }).__session));
    const urlOf = async (mode: string) =>
      (
        (await (await fetch(`${api}/v1/conversations/share/${mode}/${id}/1`, { headers: auth })).json()) as {
          Url: string;
        }
      ).Url;

    const viewer = await harness.open(await urlOf('view'));
    await viewer.page.locator('conversation-page .notice', { hasText: 'Transcripts are off for this link' }).waitFor();
    assert.equal(await viewer.page.locator('conversation-page button').count(), 0);
    const takeover = await urlOf('takeover');
    const first = await harness.open(takeover);
    const second = await harness.open(takeover);
    await first.page.locator('conversation-page button', { hasText: 'Take over' }).click();
    await second.page.locator('conversation-page .pill', { hasText: 'Another operator holds it' }).waitFor();
    assert.equal(await second.page.locator('conversation-page button', { hasText: 'Take over' }).isDisabled(), true);
    // The view page counts the turns it may not read.
    await page.locator('share-link-embed .compose input').fill('Private words');
    await page.locator('share-link-embed .compose input').press('Enter');
    await first.page.locator('conversation-page li').filter({ hasText: 'Private words' }).waitFor();
    assert.equal(await viewer.page.locator('conversation-page li').filter({ hasText: 'Private words' }).count(), 0);
    await page.locator('share-link-embed [part~="end-button"]').click();
    await viewer.page.locator('conversation-page .pill', { hasText: 'Ended' }).waitFor();
    for (const opened of [viewer, first, second]) assert.deepEqual([...opened.pageErrors, ...opened.consoleErrors], []);
  });

  it('an altered URL and an unknown one are pages in words, with no script', async () => {
    const harness = current();
    const opened = await harness.open(`${harness.api.base}/c/cs_${'A'.repeat(43)}`);
    await opened.page.locator('h1', { hasText: 'This conversation link does not exist' }).waitFor();
    assert.equal(await opened.page.locator('script').count(), 0);
  });
});
