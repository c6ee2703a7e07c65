/**
 * Webhooks survive `kill -9` (docs/operators.md, "Webhooks"): the real CLI, on the embedded store
 * with `--persist` and on PostgreSQL, is killed between a session start and its webhook's
 * delivery (the receiver is down); started again, it delivers the event, with the same
 * `webhook-id`, verified with the Standard Webhooks library.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { API_KEY, copyOfDemoData, startApi, type RunningApi, type StartOptions } from '../../scripts/api-process.ts';
import { freshDatabase } from '../support/postgres.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';

const SECRET = `whsec_${Buffer.from('the crash test webhook secret!!!').toString('base64')}`;
const PLAYER = 'sh_2kL9pQxYzR4vN8mBwHfJc';

const STORES: { name: string; options: () => Promise<{ first: StartOptions; again: StartOptions }> }[] = [
  {
    name: 'the embedded store (--persist)',
    options: async () => {
      const data = await copyOfDemoData();
      return { first: { data, persist: true }, again: { data, persist: true } };
    },
  },
  {
    name: 'PostgreSQL',
    options: async () => {
      const databaseUrl = await freshDatabase('crash');
      return { first: { databaseUrl }, again: { databaseUrl, data: null } };
    },
  },
];

for (const store of STORES) {
  describe(`webhooks through kill -9 on ${store.name}`, () => {
    const running: RunningApi[] = [];
    let receiver: Receiver | undefined;
    after(async () => {
      await Promise.all(running.map((api) => api.stop('SIGKILL')));
      await receiver?.close();
    });

    it('delivers the event queued before the kill, once, with the same webhook-id', async () => {
      receiver = await startReceiver();
      await receiver.down();
      const env = { SHARE_LINK_WEBHOOK_URL: receiver.url, SHARE_LINK_WEBHOOK_SECRET: SECRET };
      const { first, again } = await store.options();
      const api = await startApi({ ...first, env });
      running.push(api);
      const started = await fetch(`${api.base}/v1/embed/${PLAYER}/sessions`, {
        method: 'POST',
        headers: { Origin: 'https://page.example' },
      });
      assert.equal(started.status, 201);
      // The first attempt fails (the receiver is down); its id is listed.
      const webhookId = await firstAttempt(api);
      assert.equal(await api.stop('SIGKILL'), null, 'killed');

      await receiver.up();
      const restarted = await startApi({ ...again, env });
      running.push(restarted);
      await receiver.delivered(webhookId);
      const [received, ...more] = receiver.received;
      assert.deepEqual(more, [], 'delivered once');
      assert.equal(received!.id, webhookId);
      const payload = new Webhook(SECRET).verify(received!.body, {
        'webhook-id': received!.id,
        'webhook-timestamp': received!.timestamp,
        'webhook-signature': received!.signature,
      }) as { type: string; data: { usageCount: number } };
      assert.equal(payload.type, 'conversation.started');
      assert.equal(payload.data.usageCount, ((await started.json()) as { usageCount: number }).usageCount);
    });
  });
}

/** Waits until the API has made an attempt; resolves with the event's id. */
async function firstAttempt(api: RunningApi): Promise<string> {
  for (;;) {
    const response = await fetch(`${api.base}/v1/webhooks/deliveries`, {
      headers: { Authorization: `Bearer ${API_KEY}` },
    });
    const { data } = (await response.json()) as { data: { webhookId: string; outcome: string }[] };
    if (data[0]) {
      assert.equal(data[0].outcome, 'retrying');
      return data[0].webhookId;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
