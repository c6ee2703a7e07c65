/**
 * Abuse limits over real HTTP (docs/api.md, "Abuse limits"): per client address, forged Origins or not. A second
 * client is a second loopback address (127.0.0.2).
 */
import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { createAbuseLimiter, memoryCounters, type CounterBackend } from '../../server/limits.ts';
import { API_KEY, startApi } from '../../scripts/api-process.ts';
import { startInProcessApi, type InProcessApi, type InProcessOptions } from '../support/api-inprocess.ts';
import type { EmbeddedStore } from '../../server/store/index.ts';
import { closeClients, send, type Answer } from '../support/http-client.ts';

const CARA = '3f6c2a91-8d4e-4b7a-a1c5-2e9f0b8d7c61';
const PLAYER = 'sh_2kL9pQxYzR4vN8mBwHfJc';
const ATTACKER = '127.0.0.1';
const VISITOR = '127.0.0.2';

/** `gc()`, for a memory figure that is not the collector's mood. */
function runGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const running: InProcessApi[] = [];
afterEach(async () => {
  closeClients();
  await Promise.all(running.splice(0).map((api) => api.close()));
});

async function limitedApi(options: InProcessOptions<EmbeddedStore> = {}) {
  const api = await startInProcessApi({ limits: createAbuseLimiter(), ...options });
  running.push(api);
  return api;
}

async function newLink(api: InProcessApi, fields: Record<string, unknown> = {}) {
  const link = await api.store.create(
    {
      personaId: CARA,
      type: 'PLAYER_EMBED',
      expiresAt: null,
      usageLimit: null,
      allowedOrigins: [],
      allowAllOrigins: true,
      removeWatermark: false,
      enabled: true,
      isPrimary: false,
      recordTranscripts: false,
      startsPerMinute: null,
      challenge: 'none',
      requireSignedEmbed: false,
      ...fields,
    },
    api.clock.now,
  );
  return link!;
}

function assertRateLimited(answer: Answer, maxSeconds: number) {
  assert.equal(answer.status, 429, answer.body);
  assert.equal(answer.json()['error'], 'rate-limited');
  assert.equal(typeof answer.json()['message'], 'string');
  const retryAfter = Number(answer.headers['retry-after']);
  assert.ok(
    Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= maxSeconds,
    `Retry-After ${answer.headers['retry-after']}`,
  );
}

const start = (api: InProcessApi, token: string, from: string, headers: Record<string, string> = {}) =>
  send(api.base, 'POST', `/v1/embed/${token}/sessions`, { from, headers });

describe('session starts: 10 per link per 10 minutes per client address', () => {
  it('refuses the 11th start from one address, whatever Origin it forges, and counts nothing more', async () => {
    const api = await limitedApi();
    const link = await newLink(api, { usageLimit: 1000 });
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++)
      statuses.push((await start(api, link.token, ATTACKER, { Origin: `https://forged-${i}.example` })).status);
    assert.deepEqual(statuses, [...Array(10).fill(201), ...Array(15).fill(429)]);
    assert.equal(api.store.linkByToken(link.token)!.usageCount, 10, 'refused starts count nothing');
    assertRateLimited(await start(api, link.token, ATTACKER, { Origin: 'https://page.example' }), 600);
  });

  it('still serves another address, and the same address on another link', async () => {
    const api = await limitedApi();
    const link = await newLink(api);
    const other = await newLink(api);
    for (let i = 0; i < 11; i++) await start(api, link.token, ATTACKER);
    assert.equal((await start(api, link.token, ATTACKER)).status, 429);
    assert.equal((await start(api, link.token, VISITOR, { Origin: 'https://page.example' })).status, 201);
    assert.equal((await start(api, other.token, ATTACKER)).status, 201);
  });

  it('lets a 429 be read cross-origin: the Origin is echoed and Retry-After exposed', async () => {
    const api = await limitedApi();
    const link = await newLink(api);
    for (let i = 0; i < 10; i++) await start(api, link.token, ATTACKER);
    const refused = await start(api, link.token, ATTACKER, { Origin: 'https://page.example' });
    assertRateLimited(refused, 600);
    assert.equal(refused.headers['access-control-allow-origin'], 'https://page.example');
    assert.match(String(refused.headers['access-control-expose-headers']), /Retry-After/i);
    assert.equal(refused.headers['cross-origin-resource-policy'], 'cross-origin');
  });

  it('lets a used-up address start again once its window has passed', async () => {
    const api = await limitedApi({
      limits: createAbuseLimiter({ rules: { sessionStart: { name: 'session-start', points: 2, durationSeconds: 1 } } }),
    });
    const link = await newLink(api);
    assert.deepEqual(
      [
        (await start(api, link.token, ATTACKER)).status,
        (await start(api, link.token, ATTACKER)).status,
        (await start(api, link.token, ATTACKER)).status,
      ],
      [201, 201, 429],
    );
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    assert.equal((await start(api, link.token, ATTACKER)).status, 201);
  });
});

