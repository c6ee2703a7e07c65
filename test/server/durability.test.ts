/**
 * Counting and durability through the real CLI process: concurrency, `--persist`, `kill -9`,
 * and data files that must be refused at start.
 */
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  API_KEY,
  DEMO_DATA,
  LOAD_TEST_ARGS,
  copyOfDemoData,
  createLink,
  runApiToExit,
  startApi,
  type RunningApi,
} from '../../scripts/api-process.ts';

const auth = { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' };
const running: RunningApi[] = [];
after(async () => {
  await Promise.all(running.map((api) => api.stop('SIGKILL')));
});

async function launch(options: Parameters<typeof startApi>[0] = {}) {
  const api = await startApi({ ...options, extra: LOAD_TEST_ARGS });
  running.push(api);
  return api;
}

const startSession = (api: RunningApi, token: string) =>
  fetch(`${api.base}/v1/embed/${token}/sessions`, { method: 'POST', headers: { Origin: 'https://page.example' } }).then(
    async (response) => {
      await response.arrayBuffer();
      return response.status;
    },
  );

const usageCount = async (api: RunningApi, id: string) =>
  ((await (await fetch(`${api.base}/v1/share-links/${id}`, { headers: auth })).json()) as { usageCount: number })
    .usageCount;

describe('concurrent session starts', () => {
  it('grants exactly 10 of 200 concurrent starts on a link with 10 uses left', async () => {
    const api = await launch();
    const link = await createLink(api, { usageLimit: 15 });
    await fetch(`${api.base}/v1/share-links/${link.id}`, {
      method: 'PATCH',
      headers: auth,
      body: JSON.stringify({ usageCount: 5 }),
    });
    const statuses = await Promise.all(Array.from({ length: 200 }, () => startSession(api, link.token)));
    assert.equal(statuses.filter((status) => status === 201).length, 10);
    assert.equal(statuses.filter((status) => status === 403).length, 190);
    assert.equal(await usageCount(api, link.id), 15);
  });

  it('grants exactly 10 with --persist too, where every grant waits for the disk', async () => {
    const api = await launch({ data: await copyOfDemoData(), persist: true });
    const link = await createLink(api, { usageLimit: 10 });
    const statuses = await Promise.all(Array.from({ length: 200 }, () => startSession(api, link.token)));
    assert.equal(statuses.filter((status) => status === 201).length, 10);
    assert.equal(await usageCount(api, link.id), 10);
  });
});

describe('--persist', () => {
  it('loses no granted use when killed with SIGKILL mid-load', async (t) => {
    const data = await copyOfDemoData();
    const api = await launch({ data, persist: true });
    const link = await createLink(api, { usageLimit: null });
    let granted = 0;
    let sent = 0;
    // Keep 20 starts in flight and kill the server while they are still arriving.
    const worker = async () => {
      while (api.process.exitCode === null && api.process.signalCode === null && sent < 2000) {
        sent++;
        const status = await startSession(api, link.token).catch(() => 0);
        if (status === 201) granted++;
      }
    };
    const workers = Array.from({ length: 20 }, worker);
    await new Promise((resolve) => setTimeout(resolve, 600));
    await api.stop('SIGKILL');
    await Promise.all(workers);
    assert.ok(granted > 20, `enough load to mean something (granted ${granted})`);

    const stored = JSON.parse(await readFile(data, 'utf8'));
    const count = stored.shareLinks.find((each: { id: string }) => each.id === link.id).usageCount as number;
    assert.ok(count >= granted, `the file counts ${count} uses, but ${granted} sessions were granted`);
    assert.ok(count <= sent, `the file counts ${count} uses, more than the ${sent} requests sent`);

    t.diagnostic(`granted ${granted} of ${sent} sent before SIGKILL; the file counts ${count}`);
    const restarted = await launch({ data, persist: true });
    assert.equal(await usageCount(restarted, link.id), count);
    const leftovers = (await readdir(dirname(data))).filter((name) => name.includes('.tmp-'));
    assert.deepEqual(leftovers, [], 'the restart removed the interrupted temporary file');
  });

  it('writes creates, updates and deletes back to the file', async () => {
    const data = await copyOfDemoData();
    const api = await launch({ data, persist: true });
    const link = await createLink(api, { usageLimit: 4 });
    await fetch(`${api.base}/v1/share-links/00000000-0000-4000-8000-000000000004`, { method: 'DELETE', headers: auth });
    await api.stop('SIGTERM');
    const stored = JSON.parse(await readFile(data, 'utf8'));
    assert.ok(stored.shareLinks.some((each: { id: string }) => each.id === link.id));
    assert.ok(!stored.shareLinks.some((each: { token: string }) => each.token === 'sh_Disabled4vN8mBwHfJ'));
    assert.match(JSON.stringify(stored.personas), /SECRET-PROMPT/, 'private persona fields survive a rewrite');
  });

  it('leaves the data file alone without --persist', async () => {
    const data = await copyOfDemoData();
    const before = await readFile(data, 'utf8');
    const api = await launch({ data });
    const link = await createLink(api, {});
    assert.equal(await startSession(api, link.token), 201);
    await api.stop();
    assert.equal(await readFile(data, 'utf8'), before);
  });
});

describe('the data file', () => {
  async function withData(
    mutate: (data: { personas: Record<string, unknown>[]; shareLinks: Record<string, unknown>[] }) => unknown,
  ) {
    const file = await copyOfDemoData();
    const data = JSON.parse(await readFile(DEMO_DATA, 'utf8'));
    const replaced = mutate(data);
    const isRaw = typeof replaced === 'object' && replaced !== null && 'raw' in replaced;
    await writeFile(file, isRaw ? (replaced as { raw: string }).raw : JSON.stringify(data));
    return file;
  }

  const cases: [string, Parameters<typeof withData>[0], RegExp][] = [
    ['truncated JSON', () => ({ raw: '{"personas": [' }), /not valid JSON/],
    ['a wrong top-level shape', () => ({ raw: '[]' }), /the file|personas/],
    [
      'a link with a bad date',
      (d) => (d.shareLinks[2]!['expiresAt'] = 'soon'),
      /shareLinks\[2\] \("sh_Expired9pQxYzR4vN8m"\): expiresAt/,
    ],
    [
      'a link with a negative count',
      (d) => (d.shareLinks[4]!['usageCount'] = -1),
      /shareLinks\[4\] \("sh_UsedUp2kL9pQxYzR4v"\): usageCount/,
    ],
    ['a link with a bad token', (d) => (d.shareLinks[0]!['token'] = 'abc'), /shareLinks\[0\] \("abc"\): token/],
    [
      'a link with a path in an origin',
      (d) => (d.shareLinks[6]!['allowedOrigins'] = ['https://shop.example/x']),
      /shareLinks\[6\].*allowedOrigins\.0: "https:\/\/shop\.example\/x" has a path \("\/x"\)/,
    ],
    [
      'a persona with a javascript: image',
      (d) => ((d.personas[1]!['avatar'] as Record<string, unknown>)['imageUrl'] = 'javascript:alert(1)'),
      /personas\[1\] \("Leo"\): avatar\.imageUrl/,
    ],
    [
      'a link to a missing persona',
      (d) => (d.shareLinks[3]!['personaId'] = '00000000-0000-4000-8000-999999999999'),
      /shareLinks\[3\].*names no persona/,
    ],
    [
      'a token used twice',
      (d) => (d.shareLinks[5]!['token'] = d.shareLinks[0]!['token']),
      /shareLinks\[5\].*token is used twice/,
    ],
  ];
  for (const [what, mutate, message] of cases) {
    it(`refuses ${what}, naming the entry, and exits 1`, async () => {
      const { code, output } = await runApiToExit(['--data', await withData(mutate)]);
      assert.equal(code, 1);
      assert.match(output, message);
      assert.doesNotMatch(output, /listening on|at .*\.ts:\d+/, 'no start, no stack trace');
    });
  }

  it('names a missing file and a bad port plainly', async () => {
    const missing = await runApiToExit(['--data', join(DEMO_DATA, '..', 'nope.json')]);
    assert.equal(missing.code, 1);
    assert.match(missing.output, /cannot read .*nope\.json/);
    const port = await runApiToExit(['--port', 'eighty']);
    assert.equal(port.code, 1);
    assert.match(port.output, /--port must be a number/);
  });
});
