/**
 * Webhooks (server/webhooks.ts, docs/operators.md) on each store, against a real receiver on
 * loopback, with a pinned clock: a receiver that is down, slow, answers 500, then recovers gets
 * the event with one `webhook-id`, signed as Standard Webhooks says (checked with its library),
 * on the retry schedule, for more than 24 hours; deliveries are listed; on PostgreSQL, dispatchers
 * on many connections deliver each event once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import type { ConversationEvent } from '../../server/observers.ts';
import { EmbeddedStore, PostgresStore, loadDataFile, type ShareLinkStore } from '../../server/store/index.ts';
import {
  RETRY_SCHEDULE_MS,
  createWebhookDispatcher,
  webhookConfigFromEnv,
  webhookEvent,
  type WebhookDispatcher,
} from '../../server/webhooks.ts';
import { DEMO_DATA } from '../../scripts/api-process.ts';
import { auth, startInProcessApi, type InProcessApi } from '../support/api-inprocess.ts';
import { freshDatabase } from '../support/postgres.ts';
import { startReceiver, type Receiver, type Received } from '../support/webhook-receiver.ts';

const SECRET = `whsec_${Buffer.from('a webhook secret of 32 bytes!!!!').toString('base64')}`;
const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const PLAYER = 'sh_2kL9pQxYzR4vN8mBwHfJc';
const CARA_LINK = '00000000-0000-4000-8000-000000000001';
const CARA = '3f6c2a91-8d4e-4b7a-a1c5-2e9f0b8d7c61';
const PAGE = 'https://page.example';
const HOUR = 3_600_000;

/** The signature the Standard Webhooks library computes for what the receiver got. */
function signedAsTheSpecificationSays(received: Received): boolean {
  const expected = new Webhook(SECRET).sign(received.id, new Date(Number(received.timestamp) * 1000), received.body);
  return received.signature === expected;
}

interface Attempt {
  webhookId: string;
  type: string;
  attempt: number;
  at: string;
  status: number | null;
  error: string | null;
  outcome: string;
  nextAttemptAt: string | null;
}

const BACKENDS: { name: string; open: () => Promise<ShareLinkStore> }[] = [
  { name: 'embedded', open: async () => new EmbeddedStore(await loadDataFile(DEMO_DATA)) },
  {
    name: 'PostgreSQL',
    open: async () =>
      PostgresStore.open(await freshDatabase('webhooks'), {
        seed: { data: await loadDataFile(DEMO_DATA), file: DEMO_DATA },
      }),
  },
];

