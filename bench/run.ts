/**
 * `npm run bench`: builds, starts the reference API and a static host server on 127.0.0.1, drives
 * the system Chromium, and compares the widget with the floor (bench/floor.ts) in the same run.
 * Writes bench/results.md and bench/results.json.
 *
 * Timings are medians of RUNS runs, each in a fresh browser context, widget and floor alternating.
 * Ratios are taken run by run (widget ÷ the floor run beside it), then their median reported.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROME_ARGS, findChrome, INSTALL_HINT } from '../scripts/chrome.mjs';
import { API_KEY, LOAD_TEST_ARGS, ROOT, copyOfDemoData, startApi } from '../test/support/api-process.ts';
import { postgresReport, postgresThroughput } from './postgres.ts';

const RUNS = Math.max(15, Number(process.env['BENCH_RUNS'] ?? 15));
const PLAYER = 'sh_2kL9pQxYzR4vN8mBwHfJc';
const ORB = 'sh_Orb7mBwHfJc4kL9pQxYz';
const SECOND = 'sh_NoMark5HfJc4kL9pQx';

const executablePath = findChrome();
if (!executablePath) throw new Error(INSTALL_HINT);

console.log('building the widget and the floor…');
execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
execFileSync('npx', ['vite', 'build', '--config', 'bench/vite.floor.config.ts'], { cwd: ROOT, stdio: 'inherit' });

const api = await startApi({ data: await copyOfDemoData(), extra: LOAD_TEST_ARGS });
const files: Record<string, string> = {
  '/widget.js': join(ROOT, 'dist/share-link-embed.js'),
  '/widget.iife.js': join(ROOT, 'dist/share-link-embed.iife.js'),
  '/floor.js': join(ROOT, 'bench/.out/floor.js'),
};
const pages = new Map<string, string>();
const host = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://host').pathname;
  const file = files[path];
  if (file) {
    res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' });
    res.end(readFileSync(file));
  } else {
    const html = pages.get(path);
    res.writeHead(html ? 200 : 404, { 'Content-Type': 'text/html', 'Cache-Control': 'no-store' });
    res.end(html ?? '');
  }
});
await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;

/** Records long tasks, layout shifts and when every embed on the page is ready, from the first byte. */
const PROBE = `<script>
  window.__bench = { longTasks: [], shifts: 0, shiftsBeforeFirstPaint: 0, ready: 0, readyAt: 0 };
  new PerformanceObserver((list) => { for (const e of list.getEntries()) __bench.longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
  // Shifts count from the embed's first paint (once its element is defined and has rendered) to
  // ready. Before that the page shows an undefined inline element, which only page CSS can size.
  window.__painted = false;
  customElements.whenDefined(window.__tag).then(() => requestAnimationFrame(() => requestAnimationFrame(() => { __painted = true; })));
  new PerformanceObserver((list) => { for (const e of list.getEntries()) {
    if (e.hadRecentInput) continue;
    if (!__painted) __bench.shiftsBeforeFirstPaint += e.value;
    else if (!__bench.readyAt) __bench.shifts += e.value;
  } }).observe({ type: 'layout-shift', buffered: true });
  document.addEventListener('share-link-ready', () => { __bench.ready++; if (__bench.ready >= (window.__expected || 1)) __bench.readyAt = __bench.readyAt || performance.now(); });
</script>`;

