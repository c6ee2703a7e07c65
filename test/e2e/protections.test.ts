/**
 * Proofs of work end to end (docs/security.md, "Proof of work"): the built bundle on the API's
 * origin, a page on another origin under a strict Content-Security-Policy that allows only the
 * bundle's origin, the real CLI, Chromium. Where the page allows `blob:` workers the proof is solved
 * in one; where it does not (or Trusted Types refuse the worker's URL), on the page in slices, with
 * one message for the site owner: either way the visitor starts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useHarness } from './harness.ts';

const current = useHarness();

const RECORD_VIOLATIONS = `window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));`;

/** Only the bundle's origin (the API's), and what else the case names. */
function strictCsp(api: string, extra: string[]): string {
  return [
    "default-src 'none'",
    `script-src ${api}`,
    "style-src 'self'",
    `connect-src ${api} ${api.replace('http:', 'ws:')}`,
    `img-src ${api}`,
    `media-src ${api}`,
    ...extra,
  ].join('; ');
}

const CASES: [string, string[], 'worker' | 'page'][] = [
  ['worker-src blob: (what docs/security.md asks for)', ['worker-src blob:'], 'worker'],
  ['only the bundle origin: no blob: workers', [], 'page'],
  [
    'Trusted Types enforced, share-link-embed allowed',
    ['worker-src blob:', "require-trusted-types-for 'script'", 'trusted-types lit-html share-link-embed'],
    'worker',
  ],
  [
    'Trusted Types enforced, share-link-embed not allowed: the worker URL is refused',
    ['worker-src blob:', "require-trusted-types-for 'script'", 'trusted-types lit-html'],
    'page',
  ],
];

describe('a proof of work under a strict CSP, the bundle on another origin than the page', () => {
  for (const [name, extra, where] of CASES) {
    it(`${name}: solved ${where === 'worker' ? 'in a worker' : 'on the page'} from intent, and the start is granted`, async () => {
      const harness = current();
      const api = harness.api.base;
      const link = await harness.createLink({ challenge: 'proof-of-work' });
      const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${strictCsp(api, extra)}">
        <script type="module" src="${api}/share-link-embed.js"></script></head>
        <body><share-link-embed token="${link.token}"></share-link-embed></body></html>`;
      const url = harness.page(`/pow-${where}-${extra.length}`, html);
      const context = await harness.browser.newContext({ permissions: ['microphone'] });
      await context.addInitScript({ content: RECORD_VIOLATIONS });
      const page = await context.newPage();
      const infos: string[] = [];
      const errors: string[] = [];
      const starts: Record<string, string>[] = [];
      page.on('console', (message) => {
        if (message.type() === 'info') infos.push(message.text());
        // The browser's own reports of what the page refused are expected where it refuses the worker.
        if (
          message.type() === 'error' &&
          !/Failed to load resource|Content Security Policy|TrustedScriptURL|TrustedTypePolicy/.test(message.text())
        )
          errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('request', async (request) => {
        if (request.method() === 'POST' && request.url().includes('/sessions')) starts.push(await request.allHeaders());
      });
      await page.goto(url);
      await page.waitForFunction(() => document.querySelector('share-link-embed')?.getAttribute('state') === 'ready');
      const button = page.locator('share-link-embed [part~="start-button"]');
      await button.hover();
      await page.waitForTimeout(300);
      await button.click();
      await page.waitForFunction(
        () => document.querySelector('share-link-embed')?.getAttribute('state') === 'live',
        null,
        {
          timeout: 30_000,
        },
      );
      assert.equal(starts.length, 1);
      assert.match(starts[0]!['x-share-link-challenge'] ?? '', /^[A-Za-z0-9+/]+=*$/, 'the start carried the solution');
      assert.equal((await harness.getLink(link.id)).usageCount, 1);
      assert.deepEqual(errors, []);
      const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
      const fallback = infos.filter((text) => text.includes('runs on the page in short slices'));
      if (where === 'worker') {
        assert.deepEqual(violations, []);
        assert.deepEqual(fallback, []);
      } else {
        assert.equal(fallback.length, 1, 'one message for the site owner, saying what to add');
        assert.match(fallback[0]!, /Add worker-src blob:/);
        // What the browser reports of the refused worker: nothing else.
        assert.ok(
          violations.every((entry) => /^(worker-src blob|require-trusted-types-for|trusted-types)/.test(entry)),
          violations.join(),
        );
      }
      await context.close();
    });
  }
});
