/**
 * Conversations over real HTTP and WebSockets on loopback (docs/conversations.md): the channel,
 * the scripted engine's record, share URLs in Xenioo's shape and their capabilities (altered,
 * expired, revoked), the conversation page and its socket, takeover, hand-back and the person's
 * messages, what time does on a pinned clock, erasure, retention, the observers, and cleanup.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import type { ObservedEvent } from '../../server/observers.ts';
import { auth, jsonHeaders, startInProcessApi, type InProcessApi } from '../support/api-inprocess.ts';
import { connected, refusedWith, type Frame } from '../support/socket-client.ts';
import { fakePagesBuild } from '../support/pages-build.ts';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const CARA = '3f6c2a91-8d4e-4b7a-a1c5-2e9f0b8d7c61';
const PAGE_ORIGIN = 'https://shop.example';
const HOUR = 3_600_000;

let api: InProcessApi;
const events: ObservedEvent[] = [];
before(async () => {
  api = await startInProcessApi({
    now: NOW,
    bundleDir: await fakePagesBuild(),
    observers: [(event) => events.push(event)],
    serve: { engine: { speakingMsPerChar: 1 }, channelGraceMs: 300, watch: { graceMs: 300, maxPerConversation: 5 } },
  });
});
after(() => api.close());
beforeEach(() => {
  api.clock.now = NOW;
});

const ws = () => api.base.replace('http', 'ws');

async function newLink(fields: Record<string, unknown> = {}) {
  const response = await fetch(`${api.base}/v1/share-links`, {
    method: 'POST',
    headers: jsonHeaders,
    body: JSON.stringify({ personaId: CARA, allowAllOrigins: true, recordTranscripts: true, ...fields }),
  });
  assert.equal(response.status, 201);
  return (await response.json()) as { id: string; token: string };
}

interface Started {
  sessionToken: string;
  id: string;
  engineUrl: string;
}

async function startConversation(fields: Record<string, unknown> = {}): Promise<Started> {
  const link = await newLink(fields);
  const response = await fetch(`${api.base}/v1/embed/${link.token}/sessions`, {
    method: 'POST',
    headers: { Origin: PAGE_ORIGIN },
  });
  assert.equal(response.status, 201);
  const body = (await response.json()) as { sessionToken: string; engine: { url: string } };
  const claims = JSON.parse(Buffer.from(body.sessionToken.slice(3).split('.')[1]!, 'base64url').toString());
  return { sessionToken: body.sessionToken, id: claims.jti, engineUrl: body.engine.url };
}

const channelUrl = (sessionToken: string) => `${ws()}/v1/channel?session=${encodeURIComponent(sessionToken)}`;
async function channel(sessionToken: string) {
  const client = await connected(channelUrl(sessionToken));
  await client.next((frame) => frame.type === 'state', 0, 'the state on connect');
  return client;
}

const record = async (id: string) => {
  const response = await fetch(`${api.base}/v1/conversations/${id}`, { headers: auth });
  return { status: response.status, body: response.status === 200 ? await response.json() : null };
};
/** Polls the record until `check` holds: the channel's frames are written after the socket moves on. */
async function recordUntil(id: string, check: (body: Record<string, unknown>) => boolean, what: string) {
  for (let tries = 0; ; tries++) {
    const { body } = await record(id);
    if (body && check(body)) return body;
    if (tries > 100) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

const shareUrl = (mode: string, id: string, duration: string | number, headers: Record<string, string> = auth) =>
  fetch(`${api.base}/v1/conversations/share/${mode}/${id}/${duration}`, { headers });
async function share(mode: string, id: string, hours = 1) {
  const response = await shareUrl(mode, id, hours);
  assert.equal(response.status, 200);
  const body = (await response.json()) as { Url: string; expiresAt: string };
  return { ...body, capability: new URL(body.Url).pathname.slice('/c/'.length) };
}
const watchUrl = (capability: string, page: string) =>
  `${ws()}/v1/channel/watch?capability=${encodeURIComponent(capability)}&page=${page}`;
async function watch(capability: string, page = randomUUID()) {
  const client = await connected(watchUrl(capability, page));
  const snapshot = await client.next((frame) => frame.type === 'snapshot', 0, 'the snapshot');
  return { client, page, snapshot };
}
const act = (capability: string, action: string, body: Record<string, unknown>) =>
  fetch(`${api.base}/c/${capability}/${action}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

const isPersonaLine = (frame: Frame) => frame.type === 'transcript' && frame['role'] === 'persona';

describe('the conversation channel', () => {
  it('refuses a missing or forged token (401), an erased conversation (404) and one that is over (410)', async () => {
    assert.equal(await refusedWith(`${ws()}/v1/channel`), 401);
    assert.equal(await refusedWith(channelUrl(`st_${'x'.repeat(40)}`)), 401);
    const erased = await startConversation();
    assert.equal(
      (await fetch(`${api.base}/v1/conversations/${erased.id}`, { method: 'DELETE', headers: auth })).status,
      204,
    );
    assert.equal(await refusedWith(channelUrl(erased.sessionToken)), 404);
    const over = await startConversation();
    const client = await channel(over.sessionToken);
    client.send({ type: 'end', reason: 'visitor' });
    await client.closed;
    await recordUntil(over.id, (body) => body['endReason'] === 'visitor', 'the end');
    assert.equal(await refusedWith(channelUrl(over.sessionToken)), 410);
  });

  it('says on connect whether the link records; counts turns, keeps their text, and records the end', async () => {
    const started = await startConversation();
    const client = await connected(channelUrl(started.sessionToken));
    const state = await client.next((frame) => frame.type === 'state');
    assert.deepEqual(state, { type: 'state', recording: true, operator: false, index: 0 });
    client.send({ type: 'turn', role: 'persona', text: '  Hello,\n\tvisitor \u0000 ' });
    client.send({ type: 'turn', role: 'visitor' });
    client.send({ type: 'turn', role: 'visitor', text: 'Thanks' });
    client.send('{"type":"turn","role":"operator","text":"forged"}');
    const error = await client.nextOf('error');
    assert.equal(error['code'], 'bad-frame');
    api.clock.now = NOW + 95_000;
    client.send({ type: 'end', reason: 'completed' });
    assert.equal((await client.closed).code, 1000);
    const body = await recordUntil(started.id, (b) => b['endReason'] === 'completed', 'the end');
    assert.equal(body['turns'], 3);
    assert.equal(body['endedAt'], new Date(NOW + 95_000).toISOString());
    assert.deepEqual(
      (body['transcript'] as { role: string; text: string }[]).map(({ role, text }) => [role, text]),
      [
        ['persona', 'Hello, visitor'],
        ['visitor', 'Thanks'],
      ],
    );
  });

  it('a lost channel ends the conversation after its grace: idle when cut, visitor when the page closed it', async () => {
    const cut = await startConversation();
    (await channel(cut.sessionToken)).ws.terminate();
    await recordUntil(cut.id, (body) => body['endReason'] === 'idle', 'the idle end');

    const left = await startConversation();
    const client = await channel(left.sessionToken);
    client.ws.close(1001);
    await recordUntil(left.id, (body) => body['endReason'] === 'visitor', 'the visitor end');
  });

  it('a channel back within its grace keeps the conversation; the newest channel replaces an older one', async () => {
    const started = await startConversation();
    const first = await channel(started.sessionToken);
    const second = await channel(started.sessionToken);
    assert.equal((await first.closed).code, 4409);
    second.ws.terminate();
    const third = await channel(started.sessionToken);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal((await record(started.id)).body.endedAt, null);
    await third.close();
  });
});

describe('the scripted engine records its conversation', () => {
  it('its lines and the visitor’s messages, and its own end', async () => {
    const started = await startConversation();
    const engine = await connected(started.engineUrl);
    const greeting = await engine.next(isPersonaLine, 0, 'the greeting');
    engine.send({ type: 'message', text: 'bye now' });
    await engine.next((frame) => frame.type === 'end', greeting.index);
    const body = await recordUntil(started.id, (b) => b['endReason'] === 'completed', 'the completed end');
    const transcript = body['transcript'] as { role: string; text: string }[];
    assert.deepEqual(
      transcript.map((turn) => turn.role),
      ['persona', 'visitor', 'persona'],
    );
    assert.match(transcript[0]!.text, /scripted demo persona/);
    assert.equal(transcript[1]!.text, 'bye now');
    assert.match(transcript[2]!.text, /Goodbye/);
  });
});

describe('share URLs in Xenioo’s shape', () => {
  it('answers { Url, expiresAt }: a new, unguessable URL on each call, valid for the hours asked', async () => {
    const { id } = await startConversation();
    const first = await share('view', id, 720);
    const second = await share('view', id, 720);
    assert.match(first.Url, new RegExp(`^${api.base}/c/cs_[A-Za-z0-9_-]{43}$`));
    assert.notEqual(first.Url, second.Url);
    assert.equal(first.expiresAt, new Date(NOW + 720 * HOUR).toISOString());
    assert.equal((await share('takeover', id, 1)).expiresAt, new Date(NOW + HOUR).toISOString());
  });

  const invalid: [string, string, string][] = [
    ['a mode that is not view, takeover or auto', 'edit/{id}/1', 'mode'],
    ['an upper-case mode', 'VIEW/{id}/1', 'mode'],
    ['zero hours', 'view/{id}/0', 'duration'],
    ['721 hours', 'view/{id}/721', 'duration'],
    ['a fraction of an hour', 'view/{id}/1.5', 'duration'],
    ['a leading zero', 'view/{id}/01', 'duration'],
    ['a negative duration', 'view/{id}/-1', 'duration'],
    ['an exponent', 'view/{id}/1e2', 'duration'],
    ['words', 'view/{id}/soon', 'duration'],
  ];
  for (const [what, path, field] of invalid) {
    it(`refuses ${what} with 400 invalid-request naming ${field}`, async () => {
      const { id } = await startConversation();
      const response = await fetch(`${api.base}/v1/conversations/share/${path.replace('{id}', id)}`, { headers: auth });
      assert.equal(response.status, 400);
      const body = await response.json();
      assert.equal(body.error, 'invalid-request');
      assert.equal(body.field, field);
      assert.match(body.message, new RegExp(field));
    });
  }

  it('needs the key (401) and a conversation that exists (404)', async () => {
    const { id } = await startConversation();
    assert.equal((await shareUrl('view', id, 1, {})).status, 401);
    assert.equal((await shareUrl('view', id, 1, { Authorization: 'Bearer wrong' })).status, 401);
    for (const unknown of [randomUUID(), 'not-a-uuid']) {
      const response = await shareUrl('view', unknown, 1);
      assert.equal(response.status, 404);
      assert.equal((await response.json()).error, 'not-found');
    }
  });
});

describe('the conversation page and its capability', () => {
  it('serves the page with the share pages’ headers and a strict CSP', async () => {
    const { id } = await startConversation();
    const { capability } = await share('view', id);
    const response = await fetch(`${api.base}/c/${capability}`);
    assert.equal(response.status, 200);
    const csp = response.headers.get('content-security-policy')!;
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /style-src 'nonce-[A-Za-z0-9+/=]+'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, new RegExp(`connect-src 'self' ws://${new URL(api.base).host}`));
    assert.equal(response.headers.get('x-robots-tag'), 'noindex');
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    const html = await response.text();
    assert.match(html, /<title>Conversation with Cara<\/title>/);
    // The page's app, among the API's pages (server/pages.ts), its shared chunk preloaded.
    assert.match(html, /<link rel="modulepreload" href="\/pages\/lit-Def456.js">/);
    assert.match(html, /<script type="module" src="\/pages\/conversation-Jkl012.js"><\/script>/);
    assert.doesNotMatch(html, new RegExp(capability), 'the capability is not written into the page');
  });

  it('an altered capability is 404, as is anything that is not one; a URL opens its own conversation only', async () => {
    const a = await startConversation();
    const b = await startConversation();
    const { capability } = await share('view', a.id);
    const last = capability.at(-1) === 'A' ? 'B' : 'A';
    for (const altered of [
      `${capability.slice(0, -1)}${last}`,
      capability.slice(0, -1),
      `${capability}x`,
      b.id,
      'cs_',
    ]) {
      const response = await fetch(`${api.base}/c/${altered}`);
      assert.equal(response.status, 404, altered);
      assert.match(await response.text(), /does not exist/);
      assert.equal(await refusedWith(watchUrl(altered, randomUUID())), 404);
    }
    const { snapshot, client } = await watch(capability);
    assert.equal((snapshot['conversation'] as { id: string }).id, a.id);
    await client.close();
  });

  it('an expired capability is 410, for the page, its socket and its actions', async () => {
    const { id } = await startConversation();
    const { capability } = await share('takeover', id, 2);
    api.clock.now = NOW + 2 * HOUR;
    const response = await fetch(`${api.base}/c/${capability}`);
    assert.equal(response.status, 410);
    assert.match(await response.text(), /has expired/);
    assert.equal(await refusedWith(watchUrl(capability, randomUUID())), 410);
    const refused = await act(capability, 'takeover', { page: randomUUID() });
    assert.equal(refused.status, 410);
    assert.equal((await refused.json()).error, 'expired');
  });

  it('erasing the conversation revokes its URLs and closes its sockets', async () => {
    const started = await startConversation();
    const { capability } = await share('view', started.id);
    const visitor = await channel(started.sessionToken);
    const { client: page } = await watch(capability);
    assert.equal(
      (await fetch(`${api.base}/v1/conversations/${started.id}`, { method: 'DELETE', headers: auth })).status,
      204,
    );
    assert.equal((await page.closed).code, 4404);
    assert.ok(page.frames.some((frame) => frame.type === 'gone'));
    assert.equal((await visitor.closed).code, 4404);
    assert.equal((await fetch(`${api.base}/c/${capability}`)).status, 404);
    assert.equal((await record(started.id)).status, 404);
    assert.equal(
      (await fetch(`${api.base}/v1/conversations/${started.id}`, { method: 'DELETE', headers: auth })).status,
      404,
    );
  });
});

