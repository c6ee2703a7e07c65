/**
 * `npm run bench`: builds, starts the reference API and a static host server on 127.0.0.1, drives
 * the system Chromium, and compares the widget with the floor (bench/floor.ts) in the same run.
 * Writes bench/results.md, bench/results.json and the tables of docs/performance.md ("The latest run").
 *
 * Timings: BENCH_RUNS runs (default 40) per variant and profile, each in a fresh browser context,
 * the variants alternating. Ratios are taken run by run (widget ÷ the floor run beside it) and
 * reported as their median with IQR and range, beside the ratio of the medians with a bootstrap
 * interval. BENCH_COMPARE=<dir> times another build's share-link-embed.js (e.g. an older commit's
 * dist/) as a third variant in the same run, for before/after figures on this noisy machine.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROME_ARGS, requireTool } from '../scripts/browsers.mjs';
import { API_KEY, LOAD_TEST_ARGS, ROOT, copyOfDemoData, startApi } from '../scripts/api-process.ts';
import { operatorsOverhead, overheadReport } from './operators.ts';
import { postgresReport, postgresThroughput } from './postgres.ts';
import { deliveryReport, lighthouseFigures, startFigures, updateReadme } from './delivery.ts';

const RUNS = Math.max(5, Number(process.env['BENCH_RUNS'] ?? 40));
/** Lighthouse runs per page and start → first caption runs per profile and variant (at least 5: their medians are reported). */
const DELIVERY_RUNS = Math.max(5, Number(process.env['BENCH_DELIVERY_RUNS'] ?? 5));
const COMPARE_DIR = process.env['BENCH_COMPARE'] ? resolvePath(process.env['BENCH_COMPARE']) : null;
const PLAYER = 'sh_2kL9pQxYzR4vN8mBwHfJc';
const ORB = 'sh_Orb7mBwHfJc4kL9pQxYz';
const SECOND = 'sh_NoMark5HfJc4kL9pQx';

/** The conditions each load is timed under. */
const PROFILES = [
  { key: '1x', label: '1× CPU', cpuRate: 1, target: 1.25 },
  { key: '4x', label: '4× CPU', cpuRate: 4, target: 1.25 },
  // Network.emulateNetworkConditions' latency is added to every request's round trip.
  {
    key: 'network',
    label: '100 ms RTT, 1.6 Mbit/s',
    cpuRate: 1,
    target: 1.15,
    network: { latency: 100, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 },
  },
] as const;
type Profile = (typeof PROFILES)[number];

const executablePath = requireTool('chromium');
if (COMPARE_DIR && !existsSync(join(COMPARE_DIR, 'share-link-embed.js')))
  throw new Error(`BENCH_COMPARE: no share-link-embed.js in ${COMPARE_DIR}`);

console.log('building the widget and the floor…');
execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
execFileSync('npx', ['vite', 'build', '--config', 'bench/vite.floor.config.ts'], { cwd: ROOT, stdio: 'inherit' });

// Abuse limits off (--no-limits): the load test sends thousands of requests from one address.
const api = await startApi({ data: await copyOfDemoData(), limits: false, extra: LOAD_TEST_ARGS });
const DIST = join(ROOT, 'dist');
const ENTRIES = ['share-link-embed.js', 'share-link-embed.iife.js'];
/** Every file of the build is served from /dist/ (lazy chunks sit beside the entries), another build's from /compare/. */
const files: Record<string, string> = {
  '/widget.js': join(DIST, 'share-link-embed.js'),
  '/widget.iife.js': join(DIST, 'share-link-embed.iife.js'),
  '/floor.js': join(ROOT, 'bench/.out/floor.js'),
};
const fileFor = (path: string): string | undefined => {
  if (files[path]) return files[path];
  const match = /^\/(dist|compare)\/([\w.-]+\.js)$/.exec(path);
  if (!match) return undefined;
  const dir = match[1] === 'dist' ? DIST : COMPARE_DIR;
  const file = dir && join(dir, match[2]!);
  return file && existsSync(file) ? file : undefined;
};
const pages = new Map<string, string>();
/** Scripts go out gzipped, as any CDN serves them: the throttled profile then counts the bytes visitors download. */
const gzipped = new Map<string, Buffer>();
const host = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://host').pathname;
  const file = fileFor(path);
  if (file) {
    const headers = { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store', Vary: 'Accept-Encoding' };
    if (!/\bgzip\b/.test(String(req.headers['accept-encoding']))) {
      res.writeHead(200, headers).end(readFileSync(file));
      return;
    }
    if (!gzipped.has(file)) gzipped.set(file, gzipSync(readFileSync(file), { level: 9 }));
    res.writeHead(200, { ...headers, 'Content-Encoding': 'gzip' }).end(gzipped.get(file));
  } else {
    const html = pages.get(path);
    res.writeHead(html ? 200 : 404, { 'Content-Type': 'text/html', 'Cache-Control': 'no-store' });
    res.end(html ?? '');
  }
});
await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;

