/**
 * Finds the browsers the tests drive, without configuration and without `node_modules` (only
 * Node's own modules: `.ci/run` calls it before `npm ci`). Each tool is its environment variable if
 * set, else the usual Debian/Ubuntu install paths:
 *
 *   chromium  Chrome or Chromium                          CHROME_PATH         (Debian: chromium)
 *   firefox   Firefox, driven over WebDriver BiDi         FIREFOX_PATH        (Debian: firefox-esr)
 *   webkit    WebKitGTK's MiniBrowser, its WebDriver      MINIBROWSER_PATH    (Debian: webkit2gtk-driver)
 *             and an X server, as it has no headless mode  WEBKIT_DRIVER_PATH, XVFB_PATH (Debian: xvfb)
 *
 * `BROWSERS` (comma-separated, e.g. `BROWSERS=firefox`) picks the browsers the component and
 * end-to-end suites run in; all three by default. See test/README.md ("Browsers").
 *
 * Run directly, it checks what `npm test` needs: the selected browsers, and Chromium in any case
 * (the other end-to-end suites and the package tests drive it with playwright-core).
 *
 *   node scripts/browsers.mjs                    exits 1 with one line on how to install what is missing
 *   node scripts/browsers.mjs --debian-packages  prints the Debian packages of what is missing (for .ci/run)
 */
import { accessSync, constants, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every browser the suites know, in the order they run. */
export const BROWSER_NAMES = /** @type {const} */ (['chromium', 'firefox', 'webkit']);

/** WebKitGTK's MiniBrowser lives in the multiarch folder: /usr/lib/<triplet>/webkit2gtk-4.x/. */
const miniBrowserCandidates = () => {
  let triplets = [];
  try {
    triplets = readdirSync('/usr/lib').filter((entry) => entry.includes('-linux-'));
  } catch {
    // no /usr/lib: only MINIBROWSER_PATH can name it
  }
  return ['webkit2gtk-4.1', 'webkit2gtk-4.0'].flatMap((api) => [
    ...triplets.map((triplet) => join('/usr/lib', triplet, api, 'MiniBrowser')),
    join('/usr/libexec', api, 'MiniBrowser'),
  ]);
};

/** The programs the tests start: who they are, where to look, and which Debian package brings them. */
export const TOOLS = {
  chromium: {
    label: 'Chrome or Chromium',
    env: 'CHROME_PATH',
    debian: 'chromium',
    candidates: () => [
      '/usr/bin/chromium',
      '/usr/bin/chromium-browser',
      '/usr/bin/google-chrome',
      '/usr/bin/google-chrome-stable',
    ],
  },
  firefox: {
    label: 'Firefox',
    env: 'FIREFOX_PATH',
    debian: 'firefox-esr',
    candidates: () => [
      '/usr/lib/firefox-esr/firefox-esr',
      '/usr/lib/firefox/firefox',
      '/usr/bin/firefox-esr',
      '/usr/bin/firefox',
    ],
  },
  webkitDriver: {
    label: "WebKitGTK's WebKitWebDriver",
    env: 'WEBKIT_DRIVER_PATH',
    debian: 'webkit2gtk-driver',
    candidates: () => ['/usr/bin/WebKitWebDriver'],
  },
  miniBrowser: {
    label: "WebKitGTK's MiniBrowser",
    env: 'MINIBROWSER_PATH',
    debian: 'webkit2gtk-driver',
    candidates: miniBrowserCandidates,
  },
  xvfb: {
    label: 'Xvfb',
    env: 'XVFB_PATH',
    debian: 'xvfb',
    candidates: () => ['/usr/bin/Xvfb'],
  },
};

/** The tools each browser needs. */
export const NEEDS = {
  chromium: ['chromium'],
  firefox: ['firefox'],
  webkit: ['webkitDriver', 'miniBrowser', 'xvfb'],
};

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

/**
 * The executable of a tool: its environment variable if set (and nothing else, so a wrong setting
 * is reported rather than silently replaced), else the first install path that exists.
 *
 * @param {keyof typeof TOOLS} tool
 * @returns {string | null}
 */
export function findTool(tool) {
  const { env, candidates } = TOOLS[tool];
  const configured = process.env[env];
  if (configured) return isExecutable(configured) ? configured : null;
  return candidates().find(isExecutable) ?? null;
}

/**
 * The browsers `BROWSERS` selects (all by default).
 *
 * @returns {Array<(typeof BROWSER_NAMES)[number]>}
 */
export function selectedBrowsers() {
  const wanted = (process.env.BROWSERS ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  if (wanted.length === 0) return [...BROWSER_NAMES];
  const unknown = wanted.filter((name) => !BROWSER_NAMES.includes(name));
  if (unknown.length > 0)
    throw new Error(
      `BROWSERS=${process.env.BROWSERS}: unknown ${unknown.join(', ')}; choose from ${BROWSER_NAMES.join(', ')}.`,
    );
  return BROWSER_NAMES.filter((name) => wanted.includes(name));
}

/** The tools the given browsers need that cannot be found. */
export const missingTools = (browsers = selectedBrowsers()) =>
  [...new Set(browsers.flatMap((browser) => NEEDS[browser]))].filter((tool) => !findTool(tool));

/** One line on how to install the given missing tools (or, for `npm test`, to run the other browsers alone). */
export function installHint(tools, browsers = selectedBrowsers()) {
  const what = tools.map((tool) => {
    const { label, env } = TOOLS[tool];
    return process.env[env] ? `${label} (${env}=${process.env[env]} is not an executable)` : label;
  });
  const packages = [...new Set(tools.map((tool) => TOOLS[tool].debian))];
  const variables = tools.map((tool) => TOOLS[tool].env).join(', ');
  const others = browsers.filter((browser) => NEEDS[browser].every((tool) => !tools.includes(tool)));
  const alone = others.length > 0 ? `; or run the others alone: BROWSERS=${others.join(',')}` : '';
  return `Not found for the browser tests: ${what.join(', ')}. Install ${tools.length > 1 ? 'them' : 'it'} (Debian/Ubuntu: \`apt-get install -y ${packages.join(' ')}\`) or set ${variables}${alone}.`;
}

/**
 * The executable of a tool, or an error with one line on how to install it.
 *
 * @param {keyof typeof TOOLS} tool
 * @returns {string}
 */
export function requireTool(tool) {
  const path = findTool(tool);
  if (!path) throw new Error(installHint([tool]));
  return path;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let browsers, missing;
  try {
    browsers = [...new Set(['chromium', ...selectedBrowsers()])];
    missing = missingTools(browsers);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
  if (process.argv.includes('--debian-packages')) {
    console.log([...new Set(missing.map((tool) => TOOLS[tool].debian))].join(' '));
  } else if (missing.length > 0) {
    // Without Chromium, no selection helps: the rest of `npm test` needs it.
    console.error(installHint(missing, missing.includes('chromium') ? [] : browsers));
    process.exit(1);
  }
}
