/**
 * The protections against many addresses (docs/security.md), for `npm run bench` (bench/run.ts) or
 * alone: `npx tsx bench/protection.ts` prints the figures.
 *
 * - Lookups with every new check on: abuse limits on (the CLI's defaults), clients spread over
 *   2,000 addresses (`--trust-proxy` and the proxy's `X-Forwarded-For`, so no address reaches its
 *   300 per minute), on a link that requires a signed embed (each lookup verifies its embed token).
 *   Target: 5,000 lookups/s at p99 < 20 ms per process.
 * - The start delay of a proof of work in Chromium at 4× CPU throttling (CDP): click to
 *   `share-link-start`, on a plain link, on a proof-of-work link with the pointer on start 500 ms
 *   before the click (solving from intent), and with the click alone (solving from the click).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { chromium } from 'playwright-core';
import { CHROME_ARGS, requireTool } from '../scripts/browsers.mjs';
import { API_KEY, LOAD_TEST_ARGS, copyOfDemoData, startApi } from '../scripts/api-process.ts';
import { signEmbedToken } from '../src/helpers.ts';

const LEO = '9b2e7d14-5a3c-4f86-b0d9-6c1a8e4f2b37';
const PAGE = 'https://page.example';

async function createLink(base: string, fields: Record<string, unknown>) {
  const response = await fetch(`${base}/v1/share-links`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ personaId: LEO, allowAllOrigins: true, ...fields }),
  });
  return (await response.json()) as { id: string; token: string };
}

export interface ProtectedLookups {
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/** 50 connections for 5 s after 2 s of warm-up, every lookup from one of 2,000 addresses, each verifying an embed token. */
export async function protectedLookups(): Promise<ProtectedLookups> {
  const api = await startApi({
    data: await copyOfDemoData(),
    limits: true,
    extra: [...LOAD_TEST_ARGS, '--trust-proxy'],
  });
  try {
    const link = await createLink(api.base, { requireSignedEmbed: true });
    const { signingKey } = (await (
      await fetch(`${api.base}/v1/share-links/${link.id}/signing-key`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${API_KEY}` },
      })
    ).json()) as { signingKey: string };
    const embedToken = await signEmbedToken(signingKey, { token: link.token, origin: PAGE, ttlSeconds: 900 });
    let next = 0;
    const options = {
      url: `${api.base}/v1/embed/${link.token}?embedToken=${embedToken}`,
      connections: 50,
      headers: { origin: PAGE },
      requests: [
        {
          setupRequest: (request: { headers?: Record<string, string> }) => {
            const n = next++ % 2000;
            request.headers = { ...request.headers, 'x-forwarded-for': `198.51.${100 + (n >> 8)}.${n & 255}` };
            return request;
          },
        },
      ],
    };
    await autocannon({ ...options, duration: 2 } as autocannon.Options);
    const result = await autocannon({ ...options, duration: 5 } as autocannon.Options);
    return {
      requestsPerSecond: result.requests.average,
      p99Ms: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors,
    };
  } finally {
    await api.stop();
  }
}

export interface StartDelays {
  runs: number;
  /** Click to share-link-start, ms, median and range, per case. */
  plain: number[];
  intent: number[];
  click: number[];
}

/** Click → `share-link-start` at 4× CPU: a plain link, proof of work from intent, proof of work from the click. */
export async function proofOfWorkStartDelays(runs = Number(process.env['BENCH_POW_RUNS'] ?? 12)): Promise<StartDelays> {
  const executablePath = requireTool('chromium');
  const api = await startApi({ data: await copyOfDemoData(), limits: false, extra: LOAD_TEST_ARGS });
  const pages = createServer((req, res) => {
    const token = new URL(req.url ?? '/', 'http://host').searchParams.get('token');
    res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Security-Policy': `worker-src blob:` });
    res.end(`<!doctype html><script type="module" src="${api.base}/share-link-embed.js"></script>
      <share-link-embed token="${token}"></share-link-embed>`);
  });
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  const host = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath, args: [...CHROME_ARGS] });
  const delays: StartDelays = { runs, plain: [], intent: [], click: [] };
  try {
    for (let run = 0; run < runs; run++) {
      for (const kind of ['plain', 'intent', 'click'] as const) {
        const link = await createLink(api.base, kind === 'plain' ? {} : { challenge: 'proof-of-work' });
        const context = await browser.newContext();
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
        await page.goto(`${host}/?token=${link.token}`);
        await page.waitForFunction(() => document.querySelector('share-link-embed')?.getAttribute('state') === 'ready');
        const button = page.locator('share-link-embed [part~="start-button"]');
        // A visitor's pointer reaches the button some 500 ms before the press.
        if (kind === 'intent') {
          await button.hover();
          await page.waitForTimeout(500);
        }
        const ms = (await page.evaluate(
          () =>
            new Promise<number>((resolve) => {
              const el = document.querySelector('share-link-embed')!;
              const button = el.shadowRoot!.querySelector<HTMLElement>('[part~="start-button"]')!;
              const clicked = performance.now();
              el.addEventListener('share-link-start', () => resolve(performance.now() - clicked), { once: true });
              el.addEventListener('share-link-error', () => resolve(Number.NaN), { once: true });
              button.click();
            }),
        )) as number;
        delays[kind].push(ms);
        await context.close();
      }
    }
  } finally {
    await browser.close();
    pages.close();
    await api.stop();
  }
  return delays;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const range = (values: number[]) => `${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))}`;

export function protectionReport(lookups: ProtectedLookups, delays: StartDelays): string[] {
  return [
    '## Protections (docs/security.md)',
    '',
    'Lookups with limits on, 2,000 client addresses, each verifying a signed embed token (autocannon, 50 connections, 5 s after 2 s of warm-up, one process, embedded store):',
    '',
    '| figure | value |',
    '| --- | --- |',
    `| GET /v1/embed/{token}?embedToken=…: requests per second | ${Math.round(lookups.requestsPerSecond)} |`,
    `| … p99 latency | ${lookups.p99Ms} ms |`,
    `| … non-2xx answers, errors | ${lookups.non2xx}, ${lookups.errors} |`,
    '',
    `Start delay at 4× CPU (Chromium CDP throttling), click to share-link-start, ${delays.runs} runs each, ms: median (min–max):`,
    '',
    '| link | delay |',
    '| --- | --- |',
    `| no challenge | ${Math.round(median(delays.plain))} (${range(delays.plain)}) |`,
    `| proof of work, solved from intent (pointer on start 500 ms before the click) | ${Math.round(median(delays.intent))} (${range(delays.intent)}) |`,
    `| proof of work, solved from the click | ${Math.round(median(delays.click))} (${range(delays.click)}) |`,
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const lookups = await protectedLookups();
  const delays = await proofOfWorkStartDelays();
  console.log(protectionReport(lookups, delays).join('\n'));
  console.log(JSON.stringify(delays));
}
