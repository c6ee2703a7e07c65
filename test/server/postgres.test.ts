/**
 * The API on PostgreSQL as operators run it (the real CLI, `--database-url`): several processes on
 * one database, seeding from a data file, and a database that is unreachable at start or goes away
 * while the API runs.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startCluster, type Cluster } from '../../scripts/pg-cluster.mjs';
import { verifySessionToken } from '../../server/session-token.ts';
import { signEmbedToken } from '../../src/helpers.ts';
import { altchaPayload, type IssuedChallenge } from '../support/challenge.ts';
import { send } from '../support/http-client.ts';
import { connect, migrate } from '../../server/store/index.ts';
import { MIGRATIONS_DIR } from '../../server/store/migrate.ts';
import {
  API_KEY,
  DEMO_DATA,
  LOAD_TEST_ARGS,
  SESSION_SECRET,
  copyOfDemoData,
  createLink,
  runApiToExit,
  startApi,
  type RunningApi,
} from '../../scripts/api-process.ts';
import { freshDatabase } from '../support/postgres.ts';

const auth = { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' };
const PAGE = 'https://page.example';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const running: RunningApi[] = [];
after(async () => {
  await Promise.all(running.map((api) => api.stop('SIGKILL')));
});

/** Every API process of this file starts here, with the load-test arguments (and abuse limits off unless asked). */
async function launch(databaseUrl: string, options: { data?: string | null; limits?: boolean } = {}) {
  const api = await startApi({
    databaseUrl,
    data: options.data ?? null,
    limits: options.limits,
    extra: LOAD_TEST_ARGS,
  });
  running.push(api);
  return api;
}

const patch = async (api: RunningApi, id: string, changes: Record<string, unknown>) => {
  const response = await fetch(`${api.base}/v1/share-links/${id}`, {
    method: 'PATCH',
    headers: auth,
    body: JSON.stringify(changes),
  });
  assert.equal(response.status, 200);
};

const startSession = (api: RunningApi, token: string) =>
  fetch(`${api.base}/v1/embed/${token}/sessions`, { method: 'POST', headers: { Origin: PAGE } }).then(
    async (response) => {
      await response.arrayBuffer();
      return response.status;
    },
  );

const lookup = async (api: RunningApi, token: string, origin = PAGE) => {
  const response = await fetch(`${api.base}/v1/embed/${token}`, { headers: { Origin: origin } });
  return { status: response.status, error: ((await response.json()) as { error?: string }).error };
};

const usageCount = async (api: RunningApi, id: string) =>
  ((await (await fetch(`${api.base}/v1/share-links/${id}`, { headers: auth })).json()) as { usageCount: number })
    .usageCount;

describe('four API processes on one database', () => {
  let apis: RunningApi[];
  before(async () => {
    // All four start at once on an empty database: they migrate and seed it concurrently.
    const url = await freshDatabase('four');
    apis = await Promise.all(Array.from({ length: 4 }, () => launch(url, { data: DEMO_DATA })));
  });

  it('grant exactly 50 of 500 concurrent starts spread over them, and every process reports 50', async () => {
    const link = await createLink(apis[0]!, { usageLimit: 50 });
    const statuses = await Promise.all(
      Array.from({ length: 500 }, (_, index) => startSession(apis[index % 4]!, link.token)),
    );
    assert.equal(statuses.filter((status) => status === 201).length, 50);
    assert.equal(statuses.filter((status) => status === 403).length, 450);
    assert.deepEqual(await Promise.all(apis.map((api) => usageCount(api, link.id))), [50, 50, 50, 50]);
  });

  it('see a change made through one process at once in the others', async () => {
    const link = await createLink(apis[0]!, { usageLimit: 5 });
    await patch(apis[1]!, link.id, { enabled: false });
    for (const api of apis) {
      assert.deepEqual(await lookup(api, link.token), { status: 403, error: 'disabled' });
      assert.equal(await startSession(api, link.token), 403);
    }
    await patch(apis[2]!, link.id, { enabled: true, allowAllOrigins: false, allowedOrigins: ['https://a.example'] });
    for (const api of apis) {
      assert.deepEqual(await lookup(api, link.token), { status: 403, error: 'origin-not-allowed' });
      assert.equal((await lookup(api, link.token, 'https://a.example')).status, 200);
    }
    assert.equal(
      (await fetch(`${apis[3]!.base}/v1/share-links/${link.id}`, { method: 'DELETE', headers: auth })).status,
      204,
    );
    for (const api of apis) assert.deepEqual(await lookup(api, link.token), { status: 404, error: 'not-found' });
  });

  it('count at least every granted use when one process is killed with SIGKILL under load', async (t) => {
    const link = await createLink(apis[0]!, { usageLimit: null });
    const victim = apis[3]!;
    let granted = 0;
    let sent = 0;
    let stopping = false;
    const alive = (api: RunningApi) => api.process.exitCode === null && api.process.signalCode === null;
    const worker = async (api: RunningApi) => {
      while (!stopping && alive(api)) {
        sent++;
        if ((await startSession(api, link.token).catch(() => 0)) === 201) granted++;
      }
    };
    const workers = apis.flatMap((api) => Array.from({ length: 5 }, () => worker(api)));
    await sleep(800);
    await victim.stop('SIGKILL');
    await sleep(300);
    stopping = true;
    await Promise.all(workers);
    const count = await usageCount(apis[0]!, link.id);
    assert.ok(granted > 40, `enough load to mean something (granted ${granted})`);
    assert.ok(count >= granted, `the database counts ${count} uses, but ${granted} sessions were granted`);
    assert.ok(count <= sent, `the database counts ${count} uses, more than the ${sent} starts sent`);
    t.diagnostic(`granted ${granted} of ${sent} sent; the database counts ${count}`);
  });
});

