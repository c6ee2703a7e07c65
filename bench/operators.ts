/**
 * What the operator's side costs the public path, for `npm run bench` (bench/run.ts) or alone:
 * `npx tsx bench/operators.ts`. On each store, two API processes of the same build, one with
 * analytics and request logs on (the default; the log lines go to a file, as to a collector), one
 * with `--no-analytics --no-request-log`, take turns under autocannon (50 connections on the
 * lookup) in the order on, off, off, on, on, off, so that drift in the machine's load falls on
 * both alike. Target: on ÷ off ≥ 0.90.
 *
 * On a machine shared with other work, lookups per second move with everyone else's load. So the
 * API processes' own CPU time per lookup (from /proc, Linux only) is reported beside them: what
 * the operator's side costs each lookup, which the neighbours' load hardly moves.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startCluster } from '../scripts/pg-cluster.mjs';
import { LOAD_TEST_ARGS, copyOfDemoData, startApi, type RunningApi } from '../scripts/api-process.ts';

const PLAYER = 'sh_2kL9pQxYzR4vN8mBwHfJc';
const ROUNDS: ('on' | 'off')[] = ['on', 'off', 'off', 'on', 'on', 'off'];
const SECONDS = 5;
export const TARGET_RATIO = 0.9;

export interface OverheadFigures {
  store: string;
  /** Lookups per second, each round's average. */
  on: number[];
  off: number[];
  ratio: number;
  p99Ms: { on: number; off: number };
  /** The API process's CPU time per lookup, µs, each round's; empty where /proc is missing. */
  cpuUs: { on: number[]; off: number[] };
  /** Bytes of request log written by the "on" process. */
  logBytes: number;
}

const TICKS_PER_SECOND = existsSync('/proc/self/stat')
  ? Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }))
  : 0;

/** A process's user and system CPU time so far, in seconds (Linux), else `null`. */
function cpuSeconds(pid: number | undefined): number | null {
  if (!TICKS_PER_SECOND || pid === undefined) return null;
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

async function lookupsPerSecond(api: RunningApi, seconds: number) {
  const cpuBefore = cpuSeconds(api.process.pid);
  const result = await autocannon({
    url: `${api.base}/v1/embed/${PLAYER}`,
    connections: 50,
    duration: seconds,
    headers: { origin: 'https://page.example' },
  });
  if (result.non2xx || result.errors)
    throw new Error(`lookups failed: ${result.non2xx} non-2xx, ${result.errors} errors`);
  const cpuAfter = cpuSeconds(api.process.pid);
  const cpuUs = cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) * 1e6) / result.requests.total;
  return { rps: result.requests.average, p99: result.latency.p99, cpuUs };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

async function compare(store: string, options: { databaseUrl?: string; data: () => Promise<string | null> }) {
  const dir = await mkdtemp(join(tmpdir(), 'share-link-bench-'));
  const logFile = join(dir, 'requests.log');
  const common = { limits: false, ...(options.databaseUrl && { databaseUrl: options.databaseUrl }) };
  const apis = {
    on: await startApi({ ...common, data: await options.data(), extra: LOAD_TEST_ARGS, stdoutFile: logFile }),
    off: await startApi({
      ...common,
      data: await options.data(),
      extra: [...LOAD_TEST_ARGS, '--no-analytics', '--no-request-log'],
    }),
  };
  try {
    // Warm-up: the first seconds of a process compile its code.
    await lookupsPerSecond(apis.on, 3);
    await lookupsPerSecond(apis.off, 3);
    const figures = {
      on: [] as number[],
      off: [] as number[],
      p99: { on: [] as number[], off: [] as number[] },
      cpu: { on: [] as number[], off: [] as number[] },
    };
    for (const variant of ROUNDS) {
      const { rps, p99, cpuUs } = await lookupsPerSecond(apis[variant], SECONDS);
      figures[variant].push(rps);
      figures.p99[variant].push(p99);
      if (cpuUs !== null) figures.cpu[variant].push(cpuUs);
    }
    return {
      store,
      on: figures.on,
      off: figures.off,
      ratio: median(figures.on) / median(figures.off),
      p99Ms: { on: median(figures.p99.on), off: median(figures.p99.off) },
      cpuUs: figures.cpu,
      logBytes: (await stat(logFile)).size,
    } satisfies OverheadFigures;
  } finally {
    await Promise.all([apis.on.stop(), apis.off.stop()]);
    await rm(dir, { recursive: true, force: true });
  }
}

export async function operatorsOverhead(): Promise<OverheadFigures[]> {
  const embedded = await compare('embedded', { data: copyOfDemoData });
  const cluster = await startCluster();
  try {
    const databaseUrl = await cluster.createDatabase('overhead');
    let seeded = false;
    // The first process seeds the database; the second finds it seeded.
    const data = async () => (seeded ? null : ((seeded = true), await copyOfDemoData()));
    return [embedded, await compare('PostgreSQL', { databaseUrl, data })];
  } finally {
    await cluster.stop();
  }
}

export function overheadReport(figures: OverheadFigures[]): string[] {
  const round = (values: number[]) => values.map((value) => Math.round(value).toLocaleString('en-US')).join(', ');
  return [
    "## The operator's side: lookups per second with analytics and request logs on ÷ off",
    '',
    `Two processes of the same build per store, taking turns (on, off, off, on, on, off; ${SECONDS} s each at 50 connections, after 3 s of warm-up each); request log lines go to a file. Target: ≥ ${TARGET_RATIO.toFixed(2)}.`,
    '',
    '| store | on: lookups/s per round | off: lookups/s per round | on ÷ off (medians) | p99 on / off | API CPU per lookup, on / off (medians) | off ÷ on (CPU) | request log written |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...figures.map((f) => {
      const cpu = f.cpuUs.on.length ? { on: median(f.cpuUs.on), off: median(f.cpuUs.off) } : null;
      const cpuCells = cpu
        ? `${cpu.on.toFixed(1)} / ${cpu.off.toFixed(1)} µs | ${(cpu.off / cpu.on).toFixed(3)}`
        : 'n/a (no /proc) | n/a';
      return `| ${f.store} | ${round(f.on)} | ${round(f.off)} | ${f.ratio.toFixed(3)} ${f.ratio >= TARGET_RATIO ? '✓' : '✗'} | ${f.p99Ms.on} / ${f.p99Ms.off} ms | ${cpuCells} | ${(f.logBytes / 1e6).toFixed(1)} MB |`;
    }),
    '',
    "CPU per lookup is the API process's own (user + system, from /proc) over a round, divided by the lookups it answered: what the operator's side costs each lookup, which other work on the machine hardly moves. Off ÷ on is the share of its lookups per second the same CPU serves with them on.",
    '',
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(overheadReport(await operatorsOverhead()).join('\n'));
}
