import { executeServerCommand } from '@web/test-runner-commands';

/** Helpers for tests that run in the browser. */

let runs = 0;
/**
 * A fresh id, so each test counts only the fake-API requests it made. Random, not from the clock:
 * a test that pins `Date.now` would otherwise get the same id in each browser, and the fake API
 * serves every browser of the run.
 */
export const newRun = (): string => `r${crypto.randomUUID().slice(0, 8)}${(runs++).toString(36)}`;

/** The api-base of a fake-API scenario (see `fake-api.ts`); same origin as the test page. */
export const fakeApi = (scenario: string, run = newRun()): string => `${location.origin}/fake-api/${scenario}/${run}`;

/** Runs a command of the test server's plugins (see `wtr-plugins.ts`). */
export const serverCommand = <Result = unknown>(command: string, payload?: unknown): Promise<Result> =>
  executeServerCommand<Result, unknown>(command, payload);

interface BrowserInfo {
  browser: 'chromium' | 'firefox' | 'webkit';
  emulateMedia: boolean;
  setViewport: boolean;
}
let browserInfo: Promise<BrowserInfo> | undefined;
/** Which browser runs this test file, and what its driver can do (see test/support/wtr-browsers.ts). */
export const thisBrowser = (): Promise<BrowserInfo> => (browserInfo ??= serverCommand<BrowserInfo>('browser-info'));

/**
 * What some tests need that not every browser (or its driver) can do; test/README.md ("Browsers")
 * lists the tests that depend on each.
 */
const CAPABILITIES = {
  'media emulation': {
    available: async () => (await thisBrowser()).emulateMedia,
    missing: 'its driver cannot emulate prefers-reduced-motion or prefers-color-scheme',
  },
  'a settable viewport': {
    available: async () => (await thisBrowser()).setViewport,
    missing: 'its driver cannot resize the viewport',
  },
} satisfies Record<string, { available: () => Promise<boolean>; missing: string }>;
export type Capability = keyof typeof CAPABILITIES;

export const can = (capability: Capability): Promise<boolean> => CAPABILITIES[capability].available();

/**
 * Runs the calling test only where this browser can do what it needs; elsewhere the test is
 * reported as skipped and one line in the browser log says which, where and why.
 */
export async function needs(test: Mocha.Context, capability: Capability): Promise<void> {
  if (await can(capability)) return;
  const { browser } = await thisBrowser();
  // console.log: @web/test-runner prints log, debug, warn and error, not info.
  console.log(
    `not run in ${browser}: "${test.test?.fullTitle()}" needs ${capability}, and ${CAPABILITIES[capability].missing}.`,
  );
  test.skip();
}