describe('abuse limits across processes on one database', () => {
  it('hold for one client whichever process it reaches: 10 starts per link, then 429 from all of them', async () => {
    const url = await freshDatabase('limits');
    // Limits on, as in production; the two processes share only the database.
    const apis = await Promise.all([0, 1].map(() => startApi({ databaseUrl: url, data: DEMO_DATA, limits: true })));
    running.push(...apis);
    const link = await createLink(apis[0]!, { usageLimit: 1000 });
    const statuses = await Promise.all(
      Array.from({ length: 30 }, (_, index) => startSession(apis[index % 2]!, link.token)),
    );
    assert.equal(
      statuses.filter((status) => status === 201).length,
      10,
      `one client gets 10 starts in all: ${statuses.join(' ')}`,
    );
    assert.equal(statuses.filter((status) => status === 429).length, 20);
    assert.deepEqual(await Promise.all(apis.map((api) => usageCount(api, link.id))), [10, 10]);
  });
});

describe('the protections across two processes on one database', () => {
  let apis: RunningApi[];
  before(async () => {
    const url = await freshDatabase('protect');
    apis = await Promise.all([0, 1].map(() => launch(url, { data: DEMO_DATA, limits: true })));
  });
  const startFrom = (
    api: RunningApi,
    token: string,
    from: string,
    options: { query?: string; headers?: Record<string, string> } = {},
  ) =>
    send(api.base, 'POST', `/v1/embed/${token}/sessions${options.query ?? ''}`, {
      from,
      headers: { Origin: PAGE, ...options.headers },
    });

  it('velocity cap: 20 of 100 starts from 100 addresses, whichever process they reach', async () => {
    const link = await createLink(apis[0]!, { startsPerMinute: 20 });
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => startFrom(apis[i % 2]!, link.token, `127.0.3.${10 + i}`)),
    );
    assert.equal(answers.filter((answer) => answer.status === 201).length, 20);
    assert.ok(answers.filter((answer) => answer.status !== 201).every((answer) => answer.status === 429));
    assert.deepEqual(await Promise.all(apis.map((api) => usageCount(api, link.id))), [20, 20]);
  });

  it('signed embeds: a key made through one process signs for both; each jti starts one session across them', async () => {
    const link = await createLink(apis[0]!, { requireSignedEmbed: true });
    const key = (await (
      await fetch(`${apis[1]!.base}/v1/share-links/${link.id}/signing-key`, { method: 'POST', headers: auth })
    ).json()) as { signingKey: string };
    const embedToken = await signEmbedToken(key.signingKey, { token: link.token, origin: PAGE });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        startFrom(apis[i % 2]!, link.token, `127.0.4.${10 + i}`, { query: `?embedToken=${embedToken}` }),
      ),
    );
    assert.equal(answers.filter((answer) => answer.status === 201).length, 1);
    assert.ok(
      answers
        .filter((answer) => answer.status !== 201)
        .every((answer) => answer.json()['error'] === 'signature-invalid'),
    );
    assert.equal((await startFrom(apis[1]!, link.token, '127.0.4.99')).json()['error'], 'signature-required');
  });

  it('proofs of work: a challenge from one process is solved once for both', async () => {
    const link = await createLink(apis[0]!, { challenge: 'proof-of-work' });
    const issued = (
      await send(apis[0]!.base, 'GET', `/v1/embed/${link.token}/challenge`, { headers: { Origin: PAGE } })
    ).json();
    const solution = altchaPayload(issued as unknown as IssuedChallenge);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        startFrom(apis[i % 2]!, link.token, `127.0.5.${10 + i}`, { headers: { 'X-Share-Link-Challenge': solution } }),
      ),
    );
    assert.equal(answers.filter((answer) => answer.status === 201).length, 1);
    assert.ok(
      answers
        .filter((answer) => answer.status !== 201)
        .every((answer) => answer.json()['error'] === 'challenge-failed'),
    );
  });
});

