/**
 * Takeover across processes (docs/conversations.md, "Across processes"): two API processes (the
 * real CLI) on one PostgreSQL database, as behind a load balancer. The visitor's channel and the
 * scripted engine land on one, the person's page on the other; takeover, messages both ways,
 * hand-back and the end still reach the other side, through the database's LISTEN/NOTIFY.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it, mock } from 'node:test';
import { startCluster, type Cluster } from '../../scripts/pg-cluster.mjs';
import {
  API_KEY,
  DEMO_DATA,
  copyOfDemoData,
  createLink,
  startApi,
  type RunningApi,
} from '../../scripts/api-process.ts';
import { PostgresStore, loadDataFile } from '../../server/store/index.ts';
import { startInProcessApi, type InProcessApi } from '../support/api-inprocess.ts';
import { freshDatabase } from '../support/postgres.ts';
import { connected, type Frame } from '../support/socket-client.ts';

const CARA = '3f6c2a91-8d4e-4b7a-a1c5-2e9f0b8d7c61';
const auth = { Authorization: `Bearer ${API_KEY}` };

let visitorSide: RunningApi;
let operatorSide: RunningApi;
before(async () => {
  const databaseUrl = await freshDatabase('conversations');
  const data = await copyOfDemoData();
  // Processes that share a database share the session secret (docs/operators.md).
  const env = { SHARE_LINK_SESSION_SECRET: randomUUID() + randomUUID() };
  [visitorSide, operatorSide] = await Promise.all([
    startApi({ databaseUrl, data, env }),
    startApi({ databaseUrl, data, env }),
  ]);
});
after(async () => {
  await Promise.all([visitorSide?.stop(), operatorSide?.stop()]);
});

const ws = (api: RunningApi) => api.base.replace('http', 'ws');
const isPersonaLine = (frame: Frame) => frame.type === 'transcript' && frame['role'] === 'persona';
const act = (capability: string, action: string, body: Record<string, unknown>) =>
  fetch(`${operatorSide.base}/c/${capability}/${action}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

it('a person on one process takes over a conversation running on another, talks, and hands it back', async () => {
  const created = await fetch(`${visitorSide.base}/v1/share-links`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ personaId: CARA, allowAllOrigins: true, recordTranscripts: true }),
  });
  const link = (await created.json()) as { token: string };
  const started = await fetch(`${visitorSide.base}/v1/embed/${link.token}/sessions`, {
    method: 'POST',
    headers: { Origin: 'https://shop.example' },
  });
  const session = (await started.json()) as { sessionToken: string; engine: { url: string } };
  const id = JSON.parse(Buffer.from(session.sessionToken.slice(3).split('.')[1]!, 'base64url').toString()).jti;
  assert.ok(session.engine.url.startsWith(ws(visitorSide)), 'the engine runs on the visitor’s process');

  const visitor = await connected(`${ws(visitorSide)}/v1/channel?session=${session.sessionToken}`);
  const engine = await connected(session.engine.url);
  await engine.next(isPersonaLine, 0, 'the greeting');
  await visitor.next((frame) => frame.type === 'state');

  const shared = await fetch(`${operatorSide.base}/v1/conversations/share/takeover/${id}/1`, { headers: auth });
  const { Url } = (await shared.json()) as { Url: string };
  assert.ok(Url.startsWith(`${operatorSide.base}/c/`));
  const capability = new URL(Url).pathname.slice(3);
  const page = randomUUID();
  const operator = await connected(`${ws(operatorSide)}/v1/channel/watch?capability=${capability}&page=${page}`);
  const snapshot = await operator.next((frame) => frame.type === 'snapshot');
  assert.match(
    JSON.stringify(snapshot['transcript']),
    /scripted demo persona/,
    'the greeting, recorded on the other process',
  );

  assert.equal((await act(capability, 'takeover', { page })).status, 200);
  assert.equal(
    (await visitor.next((f) => f.type === 'state' && f['operator'] === true, 1, 'the person joined'))['recording'],
    true,
  );
  // One holder across processes: a page on the visitor's process is refused.
  const elsewhere = await fetch(`${visitorSide.base}/c/${capability}/takeover`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ page: randomUUID() }),
  });
  assert.equal(elsewhere.status, 409);

  assert.equal((await act(capability, 'messages', { page, text: 'Hello from the team' })).status, 204);
  assert.equal(
    (await visitor.next((f) => f.type === 'message', 0, 'the person’s message'))['text'],
    'Hello from the team',
  );
  visitor.send({ type: 'turn', role: 'visitor', text: 'Hi, team' });
  const heard = await operator.next(
    (f) => f.type === 'turn' && (f['turn'] as { text: string | null }).text === 'Hi, team',
    0,
    'the visitor’s message on the other process',
  );
  assert.equal((heard['turn'] as { role: string }).role, 'visitor');

  const before = engine.frames.length;
  assert.equal((await act(capability, 'handback', { page })).status, 204);
  const left = await visitor.next((f) => f.type === 'state' && f['operator'] === false, 2, 'the person left');
  assert.ok(left);
  assert.match((await engine.next(isPersonaLine, before, 'the persona back'))['text'] as string, /I'm back/);

  visitor.send({ type: 'end', reason: 'visitor' });
  const ended = await operator.next(
    (f) => f.type === 'state' && (f['conversation'] as { endReason: string | null }).endReason !== null,
    0,
    'the end on the other process',
  );
  assert.equal((ended['conversation'] as { endReason: string }).endReason, 'visitor');
  await Promise.all([engine.close(), operator.close()]);
});

describe('the database away during a conversation', () => {
  let cluster: Cluster;
  let api: InProcessApi<PostgresStore>;
  before(async () => {
    cluster = await startCluster({ fast: true });
    const store = await PostgresStore.open(await cluster.createDatabase('away'), {
      seed: { data: await loadDataFile(DEMO_DATA), file: DEMO_DATA },
      queryTimeoutMs: 1000,
    });
    api = await startInProcessApi({ store, serve: { engine: { speakingMsPerChar: 1 } } });
  });
  after(async () => {
    await api.close();
    await api.store.close();
    await cluster.stop();
  });

  it('the visitor’s conversation goes on; failures are logged, never thrown; the end is recorded once it is back', async () => {
    const link = await createLink(api, { personaId: CARA, recordTranscripts: true });
    const started = await fetch(`${api.base}/v1/embed/${link.token}/sessions`, {
      method: 'POST',
      headers: { Origin: 'https://shop.example' },
    });
    const session = (await started.json()) as { sessionToken: string; engine: { url: string } };
    const id = JSON.parse(Buffer.from(session.sessionToken.slice(3).split('.')[1]!, 'base64url').toString()).jti;
    const visitor = await connected(`${api.base.replace('http', 'ws')}/v1/channel?session=${session.sessionToken}`);
    const engine = await connected(session.engine.url);
    await engine.next(isPersonaLine, 0, 'the greeting');

    const logged: string[] = [];
    const spy = mock.method(console, 'error', (...args: unknown[]) => logged.push(args.map(String).join(' ')));
    try {
      await cluster.stopServer();
      // The persona still answers, and the channel still takes turns and the end.
      const before = engine.frames.length;
      engine.send({ type: 'message', text: 'Are you still there?' });
      await engine.next(isPersonaLine, before, 'an answer while the database is away');
      visitor.send({ type: 'turn', role: 'visitor', text: 'not recorded' });
      visitor.send({ type: 'end', reason: 'visitor' });
      assert.equal((await visitor.closed).code, 1000);
      await api.conversations.tick().catch(() => undefined);
      await cluster.startServer();
      // The end failed, and is retried by the schedule until it is written.
      for (let tries = 0; ; tries++) {
        await api.conversations.tick().catch(() => undefined);
        const record = await api.store.conversations.conversation(id).catch(() => undefined);
        if (record?.endReason === 'visitor') break;
        assert.ok(tries < 100, 'the end was recorded once the database was back');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      spy.mock.restore();
      await engine.close();
    }
    assert.ok(
      logged.some((line) => /store unavailable/.test(line)),
      logged.join('\n'),
    );
  });
});
