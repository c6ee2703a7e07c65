/**
 * How the tests start Firefox and WebKit (Node side), for the component suites
 * (web-test-runner.config.mjs) and the end-to-end tests alike. test/README.md ("Browsers") has the
 * overview; scripts/browsers.mjs finds the executables.
 *
 * - Firefox: the machine's Firefox (Debian's firefox-esr) driven by Puppeteer over WebDriver BiDi.
 * - WebKit: WebKitGTK's MiniBrowser driven by WebKitWebDriver (WebDriver classic), in an Xvfb of
 *   its own, since MiniBrowser has no headless mode. WebKitGTK is not Safari, but it is its engine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { LaunchOptions } from 'puppeteer';
import { requireTool } from '../../scripts/browsers.mjs';

/**
 * A fake microphone (a tone), granted without a prompt; and a mock audio backend, without which
 * `AudioContext.resume()` never settles on a machine with no sound card.
 */
export const FIREFOX_PREFS = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.cubeb.force_mock_context': true,
} as const;

export const firefoxLaunchOptions = (): LaunchOptions => ({
  browser: 'firefox',
  executablePath: requireTool('firefox'),
  headless: true,
  extraPrefsFirefox: { ...FIREFOX_PREFS },
});

/** MiniBrowser under automation, with WebKit's mock camera and microphone, granted without a prompt. */
export const webkitCapabilities = () => ({
  browserName: 'MiniBrowser',
  // WebKitWebDriver speaks WebDriver classic only; webdriverio would otherwise ask for BiDi.
  'wdio:enforceWebDriverClassic': true,
  'webkitgtk:browserOptions': {
    binary: requireTool('miniBrowser'),
    args: ['--automation', '--enable-mock-capture-devices=true', '--enable-media-stream=true'],
  },
});

export interface WebKitDriver {
  hostname: string;
  port: number;
  /** The X display MiniBrowser draws on, e.g. `:99`. */
  display: string;
  /** Stops WebKitWebDriver (and with it any MiniBrowser it started) and the Xvfb. */
  stop: () => Promise<void>;
}

/** An Xvfb on a display it picks itself (`-displayfd`), so parallel runs never collide. */
async function startXvfb(): Promise<{ process: ChildProcess; display: string }> {
  const xvfb = spawn(requireTool('xvfb'), ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  const display = await new Promise<string>((resolve, reject) => {
    let announced = '';
    let errors = '';
    xvfb.stderr!.on('data', (chunk) => (errors = (errors + chunk).slice(-2000)));
    xvfb.stdio[3]!.on('data', (chunk) => {
      announced += chunk;
      if (announced.includes('\n')) resolve(`:${announced.trim()}`);
    });
    xvfb.once('error', reject);
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before it had a display: ${errors}`)));
  });
  return { process: xvfb, display };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForDriver(base: string, driver: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (driver.exitCode !== null) throw new Error(`WebKitWebDriver exited (${driver.exitCode}): ${log()}`);
    const ready = await fetch(`${base}/status`)
      .then((response) => response.ok)
      .catch(() => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`WebKitWebDriver did not answer on ${base} within 15 s: ${log()}`);
}

/** Starts an Xvfb and a WebKitWebDriver drawing on it; both stop with `stop()` or when this process exits. */
export async function startWebKitDriver(): Promise<WebKitDriver> {
  const executable = requireTool('webkitDriver');
  requireTool('miniBrowser');
  const xvfb = await startXvfb();
  const port = await freePort();
  const driver = spawn(executable, [`--port=${port}`, '--host=127.0.0.1'], {
    env: { ...process.env, DISPLAY: xvfb.display },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // WebKit's own chatter (no D-Bus session, no sound card) is kept only to explain a failed start.
  let log = '';
  driver.stderr!.on('data', (chunk) => (log = (log + chunk).slice(-4000)));
  const killBoth = () => {
    driver.kill();
    xvfb.process.kill();
  };
  process.once('exit', killBoth);
  const exited = (child: ChildProcess) =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForDriver(`http://127.0.0.1:${port}`, driver, () => log);
  } catch (error) {
    killBoth();
    throw error;
  }
  return {
    hostname: '127.0.0.1',
    port,
    display: xvfb.display,
    async stop() {
      process.off('exit', killBoth);
      driver.kill();
      await exited(driver);
      xvfb.process.kill();
      await exited(xvfb.process);
    },
  };
}