describe('lookups: 300 per minute per client address, 404s included', () => {
  it('refuses the 301st lookup from one address, known token or not, while another address is served', async () => {
    const api = await limitedApi();
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const { status } = await send(api.base, 'GET', `/v1/embed/sh_Unknown${String(i).padStart(10, '0')}`, {
        from: ATTACKER,
        headers: { Origin: `https://forged-${i}.example` },
      });
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    assert.deepEqual([...statuses], [[404, 300]]);
    assertRateLimited(await send(api.base, 'GET', `/v1/embed/${PLAYER}`, { from: ATTACKER }), 60);
    assertRateLimited(await send(api.base, 'GET', '/v1/embed/sh_x', { from: ATTACKER }), 60);
    assertRateLimited(await start(api, PLAYER, ATTACKER), 60);
    assert.equal((await send(api.base, 'GET', `/v1/embed/${PLAYER}`, { from: VISITOR })).status, 200);
  });
});

describe('management keys: wrong ones counted per client and key prefix, and per client', () => {
  const manage = (api: InProcessApi, from: string, key?: string) =>
    send(api.base, 'GET', '/v1/share-links', { from, ...(key && { headers: { Authorization: `Bearer ${key}` } }) });

  it('stops a stale key after 10 tries from one address, and still serves the right key from that address', async () => {
    const api = await limitedApi();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await manage(api, ATTACKER, `stale-key-${i}-0123456789`)).status);
    assert.deepEqual(statuses, [...Array(10).fill(401), 429], 'one prefix ("stale-ke"), 10 failures');
    assertRateLimited(await manage(api, ATTACKER, 'stale-ke-anything-else-0123'), 600);
    // Behind the same address (a NAT), the operator's key has another prefix: not locked out.
    assert.equal((await manage(api, ATTACKER, API_KEY)).status, 200);
    assert.equal((await manage(api, VISITOR, 'stale-key-0-0123456789')).status, 401, 'another address');
  });

  it('refuses every key from an address once it has sent 100 wrong ones, whatever their prefixes', async () => {
    const api = await limitedApi();
    const statuses = new Map<number, number>();
    for (let i = 0; i < 100; i++) {
      const { status } = await manage(api, ATTACKER, `${String(i).padStart(8, '0')}-guess`);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    assert.deepEqual([...statuses], [[401, 100]]);
    assertRateLimited(await manage(api, ATTACKER, API_KEY), 600);
    assertRateLimited(await manage(api, ATTACKER), 600);
    assert.equal((await manage(api, VISITOR, API_KEY)).status, 200);
  });

  it('does not count the right key against the client', async () => {
    const api = await limitedApi();
    for (let i = 0; i < 30; i++) assert.equal((await manage(api, ATTACKER, API_KEY)).status, 200);
  });
});

describe('the velocity cap: startsPerMinute per link, for every client together', () => {
  it('grants at most 60 of 200 addresses × 10 starts on a 1,000-use link (the default), the rest 429 with Retry-After', async (t) => {
    const api = await limitedApi();
    const link = await newLink(api, { usageLimit: 1000, startsPerMinute: 60 });
    const addresses = Array.from({ length: 200 }, (_, i) => `127.0.${1 + Math.floor(i / 200)}.${10 + (i % 200)}`);
    const started = Date.now();
    const answers = (
      await Promise.all(
        addresses.map(async (from) => {
          const mine: Answer[] = [];
          for (let i = 0; i < 10; i++)
            mine.push(await start(api, link.token, from, { Origin: `https://forged-${i}.example` }));
          return mine;
        }),
      )
    ).flat();
    t.diagnostic(`2,000 starts from 200 addresses in ${Date.now() - started} ms`);
    const granted = answers.filter((answer) => answer.status === 201);
    assert.equal(granted.length, 60);
    assert.equal(api.store.linkByToken(link.token)!.usageCount, 60, 'refused starts count nothing');
    const refused = answers.filter((answer) => answer.status !== 201);
    assert.ok(refused.every((answer) => answer.status === 429));
    // The pinned clock stands still: the minute ends 60 s after the first grant.
    for (const answer of refused.slice(0, 20)) assertRateLimited(answer, 60);
    api.clock.now += 60_000;
    assert.equal((await start(api, link.token, '127.0.0.2')).status, 201, 'a minute later, room again');
  });

  it("counts only granted starts: refusals for the link's rules never fill its minute", async () => {
    const api = await limitedApi();
    const link = await newLink(api, {
      startsPerMinute: 3,
      allowAllOrigins: false,
      allowedOrigins: ['https://shop.example'],
    });
    for (let i = 0; i < 9; i++) assert.equal((await start(api, link.token, `127.0.0.${20 + i}`)).status, 403);
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await start(api, link.token, `127.0.0.${40 + i}`, { Origin: 'https://shop.example' })).status);
    assert.deepEqual(statuses, [201, 201, 201, 429]);
  });

  it('is lifted with the other limits, and by startsPerMinute: null', async () => {
    const unlimited = await startInProcessApi({ limits: false });
    running.push(unlimited);
    const link = await newLink(unlimited, { startsPerMinute: 2 });
    for (let i = 0; i < 5; i++) assert.equal((await start(unlimited, link.token, ATTACKER)).status, 201);
    const api = await limitedApi();
    const uncapped = await newLink(api, { startsPerMinute: null });
    for (let i = 0; i < 10; i++) assert.equal((await start(api, uncapped.token, `127.0.0.${60 + i}`)).status, 201);
  });
});

