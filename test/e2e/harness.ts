/**
 * End-to-end harness: the reference API (real CLI, serving the built bundles) on one origin, host
 * pages on another, and the system Chromium driven by playwright-core. Firefox and WebKit are driven
 * by test/support/e2e-browsers.ts (test/e2e/browsers.test.ts).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROME_ARGS, requireTool } from '../../scripts/browsers.mjs';
import { API_KEY, ROOT, copyOfDemoData, startApi, type RunningApi } from '../../scripts/api-process.ts';

/** The reference API serving the built bundles, and host pages on another origin. */
export interface Hosts {
  api: RunningApi;
  /** Host pages: `http://127.0.0.1:<port>`; the same server also answers as `http://localhost:<port>`. */
  hostOrigin: string;
  otherHostOrigin: string;
  /** Serves `html` at `path` on the host server, with these extra response headers. */
  page: (path: string, html: string, headers?: Record<string, string>) => string;
  createLink: (fields: Record<string, unknown>) => Promise<{ id: string; token: string }>;
  getLink: (id: string) => Promise<{ usageCount: number }>;
  close: () => Promise<void>;
}

/** The hosts and the system Chromium, driven by playwright-core. */
export interface Harness extends Hosts {
  browser: Browser;
  open: (url: string, options?: OpenOptions) => Promise<OpenPage>;
}

export interface OpenOptions {
  colorScheme?: 'light' | 'dark';
  viewport?: { width: number; height: number };
  /** Browser permissions, e.g. `['microphone']` (Chromium's fake one). Default: none, so a prompt is refused. */
  permissions?: string[];
  /** Runs in the page before its own scripts (see `context.addInitScript`). */
  initScript?: string;
}

export interface OpenPage {
  page: Page;
  context: BrowserContext;
  pageErrors: string[];
  consoleErrors: string[];
  warnings: string[];
  requests: { url: string; origin: string | undefined }[];
  /** Every URL the page requested, in order. */
  allRequests: string[];
}

export async function startHosts(): Promise<Hosts> {
  // Every page of every test comes from 127.0.0.1: abuse limits off (test/server/limits.test.ts covers them).
  const api = await startApi({ data: await copyOfDemoData(), limits: false });
  const pages = new Map<string, { html: string; headers: Record<string, string> }>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://host').pathname;
    // The page's own packages (e.g. its own copy of Lit), as a site would serve them.
    if (path.startsWith('/node_modules/') && !path.includes('..')) {
      try {
        res.writeHead(200, { 'Content-Type': 'text/javascript' });
        res.end(readFileSync(join(ROOT, path)));
      } catch {
        res.writeHead(404).end();
      }
      return;
    }
    const served = pages.get(path);
    res.writeHead(served ? 200 : 404, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      ...served?.headers,
    });
    res.end(served?.html ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    api,
    hostOrigin: `http://127.0.0.1:${port}`,
    otherHostOrigin: `http://localhost:${port}`,
    page(path, html, headers = {}) {
      pages.set(path, { html, headers });
      return `http://127.0.0.1:${port}${path}`;
    },
    async createLink(fields) {
      const response = await fetch(`${api.base}/v1/share-links`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ personaId: '3f6c2a91-8d4e-4b7a-a1c5-2e9f0b8d7c61', allowAllOrigins: true, ...fields }),
      });
      if (response.status !== 201) throw new Error(`create link: ${response.status} ${await response.text()}`);
      return response.json() as Promise<{ id: string; token: string }>;
    },
    async getLink(id) {
      return (
        await fetch(`${api.base}/v1/share-links/${id}`, { headers: { Authorization: `Bearer ${API_KEY}` } })
      ).json() as Promise<{ usageCount: number }>;
    },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await api.stop();
    },
  };
}

export async function startHarness(): Promise<Harness> {
  const executablePath = requireTool('chromium');
  const hosts = await startHosts();
  // A fake microphone (a beep every half second) for contexts that grant the permission.
  const browser = await chromium.launch({
    executablePath,
    args: [...CHROME_ARGS.filter((arg) => !arg.startsWith('--headless')), '--use-fake-device-for-media-stream'],
  });
  const contexts: BrowserContext[] = [];

  return {
    ...hosts,
    browser,
    async open(url, options = {}) {
      const context = await browser.newContext({
        colorScheme: options.colorScheme ?? 'light',
        viewport: options.viewport ?? { width: 1100, height: 800 },
        permissions: options.permissions ?? [],
      });
      contexts.push(context);
      if (options.initScript) await context.addInitScript({ content: options.initScript });
      const page = await context.newPage();
      const opened: OpenPage = {
        page,
        context,
        pageErrors: [],
        consoleErrors: [],
        warnings: [],
        requests: [],
        allRequests: [],
      };
      page.on('request', (request) => opened.allRequests.push(request.url()));
      page.on('pageerror', (error) => opened.pageErrors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error' && !/Failed to load resource/.test(message.text()))
          opened.consoleErrors.push(message.text());
        if (message.type() === 'warning') opened.warnings.push(message.text());
      });
      page.on('request', async (request) => {
        // allHeaders() includes what the network stack adds, such as Origin.
        if (request.url().includes('/v1/'))
          opened.requests.push({ url: request.url(), origin: (await request.allHeaders())['origin'] });
      });
      await page.goto(url);
      return opened;
    },
    async close() {
      await Promise.all(contexts.map((context) => context.close().catch(() => undefined)));
      await browser.close();
      await hosts.close();
    },
  };
}

/** Waits until the page's first `<share-link-embed>` reaches a settled state, and returns it. */
export async function settledState(page: Page, selector = 'share-link-embed'): Promise<string> {
  await page.waitForFunction(
    (sel) => /^(ready|error|live)$/.test(document.querySelector(sel)?.getAttribute('state') ?? ''),
    selector,
    { timeout: 15_000 },
  );
  return (await page.getAttribute(selector, 'state'))!;
}

/** Starts one harness for the calling test file and stops it after; returns a getter for it. */
export function useHarness(): () => Harness {
  let harness: Harness | undefined;
  before(async () => {
    harness = await startHarness();
  });
  after(() => harness?.close());
  return () => harness!;
}