/**
 * Records long tasks, layout shifts and when every embed on the page is ready, from the first byte.
 * Ready is also logged to the console: the harness waits on that message rather than evaluating in
 * the page, because Playwright's first evaluation compiles its injected script on the page's main
 * thread, which used to land between the API's answer and ready and slowed both variants.
 */
const PROBE = `<script>
  window.__bench = { longTasks: [], shifts: 0, shiftsBeforeFirstPaint: 0, ready: 0, readyAt: 0 };
  new PerformanceObserver((list) => { for (const e of list.getEntries()) __bench.longTasks.push({ start: e.startTime, duration: e.duration }); }).observe({ type: 'longtask', buffered: true });
  // Shifts count from the embed's first paint (once its element is defined and has rendered) to
  // ready. Before that the page shows an undefined inline element, which only page CSS can size.
  window.__painted = false;
  customElements.whenDefined(window.__tag).then(() => requestAnimationFrame(() => requestAnimationFrame(() => { __painted = true; })));
  new PerformanceObserver((list) => { for (const e of list.getEntries()) {
    if (e.hadRecentInput) continue;
    if (!__painted) __bench.shiftsBeforeFirstPaint += e.value;
    else if (!__bench.readyAt) __bench.shifts += e.value;
  } }).observe({ type: 'layout-shift', buffered: true });
  document.addEventListener('share-link-ready', () => {
    __bench.ready++;
    if (__bench.ready >= (window.__expected || 1) && !__bench.readyAt) { __bench.readyAt = performance.now(); console.log('bench:ready'); }
  });
</script>`;

type Variant = 'widget' | 'floor' | 'compare' | 'classic';
const SCRIPTS: Record<Variant, string> = {
  widget: '<script type="module" src="/dist/share-link-embed.js"></script>',
  compare: '<script type="module" src="/compare/share-link-embed.js"></script>',
  floor: '<script type="module" src="/floor.js"></script>',
  // The classic one-liner appends its own element.
  classic: '',
};

