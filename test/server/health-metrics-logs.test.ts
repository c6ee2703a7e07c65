/**
 * Health, metrics and request logs (docs/operators.md), through the real CLI where the flag is
 * the feature: `/healthz` and `/readyz` (503 while PostgreSQL is frozen, 200 once it is back);
 * Prometheus metrics only on `--metrics-port`, on the `--host` address, never on the public port;
 * one JSON log line per request with its request id, tokens shortened, keys and secrets never.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loggedTarget } from '../../server/middleware/request-log.ts';
import { PostgresStore, loadDataFile } from '../../server/store/index.ts';
import { DEMO_DATA, startApi, type RunningApi } from '../../scripts/api-process.ts';
import { startInProcessApi } from '../support/api-inprocess.ts';
import { freshDatabase, testCluster } from '../support/postgres.ts';

const PLAYER = 'sh_2kL9pQxYzR4vN8mBwHfJc';
const RESTRICTED = 'sh_OriginNo3xYzR4vN8m';
const PAGE = 'https://page.example';
const KEY = 'mgmt-key-that-must-never-be-logged-4f1d';
const WEBHOOK_SECRET = `whsec_${Buffer.from('a webhook secret never in a log!').toString('base64')}`;

describe('the API with metrics, request logs and webhooks on', () => {
  let api: RunningApi;
  let metricsUrl: string;
  const sent: { requestId: string; sessionToken?: string }[] = [];
  before(async () => {
    api = await startApi({
      apiKey: null,
      limits: true,
      extra: ['--metrics-port', '0'],
      env: {
        SHARE_LINK_API_KEY: KEY,
        // Nothing listens there: attempts fail, and the outbox holds the events.
        SHARE_LINK_WEBHOOK_URL: 'http://127.0.0.1:9/hooks?token=receiver-secret-in-query',
        SHARE_LINK_WEBHOOK_SECRET: WEBHOOK_SECRET,
      },
    });
    metricsUrl = /metrics on (http:\/\/\S+)/.exec(api.output())![1]!;
    const call = async (path: string, init: RequestInit = {}) => {
      const response = await fetch(`${api.base}${path}`, init);
      const body = await response.text();
      const sessionToken = /"sessionToken":"([^"]+)"/.exec(body)?.[1];
      sent.push({ requestId: response.headers.get('x-request-id')!, ...(sessionToken && { sessionToken }) });
      return response.status;
    };
    assert.equal(await call(`/v1/embed/${PLAYER}`, { headers: { Origin: PAGE } }), 200);
    assert.equal(await call(`/v1/embed/${RESTRICTED}`, { headers: { Origin: PAGE } }), 403);
    assert.equal(await call(`/v1/embed/${PLAYER}/sessions`, { method: 'POST', headers: { Origin: PAGE } }), 201);
    assert.equal(await call(`/v1/share-links?search=${PLAYER}`, { headers: { Authorization: `Bearer ${KEY}` } }), 200);
    assert.equal(await call('/v1/share-links', { headers: { Authorization: 'Bearer a-wrong-key-also-secret' } }), 401);
    assert.equal(await call('/healthz', { headers: { 'X-Request-Id': 'lb-probe-42' } }), 200);
    assert.equal(await call('/readyz'), 200);
  });
  after(() => api.stop());

  it('serves metrics on their own port of the --host address, and not on the public one', async () => {
    assert.match(metricsUrl, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    assert.notEqual(new URL(metricsUrl).port, new URL(api.base).port);
    assert.equal((await fetch(`${api.base}/metrics`)).status, 404);
    assert.equal((await fetch(new URL('/other', metricsUrl))).status, 404);
  });

  it('counts requests by route and status, lookups and sessions by outcome, limiter decisions, store latency, the outbox', async () => {
    const response = await fetch(metricsUrl);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const value = (series: string) => {
      const line = text.split('\n').find((each) => each.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    assert.equal(value('share_link_http_requests_total{route="/v1/embed/:token",method="GET",status="200"}'), 1);
    assert.equal(value('share_link_http_requests_total{route="/v1/embed/:token",method="GET",status="403"}'), 1);
    assert.equal(
      value('share_link_http_requests_total{route="/v1/embed/:token/sessions",method="POST",status="201"}'),
      1,
    );
    assert.equal(value('share_link_http_request_duration_seconds_count{route="/v1/embed/:token",method="GET"}'), 2);
    assert.equal(value('share_link_lookups_total{result="served"}'), 1);
    assert.equal(value('share_link_lookups_total{result="origin-not-allowed"}'), 1);
    assert.equal(value('share_link_sessions_total{result="granted"}'), 1);
    assert.equal(value('share_link_limiter_decisions_total{limit="lookup",decision="allowed"}'), 3);
    assert.equal(value('share_link_limiter_decisions_total{limit="session-start",decision="allowed"}'), 1);
    assert.ok(value('share_link_store_operation_duration_seconds_count{operation="resolve"}')! >= 3);
    assert.equal(value('share_link_webhook_outbox_depth'), 1, 'the start queued conversation.started');
    assert.equal(value('share_link_conversations_live'), 0);
    assert.ok(value('nodejs_eventloop_lag_seconds')! >= 0, "Node's own metrics");
  });

  /** The request lines written so far (they are written in batches, at least every 250 ms). */
  const logLines = () =>
    api
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'));

  it('logs one JSON line per request, with the request id it answered', async () => {
    while (logLines().length < sent.length) await new Promise((resolve) => setTimeout(resolve, 50));
    const lines = api
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      // The requests made before the tests; the metrics test adds its own after them.
      .slice(0, sent.length);
    assert.deepEqual(
      lines.map((line) => line['requestId']),
      sent.map((request) => request.requestId),
    );
    assert.equal(sent.at(-2)!.requestId, 'lb-probe-42', "a proxy's or balancer's id is kept");
    assert.deepEqual(
      lines.map((line) => [line['method'], line['path'], line['status']]),
      [
        ['GET', '/v1/embed/sh_2kL9…', 200],
        ['GET', '/v1/embed/sh_Orig…', 403],
        ['POST', '/v1/embed/sh_2kL9…/sessions', 201],
        ['GET', '/v1/share-links?search=sh_2kL9…', 200],
        ['GET', '/v1/share-links', 401],
        ['GET', '/healthz', 200],
        ['GET', '/readyz', 200],
      ],
    );
    assert.equal(lines[0]!['origin'], PAGE);
    assert.ok(lines.every((line) => typeof line['ms'] === 'number' && typeof line['time'] === 'number'));
  });

  it('never logs a token whole, a key or a secret', () => {
    const output = api.output();
    const sessionToken = sent.find((request) => request.sessionToken)!.sessionToken!;
    for (const secret of [
      PLAYER,
      RESTRICTED,
      sessionToken,
      sessionToken.slice(3, 40),
      KEY,
      'a-wrong-key-also-secret',
      WEBHOOK_SECRET,
      WEBHOOK_SECRET.slice(6),
      'receiver-secret-in-query',
    ])
      assert.ok(!output.includes(secret), `the output holds ${secret.slice(0, 12)}…`);
  });
});

