/**
 * The three browsers of the component suites (web-test-runner.config.mjs), each a launcher of
 * @web/test-runner; `BROWSERS` picks some (see scripts/browsers.mjs and test/README.md).
 */
import type { BrowserLauncher, TestRunnerCoreConfig } from '@web/test-runner-core';
import { chromeLauncher } from '@web/test-runner-chrome';
import { puppeteerLauncher } from '@web/test-runner-puppeteer';
import { WebdriverLauncher } from '@web/test-runner-webdriver';
import { CHROME_ARGS, requireTool, type BrowserName } from '../../scripts/browsers.mjs';
import { firefoxLaunchOptions, startWebKitDriver, webkitCapabilities, type WebKitDriver } from './browsers.ts';

/** Headless Chromium with its fake microphone (a beep every half second), granted without a prompt. */
const chromium = () =>
  chromeLauncher({
    launchOptions: {
      executablePath: requireTool('chromium'),
      headless: true,
      args: [...CHROME_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
    },
  });

const firefox = () => puppeteerLauncher({ launchOptions: firefoxLaunchOptions() });

/**
 * WebKitGTK's MiniBrowser through WebKitWebDriver: the launcher starts the driver (and its Xvfb)
 * when the run starts and stops both when it ends.
 */
class WebKitLauncher extends WebdriverLauncher {
  private processes: WebKitDriver | undefined;

  constructor(private readonly connection = { hostname: '127.0.0.1', port: 0, capabilities: webkitCapabilities() }) {
    super(connection);
  }

  override async initialize(config: TestRunnerCoreConfig): Promise<void> {
    this.processes = await startWebKitDriver();
    this.connection.port = this.processes.port;
    await super.initialize(config);
    this.name = 'WebKit';
  }

  override async stop(): Promise<void> {
    await super.stop();
    await this.processes?.stop();
  }
}

/**
 * Each browser, and what its driver can do for @web/test-runner-commands beyond the page's own
 * APIs: Chromium's CDP can emulate media features and set the viewport; Puppeteer's WebDriver
 * BiDi can set Firefox's viewport but emulates media features only over CDP; WebDriver classic
 * has neither command. Tests that need one ask with `needs()` (test/support/browser.ts).
 */
const BROWSERS: Record<BrowserName, { launch: () => BrowserLauncher; emulateMedia: boolean; setViewport: boolean }> = {
  chromium: { launch: chromium, emulateMedia: true, setViewport: true },
  firefox: { launch: firefox, emulateMedia: false, setViewport: true },
  webkit: { launch: () => new WebKitLauncher(), emulateMedia: false, setViewport: false },
};

const browserOf = new WeakMap<BrowserLauncher, BrowserName>();

export function launchers(browsers: BrowserName[]): BrowserLauncher[] {
  return browsers.map((browser) => {
    const launcher = BROWSERS[browser].launch();
    browserOf.set(launcher, browser);
    return launcher;
  });
}

/** The `browser-info` server command: which browser runs the calling test file, and what its driver can do. */
export function browserInfoPlugin() {
  return {
    name: 'browser-info',
    executeCommand({ command, session }: { command: string; session: { browser: BrowserLauncher } }) {
      if (command !== 'browser-info') return undefined;
      const browser = browserOf.get(session.browser)!;
      const { emulateMedia, setViewport } = BROWSERS[browser];
      return { browser, emulateMedia, setViewport };
    },
  };
}

interface WindowDriver {
  getWindowSize(): Promise<{ width: number; height: number }>;
  setWindowSize(width: number, height: number): Promise<unknown>;
  execute<T>(script: () => T): Promise<T>;
}
type Size = { width: number; height: number };

/**
 * The `window-viewport` server command, for WebKit, whose driver (WebDriver classic) has no viewport
 * command: it sizes MiniBrowser's window so that its viewport is as near `{ width, height }` as the
 * window allows (its toolbar keeps it at least 447 px wide), and answers the viewport it got and the
 * window size to restore, `{ viewport, window }`. Given `{ window }`, it restores that window size.
 */
export function windowViewportPlugin() {
  return {
    name: 'window-viewport',
    async executeCommand({
      command,
      payload,
      session,
    }: {
      command: string;
      payload: unknown;
      session: { browser: unknown };
    }) {
      if (command !== 'window-viewport') return undefined;
      const driver = (session.browser as { driver?: WindowDriver }).driver;
      if (!driver) throw new Error('window-viewport needs a WebDriver session (WebKit)');
      const wanted = payload as Size | { window: Size };
      if ('window' in wanted) return driver.setWindowSize(wanted.window.width, wanted.window.height).then(() => true);
      const viewport = () => driver.execute(() => ({ width: innerWidth, height: innerHeight }));
      const window = await driver.getWindowSize();
      const found = await viewport();
      // The window's frame and toolbar: what it adds around the viewport.
      await driver.setWindowSize(
        window.width + wanted.width - found.width,
        window.height + wanted.height - found.height,
      );
      return { viewport: await viewport(), window };
    },
  };
}
