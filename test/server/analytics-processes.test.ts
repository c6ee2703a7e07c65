/**
 * Analytics across processes (docs/operators.md, "Analytics"): four CLI processes on one
 * PostgreSQL under load for several batch intervals, then stopped (each writes what it holds);
 * the views, starts and refusals stored equal the 200, 201 and 403 answers the load generator
 * counted, exactly.
 */
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { PostgresStore } from '../../server/store/index.ts';
import { FLUSH_EVERY_MS } from '../../server/analytics.ts';
import { createLink, startApi, type RunningApi } from '../../scripts/api-process.ts';
import { freshDatabase } from '../support/postgres.ts';

const PLAYER = 'sh_2kL9pQxYzR4vN8mBwHfJc';
const PLAYER_ID = '00000000-0000-4000-8000-000000000001';
const RESTRICTED = 'sh_OriginNo3xYzR4vN8m';
const RESTRICTED_ID = '00000000-0000-4000-8000-000000000007';
const PAGE = 'https://page.example';

const apis: RunningApi[] = [];
after(() => Promise.all(apis.map((api) => api.stop('SIGKILL'))));

it('four processes count exactly what they answered: views = 200s, starts = 201s, refusals = 403s', async () => {
  const databaseUrl = await freshDatabase('analytics_four');
  apis.push(await startApi({ databaseUrl }));
  apis.push(...(await Promise.all([1, 2, 3].map(() => startApi({ databaseUrl, data: null })))));
  const limited = await createLink(apis[0]!, { usageLimit: 50 });
  const answered = new Map<string, number>();
  const tally = (what: string) => answered.set(what, (answered.get(what) ?? 0) + 1);
  let request = 0;
  const next = () => apis[request++ % apis.length]!.base;

  // Lookups for longer than a batch interval, so that every process writes batches while serving.
  const until = Date.now() + FLUSH_EVERY_MS + 1500;
  const worker = async () => {
    while (Date.now() < until) {
      const restricted = request % 5 === 0;
      const token = restricted ? RESTRICTED : PLAYER;
      const response = await fetch(`${next()}/v1/embed/${token}`, { headers: { Origin: PAGE } });
      await response.arrayBuffer();
      tally(`${token} ${response.status}`);
    }
  };
  // And 500 concurrent starts on a link with 50 uses, spread over the four.
  const starts = Array.from({ length: 500 }, async () => {
    const response = await fetch(`${next()}/v1/embed/${limited.token}/sessions`, {
      method: 'POST',
      headers: { Origin: PAGE },
    });
    await response.arrayBuffer();
    tally(`start ${response.status}`);
  });
  await Promise.all([...Array.from({ length: 12 }, worker), ...starts]);
  assert.equal(answered.get('start 201'), 50);
  assert.equal(answered.get('start 403'), 450);

  // Stopped as an orchestrator stops them: each writes its last batch.
  assert.deepEqual(await Promise.all(apis.splice(0).map((api) => api.stop('SIGTERM'))), [0, 0, 0, 0]);
  const store = await PostgresStore.open(databaseUrl);
  try {
    const rows = await store.analytics({ from: '2000-01-01', to: '2100-01-01' });
    const total = (id: string) => {
      const sum = { views: 0, starts: 0, refused: {} as Record<string, number> };
      for (const row of rows.filter((each) => each.shareLinkId === id)) {
        sum.views += row.views;
        sum.starts += row.starts;
        for (const [reason, count] of Object.entries(row.refused))
          sum.refused[reason] = (sum.refused[reason] ?? 0) + count;
      }
      return sum;
    };
    assert.ok((answered.get(`${PLAYER} 200`) ?? 0) > 500, `enough lookups: ${answered.get(`${PLAYER} 200`)}`);
    assert.deepEqual(total(PLAYER_ID), { views: answered.get(`${PLAYER} 200`), starts: 0, refused: {} });
    assert.deepEqual(total(RESTRICTED_ID), {
      views: 0,
      starts: 0,
      refused: { 'origin-not-allowed': answered.get(`${RESTRICTED} 403`) },
    });
    assert.deepEqual(total(limited.id), { views: 0, starts: 50, refused: { 'usage-limit-reached': 450 } });
  } finally {
    await store.close();
  }
});
