/**
 * The host page's figures (docs/delivery.md, docs/performance.md): Lighthouse 12.2.3 with the
 * machine's Chromium, its mobile profile (simulated 4× CPU and slow 4G; `THROTTLING=devtools` applies
 * the throttling instead of simulating it), on a text page without
 * the embed, with a player in view and with an orb, the API and bundles on another origin; and start
 * → first caption of a scripted conversation at 1×, 4× CPU and a throttled network, with and
 * without warm-up. Part of `npm run bench` (bench/run.ts); `tsx bench/delivery.ts` runs it alone.
 *
 * Lighthouse drives Chromium from this process while the host pages are served from it too: every
 * step is awaited, never run synchronously, so the server keeps answering.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';
import { CHROME_ARGS, requireTool } from '../scripts/browsers.mjs';
import { ROOT, copyOfDemoData, startApi, type RunningApi } from '../scripts/api-process.ts';
import { embedSnippet, type BuildManifest } from '../src/snippets.ts';

const PLAYER = 'sh_2kL9pQxYzR4vN8mBwHfJc';
const ORB = 'sh_Orb7mBwHfJc4kL9pQxYz';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = (sorted.length - 1) / 2;
  return (sorted[Math.floor(middle)]! + sorted[Math.ceil(middle)]!) / 2;
};

/** A text page, as a blog post would be, with `embed` after its first paragraph. */
const TEXT = Array.from(
  { length: 6 },
  (_, i) =>
    `<p>Paragraph ${i + 1}. A host page reads like any article: text set in the system font, a heading, a few paragraphs of words that the visitor came for, and somewhere among them the persona.</p>`,
).join('');
const hostPage = (head: string, embed: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>An article</title>${head}<style>body{margin:0 auto;max-width:40rem;padding:1rem;font:17px/1.5 system-ui}</style></head><body><h1>An article with a persona</h1><p>The first paragraph, above the embed.</p>${embed}${TEXT}</body></html>`;

interface HostServer {
  origin: string;
  page: (path: string, html: string) => string;
  close: () => Promise<void>;
}

async function hostServer(): Promise<HostServer> {
  const pages = new Map<string, string>();
  const server = createServer((req, res) => {
    const html = pages.get(new URL(req.url ?? '/', 'http://host').pathname);
    res.writeHead(html ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    page: (path, html) => (pages.set(path, html), `${origin}${path}`),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface LighthouseFigures {
  page: string;
  runs: number;
  lcp: number;
  fcp: number;
  tbt: number;
  cls: number;
  bytes: number;
}

/** The pages Lighthouse loads: `base` is where the bundles and the API are (another origin than the page). */
function lighthousePages(host: HostServer, base: string, manifest: BuildManifest): [string, string][] {
  return [
    ['text page without the embed', host.page('/none', hostPage('', ''))],
    [
      // The floor of any player: its poster, an image from the API's origin, with no code at all.
      'the poster alone, no code (the floor)',
      host.page(
        '/poster-alone',
        hostPage(
          `<link rel="preconnect" href="${base}" crossorigin>`,
          `<img src="${base}/v1/embed/${PLAYER}/poster" alt="" fetchpriority="high" referrerpolicy="strict-origin" style="display:block;width:100%;aspect-ratio:16/9;object-fit:cover">`,
        ),
      ),
    ],
    [
      'player in view, plain snippet (unversioned module, no hints)',
      host.page(
        '/player-plain',
        hostPage(
          `<script type="module" src="${base}/share-link-embed.js"></script>`,
          `<share-link-embed token="${PLAYER}"></share-link-embed>`,
        ),
      ),
    ],
    [
      'player in view, recommended snippet (versioned, SRI, the poster in the page, the code behind it)',
      host.page('/player', hostPage('', embedSnippet({ base, manifest, token: PLAYER, kind: 'module' }))),
    ],
    [
      'orb, recommended snippet',
      host.page('/orb', hostPage('', embedSnippet({ base, manifest, token: ORB, kind: 'one-liner', variant: 'orb' }))),
    ],
  ];
}

export async function lighthouseFigures(api: RunningApi, runs: number): Promise<LighthouseFigures[]> {
  const executablePath = requireTool('chromium');
  const manifest = (await (await fetch(`${api.base}/integrity.json`)).json()) as BuildManifest;
  const host = await hostServer();
  const chrome = await chromeLauncher.launch({
    chromePath: executablePath,
    chromeFlags: [...CHROME_ARGS, '--disable-quic'],
  });
  try {
    const figures: LighthouseFigures[] = [];
    for (const [page, url] of lighthousePages(host, api.base, manifest)) {
      const samples: Omit<LighthouseFigures, 'page' | 'runs'>[] = [];
      for (let run = 0; run < runs; run++) {
        const result = await lighthouse(url, {
          port: chrome.port,
          output: 'json',
          logLevel: 'error',
          onlyCategories: ['performance'],
          ...(process.env['THROTTLING'] === 'devtools' && { throttlingMethod: 'devtools' as const }),
        });
        const audit = (id: string) => result?.lhr.audits[id]?.numericValue ?? Number.NaN;
        samples.push({
          lcp: audit('largest-contentful-paint'),
          fcp: audit('first-contentful-paint'),
          tbt: audit('total-blocking-time'),
          cls: audit('cumulative-layout-shift'),
          bytes: audit('total-byte-weight'),
        });
      }
      const pick = (read: (sample: (typeof samples)[number]) => number) => median(samples.map(read));
      figures.push({
        page,
        runs,
        lcp: pick((s) => s.lcp),
        fcp: pick((s) => s.fcp),
        tbt: pick((s) => s.tbt),
        cls: pick((s) => s.cls),
        bytes: pick((s) => s.bytes),
      });
      console.log(`  lighthouse: ${page}: LCP ${Math.round(figures.at(-1)!.lcp)} ms`);
    }
    return figures;
  } finally {
    chrome.kill();
    await host.close();
  }
}

export interface StartFigures {
  profile: string;
  runs: number;
  /** ms from the press of start to the persona's first caption, median and all samples. */
  cold: { median: number; samples: number[] };
  warm: { median: number; samples: number[] };
}

const START_PROFILES = [
  { label: '1× CPU', cpuRate: 1 },
  { label: '4× CPU', cpuRate: 4 },
  {
    label: '100 ms RTT, 1.6 Mbit/s',
    cpuRate: 1,
    network: { latency: 100, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 },
  },
] as const;

/**
 * Presses start (a click alone: no pointer moves over the button) and resolves with the ms until
 * the first `share-link-message` from the persona. `warm`: the pointer enters the button a second
 * before, as it does on its way to a press.
 */
const PRESS_START = `async (warm) => {
  const el = document.querySelector('share-link-embed');
  const button = el.shadowRoot.querySelector('[part~="start-button"]');
  if (warm) {
    button.dispatchEvent(new PointerEvent('pointerenter'));
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const caption = new Promise((resolve) => el.addEventListener('share-link-message', (event) => event.detail.role === 'persona' && resolve(performance.now())));
  const pressed = performance.now();
  button.click();
  return (await caption) - pressed;
}`;

export async function startFigures(api: RunningApi, runs: number): Promise<StartFigures[]> {
  const executablePath = requireTool('chromium');
  const host = await hostServer();
  const browser = await chromium.launch({
    executablePath,
    args: [...CHROME_ARGS.filter((arg) => !arg.startsWith('--headless')), '--use-fake-device-for-media-stream'],
  });
  const url = host.page(
    '/start',
    hostPage(
      `<script type="module" src="${api.base}/share-link-embed.js"></script>`,
      `<share-link-embed token="${PLAYER}"></share-link-embed>`,
    ),
  );
  try {
    const figures: StartFigures[] = [];
    for (const profile of START_PROFILES) {
      const samples = { cold: [] as number[], warm: [] as number[] };
      for (let run = 0; run < runs; run++) {
        for (const warm of run % 2 ? [true, false] : [false, true]) {
          const context = await browser.newContext({ permissions: ['microphone'] });
          const tab = await context.newPage();
          const cdp = await context.newCDPSession(tab);
          await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpuRate });
          if ('network' in profile) {
            await cdp.send('Network.enable');
            await cdp.send('Network.emulateNetworkConditions', { offline: false, ...profile.network });
          }
          await tab.goto(url);
          await tab.waitForFunction(
            () => document.querySelector('share-link-embed')?.getAttribute('state') === 'ready',
          );
          samples[warm ? 'warm' : 'cold'].push((await tab.evaluate(`(${PRESS_START})(${warm})`)) as number);
          await context.close();
        }
      }
      figures.push({
        profile: profile.label,
        runs,
        cold: { median: median(samples.cold), samples: samples.cold },
        warm: { median: median(samples.warm), samples: samples.warm },
      });
      console.log(
        `  start → first caption, ${profile.label}: ${Math.round(median(samples.cold))} ms cold, ${Math.round(median(samples.warm))} ms warmed`,
      );
    }
    return figures;
  } finally {
    await browser.close();
    await host.close();
  }
}

/** The two tables, as docs/performance.md and the README show them. */
export function deliveryReport(pages: LighthouseFigures[], starts: StartFigures[]): string[] {
  const base = pages[0]!;
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  return [
    '## The host page (Lighthouse 12.2.3, mobile profile)',
    '',
    `Median of ${base.runs} runs per page; simulated slow 4G and 4× CPU; the API and bundles on another origin (\`npm run api\`). Targets: LCP with the player ≤ 1.25× the page without it, with the orb ≤ 1.05×; TBT ≤ 50 ms; CLS 0.`,
    '',
    '| page | LCP | LCP ÷ without | FCP | TBT | CLS | bytes |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...pages.map(
      (p) =>
        `| ${p.page} | ${Math.round(p.lcp)} ms | ${(p.lcp / base.lcp).toFixed(2)}× | ${Math.round(p.fcp)} ms | ${Math.round(p.tbt)} ms | ${p.cls.toFixed(3)} | ${kb(p.bytes)} |`,
    ),
    '',
    '## Start → first caption (scripted engine)',
    '',
    `From the press of start to the persona's first caption, median of ${starts[0]?.runs ?? 0} runs each; warmed: the pointer entered the start button a second before. Target: at least 30 % shorter warmed on the throttled network.`,
    '',
    '| profile | without warm-up | with warm-up | shorter by |',
    '| --- | --- | --- | --- |',
    ...starts.map(
      (s) =>
        `| ${s.profile} | ${Math.round(s.cold.median)} ms | ${Math.round(s.warm.median)} ms | ${Math.round((1 - s.warm.median / s.cold.median) * 100)} % |`,
    ),
  ];
}

/** Puts the two tables into README.md, between its delivery markers (its "Performance" section). */
export function updateReadme(report: string[]): void {
  const path = join(ROOT, 'README.md');
  const readme = readFileSync(path, 'utf8');
  const [start, end] = ['<!-- delivery:start -->', '<!-- delivery:end -->'];
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md needs ${start} and ${end} markers`);
  const tables = report.filter((line) => line.startsWith('|')).join('\n');
  const rows = tables.split('\n');
  const second = rows.findIndex((row) => row.startsWith('| profile'));
  const [pages, starts] = [rows.slice(0, second).join('\n'), rows.slice(second).join('\n')];
  writeFileSync(path, `${readme.slice(0, from + start.length)}\n\n${pages}\n\n${starts}\n\n${readme.slice(to)}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Math.max(5, Number(process.env['BENCH_DELIVERY_RUNS'] ?? 5));
  const api = await startApi({ data: await copyOfDemoData(), limits: false });
  try {
    const pages = await lighthouseFigures(api, runs);
    const starts = await startFigures(api, runs);
    const report = deliveryReport(pages, starts);
    updateReadme(report);
    console.log(`\n${report.join('\n')}`);
  } finally {
    await api.stop();
  }
}
