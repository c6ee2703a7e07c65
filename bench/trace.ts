/**
 * `npx tsx bench/trace.ts [--runs 30] [--cpu 1] [name=path/to/bundle.js ...]`: where the time between
 * the API's answer and `share-link-ready` goes, from Chromium traces.
 *
 * Loads one player per fresh context, the variants in rotating order (the floor, the built widget,
 * and any other builds named on the command line, e.g. `baseline=.tmp/baseline/dist/share-link-embed.js`),
 * with the Chromium tracer on. Marks the moments the page can see (fetch resolved, body read,
 * ready) and sums the renderer main thread's work between them. Prints medians (min–max) and the
 * median of run-by-run differences against the floor.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve as resolvePath } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROME_ARGS, requireTool } from '../scripts/browsers.mjs';
import { ROOT, startApi } from '../scripts/api-process.ts';

const { values: options, positionals } = parseArgs({
  options: {
    runs: { type: 'string', default: '30' },
    cpu: { type: 'string', default: '1' },
    'no-build': { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
const RUNS = Number(options.runs);
const DEBUG = Boolean(process.env['TRACE_DEBUG']);
const CPU = Number(options.cpu);
const PLAYER = 'sh_2kL9pQxYzR4vN8mBwHfJc';

const executablePath = requireTool('chromium');
if (!options['no-build']) {
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync('npx', ['vite', 'build', '--config', 'bench/vite.floor.config.ts'], { cwd: ROOT, stdio: 'inherit' });
}

const variants: Record<string, { file: string; tag: string }> = {
  floor: { file: join(ROOT, 'bench/.out/floor.js'), tag: 'floor-embed' },
  widget: { file: join(ROOT, 'dist/share-link-embed.js'), tag: 'share-link-embed' },
};
for (const spec of positionals) {
  const [name, file] = spec.split('=') as [string, string];
  variants[name] = { file: resolvePath(file), tag: 'share-link-embed' };
}

const api = await startApi();
const host = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://host').pathname;
  const script = /^\/(\w+)\.js$/.exec(path);
  if (script) {
    const variant = variants[script[1]!];
    // Lazy chunks of a build sit beside its entry.
    const file = variant?.file ?? join(ROOT, 'dist', path.slice(1));
    res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' });
    res.end(readFileSync(file));
    return;
  }
  const name = path.slice(1);
  const variant = variants[name];
  if (!variant) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/html', 'Cache-Control': 'no-store' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${name}</title>${PROBE}
    <script type="module" src="/${name}.js"></script><style>body{margin:0;padding:24px;font:16px system-ui} main{width:640px}</style></head>
    <body><main><h1>A host page</h1><p>Some text above the embed.</p><${variant.tag} token="${PLAYER}" api-base="${api.base}"></${variant.tag}><p>Some text below it.</p></main></body></html>`);
});
await new Promise<void>((done) => host.listen(0, '127.0.0.1', done));
const origin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;

/** Marks what the page can observe without touching the code under test: no extra step is added to its promise chains. */
const PROBE = `<script>
  const isEmbed = (input) => String(input && input.url || input).includes('/v1/embed/');
  const realFetch = window.fetch;
  window.fetch = function (input, init) {
    const answer = realFetch.call(this, input, init);
    if (isEmbed(input)) { performance.mark('bench:fetch-called'); answer.then(() => performance.mark('bench:fetch-resolved'), () => {}); }
    return answer;
  };
  for (const method of ['text', 'json']) {
    const real = Response.prototype[method];
    Response.prototype[method] = function () {
      const body = real.call(this);
      if (isEmbed(this.url)) body.then(() => performance.mark('bench:body-read'), () => {});
      return body;
    };
  }
  document.addEventListener('share-link-ready', () => { performance.mark('bench:ready'); console.log('bench:ready'); }, { once: true });
</script>`;

const READ_MARKS = `(() => {
  const mark = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
  const entry = performance.getEntriesByType('resource').find((each) => each.name.includes('/v1/embed/'));
  return { fetchStart: entry?.startTime ?? NaN, responseEnd: entry?.responseEnd ?? NaN, fetchResolved: mark('bench:fetch-resolved'), bodyRead: mark('bench:body-read'), ready: mark('bench:ready') };
})()`;

// Light categories: the tracer's own cost lands on the main thread being measured.
const CATEGORIES = ['devtools.timeline', 'blink.user_timing', 'toplevel', 'disabled-by-default-v8.compile'];

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
}

interface Sample {
  fetchStart: number;
  responseEnd: number;
  fetchResolved: number;
  bodyRead: number;
  ready: number;
  /** Main-thread work between the answer's last byte and ready, ms. */
  afterAnswer: Record<string, number>;
  /** Main-thread work from navigation to ready, ms. */
  whole: Record<string, number>;
}

const GROUPS: Record<string, string[]> = {
  style: ['UpdateLayoutTree', 'RecalculateStyles', 'ParseAuthorStyleSheet'],
  layout: ['Layout'],
  paint: ['Paint', 'PrePaint', 'Layerize', 'Commit'],
  compile: ['v8.compile', 'v8.compileModule', 'V8.CompileCode', 'v8.produceModuleCache', 'V8.ParseFunction'],
};