describe('view and takeover', () => {
  it('a view page sees the transcript and the turns as they happen, and may not take over (403)', async () => {
    const started = await startConversation();
    const visitor = await channel(started.sessionToken);
    visitor.send({ type: 'turn', role: 'visitor', text: 'First' });
    await recordUntil(started.id, (body) => body['turns'] === 1, 'the first turn');
    const { capability } = await share('view', started.id);
    const { client: page, snapshot } = await watch(capability);
    assert.deepEqual(
      (snapshot['transcript'] as { text: string }[]).map((turn) => turn.text),
      ['First'],
    );
    assert.deepEqual(snapshot['share'], { mode: 'view', expiresAt: new Date(NOW + HOUR).toISOString() });
    visitor.send({ type: 'turn', role: 'persona', text: 'Second' });
    const turn = await page.nextOf('turn');
    assert.deepEqual(turn['turn'], { role: 'persona', text: 'Second', at: new Date(NOW).toISOString() });
    assert.equal(turn['turns'], 2);
    const refused = await act(capability, 'takeover', { page: randomUUID() });
    assert.equal(refused.status, 403);
    assert.equal((await refused.json()).error, 'forbidden');
    await Promise.all([page.close(), visitor.close()]);
  });

  it('one page takes over (200), a second gets 409; the persona stops; messages both ways; hand-back resumes it', async () => {
    // No recording on this link: the person still converses; nothing is kept.
    const started = await startConversation({ recordTranscripts: false });
    const visitor = await channel(started.sessionToken);
    const engine = await connected(started.engineUrl);
    await engine.next(isPersonaLine, 0, 'the greeting');
    const { capability } = await share('takeover', started.id);
    const a = await watch(capability);
    const b = await watch(capability);
    assert.equal(a.snapshot['transcript'], null, 'no transcript without recording');

    const taken = await act(capability, 'takeover', { page: a.page });
    assert.equal(taken.status, 200);
    assert.equal((await taken.json()).holder, 'you');
    assert.deepEqual(await visitor.next((f) => f.type === 'state', 1), {
      type: 'state',
      recording: false,
      operator: true,
      index: 1,
    });
    const conflict = await act(capability, 'takeover', { page: b.page });
    assert.equal(conflict.status, 409);
    assert.equal((await conflict.json()).error, 'conflict');
    assert.equal((await b.client.next((f) => f.type === 'state')).holder, 'other');

    // The engine answers nothing while held: the visitor's message to it is not answered.
    const before = engine.frames.length;
    engine.send({ type: 'message', text: 'Are you there?' });
    const said = await act(capability, 'messages', { page: a.page, text: 'Hi, I am Sam from the team.' });
    assert.equal(said.status, 204);
    assert.deepEqual(await visitor.next((f) => f.type === 'message', 2), {
      type: 'message',
      text: 'Hi, I am Sam from the team.',
      index: 2,
    });
    visitor.send({ type: 'turn', role: 'visitor', text: 'Hello Sam' });
    const heard = await a.client.next((f) => f.type === 'turn' && (f['turn'] as { role: string }).role === 'visitor');
    assert.equal((heard['turn'] as { text: string }).text, 'Hello Sam');
    const unread = await b.client.next((f) => f.type === 'turn' && (f['turn'] as { role: string }).role === 'visitor');
    assert.equal((unread['turn'] as { text: string | null }).text, null, 'the other page may not read it');
    assert.equal((await act(capability, 'messages', { page: b.page, text: 'me too' })).status, 409);
    assert.equal((await act(capability, 'handback', { page: b.page })).status, 409);

    assert.equal((await act(capability, 'handback', { page: a.page })).status, 204);
    assert.deepEqual(await visitor.next((f) => f.type === 'state', 3), {
      type: 'state',
      recording: false,
      operator: false,
      index: 3,
    });
    const resumed = await engine.next(isPersonaLine, before, 'the engine back');
    assert.match(
      resumed['text'] as string,
      /I'm back/,
      'the first line after the hold is the hand-back, not an answer',
    );
    const body = (await record(started.id)).body;
    assert.equal(body.takenOver, true);
    assert.deepEqual(body.transcript, []);
    await Promise.all([visitor.close(), engine.close(), a.client.close(), b.client.close()]);
  });

  it('validates actions: a page id, JSON, text of 1 to 2,000 characters', async () => {
    const { id } = await startConversation();
    const { capability } = await share('takeover', id);
    const page = randomUUID();
    assert.equal((await act(capability, 'takeover', {})).status, 400);
    assert.equal((await act(capability, 'takeover', { page: 'me' })).status, 400);
    assert.equal((await act(capability, 'takeover', { page })).status, 200);
    assert.equal((await act(capability, 'messages', { page, text: '   ' })).status, 400);
    assert.equal((await act(capability, 'messages', { page, text: 'x'.repeat(2001) })).status, 400);
    const form = await fetch(`${api.base}/c/${capability}/takeover`, { method: 'POST', body: `page=${page}` });
    assert.equal(form.status, 400);
    assert.equal((await act(`${capability.slice(0, -1)}Z`, 'takeover', { page })).status, 404);
  });

  it('takeover URL expiry while held: the visitor is told the person left, and the conversation ends (operator)', async () => {
    const started = await startConversation();
    const visitor = await channel(started.sessionToken);
    const { capability } = await share('takeover', started.id, 1);
    const holder = await watch(capability);
    assert.equal((await act(capability, 'takeover', { page: holder.page })).status, 200);
    const held = await visitor.next((f) => f.type === 'state' && f['operator'] === true);
    api.clock.now = NOW + HOUR;
    await api.conversations.tick();
    assert.deepEqual(await visitor.next((f) => f.type === 'state', held.index + 1), {
      type: 'state',
      recording: true,
      operator: false,
      index: 2,
    });
    assert.deepEqual(await visitor.next((f) => f.type === 'end'), { type: 'end', reason: 'operator', index: 3 });
    assert.equal((await visitor.closed).code, 1000);
    await holder.client.next((f) => f.type === 'expired');
    assert.equal((await holder.client.closed).code, 4410);
    const body = (await record(started.id)).body;
    assert.equal(body.endReason, 'operator');
    assert.equal(body.endedAt, new Date(NOW + HOUR).toISOString());
  });

  it('auto URL expiry while held: the conversation goes back to the persona and goes on', async () => {
    const started = await startConversation();
    const visitor = await channel(started.sessionToken);
    const engine = await connected(started.engineUrl);
    await engine.next(isPersonaLine, 0, 'the greeting');
    const { capability } = await share('auto', started.id, 1);
    const holder = await watch(capability);
    assert.equal((await act(capability, 'takeover', { page: holder.page })).status, 200);
    const held = await visitor.next((f) => f.type === 'state' && f['operator'] === true);
    const before = engine.frames.length;
    // The visitor and the person talk until the URL expires.
    api.clock.now = NOW + HOUR - 60_000;
    visitor.send({ type: 'turn', role: 'visitor', text: 'Still here' });
    await recordUntil(started.id, (body) => body['turns'] === 2, 'the visitor’s turn');
    api.clock.now = NOW + HOUR;
    await api.conversations.tick();
    assert.equal((await visitor.next((f) => f.type === 'state', held.index + 1))['operator'], false);
    assert.match((await engine.next(isPersonaLine, before, 'the engine back'))['text'] as string, /I'm back/);
    assert.equal((await record(started.id)).body.endedAt, null);
    await Promise.all([visitor.close(), engine.close()]);
  });

  it('the page that holds the conversation and leaves gives it back after its grace; back in time, it keeps it', async () => {
    const started = await startConversation();
    const visitor = await channel(started.sessionToken);
    const { capability } = await share('takeover', started.id);
    const holder = await watch(capability);
    assert.equal((await act(capability, 'takeover', { page: holder.page })).status, 200);
    const held = await visitor.next((f) => f.type === 'state' && f['operator'] === true);
    // Away and back (a phone changing networks): it keeps the conversation.
    holder.client.ws.terminate();
    const back = await watch(capability, holder.page);
    assert.equal(back.snapshot['holder'], 'you');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(visitor.frames.filter((f) => f.type === 'state').length, 2, 'nobody was told it left');
    // Gone for good: the persona has it again.
    back.client.ws.terminate();
    assert.equal((await visitor.next((f) => f.type === 'state', held.index + 1))['operator'], false);
    await visitor.close();
  });

  it('refuses pages beyond the cap of one conversation (503), and serves the others', async () => {
    const { id } = await startConversation();
    const { capability } = await share('view', id);
    const pages = await Promise.all(Array.from({ length: 5 }, () => watch(capability)));
    assert.equal(await refusedWith(watchUrl(capability, randomUUID())), 503);
    await Promise.all(pages.map(({ client }) => client.close()));
    const again = await watch(capability);
    await again.client.close();
  });
});

describe('management', () => {
  it('lists newest first with filters, gets with the transcript, and validates the query', async () => {
    const link = await newLink({ recordTranscripts: false });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      api.clock.now = NOW + 10 * HOUR + i * 1000;
      const response = await fetch(`${api.base}/v1/embed/${link.token}/sessions`, {
        method: 'POST',
        headers: { Origin: PAGE_ORIGIN },
      });
      const token = (await response.json()).sessionToken as string;
      ids.push(JSON.parse(Buffer.from(token.slice(3).split('.')[1]!, 'base64url').toString()).jti);
    }
    const list = await (
      await fetch(`${api.base}/v1/conversations?shareLinkId=${link.id}&perPage=2`, { headers: auth })
    ).json();
    assert.deepEqual(
      list.data.map((c: { id: string }) => c.id),
      [ids[2], ids[1]],
    );
    assert.equal(list.meta.total, 3);
    assert.deepEqual(Object.keys(list.data[0]).sort(), [
      'endReason',
      'endedAt',
      'engine',
      'id',
      'origin',
      'personaId',
      'shareLinkId',
      'startedAt',
      'takenOver',
      'transcriptStatus',
      'turns',
    ]);
    assert.equal(list.data[0].transcriptStatus, 'not-recorded');
    const from = encodeURIComponent(new Date(NOW + 10 * HOUR + 1000).toISOString());
    const windowed = await (
      await fetch(`${api.base}/v1/conversations?shareLinkId=${link.id}&from=${from}`, { headers: auth })
    ).json();
    assert.equal(windowed.meta.total, 2);
    const one = await (await fetch(`${api.base}/v1/conversations/${ids[0]}`, { headers: auth })).json();
    assert.deepEqual(one.transcript, []);
    for (const [query, field] of [
      ['perPage=101', 'perPage'],
      ['from=yesterday', 'from'],
      ['page=0', 'page'],
      ['color=blue', 'color'],
    ]) {
      const response = await fetch(`${api.base}/v1/conversations?${query}`, { headers: auth });
      assert.equal(response.status, 400, query);
      assert.equal((await response.json()).field, field);
    }
    assert.equal((await fetch(`${api.base}/v1/conversations`)).status, 401);
    assert.equal((await fetch(`${api.base}/v1/conversations/not-a-uuid`, { headers: auth })).status, 400);
    assert.equal((await fetch(`${api.base}/v1/conversations/${randomUUID()}`, { headers: auth })).status, 404);
  });

  it('retention deletes old transcripts on the schedule’s purge; the record stays', async () => {
    const started = await startConversation();
    const visitor = await channel(started.sessionToken);
    visitor.send({ type: 'turn', role: 'visitor', text: 'Remember this' });
    await recordUntil(started.id, (body) => body['turns'] === 1, 'the turn');
    await visitor.close();
    api.clock.now = NOW + 30 * 24 * HOUR;
    await api.conversations.purge();
    assert.equal((await record(started.id)).body.transcript.length, 1, 'not older than 30 days yet');
    api.clock.now = NOW + 30 * 24 * HOUR + 1;
    await api.conversations.purge();
    const body = (await record(started.id)).body;
    assert.deepEqual(body.transcript, []);
    assert.equal(body.transcriptStatus, 'deleted');
    assert.equal(body.turns, 1);
  });
});