describe('migrations', () => {
  it('apply once when several pools migrate a new database at once, and are idempotent', async () => {
    const url = await freshDatabase('migrate');
    const pools = Array.from({ length: 4 }, () => connect(url, { poolSize: 1 }));
    try {
      const applied = await Promise.all(pools.map((sql) => migrate(sql)));
      // Every file of server/migrations/, once, in order.
      const files = (await readdir(MIGRATIONS_DIR)).filter((name) => name.endsWith('.sql')).sort();
      assert.ok(files.includes('001_init.sql') && files.length >= 2);
      assert.deepEqual(applied.flat(), files);
      assert.deepEqual(await migrate(pools[0]!), []);
      const [table] = await pools[0]!`SELECT count(*)::int AS n FROM share_link_migrations`;
      assert.equal(table!['n'], files.length);
    } finally {
      await Promise.all(pools.map((sql) => sql.end()));
    }
  });
});

describe('seeding with --data', () => {
  it('inserts missing ids, leaves existing rows alone and never resets a count, however often it runs', async () => {
    const url = await freshDatabase('seed');
    const first = await launch(url, { data: DEMO_DATA });
    const threeUses = '00000000-0000-4000-8000-000000000011';
    const before = await usageCount(first, threeUses);
    assert.equal(await startSession(first, 'sh_ThreeUses7kL9pQxYz'), 201);
    await patch(first, '00000000-0000-4000-8000-000000000009', { removeWatermark: false });
    await first.stop();

    const file = await copyOfDemoData();
    const data = JSON.parse(await readFile(file, 'utf8'));
    const added = { ...data.shareLinks[0], id: randomUUID(), token: 'sh_AddedLater0000000', isPrimary: false };
    data.shareLinks.push(added);
    data.shareLinks[10].usageCount = 0;
    await writeFile(file, JSON.stringify(data));
    const [second, third] = await Promise.all([launch(url, { data: file }), launch(url, { data: file })]);
    for (const api of [second, third]) {
      assert.equal(await usageCount(api, threeUses), before + 1, 'the count is not reset');
      const kept = await (
        await fetch(`${api.base}/v1/share-links/00000000-0000-4000-8000-000000000009`, { headers: auth })
      ).json();
      assert.equal(kept.removeWatermark, false, 'an existing row is left as it is');
      assert.equal((await lookup(api, added.token)).status, 200, 'a missing id is inserted');
    }
    const list = await (await fetch(`${second.base}/v1/share-links?perPage=100`, { headers: auth })).json();
    assert.equal(list.meta.total, 13);

    // The private persona fields are in the database, where only the management API reads them.
    const sql = connect(url, { poolSize: 1 });
    try {
      const [row] =
        await sql`SELECT data->'brain'->>'systemPrompt' AS prompt FROM personas WHERE id = ${'3f6c2a91-8d4e-4b7a-a1c5-2e9f0b8d7c61'}`;
      assert.match(String(row!['prompt']), /SECRET-PROMPT/);
    } finally {
      await sql.end();
    }
  });

  it('refuses an entry whose token belongs to another id in the database, naming it, and inserts nothing', async () => {
    const url = await freshDatabase('conflict');
    await (await launch(url, { data: DEMO_DATA })).stop();
    const file = await copyOfDemoData();
    const data = JSON.parse(await readFile(file, 'utf8'));
    const newcomer = { ...data.shareLinks[0], id: randomUUID(), token: 'sh_Newcomer000000000', isPrimary: false };
    data.shareLinks.unshift(newcomer);
    data.shareLinks[5].id = randomUUID(); // shareLinks[5] is now sh_UsedUp2kL9pQxYzR4v, with an id the database does not know
    await writeFile(file, JSON.stringify(data));
    const { code, output } = await runApiToExit(['--database-url', url, '--data', file], {
      SHARE_LINK_SESSION_SECRET: SESSION_SECRET,
    });
    assert.equal(code, 1);
    assert.match(
      output,
      /shareLinks\[5\] \("sh_UsedUp2kL9pQxYzR4v"\): the token belongs to share link 00000000-0000-4000-8000-000000000005 in the database/,
    );
    assert.doesNotMatch(output, /listening on|at .*\.ts:\d+/, 'no start, no stack trace');
    const api = await launch(url);
    assert.equal((await lookup(api, newcomer.token)).status, 404, 'nothing of the file was inserted');
  });
});

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('an unreachable database at start', () => {
  it('stops the API with one line naming the host and the error, exit 1, no stack trace; DATABASE_URL alike', async () => {
    const url = `postgres://postgres:hunter2@127.0.0.1:${await closedPort()}/nowhere`;
    const secret = { SHARE_LINK_SESSION_SECRET: SESSION_SECRET };
    const [misused, ...runs] = await Promise.all([
      runApiToExit(['--database-url', url, '--persist'], secret),
      runApiToExit(['--database-url', url], secret),
      runApiToExit([], { DATABASE_URL: url, ...secret }),
    ]);
    assert.equal(misused!.code, 1);
    assert.match(misused!.output, /^share-link-api: --persist is for the embedded store/);
    for (const { code, output } of runs) {
      assert.equal(code, 1);
      assert.equal(output.trim().split('\n').length, 1, output);
      assert.match(
        output,
        new RegExp(
          `^share-link-api: cannot reach PostgreSQL at 127\\.0\\.0\\.1:${new URL(url).port}/nowhere: .*ECONNREFUSED`,
        ),
      );
      assert.doesNotMatch(output, /hunter2/, 'never the password');
    }
  });
});

