/**
 * The reference API on PostgreSQL, for `npm run bench` (bench/run.ts) or alone:
 * `npx tsx bench/postgres.ts` prints the figures without the browser runs.
 *
 * A throwaway cluster with PostgreSQL's default durability (fsync on), the real CLI processes, and
 * autocannon at 50 connections: lookups with one process and with four behind one load generator
 * (connections spread over them, as a load balancer would), then 500 concurrent session starts on
 * a link with 50 uses, spread over the four; then lookups counted one by one, and the analytics the
 * four wrote compared with the 200 and 201 answers counted (docs/operators.md, "Analytics").
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startCluster } from '../scripts/pg-cluster.mjs';
import { PostgresStore, connect } from '../server/store/index.ts';
import { API_KEY, LOAD_TEST_ARGS, copyOfDemoData, startApi, type RunningApi } from '../scripts/api-process.ts';

const PLAYER = 'sh_2kL9pQxYzR4vN8mBwHfJc';
const LEO = '9b2e7d14-5a3c-4f86-b0d9-6c1a8e4f2b37';

export interface LookupFigures {
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

export interface PostgresFigures {
  postgres: string;
  /** The machine's 1-minute load average before the runs (the machine is shared: a high one lowers every figure). */
  loadAverage: number;
  oneProcess: LookupFigures;
  fourProcesses: LookupFigures;
  starts: { sent: number; granted: number; usageLimit: number; reportedByEachProcess: number[] };
  /** What the four processes' analytics hold, once stopped, against the answers counted. */
  analytics: { lookupsAnswered200: number; views: number; startsAnswered201: number; starts: number };
}

/**
 * 50 connections on the lookup endpoint of every API given (spread evenly), 5 s after 5 s of
 * warm-up: processes that have just started share two cores while their code compiles, and the
 * first seconds would measure that.
 */
async function lookups(apis: RunningApi[]): Promise<LookupFigures> {
  const options = {
    url: apis.map((api) => `${api.base}/v1/embed/${PLAYER}`) as unknown as string,
    connections: 50,
    headers: { origin: 'https://page.example' },
  };
  await autocannon({ ...options, duration: 5 });
  const result = await autocannon({ ...options, duration: 5 });
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

export async function postgresThroughput(): Promise<PostgresFigures> {
  const cluster = await startCluster();
  const apis: RunningApi[] = [];
  try {
    const launch = async () => {
      const api = await startApi({ databaseUrl: cluster.url, data: await copyOfDemoData(), extra: LOAD_TEST_ARGS });
      apis.push(api);
      return api;
    };
    const loadAverage = loadavg()[0]!;
    const first = await launch();
    const oneProcess = await lookups([first]);
    await Promise.all([launch(), launch(), launch()]);
    const fourProcesses = await lookups(apis);

    const created = await fetch(`${first.base}/v1/share-links`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ personaId: LEO, allowAllOrigins: true, usageLimit: 50 }),
    });
    const link = (await created.json()) as { id: string; token: string };
    const statuses = await Promise.all(
      Array.from({ length: 500 }, (_, index) =>
        fetch(`${apis[index % apis.length]!.base}/v1/embed/${link.token}/sessions`, {
          method: 'POST',
          headers: { Origin: 'https://page.example' },
        }).then(async (response) => {
          await response.arrayBuffer();
          return response.status;
        }),
      ),
    );
    const reportedByEachProcess = await Promise.all(
      apis.map(async (api) => {
        const response = await fetch(`${api.base}/v1/share-links/${link.id}`, {
          headers: { Authorization: `Bearer ${API_KEY}` },
        });
        return ((await response.json()) as { usageCount: number }).usageCount;
      }),
    );
    const granted = statuses.filter((status) => status === 201).length;
    const analytics = await exactAnalytics(cluster.url, apis, link.id, granted);
    return {
      postgres: await serverVersion(cluster.url),
      loadAverage,
      oneProcess,
      fourProcesses,
      starts: {
        sent: statuses.length,
        granted,
        usageLimit: 50,
        reportedByEachProcess,
      },
      analytics,
    };
  } finally {
    await Promise.all(apis.map((api) => api.stop()));
    await cluster.stop();
  }
}

/**
 * 2,000 lookups of a link of their own, spread over the processes and counted one by one (a load
 * generator that stops mid-flight cannot count what it dropped), then the processes stopped, each
 * writing its last batch; the analytics stored, against the 200s and the starts' 201s.
 */
async function exactAnalytics(url: string, apis: RunningApi[], startsLinkId: string, startsAnswered201: number) {
  const created = await fetch(`${apis[0]!.base}/v1/share-links`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ personaId: LEO, allowAllOrigins: true }),
  });
  const viewed = (await created.json()) as { id: string; token: string };
  let sent = 0;
  let answered200 = 0;
  const worker = async () => {
    while (sent < 2000) {
      const response = await fetch(`${apis[sent++ % apis.length]!.base}/v1/embed/${viewed.token}`, {
        headers: { Origin: 'https://page.example' },
      });
      await response.arrayBuffer();
      if (response.status === 200) answered200++;
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
  await Promise.all(apis.splice(0).map((api) => api.stop('SIGTERM')));
  const store = await PostgresStore.open(url);
  try {
    const rows = await store.analytics({ from: '2000-01-01', to: '2100-01-01' });
    const sum = (id: string, pick: (row: (typeof rows)[number]) => number) =>
      rows.filter((row) => row.shareLinkId === id).reduce((total, row) => total + pick(row), 0);
    return {
      lookupsAnswered200: answered200,
      views: sum(viewed.id, (row) => row.views),
      startsAnswered201: startsAnswered201,
      starts: sum(startsLinkId, (row) => row.starts),
    };
  } finally {
    await store.close();
  }
}

async function serverVersion(url: string): Promise<string> {
  const sql = connect(url, { poolSize: 1 });
  try {
    const [row] = await sql<{ server_version: string }[]>`SHOW server_version`;
    return row?.server_version ?? 'unknown';
  } finally {
    await sql.end();
  }
}

export function postgresReport(figures: PostgresFigures): string[] {
  const a = figures.analytics;
  const row = (label: string, pick: (lookup: LookupFigures) => string) =>
    `| ${label} | ${pick(figures.oneProcess)} | ${pick(figures.fourProcesses)} |`;
  return [
    `## Reference API on PostgreSQL ${figures.postgres} (autocannon, 50 connections, 5 s after 5 s of warm-up)`,
    '',
    `The machine's load average was ${figures.loadAverage.toFixed(1)} when these runs began.`,
    '',
    '| figure | 1 process | 4 processes |',
    '| --- | --- | --- |',
    row('GET /v1/embed/{token}: requests per second', (lookup) => String(Math.round(lookup.requestsPerSecond))),
    row('… p99 latency', (lookup) => `${lookup.p99Ms} ms`),
    row('… non-2xx answers, errors', (lookup) => `${lookup.non2xx}, ${lookup.errors}`),
    `| ${figures.starts.sent} concurrent session starts on a link with ${figures.starts.usageLimit} uses, spread over the 4: granted | | ${figures.starts.granted} (each process reports ${figures.starts.reportedByEachProcess.join(', ')}) |`,
    `| analytics once the 4 stop: views = lookups answered 200; starts = starts answered 201 | | ${a.views} = ${a.lookupsAnswered200} ${a.views === a.lookupsAnswered200 ? '✓' : '✗'}; ${a.starts} = ${a.startsAnswered201} ${a.starts === a.startsAnswered201 ? '✓' : '✗'} |`,
    '',
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await postgresThroughput();
  console.log(postgresReport(figures).join('\n'));
}