describe('the API without the flags', () => {
  it('serves no metrics and, with --no-request-log, logs no requests', async () => {
    const api = await startApi({ extra: ['--no-request-log'] });
    try {
      assert.equal((await fetch(`${api.base}/v1/embed/${PLAYER}`)).status, 200);
      assert.equal((await fetch(`${api.base}/healthz`)).status, 200);
      assert.doesNotMatch(api.output(), /metrics on/);
      assert.doesNotMatch(api.output(), /^\{/m);
    } finally {
      await api.stop();
    }
  });

  it('refuses a bad --metrics-port, and webhook settings that do not fit, with one line', async () => {
    const { runApiToExit } = await import('../../scripts/api-process.ts');
    const badPort = await runApiToExit(['--data', DEMO_DATA, '--metrics-port', 'abc']);
    assert.equal(badPort.code, 1);
    assert.match(badPort.output, /--metrics-port must be a number from 0 to 65535, not "abc"/);
    const noSecret = await runApiToExit(['--data', DEMO_DATA], { SHARE_LINK_WEBHOOK_URL: 'https://crm.example/hook' });
    assert.equal(noSecret.code, 1);
    assert.match(noSecret.output, /SHARE_LINK_WEBHOOK_URL needs SHARE_LINK_WEBHOOK_SECRET/);
  });
});

describe('readiness', () => {
  it('answers 503 within its deadline while PostgreSQL does not answer, and 200 once it does', async () => {
    const cluster = await testCluster();
    const store = await PostgresStore.open(await freshDatabase('ready'), {
      seed: { data: await loadDataFile(DEMO_DATA), file: DEMO_DATA },
    });
    const api = await startInProcessApi({ store });
    const quiet = console.error;
    try {
      assert.deepEqual(await (await fetch(`${api.base}/readyz`)).json(), { status: 'ready' });
      cluster.freeze();
      console.error = () => undefined;
      const started = performance.now();
      const response = await fetch(`${api.base}/readyz`);
      const waited = performance.now() - started;
      assert.equal(response.status, 503);
      assert.equal(((await response.json()) as { error: string }).error, 'server');
      assert.ok(waited < 4000, `answered within the deadline, not the store's own (${Math.round(waited)} ms)`);
      assert.equal((await fetch(`${api.base}/healthz`)).status, 200, 'the process still serves');
      cluster.thaw();
      console.error = quiet;
      let status = 0;
      for (let tries = 0; tries < 50 && status !== 200; tries++) status = (await fetch(`${api.base}/readyz`)).status;
      assert.equal(status, 200);
    } finally {
      console.error = quiet;
      cluster.thaw();
      await api.close();
      await store.close();
    }
  });
});

describe('what a log line keeps of a URL', () => {
  it('cuts tokens and long opaque values to their first characters, and keeps ids whole', () => {
    const cases: [string, string][] = [
      ['http://api/v1/embed/sh_2kL9pQxYzR4vN8mBwHfJc', '/v1/embed/sh_2kL9…'],
      ['http://api/v1/embed/sh_abc', '/v1/embed/sh_abc'],
      ['http://api/v1/engines/scripted?session=st_eyJhbGciOi.x.y', '/v1/engines/scripted?session=st_eyJh…'],
      ['http://api/c/Zk3J9xQ2mB7vL0pT4rW8yN1cH6', '/c/Zk3J…'],
      [
        'http://api/v1/share-links/00000000-0000-4000-8000-000000000001',
        '/v1/share-links/00000000-0000-4000-8000-000000000001',
      ],
      ['http://api/v1/analytics?from=2026-06-01&groupBy=origin', '/v1/analytics?from=2026-06-01&groupBy=origin'],
      ['http://api/', '/'],
    ];
    for (const [url, logged] of cases) assert.equal(loggedTarget(url), logged, url);
  });
});