function page(path: string, kind: Variant, body: string, expected = 1): string {
  const tagName = kind === 'floor' ? 'floor-embed' : 'share-link-embed';
  const classic =
    kind === 'classic'
      ? `<script src="/dist/share-link-embed.iife.js" data-token="${PLAYER}" data-api-base="${api.base}" async></script>`
      : '';
  pages.set(
    path,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${kind}</title><script>window.__expected=${expected}; window.__tag='${tagName}'</script>${PROBE}
    ${SCRIPTS[kind]}<style>body{margin:0;padding:24px;font:16px system-ui} main{width:640px}</style></head>
    <body><main><h1>A host page</h1><p>Some text above the embed.</p>${body}<p>Some text below it.</p></main>${classic}</body></html>`,
  );
  return `${origin}${path}`;
}

const tag = (kind: Variant, token: string) =>
  kind === 'classic'
    ? ''
    : kind === 'floor'
      ? `<floor-embed token="${token}" api-base="${api.base}"></floor-embed>`
      : `<share-link-embed token="${token}" api-base="${api.base}"></share-link-embed>`;

const browser: Browser = await chromium.launch({
  executablePath,
  args: [
    ...CHROME_ARGS.filter((arg) => !arg.startsWith('--headless')),
    '--js-flags=--expose-gc',
    '--enable-precise-memory-info',
  ],
});
const chromiumVersion = browser.version();

interface LoadSample {
  ready: number;
  /** When the API request started and ended, from navigation (resource timing). */
  fetchStart: number;
  fetchEnd: number;
  scriptMs: number;
  /** Long tasks that started before ready. */
  longTaskCount: number;
  longTaskMs: number;
  cls: number;
  clsBeforeDefined: number;
  /** Every file the page requested before ready, and whether it had finished loading by then. */
  resources: { path: string; finished: boolean }[];
}

// Strings, not functions: tsx would add helpers (__name) that the page does not have.
const READ_PAGE = `(() => {
  const b = window.__bench;
  const entries = performance.getEntriesByType('resource');
  const request = entries.find((each) => each.name.includes('/v1/embed/'));
  const before = b.longTasks.filter((task) => task.start < b.readyAt);
  return {
    ready: b.readyAt, fetchStart: request ? request.startTime : 0, fetchEnd: request ? request.responseEnd : 0,
    longTaskCount: before.length, longTaskMs: before.reduce((sum, task) => sum + task.duration, 0),
    cls: b.shifts, clsBeforeDefined: b.shiftsBeforeFirstPaint,
    resources: entries.filter((each) => each.startTime <= b.readyAt && !each.name.includes('/v1/')).map((each) => ({ path: new URL(each.name).pathname, finished: each.responseEnd > 0 && each.responseEnd <= b.readyAt })),
  };
})()`;

async function load(url: string, profile: Profile): Promise<LoadSample> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const tab = await context.newPage();
  const cdp = await context.newCDPSession(tab);
  await cdp.send('Performance.enable');
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpuRate });
  if ('network' in profile) {
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, ...profile.network });
  }
  const ready = tab.waitForEvent('console', {
    predicate: (message) => message.text() === 'bench:ready',
    timeout: 60_000,
  });
  await tab.goto(url, { waitUntil: 'commit' });
  await ready;
  const metrics = (await cdp.send('Performance.getMetrics')).metrics;
  const sample = (await tab.evaluate(READ_PAGE)) as Omit<LoadSample, 'scriptMs'>;
  await context.close();
  const scriptSeconds = metrics.find((metric) => metric.name === 'ScriptDuration')?.value ?? 0;
  return { ...sample, scriptMs: scriptSeconds * 1000 };
}

const quantile = (sorted: number[], q: number) => {
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  return sorted[low]! + (sorted[Math.min(low + 1, sorted.length - 1)]! - sorted[low]!) * (at - low);
};
const median = (values: number[]) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    min: sorted[0]!,
    max: sorted.at(-1)!,
  };
};
type Summary = ReturnType<typeof summary>;

/** The ratio of the medians, with a 95 % bootstrap interval (seeded: the same samples give the same interval). */
function ratioOfMedians(widget: number[], floor: number[]) {
  let seed = 0x9e3779b9;
  const random = () => (seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
  const resample = (values: number[]) => values.map(() => values[Math.floor(random() * values.length)]!);
  const ratios = Array.from({ length: 2000 }, () => median(resample(widget)) / median(resample(floor))).sort(
    (a, b) => a - b,
  );
  return { value: median(widget) / median(floor), low: quantile(ratios, 0.025), high: quantile(ratios, 0.975) };
}

async function compareLoads(profile: Profile) {
  const variants: Variant[] = COMPARE_DIR ? ['widget', 'floor', 'compare'] : ['widget', 'floor'];
  const urls = Object.fromEntries(
    variants.map((kind) => [kind, page(`/player-${kind}`, kind, tag(kind, PLAYER))]),
  ) as Record<Variant, string>;
  for (const kind of variants) await load(urls[kind], profile); // warm the server and the disk cache of the binaries
  const samples = Object.fromEntries(variants.map((kind) => [kind, [] as LoadSample[]])) as Record<
    Variant,
    LoadSample[]
  >;
  for (let run = 0; run < RUNS; run++) {
    // Rotate which goes first, so drift in the machine's load falls on every variant alike.
    for (let i = 0; i < variants.length; i++) {
      const kind = variants[(run + i) % variants.length]!;
      samples[kind].push(await load(urls[kind], profile));
    }
    if ((run + 1) % 10 === 0) console.log(`  ${profile.label}: ${run + 1} of ${RUNS} runs`);
  }
  const figures = (list: LoadSample[]) => {
    const pick = (read: (sample: LoadSample) => number) => summary(list.map(read));
    return {
      ready: pick((s) => s.ready),
      fetchStart: pick((s) => s.fetchStart),
      fetchEnd: pick((s) => s.fetchEnd),
      afterAnswer: pick((s) => s.ready - s.fetchEnd),
      scriptMs: pick((s) => s.scriptMs),
      longTaskMs: pick((s) => s.longTaskMs),
      longTaskCount: pick((s) => s.longTaskCount),
      cls: pick((s) => s.cls),
      clsBeforeDefined: pick((s) => s.clsBeforeDefined),
    };
  };
  const floor = samples.floor;
  const versusFloor = (list: LoadSample[]) => ({
    runByRun: summary(list.map((sample, index) => sample.ready / floor[index]!.ready)),
    ofMedians: ratioOfMedians(
      list.map((s) => s.ready),
      floor.map((s) => s.ready),
    ),
  });
  return {
    profile: profile.key,
    label: profile.label,
    cpuRate: profile.cpuRate,
    target: profile.target,
    widget: figures(samples.widget),
    floor: figures(floor),
    compare: COMPARE_DIR ? figures(samples.compare) : null,
    ratio: versusFloor(samples.widget),
    compareRatio: COMPARE_DIR ? versusFloor(samples.compare) : null,
    /** Files of the build requested before ready, in any run: what the critical path really is. */
    requestedBeforeReady: [
      ...new Set(samples.widget.flatMap((sample) => sample.resources.map((resource) => resource.path))),
    ].sort(),
  };
}

/**
 * The bytes that load before share-link-ready for an English player, file by file as the browser
 * requested them (gzip -9 of each file as served), for the ES module and the classic script; and
 * every other file of the build (lazy chunks) with its size.
 */
async function criticalPath() {
  const weigh = (path: string) => {
    const file = fileFor(path);
    const bytes = file ? readFileSync(file) : Buffer.alloc(0);
    return { path, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  };
  const measure = async (kind: 'widget' | 'classic') => {
    const sample = await load(page(`/critical-${kind}`, kind, tag(kind, PLAYER)), PROFILES[0]);
    const loaded = sample.resources.filter((resource) => resource.path.startsWith('/dist/'));
    const files = loaded.filter((resource) => resource.finished).map((resource) => weigh(resource.path));
    return {
      files,
      gzip: files.reduce((sum, file) => sum + file.gzip, 0),
      raw: files.reduce((sum, file) => sum + file.raw, 0),
      /** Requested before ready but not needed for it (still loading when ready fired). */
      alsoRequested: loaded.filter((resource) => !resource.finished).map((resource) => resource.path),
    };
  };
  const es = await measure('widget');
  const classic = await measure('classic');
  const before = new Set(
    [...es.files, ...classic.files].map((file) => file.path).concat(es.alsoRequested, classic.alsoRequested),
  );
  const chunks = readdirSync(DIST)
    .filter((name) => name.endsWith('.js') && !ENTRIES.includes(name))
    .map((name) => ({ ...weigh(`/dist/${name}`), requestedBeforeReady: before.has(`/dist/${name}`) }))
    .sort((a, b) => b.gzip - a.gzip);
  return { target: 12 * 1024, es, classic, chunks };
}

async function manyElements(kind: 'widget' | 'floor') {
  const body = Array.from({ length: 100 }, (_, index) => tag(kind, index % 2 ? PLAYER : SECOND)).join('');
  const url = page(
    `/many-${kind}`,
    kind,
    `<div style="display:grid;grid-template-columns:repeat(10,1fr);gap:4px">${body}</div>`,
    100,
  );
  const samples: { requests: number; ready: number }[] = [];
  for (let run = 0; run < 5; run++) {
    const context = await browser.newContext();
    const tab = await context.newPage();
    let requests = 0;
    tab.on('request', (request) => request.url().includes('/v1/embed/') && requests++);
    await tab.goto(url);
    await tab.waitForFunction(
      () => (window as unknown as { __bench: { readyAt: number } }).__bench.readyAt > 0,
      undefined,
      { timeout: 30_000 },
    );
    samples.push({
      requests,
      ready: await tab.evaluate(() => (window as unknown as { __bench: { readyAt: number } }).__bench.readyAt),
    });
    await context.close();
  }
  return {
    requests: Math.max(...samples.map((sample) => sample.requests)),
    ready: summary(samples.map((sample) => sample.ready)),
  };
}

async function orbBytesBeforeOpen() {
  const url = page('/orb', 'widget', tag('widget', ORB));
  const context = await browser.newContext();
  const tab = await context.newPage();
  const media: { url: string; bytes: number }[] = [];
  tab.on('response', async (response) => {
    if (response.url().includes('/media/'))
      media.push({ url: response.url(), bytes: (await response.body().catch(() => Buffer.alloc(0))).length });
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
  const result = (await tab.evaluate(
    `(${CYCLE_1000_TIMES})(${JSON.stringify({ token: PLAYER, apiBase: api.base })})`,
  )) as {
    before: { heap: number; timers: number; listeners: number };
    after: { heap: number; timers: number; listeners: number };
    afterSecondThousand: { heap: number; timers: number; listeners: number };
  };
  await context.close();
  return result;
}

async function apiThroughput() {
  const lookup = {
    url: `${api.base}/v1/embed/${PLAYER}`,
    connections: 50,
    headers: { origin: 'https://page.example' },
  };
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
      fetch(`${api.base}/v1/embed/${link.token}/sessions`, {
        method: 'POST',
        headers: { Origin: 'https://page.example' },
      }).then(async (response) => {
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
  console.log('critical path…');
  const critical = await criticalPath();
  console.log(`timing ${RUNS} runs per variant under ${PROFILES.map((profile) => profile.label).join(', ')}…`);
  const loads = [];
  for (const profile of PROFILES) loads.push(await compareLoads(profile));
  console.log('100 elements, orb, memory, API…');
  const many = { widget: await manyElements('widget'), floor: await manyElements('floor') };
  const orb = await orbBytesBeforeOpen();
  const memory = await memoryCycles();
  const apiResult = await apiThroughput();
  console.log('the API on PostgreSQL, one process and four…');
  const postgres = await postgresThroughput();
  console.log("the operator's side: analytics and request logs on and off, on both stores…");
  const operators = await operatorsOverhead();
  console.log(`the host page: Lighthouse (${DELIVERY_RUNS} runs per page), start → first caption…`);
  const delivery = {
    pages: await lighthouseFigures(api, DELIVERY_RUNS),
    starts: await startFigures(api, DELIVERY_RUNS),
  };

  const results = {
    date: new Date().toISOString(),
    chromium: chromiumVersion,
    cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
    node: process.version,
    runs: RUNS,
    weights,
    critical,
    loads,
    many,
    orb,
    memory,
    api: apiResult,
    postgres,
    operators,
    delivery,
  };
  writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const markdown = report(results);
  writeFileSync(join(ROOT, 'bench/results.md'), markdown);
  updatePerformanceDoc(markdown);
  updateReadme(deliveryReport(delivery.pages, delivery.starts));
  console.log(`\n${markdown}`);
} finally {
  await browser.close();
  host.close();
  await api.stop();
}

/** Puts the latest tables into docs/performance.md ("The latest run"), between its bench markers. */
function updatePerformanceDoc(markdown: string) {
  const docPath = join(ROOT, 'docs/performance.md');
  const doc = readFileSync(docPath, 'utf8');
  const [start, end] = ['<!-- bench:start -->', '<!-- bench:end -->'];
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`docs/performance.md needs ${start} and ${end} markers`);
  const body = markdown.replace(/^# Benchmark\n\n/, '').replaceAll(/^## /gm, '### ');
  writeFileSync(docPath, `${doc.slice(0, from + start.length)}\n${body}\n${doc.slice(to)}`);
}

function report(r: {
  date: string;
  chromium: string;
  cpu: string;
  node: string;
  runs: number;
  weights: Record<string, { raw: number; gzip: number; brotli: number }>;
  critical: Awaited<ReturnType<typeof criticalPath>>;
  loads: Awaited<ReturnType<typeof compareLoads>>[];
  many: { widget: Awaited<ReturnType<typeof manyElements>>; floor: Awaited<ReturnType<typeof manyElements>> };
  orb: Awaited<ReturnType<typeof orbBytesBeforeOpen>>;
  memory: Awaited<ReturnType<typeof memoryCycles>>;
  api: Awaited<ReturnType<typeof apiThroughput>>;
  postgres: Awaited<ReturnType<typeof postgresThroughput>>;
  operators: Awaited<ReturnType<typeof operatorsOverhead>>;
  delivery: { pages: Awaited<ReturnType<typeof lighthouseFigures>>; starts: Awaited<ReturnType<typeof startFigures>> };
}): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const bytes = (n: number) => n.toLocaleString('en-US');
  const ms = (s: Summary, digits = 0) =>
    `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
  const spread = (s: Summary, digits = 0) =>
    `${s.median.toFixed(digits)} (IQR ${s.p25.toFixed(digits)}–${s.p75.toFixed(digits)}; ${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
  const ofMedians = (o: { value: number; low: number; high: number }) =>
    `${o.value.toFixed(2)} (95 % ${o.low.toFixed(2)}–${o.high.toFixed(2)})`;
  const compared = r.loads.some((l) => l.compare);
  const list = (files: { path: string; gzip: number }[]) =>
    files.map((file) => `${file.path.replace('/dist/', '')} ${bytes(file.gzip)}`).join(' + ') || 'none';
  const lines = [
    '# Benchmark',
    '',
    `${r.date} · Chromium ${r.chromium} · ${r.cpu} · Node ${r.node} · ${r.runs} runs per variant and profile, each in a fresh context, the variants alternating.`,
    'Times are milliseconds from navigation: median (IQR; min–max) or median (min–max). The floor is a minimal Lit element making the same fetch and rendering the name.',
    ...(compared
      ? [`"Before" is the build in ${process.env['BENCH_COMPARE']} (BENCH_COMPARE), timed in the same run.`]
      : []),
    '',
    '## Weight',
    '',
    '| file | raw | gzip | brotli |',
    '| --- | --- | --- | --- |',
    ...Object.entries(r.weights).map(([name, w]) => `| ${name} | ${kb(w.raw)} | ${kb(w.gzip)} | ${kb(w.brotli)} |`),
    '',
    '## Critical path: what loads before share-link-ready (English player)',
    '',
    'Files the browser fetched and finished before ready, each gzip -9 as served. Target: 12,288 B for each bundle.',
    '',
    '| bundle | files (gzip bytes) | total gzip | total raw |',
    '| --- | --- | --- | --- |',
    `| ES module | ${list(r.critical.es.files)} | ${bytes(r.critical.es.gzip)} | ${bytes(r.critical.es.raw)} |`,
    `| classic script | ${list(r.critical.classic.files)} | ${bytes(r.critical.classic.gzip)} | ${bytes(r.critical.classic.raw)} |`,
    '',
    r.critical.chunks.length
      ? [
          '| lazy chunk | gzip | raw | requested before ready |',
          '| --- | --- | --- | --- |',
          ...r.critical.chunks.map(
            (c) =>
              `| ${c.path.replace('/dist/', '')} | ${bytes(c.gzip)} | ${bytes(c.raw)} | ${c.requestedBeforeReady ? 'yes' : 'no'} |`,
          ),
        ].join('\n')
      : 'Lazy chunks: none yet (everything is in the entry).',
    '',
    '## Time to ready, widget ÷ floor',
    '',
    '| profile | median of run-by-run ratios (IQR; min–max) | ratio of medians (bootstrap 95 %) | target |',
    '| --- | --- | --- | --- |',
    ...r.loads.flatMap((l) => [
      `| ${l.label} | ${spread(l.ratio.runByRun, 2)} | ${ofMedians(l.ratio.ofMedians)} | ≤ ${l.target.toFixed(2)} |`,
      ...(l.compareRatio
        ? [`| ${l.label}, before | ${spread(l.compareRatio.runByRun, 2)} | ${ofMedians(l.compareRatio.ofMedians)} | |`]
        : []),
    ]),
    '',
    '## Loading a player',
    '',
    `| profile | figure | widget | floor |${compared ? ' before |' : ''}`,
    `| --- | --- | --- | --- |${compared ? ' --- |' : ''}`,
    ...r.loads.flatMap((l) => {
      const row = (label: string, pick: (f: typeof l.widget) => string) =>
        `| ${l.label} | ${label} | ${pick(l.widget)} | ${pick(l.floor)} |${l.compare ? ` ${pick(l.compare)} |` : ''}`;
      return [
        row('time to ready', (f) => spread(f.ready)),
        row('API request starts', (f) => ms(f.fetchStart)),
        row('API answer received', (f) => ms(f.fetchEnd)),
        row('answer received → ready', (f) => ms(f.afterAnswer, 1)),
        row('main-thread script', (f) => ms(f.scriptMs, 1)),
        row('long tasks (> 50 ms) before ready, total ms', (f) => ms(f.longTaskMs)),
        row('long tasks before ready, count', (f) => ms(f.longTaskCount)),
        row('layout shift, first paint of the embed → ready (CLS)', (f) => ms(f.cls, 3)),
        row('layout shift before the element is defined (page CSS can prevent it)', (f) => ms(f.clsBeforeDefined, 3)),
      ];
    }),
    '',
    `Files of the build requested before ready, in any run: ${[
      ...new Set(r.loads.flatMap((l) => l.requestedBeforeReady)),
    ]
      .filter((path) => path.startsWith('/dist/'))
      .map((path) => path.replace('/dist/', ''))
      .join(', ')}.`,
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
    ...overheadReport(r.operators),
    '',
    ...deliveryReport(r.delivery.pages, r.delivery.starts),
  ];
  return lines.join('\n');
}