describe('observers and cleanup', () => {
  it('a conversation is reported started, then ended once with its length and transcript', async () => {
    events.length = 0;
    const started = await startConversation();
    const visitor = await channel(started.sessionToken);
    visitor.send({ type: 'turn', role: 'visitor', text: 'Hi' });
    await recordUntil(started.id, (body) => body['turns'] === 1, 'the turn');
    api.clock.now = NOW + 125_400;
    visitor.send({ type: 'end', reason: 'visitor' });
    await visitor.closed;
    await recordUntil(started.id, (body) => body['endReason'] === 'visitor', 'the end');
    await api.conversations.tick();
    const mine = events.filter(
      (event) =>
        event.type.startsWith('conversation-') && 'conversation' in event && event.conversation.id === started.id,
    );
    assert.deepEqual(
      mine.map((event) => event.type),
      ['conversation-started', 'conversation-ended'],
    );
    const ended = mine[1] as Extract<ObservedEvent, { type: 'conversation-ended' }>;
    assert.equal(ended.durationSeconds, 125);
    assert.equal(ended.origin, PAGE_ORIGIN);
    assert.equal(ended.conversation.endReason, 'visitor');
    assert.deepEqual(
      ended.transcript?.map((turn) => turn.text),
      ['Hi'],
    );
  });

  it('after the end, no socket, listener or wait is left', async () => {
    const openSockets = () => [...api.sockets.gate.open.values()].reduce((sum, n) => sum + n, 0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const baseline = { sockets: openSockets(), listened: api.conversations.hub.size };
    const started = await startConversation();
    const visitor = await channel(started.sessionToken);
    const engine = await connected(started.engineUrl);
    const { capability } = await share('view', started.id);
    const { client: page } = await watch(capability);
    visitor.send({ type: 'end', reason: 'visitor' });
    await Promise.all([visitor.closed, engine.close(), page.close()]);
    for (let tries = 0; ; tries++) {
      const open = openSockets();
      if (open === baseline.sockets && api.conversations.hub.size === baseline.listened) break;
      if (tries > 100)
        assert.fail(
          `left: ${open} sockets, ${api.conversations.hub.size} conversations listened to (${JSON.stringify(baseline)} before)`,
        );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
});