describe('junk tokens never become counters', () => {
  it('keeps 5,000 starts with 15 KB tokens from 50 addresses out of the limiter: memory grows by less than 20 MB', async (t) => {
    // What reaches the counters, beside the real ones: every key, with its length.
    const seen: string[] = [];
    const watched: CounterBackend = (rule) => {
      const counter = memoryCounters(rule);
      return { hit: (key) => (seen.push(key), counter.hit(key)), check: (key) => (seen.push(key), counter.check(key)) };
    };
    const api = await limitedApi({ limits: createAbuseLimiter({ counters: watched }) });
    const addresses = Array.from({ length: 50 }, (_, i) => `127.0.0.${10 + i}`);
    const junk = (i: number) => `sh_${String(i).padStart(15_000, 'x')}`;
    const gc = runGc();
    gc();
    const before = process.memoryUsage().heapUsed;
    const statuses = new Map<number, number>();
    for (let round = 0; round < 100; round++) {
      const answers = await Promise.all(
        addresses.map((from, i) => send(api.base, 'POST', `/v1/embed/${junk(round * 50 + i)}/sessions`, { from })),
      );
      for (const { status } of answers) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    gc();
    const grownMb = (process.memoryUsage().heapUsed - before) / 1e6;
    t.diagnostic(`heap grew by ${grownMb.toFixed(1)} MB over 5,000 junk starts`);
    assert.deepEqual([...statuses], [[400, 5000]], 'each one invalid-token');
    assert.ok(grownMb < 20, `the heap grew by ${grownMb.toFixed(1)} MB`);
    assert.ok(seen.length >= 5000, 'the lookups limit counted every request');
    assert.ok(
      seen.every((key) => key.length < 60 && !key.includes('xxx')),
      'no counter saw a token that failed its pattern',
    );
  });
});

describe('which address counts', () => {
  it('ignores X-Forwarded-For without trustProxy', async () => {
    const api = await limitedApi();
    const link = await newLink(api);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push((await start(api, link.token, ATTACKER, { 'X-Forwarded-For': `203.0.113.${i}` })).status);
    assert.equal(statuses.at(-1), 429);
  });

  it('with trustProxy counts the proxy-appended (last) X-Forwarded-For entry, never the client-written ones', async () => {
    const api = await limitedApi({ trustProxy: true });
    const link = await newLink(api);
    const statuses: number[] = [];
    // The client writes whatever it likes on the left; the proxy appends the address it saw.
    for (let i = 0; i < 11; i++)
      statuses.push(
        (await start(api, link.token, ATTACKER, { 'X-Forwarded-For': `198.51.100.${i}, 203.0.113.7` })).status,
      );
    assert.equal(statuses.at(-1), 429);
    assert.equal(
      (await start(api, link.token, ATTACKER, { 'X-Forwarded-For': '203.0.113.8' })).status,
      201,
      'another client behind the proxy',
    );
    // One IPv6 subscriber's /64 is one client.
    for (let i = 0; i < 10; i++)
      await start(api, link.token, ATTACKER, { 'X-Forwarded-For': `2001:db8:1:2::${i.toString(16)}` });
    assert.equal(
      (await start(api, link.token, ATTACKER, { 'X-Forwarded-For': '[2001:db8:1:2:ffff::1]:4711' })).status,
      429,
    );
    assert.equal((await start(api, link.token, ATTACKER, { 'X-Forwarded-For': '2001:db8:1:3::1' })).status, 201);
  });
});

describe('a failing limiter store', () => {
  it('lets requests through and says so, rather than refusing every visitor', async () => {
    const failing = {
      hit: () => Promise.reject(new Error('store down')),
      check: () => Promise.reject(new Error('store down')),
    };
    const api = await limitedApi({ limits: createAbuseLimiter({ counters: () => failing }) });
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      assert.equal((await start(api, PLAYER, ATTACKER)).status, 201);
    } finally {
      console.error = original;
    }
    assert.match(String((errors[0] as unknown[])[0]), /abuse limiter failed/);
  });
});

describe('the CLI', () => {
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  after(() => api?.stop());

  it('has the limits on by default, and says so when --no-limits turns them off', async () => {
    api = await startApi({ limits: true });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push(
        (
          await send(api.base, 'POST', `/v1/embed/${PLAYER}/sessions`, {
            headers: { Origin: `https://forged-${i}.example` },
          })
        ).status,
      );
    assert.deepEqual(statuses, [...Array(10).fill(201), 429]);
    await api.stop();
    closeClients();
    api = await startApi({ limits: false });
    for (let i = 0; i < 11; i++)
      assert.equal((await send(api.base, 'POST', `/v1/embed/${PLAYER}/sessions`)).status, 201);
    assert.match(api.output(), /abuse limits are off \(--no-limits\)/);
  });
});