describe('the session secret on PostgreSQL', () => {
  it('is required: processes that share a database must share it (one line, exit 1, before connecting)', async () => {
    const url = `postgres://postgres@127.0.0.1:${await closedPort()}/nowhere`;
    for (const run of [runApiToExit(['--database-url', url]), runApiToExit([], { DATABASE_URL: url })]) {
      const { code, output } = await run;
      assert.equal(code, 1, output);
      assert.equal(output.trim().split('\n').length, 1, output);
      assert.match(
        output,
        /^share-link-api: PostgreSQL \(--database-url\), whose processes must share one, needs a session secret: set SHARE_LINK_SESSION_SECRET/,
      );
    }
  });

  it("lets two processes verify each other's tokens", async () => {
    const url = await freshDatabase('secret');
    const [first, second] = await Promise.all([launch(url, { data: DEMO_DATA }), launch(url)]);
    const started = await fetch(`${first.base}/v1/embed/sh_2kL9pQxYzR4vN8mBwHfJc/sessions`, { method: 'POST' });
    const { sessionToken } = (await started.json()) as { sessionToken: string };
    assert.equal(verifySessionToken(sessionToken, SESSION_SECRET).valid, true);
    assert.ok(second.base);
  });
});

describe('a database that goes away while the API runs', () => {
  let cluster: Cluster;
  let api: RunningApi;
  before(async () => {
    cluster = await startCluster({ fast: true });
    api = await launch(cluster.url, { data: DEMO_DATA });
  });
  after(() => cluster.stop());

  const untilServed = async (token: string, why: string) => {
    const deadline = Date.now() + 20_000;
    while ((await fetch(`${api.base}/v1/embed/${token}`)).status !== 200) {
      assert.ok(Date.now() < deadline, why);
      await sleep(200);
    }
  };

  it('stopped: lookups, starts and management answer 503 at once, then recover by themselves, counting nothing twice', async () => {
    const link = await createLink(api, { usageLimit: 100 });
    assert.equal(await startSession(api, link.token), 201);

    await cluster.stopServer();
    const answers = await Promise.all([
      ...Array.from({ length: 10 }, () =>
        timed(() => fetch(`${api.base}/v1/embed/${link.token}`, { headers: { Origin: PAGE } })),
      ),
      ...Array.from({ length: 10 }, () =>
        timed(() =>
          fetch(`${api.base}/v1/embed/${link.token}/sessions`, { method: 'POST', headers: { Origin: PAGE } }),
        ),
      ),
      timed(() => fetch(`${api.base}/v1/share-links/${link.id}`, { headers: auth })),
    ]);
    for (const [index, { response, body, ms }] of answers.entries()) {
      assert.equal(response.status, 503);
      assert.equal(body.error, 'server');
      if (index < 20)
        assert.equal(response.headers.get('access-control-allow-origin'), PAGE, 'the widget can read why');
      assert.ok(ms < 10_000, `answered in ${ms} ms, not left hanging`);
    }

    await cluster.startServer();
    await untilServed(link.token, 'the API recovers once the database is back');
    assert.equal(await startSession(api, link.token), 201);
    assert.equal(await usageCount(api, link.id), 2, 'the starts refused during the outage counted nothing');
    assert.match(api.output(), /store unavailable: .*ECONNREFUSED|store unavailable: .*terminat/);
  });

  it('hung (connections open, nothing answers): 503 within the query deadline, then recovery, counting nothing', async () => {
    const link = await createLink(api, { usageLimit: 100 });
    assert.equal(await startSession(api, link.token), 201);
    const answers = await whileFrozen(cluster, api, link.token, 5);
    for (const { response, body, ms } of answers) {
      assert.equal(response.status, 503);
      assert.equal(body.error, 'server');
      assert.ok(ms < 20_000, `answered in ${ms} ms, not left hanging`);
    }
    await untilServed(link.token, 'the API recovers once the database answers again');
    assert.equal(await usageCount(api, link.id), 1, 'the starts refused while it hung counted nothing');
    assert.match(api.output(), /store unavailable: .*(did not answer within 5000 ms|CONNECT_TIMEOUT)/);
  });
});