function page(path: string, kind: 'widget' | 'floor', body: string, expected = 1): string {
  const script = kind === 'widget' ? '/widget.js' : '/floor.js';
  const tagName = kind === 'widget' ? 'share-link-embed' : 'floor-embed';
  pages.set(path, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${kind}</title><script>window.__expected=${expected}; window.__tag='${tagName}'</script>${PROBE}
    <script type="module" src="${script}"></script><style>body{margin:0;padding:24px;font:16px system-ui} main{width:640px}</style></head>
    <body><main><h1>A host page</h1><p>Some text above the embed.</p>${body}<p>Some text below it.</p></main></body></html>`);
  return `${origin}${path}`;
}

const tag = (kind: 'widget' | 'floor', token: string) =>
  kind === 'widget' ? `<share-link-embed token="${token}" api-base="${api.base}"></share-link-embed>` : `<floor-embed token="${token}" api-base="${api.base}"></floor-embed>`;

const browser: Browser = await chromium.launch({
  executablePath,
  args: [...CHROME_ARGS.filter((arg) => !arg.startsWith('--headless')), '--js-flags=--expose-gc', '--enable-precise-memory-info'],
});
const chromiumVersion = browser.version();

interface LoadSample {
  ready: number;
  /** When the API request started and ended, from navigation (resource timing). */
  fetchStart: number;
  fetchEnd: number;
  scriptMs: number;
  longTaskCount: number;
  longTaskMs: number;
  cls: number;
  clsBeforeDefined: number;
}

async function load(url: string, cpuRate: number): Promise<LoadSample> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const tab = await context.newPage();
  const cdp = await context.newCDPSession(tab);
  await cdp.send('Performance.enable');
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuRate });
  await tab.goto(url);
  await tab.waitForFunction(() => (window as unknown as { __bench: { readyAt: number } }).__bench.readyAt > 0, undefined, { timeout: 30_000 });
  const metrics = (await cdp.send('Performance.getMetrics')).metrics;
  const request = await tab.evaluate(() => {
    const entry = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((each) => each.name.includes('/v1/embed/'));
    return { start: entry?.startTime ?? 0, end: entry?.responseEnd ?? 0 };
  });
  const bench = await tab.evaluate(() => (window as unknown as { __bench: { readyAt: number; longTasks: number[]; shifts: number; shiftsBeforeFirstPaint: number } }).__bench);
  await context.close();
  const scriptSeconds = metrics.find((metric) => metric.name === 'ScriptDuration')?.value ?? 0;
  return {
    ready: bench.readyAt,
    fetchStart: request.start,
    fetchEnd: request.end,
    scriptMs: scriptSeconds * 1000,
    longTaskCount: bench.longTasks.length,
    longTaskMs: bench.longTasks.reduce((sum, duration) => sum + duration, 0),
    cls: bench.shifts,
    clsBeforeDefined: bench.shiftsBeforeFirstPaint,
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const summary = (values: number[]) => ({ median: median(values), min: Math.min(...values), max: Math.max(...values) });
type Summary = ReturnType<typeof summary>;

async function compareLoads(cpuRate: number) {
  const widgetUrl = page(`/player-widget`, 'widget', tag('widget', PLAYER));
  const floorUrl = page(`/player-floor`, 'floor', tag('floor', PLAYER));
  await load(widgetUrl, cpuRate); // warm the server and the disk cache of the binaries
  await load(floorUrl, cpuRate);
  const widget: LoadSample[] = [];
  const floor: LoadSample[] = [];
  for (let run = 0; run < RUNS; run++) {
    // Alternate which goes first, so drift in the machine's load falls on both.
    if (run % 2) {
      floor.push(await load(floorUrl, cpuRate));
      widget.push(await load(widgetUrl, cpuRate));
    } else {
      widget.push(await load(widgetUrl, cpuRate));
      floor.push(await load(floorUrl, cpuRate));
    }
  }
  const pick = (samples: LoadSample[], key: keyof LoadSample) => summary(samples.map((sample) => sample[key]));
  const ratios = widget.map((sample, index) => sample.ready / floor[index]!.ready);
  return {
    cpuRate,
    ready: { widget: pick(widget, 'ready'), floor: pick(floor, 'ready'), ratio: summary(ratios) },
    fetchStart: { widget: pick(widget, 'fetchStart'), floor: pick(floor, 'fetchStart') },
    fetchEnd: { widget: pick(widget, 'fetchEnd'), floor: pick(floor, 'fetchEnd') },
    scriptMs: { widget: pick(widget, 'scriptMs'), floor: pick(floor, 'scriptMs') },
    longTaskMs: { widget: pick(widget, 'longTaskMs'), floor: pick(floor, 'longTaskMs') },
    longTaskCount: { widget: pick(widget, 'longTaskCount'), floor: pick(floor, 'longTaskCount') },
    cls: { widget: pick(widget, 'cls'), floor: pick(floor, 'cls') },
    clsBeforeDefined: { widget: pick(widget, 'clsBeforeDefined'), floor: pick(floor, 'clsBeforeDefined') },
  };
}

async function manyElements(kind: 'widget' | 'floor') {
  const body = Array.from({ length: 100 }, (_, index) => tag(kind, index % 2 ? PLAYER : SECOND)).join('');
  const url = page(`/many-${kind}`, kind, `<div style="display:grid;grid-template-columns:repeat(10,1fr);gap:4px">${body}</div>`, 100);
  const samples: { requests: number; ready: number }[] = [];
  for (let run = 0; run < 5; run++) {
    const context = await browser.newContext();
    const tab = await context.newPage();
    let requests = 0;
    tab.on('request', (request) => request.url().includes('/v1/embed/') && requests++);
    await tab.goto(url);
    await tab.waitForFunction(() => (window as unknown as { __bench: { readyAt: number } }).__bench.readyAt > 0, undefined, { timeout: 30_000 });
    samples.push({ requests, ready: await tab.evaluate(() => (window as unknown as { __bench: { readyAt: number } }).__bench.readyAt) });
    await context.close();
  }
  return { requests: Math.max(...samples.map((sample) => sample.requests)), ready: summary(samples.map((sample) => sample.ready)) };
}

async function orbBytesBeforeOpen() {
  const url = page('/orb', 'widget', tag('widget', ORB));
  const context = await browser.newContext();
  const tab = await context.newPage();
  const media: { url: string; bytes: number }[] = [];
  tab.on('response', async (response) => {
    if (response.url().includes('/media/')) media.push({ url: response.url(), bytes: (await response.body().catch(() => Buffer.alloc(0))).length });
  });
  await tab.goto(url);
  await tab.waitForFunction(() => document.querySelector('share-link-embed')?.getAttribute('state') === 'ready');
  await tab.waitForTimeout(1500);
  const before = media.reduce((sum, each) => sum + each.bytes, 0);
  await tab.locator('share-link-embed [part~="orb"]').click();
  await tab.waitForTimeout(1500);
  const after = media.reduce((sum, each) => sum + each.bytes, 0);
  await context.close();
  return { bytesBeforeOpen: before, bytesAfterOpen: after };
}

/** Counts live timers and document/window listeners, to see what cycles leave behind. */
const COUNT_LIVE_TIMERS_AND_LISTENERS = `
  const live = { timers: new Set(), listeners: 0 };
  window.__live = live;
  const set = window.setTimeout, clear = window.clearTimeout;
  window.setTimeout = (callback, delay, ...args) => {
    const id = set(() => { live.timers.delete(id); callback(...args); }, delay);
    live.timers.add(id);
    return id;
  };
  window.clearTimeout = (id) => { live.timers.delete(id); clear(id); };
  for (const target of [document, window]) {
    const add = target.addEventListener.bind(target), remove = target.removeEventListener.bind(target);
    target.addEventListener = (...args) => { live.listeners++; return add(...args); };
    target.removeEventListener = (...args) => { live.listeners--; return remove(...args); };
  }`;

/** Mounts an element, waits for it to settle, removes it; 300 times to warm up, then 1,000 measured. */
const CYCLE_1000_TIMES = `async ({ token, apiBase }) => {
  const heap = () => performance.memory.usedJSHeapSize;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 100));
  const cycle = async () => {
    const embed = document.createElement('share-link-embed');
    embed.setAttribute('token', token);
    embed.setAttribute('api-base', apiBase);
    const ready = new Promise((resolve) => {
      embed.addEventListener('share-link-ready', resolve, { once: true });
      embed.addEventListener('share-link-error', resolve, { once: true });
    });
    document.body.append(embed);
    await ready;
    embed.remove();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  // Warm-up: 300 cycles load the code and fill the page's resource-timing buffer (250 entries by
  // default), which belongs to the page and would otherwise read as growth.
  for (let i = 0; i < 300; i++) await cycle();
  gc(); await settle(); gc();
  const before = { heap: heap(), timers: __live.timers.size, listeners: __live.listeners };
  for (let i = 0; i < 1000; i++) await cycle();
  gc(); await settle(); gc();
  const after = { heap: heap(), timers: __live.timers.size, listeners: __live.listeners };
  // A leak grows again over a second thousand; warm-up effects (compiled code, caches) do not.
  for (let i = 0; i < 1000; i++) await cycle();
  gc(); await settle(); gc();
  return { before, after, afterSecondThousand: { heap: heap(), timers: __live.timers.size, listeners: __live.listeners } };
}`;

async function memoryCycles() {
  const url = page('/memory', 'widget', '');
  const context = await browser.newContext();
  const tab: Page = await context.newPage();
  // Plain JavaScript strings: the bundler's helpers (e.g. esbuild's __name) do not exist in the page.
  await tab.addInitScript({ content: COUNT_LIVE_TIMERS_AND_LISTENERS });
  await tab.goto(url);
  const result = (await tab.evaluate(`(${CYCLE_1000_TIMES})(${JSON.stringify({ token: PLAYER, apiBase: api.base })})`)) as {
    before: { heap: number; timers: number; listeners: number };
    after: { heap: number; timers: number; listeners: number };
    afterSecondThousand: { heap: number; timers: number; listeners: number };
  };
  await context.close();
  return result;
}

async function apiThroughput() {
  const lookup = { url: `${api.base}/v1/embed/${PLAYER}`, connections: 50, headers: { origin: 'https://page.example' } };
  // Two seconds of warm-up first: the server's first requests compile its code, which is not its speed.
  await autocannon({ ...lookup, duration: 2 });
  const result = await autocannon({ ...lookup, duration: 5 });
  const create = await fetch(`${api.base}/v1/share-links`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ personaId: '3f6c2a91-8d4e-4b7a-a1c5-2e9f0b8d7c61', allowAllOrigins: true, usageLimit: 50 }),
  });
  const link = (await create.json()) as { token: string };
  const statuses = await Promise.all(
    Array.from({ length: 500 }, () =>
      fetch(`${api.base}/v1/embed/${link.token}/sessions`, { method: 'POST', headers: { Origin: 'https://page.example' } }).then(async (response) => {
        await response.arrayBuffer();
        return response.status;
      }),
    ),
  );
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    granted: statuses.filter((status) => status === 201).length,
  };
}

function weight(path: string) {
  const bytes = readFileSync(path);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, brotli: brotliCompressSync(bytes).length };
}

try {
  const weights = {
    'share-link-embed.js': weight(files['/widget.js']!),
    'share-link-embed.iife.js': weight(files['/widget.iife.js']!),
    'floor (Lit + fetch)': weight(files['/floor.js']!),
  };
  console.log(`timing ${RUNS} runs at 1× and 4× CPU…`);
  const loads = [await compareLoads(1), await compareLoads(4)];
  console.log('100 elements, orb, memory, API…');
  const many = { widget: await manyElements('widget'), floor: await manyElements('floor') };
  const orb = await orbBytesBeforeOpen();
  const memory = await memoryCycles();
  const apiResult = await apiThroughput();
  console.log('the API on PostgreSQL, one process and four…');
  const postgres = await postgresThroughput();

  const results = {
    date: new Date().toISOString(),
    chromium: chromiumVersion,
    cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
    node: process.version,
    runs: RUNS,
    weights,
    loads,
    many,
    orb,
    memory,
    api: apiResult,
    postgres,
  };
  writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const markdown = report(results);
  writeFileSync(join(ROOT, 'bench/results.md'), markdown);
  updateReadme(markdown);
  console.log(`\n${markdown}`);
} finally {
  await browser.close();
  host.close();
  await api.stop();
}

/** Puts the latest tables into the README's performance section, between its bench markers. */
function updateReadme(markdown: string) {
  const readmePath = join(ROOT, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const [start, end] = ['<!-- bench:start -->', '<!-- bench:end -->'];
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) return;
  const body = markdown.replace(/^# Benchmark\n\n/, '').replaceAll(/^## /gm, '#### ');
  writeFileSync(readmePath, `${readme.slice(0, from + start.length)}\n${body}\n${readme.slice(to)}`);
}

function report(r: {
  date: string;
  chromium: string;
  cpu: string;
  node: string;
  runs: number;
  weights: Record<string, { raw: number; gzip: number; brotli: number }>;
  loads: Awaited<ReturnType<typeof compareLoads>>[];
  many: { widget: Awaited<ReturnType<typeof manyElements>>; floor: Awaited<ReturnType<typeof manyElements>> };
  orb: Awaited<ReturnType<typeof orbBytesBeforeOpen>>;
  memory: Awaited<ReturnType<typeof memoryCycles>>;
  api: Awaited<ReturnType<typeof apiThroughput>>;
  postgres: Awaited<ReturnType<typeof postgresThroughput>>;
}): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const ms = (s: Summary, digits = 0) => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
  const lines = [
    '# Benchmark',
    '',
    `${r.date} · Chromium ${r.chromium} · ${r.cpu} · Node ${r.node} · ${r.runs} runs per figure, each in a fresh context, widget and floor alternating.`,
    'Times are milliseconds from navigation: median (min–max). The floor is a minimal Lit element making the same fetch and rendering the name.',
    '',
    '## Weight',
    '',
    '| file | raw | gzip | brotli |',
    '| --- | --- | --- | --- |',
    ...Object.entries(r.weights).map(([name, w]) => `| ${name} | ${kb(w.raw)} | ${kb(w.gzip)} | ${kb(w.brotli)} |`),
    '',
    '## Loading a player',
    '',
    '| CPU | figure | widget | floor | widget ÷ floor |',
    '| --- | --- | --- | --- | --- |',
    ...r.loads.flatMap((l) => [
      `| ${l.cpuRate}× | time to ready | ${ms(l.ready.widget)} | ${ms(l.ready.floor)} | ${l.ready.ratio.median.toFixed(2)} (${l.ready.ratio.min.toFixed(2)}–${l.ready.ratio.max.toFixed(2)}) |`,
      `| ${l.cpuRate}× | API request starts | ${ms(l.fetchStart.widget)} | ${ms(l.fetchStart.floor)} | |`,
      `| ${l.cpuRate}× | API answer received | ${ms(l.fetchEnd.widget)} | ${ms(l.fetchEnd.floor)} | |`,
      `| ${l.cpuRate}× | main-thread script | ${ms(l.scriptMs.widget, 1)} | ${ms(l.scriptMs.floor, 1)} | |`,
      `| ${l.cpuRate}× | long tasks (> 50 ms), total ms | ${ms(l.longTaskMs.widget)} | ${ms(l.longTaskMs.floor)} | |`,
      `| ${l.cpuRate}× | long tasks, count | ${ms(l.longTaskCount.widget)} | ${ms(l.longTaskCount.floor)} | |`,
      `| ${l.cpuRate}× | layout shift, first paint of the embed → ready (CLS) | ${ms(l.cls.widget, 3)} | ${ms(l.cls.floor, 3)} | |`,
      `| ${l.cpuRate}× | layout shift before the element is defined (page CSS can prevent it) | ${ms(l.clsBeforeDefined.widget, 3)} | ${ms(l.clsBeforeDefined.floor, 3)} | |`,
    ]),
    '',
    '## Many elements, the orb, memory',
    '',
    '| figure | widget | floor |',
    '| --- | --- | --- |',
    `| 100 elements, 2 tokens: requests | ${r.many.widget.requests} | ${r.many.floor.requests} |`,
    `| 100 elements: all ready (ms) | ${ms(r.many.widget.ready)} | ${ms(r.many.floor.ready)} |`,
    `| closed orb: poster and video bytes before the panel opens | ${r.orb.bytesBeforeOpen} | |`,
    `| orb: media bytes once opened | ${r.orb.bytesAfterOpen} | |`,
    `| 1,000 connect/disconnect cycles: heap before → after | ${kb(r.memory.before.heap)} → ${kb(r.memory.after.heap)} (${(((r.memory.after.heap - r.memory.before.heap) / r.memory.before.heap) * 100).toFixed(1)} %) | |`,
    `| … heap after a second 1,000 cycles (a leak keeps growing) | ${kb(r.memory.afterSecondThousand.heap)} (${(((r.memory.afterSecondThousand.heap - r.memory.after.heap) / r.memory.after.heap) * 100).toFixed(1)} % over the first 1,000) | |`,
    `| … live timers before → after | ${r.memory.before.timers} → ${r.memory.afterSecondThousand.timers} | |`,
    `| … document and window listeners before → after | ${r.memory.before.listeners} → ${r.memory.afterSecondThousand.listeners} | |`,
    '',
    '## Reference API, embedded store (autocannon, 50 connections, 5 s after 2 s of warm-up)',
    '',
    '| figure | value |',
    '| --- | --- |',
    `| GET /v1/embed/{token}: requests per second | ${Math.round(r.api.requestsPerSecond)} |`,
    `| … p99 latency | ${r.api.p99Ms} ms |`,
    `| … non-2xx answers, errors | ${r.api.non2xx}, ${r.api.errors} |`,
    `| 500 concurrent session starts on a link with 50 uses: granted | ${r.api.granted} |`,
    '',
    ...postgresReport(r.postgres),
  ];
  return lines.join('\n');
}
