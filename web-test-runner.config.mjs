// Component, policy and fetch-layer tests in Chromium, Firefox and WebKit (test/README.md, "Browsers").
// Run through tsx (see package.json), so this config can mount the TypeScript reference API.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { installHint, missingTools, selectedBrowsers } from './scripts/browsers.mjs';
import { browserInfoPlugin, launchers, windowViewportPlugin } from './test/support/wtr-browsers.ts';
import {
  fakeApiMiddleware,
  fakeApiSocketsPlugin,
  referenceApiPlugin,
  sdkStandInsPlugin,
} from './test/support/wtr-plugins.ts';

const browsers = selectedBrowsers();
const missing = missingTools(browsers);
if (missing.length > 0) throw new Error(installHint(missing, browsers));

export default {
  files: ['test/widget/**/*.test.ts'],
  nodeResolve: true,
  // One test file at a time per browser, and one browser at a time: timing-sensitive tests stay
  // honest on a 2-core machine.
  concurrency: 1,
  concurrentBrowsers: 1,
  testsFinishTimeout: 180_000,
  browsers: launchers(browsers),
  plugins: [
    sdkStandInsPlugin(),
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
    referenceApiPlugin(),
    fakeApiSocketsPlugin(),
    browserInfoPlugin(),
    windowViewportPlugin(),
  ],
  middleware: [fakeApiMiddleware],
  testFramework: { config: { timeout: 10_000 } },
};
