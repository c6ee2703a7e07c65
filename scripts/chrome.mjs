/**
 * Finds Chrome or Chromium without configuration: CHROME_PATH if set, else the usual install
 * paths. Run directly (`node scripts/chrome.mjs`), it exits 1 with one line on how to install one.
 */
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CHROME_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/** Flags for headless Chromium on a sandboxed, offline CI machine. */
export const CHROME_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const isExecutable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** @returns {string | null} */
export function findChrome() {
  const configured = process.env.CHROME_PATH;
  if (configured) return isExecutable(configured) ? configured : null;
  return CHROME_CANDIDATES.find(isExecutable) ?? null;
}

export const INSTALL_HINT =
  'No Chrome or Chromium found: install one (Debian/Ubuntu: `apt-get install -y chromium`) or set CHROME_PATH to its executable.';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const chrome = findChrome();
  if (!chrome) {
    console.error(
      process.env.CHROME_PATH
        ? `CHROME_PATH=${process.env.CHROME_PATH} is not an executable. ${INSTALL_HINT}`
        : INSTALL_HINT,
    );
    process.exit(1);
  }
}
