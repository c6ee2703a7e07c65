import { executeServerCommand, setViewport } from '@web/test-runner-commands';

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
 * What not every browser (or its driver) can do: a test that uses one takes another way to the same
 * check where it is missing (test/README.md, "Browsers", lists them); every test runs everywhere.
 */
const CAPABILITIES = {
  'media emulation': async () => (await thisBrowser()).emulateMedia,
  'a frame that prefers dark': async () => (await darkFrame('')).matchMedia('(prefers-color-scheme: dark)').matches,
} satisfies Record<string, () => Promise<boolean>>;
export type Capability = keyof typeof CAPABILITIES;

export const can = (capability: Capability): Promise<boolean> => CAPABILITIES[capability]();

/**
 * The declarations a shadow root's stylesheets give `element` under `@media (query)`, as this
 * browser parsed them (`:host` rules count for the host). For the media preferences no driver can
 * set in Firefox or WebKit: the test then reads what the browser would apply, from its own CSSOM.
 */
export function stylesUnder(root: ShadowRoot, query: string, element: Element): CSSStyleDeclaration[] {
  const found: CSSStyleDeclaration[] = [];
  const matches = (selector: string) =>
    selector === ':host' ? element === root.host : !selector.includes(':host') && element.matches(selector);
  // A set: WebKit lists the adopted sheets among the root's styleSheets too.
  for (const sheet of new Set([...root.adoptedStyleSheets, ...root.styleSheets])) {
    for (const rule of sheet.cssRules) {
      if (!(rule instanceof CSSMediaRule) || !rule.media.mediaText.includes(query)) continue;
      for (const inner of rule.cssRules) {
        if (inner instanceof CSSStyleRule && matches(inner.selectorText)) found.push(inner.style);
      }
    }
  }
  return found;
}

export interface Viewport {
  width: number;
  height: number;
  /** Puts back the viewport the test found (WebKit's window outlives the test file). */
  restore(): Promise<unknown>;
}

/**
 * A viewport as near `size` as this browser allows: Chromium's and Firefox's drivers set it exactly;
 * WebKit's has no viewport command, so its window is sized around it (test/support/wtr-browsers.ts),
 * and MiniBrowser's toolbar keeps it at least 447 px wide. Resolves with the viewport it got.
 */
export async function viewportNear(size: { width: number; height: number }): Promise<Viewport> {
  if ((await thisBrowser()).setViewport) {
    const found = { width: innerWidth, height: innerHeight };
    await setViewport(size);
    return { ...size, restore: () => setViewport(found) };
  }
  type Size = { width: number; height: number };
  const { viewport, window } = await serverCommand<{ viewport: Size; window: Size }>('window-viewport', size);
  return { ...viewport, restore: () => serverCommand('window-viewport', { window }) };
}

const frames: HTMLIFrameElement[] = [];
afterEach(() => {
  for (const frame of frames.splice(0)) frame.remove();
});

/**
 * A frame of the test page, 400 × 300, whose element says `color-scheme: dark`, holding `body`:
 * where the browser follows CSS Color Adjustment, its document prefers dark. Removed after the test.
 */
export async function darkFrame(body: string): Promise<Window & typeof globalThis> {
  const frame = document.createElement('iframe');
  Object.assign(frame.style, { colorScheme: 'dark', width: '400px', height: '300px', border: '0' });
  frame.srcdoc = `<!doctype html><html lang="en"><body>${body}</body></html>`;
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  await loaded;
  frames.push(frame);
  return frame.contentWindow as Window & typeof globalThis;
}
