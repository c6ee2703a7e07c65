/**
 * The counter backends of the abuse limits, one suite run against each: memory (one process) and a
 * real PostgreSQL, migrated as the API migrates it, where a second pool plays a second process.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Sql } from 'postgres';
import { createAbuseLimiter, memoryCounters, postgresCounters, type CounterBackend } from '../../server/limits.ts';
import { connect, migrate } from '../../server/store/index.ts';
import { freshDatabase } from '../support/postgres.ts';

const pools: Sql[] = [];
after(() => Promise.all(pools.map((sql) => sql.end({ timeout: 5 }))));

/** A pool on a new database with the API's schema (server/migrations/, the limits' table included). */
async function migratedPool(url?: string): Promise<{ sql: Sql; url: string }> {
  const database = url ?? (await freshDatabase('limits'));
  const sql = connect(database);
  pools.push(sql);
  if (!url) await migrate(sql);
  return { sql, url: database };
}

const BACKENDS: [string, () => Promise<() => CounterBackend>][] = [
  ['memory', async () => () => memoryCounters],
  [
    'PostgreSQL',
    async () => {
      const { sql } = await migratedPool();
      return () => postgresCounters(sql);
    },
  ],
];

describe('abuse limits counted in PostgreSQL, shared by processes', () => {
  it('grants exactly 10 of 40 concurrent starts of one client on one link, spread over two pools (two processes)', async () => {
    const first = await migratedPool();
    const second = await migratedPool(first.url);
    const limiters = [
      createAbuseLimiter({ counters: postgresCounters(first.sql) }),
      createAbuseLimiter({ counters: postgresCounters(second.sql) }),
    ];
    const decisions = await Promise.all(
      Array.from({ length: 40 }, (_, i) => limiters[i % 2]!.sessionStart('192.0.2.9', 'sh_SharedCount123')),
    );
    assert.equal(
      decisions.filter((decision) => decision.allowed).length,
      10,
      'exactly the limit across both processes',
    );
    const rows = await first.sql<
      { points: number }[]
    >`SELECT points FROM share_link_rate_limits WHERE key LIKE '%sh_SharedCount123%'`;
    const points = rows[0]?.points ?? 0;
    assert.ok(points >= 11, `the database counted every attempt that reached it (${points})`);
  });
});

for (const [name, makeBackend] of BACKENDS) {
  describe(`abuse limits counted in ${name}`, () => {
    let backend: () => CounterBackend;
    before(async () => {
      backend = await makeBackend();
    });

    it('grants exactly 10 of 30 concurrent session starts of one client on one link', async () => {
      const limiter = createAbuseLimiter({ counters: backend() });
      const decisions = await Promise.all(
        Array.from({ length: 30 }, () => limiter.sessionStart('192.0.2.1', 'sh_Concurrent123')),
      );
      assert.equal(decisions.filter((decision) => decision.allowed).length, 10);
      for (const decision of decisions.filter((each) => !each.allowed)) {
        assert.ok(!decision.allowed && decision.retryAfterSeconds >= 599 && decision.retryAfterSeconds <= 600);
      }
    });

    it('keeps clients, links and rules apart', async () => {
      const limiter = createAbuseLimiter({ counters: backend() });
      for (let i = 0; i < 10; i++) await limiter.sessionStart('192.0.2.2', 'sh_OneLink1234567');
      assert.equal((await limiter.sessionStart('192.0.2.2', 'sh_OneLink1234567')).allowed, false);
      assert.equal((await limiter.sessionStart('192.0.2.3', 'sh_OneLink1234567')).allowed, true);
      assert.equal((await limiter.sessionStart('192.0.2.2', 'sh_OtherLink12345')).allowed, true);
      assert.equal((await limiter.lookup('192.0.2.2')).allowed, true);
      assert.equal((await limiter.managementAllowed('192.0.2.2', '')).allowed, true);
    });

    it('checks management failures without counting them, and refuses once 10 are used for a key prefix', async () => {
      const limiter = createAbuseLimiter({ counters: backend() });
      for (let i = 0; i < 20; i++)
        assert.equal((await limiter.managementAllowed('192.0.2.4', 'stalekey')).allowed, true);
      for (let i = 0; i < 10; i++)
        assert.equal((await limiter.managementFailed('192.0.2.4', 'stalekey')).allowed, true);
      const refused = await limiter.managementAllowed('192.0.2.4', 'stalekey');
      assert.ok(!refused.allowed && refused.retryAfterSeconds > 0);
      assert.equal((await limiter.managementAllowed('192.0.2.4', 'rightkey')).allowed, true, 'another prefix');
    });

    it('refuses every prefix once a client has used 100 failures in all, and keeps its counters bounded', async () => {
      const limiter = createAbuseLimiter({ counters: backend() });
      for (let i = 0; i < 100; i++)
        assert.equal((await limiter.managementFailed('192.0.2.6', `guess${String(i).padStart(3, '0')}`)).allowed, true);
      assert.equal((await limiter.managementAllowed('192.0.2.6', 'rightkey')).allowed, false);
      assert.equal((await limiter.managementAllowed('192.0.2.7', 'rightkey')).allowed, true, 'another client');
    });

    it('refuses keys that are not what the API counts by, rather than keep them', async () => {
      const limiter = createAbuseLimiter({ counters: backend() });
      const junk = `sh_${'x'.repeat(15_000)}`;
      await assert.rejects(limiter.sessionStart('192.0.2.8', junk), TypeError);
      await assert.rejects(limiter.sessionStart('192.0.2.8', 'sh_short'), TypeError);
      await assert.rejects(limiter.lookup('not an address'), TypeError);
      await assert.rejects(limiter.managementFailed('192.0.2.8', 'a key with spaces'), TypeError);
      assert.equal((await limiter.sessionStart('2001:db8:1:2::/64', `sh_${'A'.repeat(64)}`)).allowed, true);
    });

    it('opens a new window once the old one has passed', async () => {
      const limiter = createAbuseLimiter({
        counters: backend(),
        rules: { lookup: { name: `lookup-${name}-short`, points: 3, durationSeconds: 1 } },
      });
      const first = await Promise.all(Array.from({ length: 5 }, () => limiter.lookup('192.0.2.5')));
      assert.equal(first.filter((decision) => decision.allowed).length, 3);
      await new Promise((resolve) => setTimeout(resolve, 1_300));
      assert.equal((await limiter.lookup('192.0.2.5')).allowed, true);
    });
  });
}
