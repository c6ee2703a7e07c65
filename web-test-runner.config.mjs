// Component, policy and fetch-layer tests in headless Chromium.
// Run through tsx (see package.json), so this config can mount the TypeScript reference API.
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { CHROME_ARGS, findChrome, INSTALL_HINT } from './scripts/chrome.mjs';
import { fakeApiMiddleware, referenceApiPlugin, sdkStandInsPlugin } from './test/support/wtr-plugins.ts';

const executablePath = findChrome();
if (!executablePath) throw new Error(INSTALL_HINT);

export default {
  files: ['test/widget/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  testsFinishTimeout: 180_000,
  // Chromium's fake microphone (a beep every half second), granted without a prompt.
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath,
        headless: true,
        args: [...CHROME_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
      },
    }),
  ],
  plugins: [
    sdkStandInsPlugin(),
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
    referenceApiPlugin(),
  ],
  middleware: [fakeApiMiddleware],
  testFramework: { config: { timeout: 10_000 } },
};