for (const backend of BACKENDS) {
  describe(`webhooks on the ${backend.name} store`, () => {
    const clock = { now: NOW };
    let receiver: Receiver;
    let dispatcher: WebhookDispatcher;
    let api: InProcessApi<ShareLinkStore>;
    before(async () => {
      receiver = await startReceiver();
      const store = await backend.open();
      dispatcher = createWebhookDispatcher({
        store,
        config: { url: receiver.url, secret: SECRET, timeoutMs: 300 },
        now: () => clock.now,
      });
      api = await startInProcessApi({
        store,
        serverTime: () => clock.now,
        webhooks: { dispatcher, url: receiver.url },
      });
    });
    after(async () => {
      await api.close();
      await dispatcher.stop();
      await api.store.close();
      await receiver.close();
    });

    const deliveries = async (): Promise<{ data: Attempt[]; meta: Record<string, unknown> }> =>
      (await fetch(`${api.base}/v1/webhooks/deliveries?perPage=100`, { headers: auth })).json();

    it('gets through a receiver that is down, slow, failing, then well: one webhook-id, signed, on the schedule', async () => {
      receiver.received.length = 0;
      await receiver.down();
      const started = await fetch(`${api.base}/v1/embed/${PLAYER}/sessions`, {
        method: 'POST',
        headers: { Origin: PAGE },
      });
      assert.equal(started.status, 201);
      const { usageCount } = (await started.json()) as { usageCount: number };

      assert.equal(await dispatcher.runOnce(), 1, 'down: refused');
      let [last] = (await deliveries()).data;
      assert.equal(last!.outcome, 'retrying');
      assert.match(last!.error!, /ECONNREFUSED/);
      assert.equal(last!.nextAttemptAt, new Date(NOW + RETRY_SCHEDULE_MS[0]).toISOString());
      clock.now += RETRY_SCHEDULE_MS[0] - 1;
      assert.equal(await dispatcher.runOnce(), 0, 'nothing before the retry is due');

      clock.now += 1;
      await receiver.up();
      receiver.mode = { answer: 'slow', delayMs: 2000 };
      assert.equal(await dispatcher.runOnce(), 1, 'slow: timed out');
      [last] = (await deliveries()).data;
      assert.deepEqual([last!.attempt, last!.status, last!.error], [2, null, 'no answer within 300 ms']);

      clock.now += RETRY_SCHEDULE_MS[1];
      receiver.mode = { answer: 'fail' };
      assert.equal(await dispatcher.runOnce(), 1, 'failing: 500');
      [last] = (await deliveries()).data;
      assert.deepEqual([last!.attempt, last!.status, last!.outcome], [3, 500, 'retrying']);

      clock.now += RETRY_SCHEDULE_MS[2];
      receiver.mode = { answer: 'ok' };
      assert.equal(await dispatcher.runOnce(), 1, 'well: delivered');
      const listed = await deliveries();
      assert.deepEqual(
        listed.data.map((attempt) => [attempt.attempt, attempt.outcome]),
        [
          [4, 'delivered'],
          [3, 'retrying'],
          [2, 'retrying'],
          [1, 'retrying'],
        ],
      );
      assert.equal(listed.meta['pending'], 0);
      assert.equal(listed.meta['url'], receiver.url);
      assert.equal(await dispatcher.runOnce(), 0, 'delivered once');

      // The receiver saw the slow, the failing and the delivered attempt: one id, each signed.
      const ids = new Set(receiver.received.map((request) => request.id));
      assert.deepEqual([...ids], [last!.webhookId]);
      assert.equal(receiver.received.length, 3);
      assert.ok(receiver.received.every(signedAsTheSpecificationSays));
      assert.deepEqual(
        receiver.received.map((request) => Number(request.timestamp)),
        [NOW + 5000, NOW + 5000 + 300_000, NOW + 5000 + 300_000 + 1_800_000].map((at) => Math.floor(at / 1000)),
        'webhook-timestamp is the attempt time',
      );
      const conversationStarted = JSON.parse(receiver.received[2]!.body);
      // The conversation the start created (docs/conversations.md), named by its record's id.
      assert.match(conversationStarted.data.conversationId, /^[0-9a-f-]{36}$/);
      assert.deepEqual(conversationStarted, {
        type: 'conversation.started',
        timestamp: new Date(NOW).toISOString(),
        data: {
          conversationId: conversationStarted.data.conversationId,
          shareLinkId: CARA_LINK,
          personaId: CARA,
          origin: PAGE,
          usageCount,
          startedAt: new Date(NOW).toISOString(),
        },
      });
    });

    it('retries for more than 24 hours, then gives up; conversation.ended carries the transcript', async () => {
      receiver.received.length = 0;
      receiver.mode = { answer: 'fail' };
      const ended = {
        type: 'conversation-ended',
        at: clock.now,
        origin: PAGE,
        conversation: {
          id: '7d0b1c4e-2f57-4a61-9a43-5b8e2c6d1f90',
          shareLinkId: CARA_LINK,
          personaId: CARA,
          origin: PAGE,
          startedAt: new Date(clock.now - 95_000).toISOString(),
          endedAt: new Date(clock.now).toISOString(),
          endReason: 'visitor',
          engine: 'scripted',
          takenOver: false,
          turns: 1,
          transcriptStatus: 'recorded',
        },
        durationSeconds: 95,
        transcript: [{ role: 'visitor', text: 'Where is my order?', at: new Date(clock.now - 60_000).toISOString() }],
      } satisfies ConversationEvent;
      const first = clock.now;
      dispatcher.observe(ended);
      // Queued as the event is reported: wait until the outbox has it.
      while ((await api.store.webhookBacklog()) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      for (let attempt = 1; attempt <= RETRY_SCHEDULE_MS.length + 1; attempt++) {
        assert.equal(await dispatcher.runOnce(), 1, `attempt ${attempt}`);
        const [last] = (await deliveries()).data;
        assert.equal(last!.attempt, attempt);
        if (last!.nextAttemptAt) clock.now = Date.parse(last!.nextAttemptAt);
      }
      const [last] = (await deliveries()).data;
      assert.deepEqual([last!.outcome, last!.nextAttemptAt], ['failed', null]);
      assert.ok(Date.parse(last!.at) - first >= 24 * HOUR, 'the last attempt is more than 24 h after the first');
      clock.now += 100 * HOUR;
      assert.equal(await dispatcher.runOnce(), 0);
      assert.equal(await api.store.webhookBacklog(), 0);
      assert.equal(receiver.received.length, RETRY_SCHEDULE_MS.length + 1);
      assert.equal(new Set(receiver.received.map((request) => request.id)).size, 1);
      const body = JSON.parse(receiver.received[0]!.body);
      assert.equal(body.type, 'conversation.ended');
      assert.deepEqual(body.data, {
        conversationId: ended.conversation.id,
        shareLinkId: CARA_LINK,
        personaId: CARA,
        origin: PAGE,
        startedAt: new Date(first - 95_000).toISOString(),
        endedAt: new Date(first).toISOString(),
        endReason: 'visitor',
        durationSeconds: 95,
        transcript: ended.transcript,
      });
      receiver.mode = { answer: 'ok' };
    });

    it('lists deliveries for the key holder only, paged', async () => {
      assert.equal((await fetch(`${api.base}/v1/webhooks/deliveries`)).status, 401);
      const page = await (await fetch(`${api.base}/v1/webhooks/deliveries?perPage=2&page=2`, { headers: auth })).json();
      assert.equal(page.data.length, 2);
      assert.deepEqual([page.meta.currentPage, page.meta.perPage, page.meta.prev], [2, 2, 1]);
      const bad = await fetch(`${api.base}/v1/webhooks/deliveries?perPage=500`, { headers: auth });
      assert.equal(bad.status, 400);
      assert.equal((await bad.json()).field, 'perPage');
    });
  });
}

describe('webhooks across processes (PostgreSQL)', () => {
  it('many dispatchers on one database deliver each event once', async () => {
    const url = await freshDatabase('webhooks_many');
    const receiver = await startReceiver();
    receiver.mode = { answer: 'slow', delayMs: 20 };
    const stores = await Promise.all(Array.from({ length: 3 }, () => PostgresStore.open(url)));
    try {
      const dispatchers = stores.map((store) =>
        createWebhookDispatcher({ store, config: { url: receiver.url, secret: SECRET }, now: () => NOW }),
      );
      const events = Array.from({ length: 45 }, (_, i) =>
        webhookEvent('share-link.usage-limit-reached', NOW, { shareLinkId: `link-${i}` }),
      );
      for (const [index, event] of events.entries()) await stores[index % stores.length]!.enqueueWebhook(event);
      const made = await Promise.all(dispatchers.map((dispatcher) => dispatcher.runOnce()));
      assert.equal(
        made.reduce((sum, count) => sum + count, 0),
        events.length,
      );
      assert.ok(made.filter((count) => count > 0).length > 1, `the work was shared: ${made.join(', ')}`);
      assert.deepEqual(receiver.received.map((request) => request.id).sort(), events.map((event) => event.id).sort());
      assert.equal(await stores[0]!.webhookBacklog(), 0);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
      await receiver.close();
    }
  });
});

describe('webhook settings', () => {
  it('need an http(s) URL and a whsec_ secret of 24 bytes or more; say which is wrong', () => {
    const env = (url?: string, secret?: string) => ({
      ...(url && { SHARE_LINK_WEBHOOK_URL: url }),
      ...(secret && { SHARE_LINK_WEBHOOK_SECRET: secret }),
    });
    assert.equal(webhookConfigFromEnv(env()), null);
    assert.deepEqual(webhookConfigFromEnv(env('https://crm.example/hooks', SECRET)), {
      url: 'https://crm.example/hooks',
      secret: SECRET,
    });
    assert.throws(() => webhookConfigFromEnv(env('https://crm.example/hooks')), /needs SHARE_LINK_WEBHOOK_SECRET/);
    assert.throws(() => webhookConfigFromEnv(env(undefined, SECRET)), /SHARE_LINK_WEBHOOK_URL is not/);
    assert.throws(() => webhookConfigFromEnv(env('ftp://crm.example', SECRET)), /http\(s\) URL/);
    assert.throws(() => webhookConfigFromEnv(env('crm.example/hooks', SECRET)), /http\(s\) URL/);
    assert.throws(
      () => webhookConfigFromEnv(env('https://crm.example', `whsec_${Buffer.from('short').toString('base64')}`)),
      /at least 24 random bytes/,
    );
    assert.throws(() => webhookConfigFromEnv(env('https://crm.example', 'not-a-secret-at-all-not-at-all')), /whsec_/);
  });
});