describe('a database that hangs under an API with abuse limits on', () => {
  let cluster: Cluster;
  let api: RunningApi;
  before(async () => {
    cluster = await startCluster({ fast: true });
    api = await launch(cluster.url, { data: DEMO_DATA, limits: true });
  });
  after(() => cluster.stop());

  it("answers every lookup and start 503 within the store deadline (5 s) + 1 s: the limits' queries share it", async (t) => {
    const link = await createLink(api, { usageLimit: 100 });
    assert.equal(await startSession(api, link.token), 201);
    const answers = await whileFrozen(cluster, api, link.token, 4);
    t.diagnostic(`answered in ${answers.map(({ ms }) => ms).join(', ')} ms`);
    for (const { response, body, ms } of answers) {
      assert.equal(response.status, 503);
      assert.equal(body.error, 'server');
      assert.ok(ms <= 6_000, `answered in ${ms} ms`);
    }
  });
});

/** `count` lookups and `count` starts of `token`, sent while the database hangs (frozen), each timed. */
async function whileFrozen(cluster: Cluster, api: RunningApi, token: string, count: number) {
  cluster.freeze();
  try {
    return await Promise.all([
      ...Array.from({ length: count }, () =>
        timed(() => fetch(`${api.base}/v1/embed/${token}`, { headers: { Origin: PAGE } })),
      ),
      ...Array.from({ length: count }, () =>
        timed(() => fetch(`${api.base}/v1/embed/${token}/sessions`, { method: 'POST', headers: { Origin: PAGE } })),
      ),
    ]);
  } finally {
    cluster.thaw();
  }
}

async function timed(request: () => Promise<Response>) {
  const started = Date.now();
  const response = await request();
  const body = (await response.json()) as { error?: string };
  return { response, body, ms: Date.now() - started };
}
