/**
 * The counter backends of the abuse limits, one suite run against each. The integrator adds the
 * PostgreSQL one (`postgresCounters(sql)` on a test database, with `RATE_LIMIT_TABLE_DDL` applied)
 * beside memory, and a second `AbuseLimiter` on the same database plays a second process.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAbuseLimiter, memoryCounters, type CounterBackend } from '../../server/limits.ts';

const BACKENDS: [string, () => CounterBackend][] = [['memory', () => memoryCounters]];

for (const [name, backend] of BACKENDS) {
  describe(`abuse limits counted in ${name}`, () => {
    it('grants exactly 10 of 30 concurrent session starts of one client on one link', async () => {
      const limiter = createAbuseLimiter({ counters: backend() });
      const decisions = await Promise.all(Array.from({ length: 30 }, () => limiter.sessionStart('192.0.2.1', 'sh_Concurrent123')));
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
      assert.equal((await limiter.managementAllowed('192.0.2.2')).allowed, true);
    });

    it('checks management failures without counting them, and refuses once 10 are used', async () => {
      const limiter = createAbuseLimiter({ counters: backend() });
      for (let i = 0; i < 20; i++) assert.equal((await limiter.managementAllowed('192.0.2.4')).allowed, true);
      for (let i = 0; i < 10; i++) assert.equal((await limiter.managementFailed('192.0.2.4')).allowed, true);
      const refused = await limiter.managementAllowed('192.0.2.4');
      assert.ok(!refused.allowed && refused.retryAfterSeconds > 0);
    });

    it('opens a new window once the old one has passed', async () => {
      const limiter = createAbuseLimiter({ counters: backend(), rules: { lookup: { name: `lookup-${name}-short`, points: 3, durationSeconds: 1 } } });
      const first = await Promise.all(Array.from({ length: 5 }, () => limiter.lookup('192.0.2.5')));
      assert.equal(first.filter((decision) => decision.allowed).length, 3);
      await new Promise((resolve) => setTimeout(resolve, 1_300));
      assert.equal((await limiter.lookup('192.0.2.5')).allowed, true);
    });
  });
}