async function sample(name: string): Promise<Sample> {
  const browser = await launched;
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const tab = await context.newPage();
  const cdp = await context.newCDPSession(tab);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU });
  await browser.startTracing(tab, { categories: CATEGORIES });
  // Waits on a console message, not waitForFunction: Playwright's first evaluation compiles its
  // injected script on the page's main thread, which would land inside the window being measured.
  const ready = tab.waitForEvent('console', {
    predicate: (message) => message.text() === 'bench:ready',
    timeout: 30_000,
  });
  await tab.goto(`${origin}/${name}`, { waitUntil: 'commit' });
  await ready;
  // A string, not a function: tsx would add helpers (__name) the page does not have.
  const page = (await tab.evaluate(READ_MARKS)) as Omit<Sample, 'afterAnswer' | 'whole'>;
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] };
  await context.close();

  const readyMark = trace.traceEvents.find((event) => event.name === 'bench:ready');
  if (!readyMark) throw new Error('no ready mark in the trace');
  // Trace time (µs) of performance.now() = 0 in this page.
  const zero = readyMark.ts - page.ready * 1000;
  const main = trace.traceEvents.filter((event) => event.pid === readyMark.pid && event.tid === readyMark.tid);
  const sumWithin = (from: number, to: number) => {
    const totals: Record<string, number> = { busy: 0 };
    for (const group of Object.keys(GROUPS)) totals[group] = 0;
    for (const event of main) {
      if (event.ph !== 'X' || event.dur === undefined) continue;
      const start = (event.ts - zero) / 1000;
      const end = start + event.dur / 1000;
      const overlap = Math.max(0, Math.min(end, to) - Math.max(start, from));
      if (!overlap) continue;
      if (event.name === 'ThreadControllerImpl::RunTask') totals['busy']! += overlap;
      else if (DEBUG && event.name !== 'RunTask') totals[`~${event.name}`] = (totals[`~${event.name}`] ?? 0) + overlap;
      for (const [group, names] of Object.entries(GROUPS)) if (names.includes(event.name)) totals[group]! += overlap;
    }
    return totals;
  };
  const result = { ...page, afterAnswer: sumWithin(page.responseEnd, page.ready), whole: sumWithin(0, page.ready) };
  if (DEBUG)
    console.log(
      name,
      JSON.stringify(page),
      Object.entries(result.afterAnswer)
        .filter(([, ms]) => ms > 0.3)
        .map(([key, ms]) => `${key} ${ms.toFixed(1)}`)
        .join(', '),
    );
  return result;
}

const launched = chromium.launch({ executablePath, args: [...CHROME_ARGS] });
const median = (values: number[]) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const spread = (values: number[]) =>
  `${median(values).toFixed(1)} (${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)})`;

try {
  const names = Object.keys(variants);
  for (const name of names) await sample(name); // warm-up: server, disk cache, code caches of the browser
  const samples: Record<string, Sample[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let run = 0; run < RUNS; run++) {
    // Rotate the order so that drift in the machine's load falls on every variant alike.
    for (let i = 0; i < names.length; i++) {
      const name = names[(run + i) % names.length]!;
      samples[name]!.push(await sample(name));
    }
  }
  const rows: [string, (s: Sample) => number][] = [
    ['API request starts', (s) => s.fetchStart],
    ['answer received (responseEnd)', (s) => s.responseEnd],
    ['ready', (s) => s.ready],
    ['responseEnd → fetch() resolved', (s) => s.fetchResolved - s.responseEnd],
    ['responseEnd → body read', (s) => s.bodyRead - s.responseEnd],
    ['body read → ready', (s) => s.ready - s.bodyRead],
    ['responseEnd → ready (the gap)', (s) => s.ready - s.responseEnd],
    ['  main thread busy in the gap', (s) => s.afterAnswer['busy']!],
    ['  … style in the gap', (s) => s.afterAnswer['style']!],
    ['  … layout in the gap', (s) => s.afterAnswer['layout']!],
    ['navigation → ready: main thread busy', (s) => s.whole['busy']!],
    ['  … compile', (s) => s.whole['compile']!],
    ['  … style', (s) => s.whole['style']!],
    ['  … layout', (s) => s.whole['layout']!],
    ['  … paint', (s) => s.whole['paint']!],
  ];
  console.log(
    `\n${RUNS} runs per variant at ${CPU}× CPU, rotating order, tracer on (it adds its own overhead to every variant). ms, median (min–max).\n`,
  );
  console.log(`| figure | ${names.join(' | ')} |`);
  console.log(`| --- |${names.map(() => ' --- |').join('')}`);
  for (const [label, pick] of rows)
    console.log(`| ${label} | ${names.map((name) => spread(samples[name]!.map(pick))).join(' | ')} |`);
  const floor = samples['floor']!;
  console.log('\nMedian of run-by-run differences against the floor (ms):\n');
  console.log(`| figure | ${names.filter((name) => name !== 'floor').join(' | ')} |`);
  console.log(
    `| --- |${names
      .filter((name) => name !== 'floor')
      .map(() => ' --- |')
      .join('')}`,
  );
  for (const [label, pick] of rows.slice(2, 8)) {
    console.log(
      `| ${label} | ${names
        .filter((name) => name !== 'floor')
        .map((name) => median(samples[name]!.map((s, i) => pick(s) - pick(floor[i]!))).toFixed(1))
        .join(' | ')} |`,
    );
  }
} finally {
  await (await launched).close();
  host.close();
  await api.stop();
}
