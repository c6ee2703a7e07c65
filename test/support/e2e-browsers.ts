/**
 * Firefox and WebKit for the end-to-end tests, behind one small interface: playwright-core (which
 * drives the e2e suites' Chromium) cannot drive Debian's firefox-esr or WebKitGTK, so Firefox is
 * Puppeteer over WebDriver BiDi and WebKit is webdriverio over WebDriver classic. Launch settings
 * are shared with the component suites (test/support/browsers.ts).
 */
import puppeteer from 'puppeteer';
import { remote } from 'webdriverio';
import { firefoxLaunchOptions, startWebKitDriver, webkitCapabilities } from './browsers.ts';

export interface DrivenPage {
  /** Runs `fn` in the page (serialised: it sees nothing of this module) and returns its JSON result. */
  evaluate<Result>(fn: () => Result): Promise<Awaited<Result>>;
  /** Polls `fn` in the page until it returns true. */
  waitFor(fn: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  /**
   * Clicks a part of the page's first `<share-link-embed>` (`[part~=name]` in its shadow root)
   * with the driver's pointer, so the page gets a user activation, as from a visitor.
   */
  clickPart(name: string): Promise<void>;
}

export interface DrivenBrowser {
  name: string;
  /** Opens `url` (one page at a time: a new one replaces the last). */
  open(url: string): Promise<DrivenPage>;
  close(): Promise<void>;
}

const partSelector = (name: string) => `[part~="${name}"]`;

export async function launchFirefox(): Promise<DrivenBrowser> {
  const browser = await puppeteer.launch(firefoxLaunchOptions());
  let current: import('puppeteer').Page | undefined;
  return {
    name: `Firefox ${(await browser.version()).replace(/^firefox\//, '')}`,
    async open(url) {
      await current?.close();
      const page = (current = await browser.newPage());
      await page.goto(url);
      return {
        evaluate: (fn) => page.evaluate(fn) as never,
        async waitFor(fn, what, timeoutMs = 15_000) {
          await page.waitForFunction(fn, { timeout: timeoutMs, polling: 100 }).catch((error: Error) => {
            throw new Error(`Firefox: timed out waiting for ${what} (${error.message})`);
          });
        },
        async clickPart(name) {
          await page.locator(`share-link-embed >>> ${partSelector(name)}`).click();
        },
      };
    },
    close: () => browser.close(),
  };
}

export async function launchWebKit(): Promise<DrivenBrowser> {
  const driver = await startWebKitDriver();
  const browser = await remote({
    hostname: driver.hostname,
    port: driver.port,
    logLevel: 'error',
    capabilities: webkitCapabilities(),
  }).catch(async (error: unknown) => {
    await driver.stop();
    throw error;
  });
  return {
    name: `WebKitGTK ${browser.capabilities.browserVersion ?? ''}`.trim(),
    async open(url) {
      await browser.url(url);
      return {
        evaluate: (fn) => browser.execute(fn) as never,
        async waitFor(fn, what, timeoutMs = 15_000) {
          await browser.waitUntil(() => browser.execute(fn), {
            timeout: timeoutMs,
            interval: 100,
            timeoutMsg: `WebKit: timed out waiting for ${what}`,
          });
        },
        async clickPart(name) {
          await browser.$('share-link-embed').shadow$(partSelector(name)).click();
        },
      };
    },
    async close() {
      await browser.deleteSession().catch(() => undefined);
      await driver.stop();
    },
  };
}
