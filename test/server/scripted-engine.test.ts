/**
 * The scripted demo engine over real WebSockets on loopback: minted by the session endpoint,
 * verified at the upgrade, a conversation of turns, and every way a client can misbehave.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { EngineFrameSchema, MAX_FRAME_BYTES, parseFrame, type EngineFrame } from '../../src/conversation/protocol.ts';
import { auth, jsonHeaders, startInProcessApi, type InProcessApi } from '../support/api-inprocess.ts';

const CARA_LINK = 'sh_2kL9pQxYzR4vN8mBwHfJc';
const MALLORY_LINK = 'sh_Markup6vN8mBwHfJc4';
const CARA = '3f6c2a91-8d4e-4b7a-a1c5-2e9f0b8d7c61';
const MALLORY = 'c47a0e58-1f9b-4d23-8e6a-5b3d9c0f1a82';
const PAGE = { Origin: 'https://www.example.org' };

let api: InProcessApi;
before(async () => (api = await startInProcessApi({ serve: { engine: { speakingMsPerChar: 2 } } })));
after(() => api.close());

async function startSession(token = CARA_LINK, base = api.base) {
  const response = await fetch(`${base}/v1/embed/${token}/sessions`, { method: 'POST', headers: PAGE });
  assert.equal(response.status, 201);
  return (await response.json()) as { sessionToken: string; engine: { kind: string; url: string } | null };
}

/** A client socket that records every frame, validated against the protocol. */
class Client {
  readonly frames: EngineFrame[] = [];
  readonly invalid: string[] = [];
  readonly ws: WebSocket;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;
  #waiters: (() => void)[] = [];

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) =>
      this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    this.ws.on('message', (data) => {
      const frame = parseFrame(EngineFrameSchema, data.toString());
      if (frame) this.frames.push(frame);
      else this.invalid.push(data.toString());
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  send(frame: unknown) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Resolves with the first frame after index `from` that matches. */
  async next(
    match: (frame: EngineFrame) => boolean,
    from = 0,
    what = 'a frame',
  ): Promise<EngineFrame & { index: number }> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const index = this.frames.findIndex((frame, i) => i >= from && match(frame));
      if (index >= 0) return { ...this.frames[index]!, index };
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }
}

const isMode = (mode: string) => (frame: EngineFrame) => frame.type === 'mode' && frame.mode === mode;
const isPersonaLine = (frame: EngineFrame) => frame.type === 'transcript' && frame.role === 'persona';

async function greeted(url: string): Promise<Client> {
  const client = new Client(url);
  await client.opened;
  const line = await client.next(isPersonaLine, 0, 'the greeting');
  assert.match((line as { text: string }).text, /scripted demo/);
  await client.next(isMode('listening'), line.index, 'listening after the greeting');
  return client;
}

describe('POST /v1/embed/{token}/sessions answers the engine', () => {
  it('a scripted persona gets { kind: "scripted", url } on this API, with the session in the URL', async () => {
    const { sessionToken, engine } = await startSession();
    assert.equal(engine?.kind, 'scripted');
    const url = new URL(engine!.url);
    assert.equal(url.protocol, 'ws:');
    assert.equal(url.host, new URL(api.base).host);
    assert.equal(url.pathname, '/v1/engines/scripted');
    assert.equal(url.searchParams.get('session'), sessionToken);
  });

  it('a persona without an engine gets null: the page runs the conversation', async () => {
    const { engine } = await startSession(MALLORY_LINK);
    assert.equal(engine, null);
  });

  it('never shows the engine in the public lookup', async () => {
    const body = await (await fetch(`${api.base}/v1/embed/${CARA_LINK}`, { headers: PAGE })).text();
    assert.doesNotMatch(body, /scripted|engine/);
  });
});

describe('PATCH /v1/personas/{id}: the playground switches an engine', () => {
  const patch = (id: string, body: unknown, headers: Record<string, string> = jsonHeaders) =>
    fetch(`${api.base}/v1/personas/${id}`, {
      method: 'PATCH',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('sets and removes the engine, and the next session follows it', async () => {
    const set = await patch(MALLORY, { engine: { kind: 'scripted' } });
    assert.equal(set.status, 200);
    assert.deepEqual((await set.json()).engine, { kind: 'scripted' });
    assert.equal((await startSession(MALLORY_LINK)).engine?.kind, 'scripted');

    const cleared = await patch(MALLORY, { engine: null });
    assert.equal(cleared.status, 200);
    assert.equal('engine' in (await cleared.json()), false);
    assert.equal((await startSession(MALLORY_LINK)).engine, null);

    const elevenlabs = await patch(MALLORY, { engine: { kind: 'elevenlabs', agentId: 'agent_123' } });
    assert.deepEqual((await elevenlabs.json()).engine, { kind: 'elevenlabs', agentId: 'agent_123' });
    await patch(MALLORY, { engine: null });
  });

  const invalid: [string, unknown, string][] = [
    ['an unknown kind', { engine: { kind: 'skype' } }, 'engine.kind'],
    ['ElevenLabs without an agent', { engine: { kind: 'elevenlabs' } }, 'engine.agentId'],
    ['an agent id with a path in it', { engine: { kind: 'elevenlabs', agentId: '../x' } }, 'engine.agentId'],
    ['another field', { engine: null, name: 'Eve' }, 'name'],
    ['no engine at all', {}, 'engine'],
    ['a body that is not an object', '[1]', 'body'],
  ];
  for (const [what, body, field] of invalid) {
    it(`refuses ${what} with 400 naming ${field}`, async () => {
      const response = await patch(CARA, body);
      assert.equal(response.status, 400);
      assert.equal((await response.json()).field, field);
    });
  }

  it('needs the key, a UUID and a persona that exists', async () => {
    assert.equal((await patch(CARA, { engine: null }, { 'Content-Type': 'application/json' })).status, 401);
    assert.equal((await patch('nope', { engine: null })).status, 400);
    assert.equal((await patch('3f6c2a91-8d4e-4b7a-a1c5-000000000000', { engine: null })).status, 404);
    const persona = await (await fetch(`${api.base}/v1/personas/${CARA}`, { headers: auth })).json();
    assert.deepEqual(persona.engine, { kind: 'scripted' });
  });
});

describe('a scripted conversation', () => {
  it('greets, then answers a typed message, reporting speaking and listening', async () => {
    const client = await greeted((await startSession()).engine!.url);
    const from = client.frames.length;
    client.send({ type: 'message', text: '  Hello   there ' });
    const echo = await client.next(
      (frame) => frame.type === 'transcript' && frame.role === 'visitor',
      from,
      'the visitor echo',
    );
    assert.equal((echo as { text: string }).text, 'Hello there');
    const speaking = await client.next(isMode('speaking'), echo.index);
    const reply = await client.next(isPersonaLine, speaking.index, 'the reply');
    assert.match((reply as { text: string }).text, /Hello there/);
    // The browser reports the line spoken: the engine listens again.
    client.send({ type: 'spoken' });
    await client.next(isMode('listening'), reply.index);
    assert.deepEqual(client.invalid, []);
    client.ws.close(1000);
    assert.equal((await client.closed).code, 1000);
  });

  it('takes a voice turn from the activity the browser reports', async () => {
    const client = await greeted((await startSession()).engine!.url);
    const from = client.frames.length;
    client.send({ type: 'activity', speaking: true });
    client.send({ type: 'activity', speaking: false });
    const reply = await client.next(isPersonaLine, from, 'the voice reply');
    assert.match((reply as { text: string }).text, /I heard you speak for about 1 seconds/);
    client.ws.close();
  });

  it('says goodbye and ends the conversation itself', async () => {
    const client = await greeted((await startSession()).engine!.url);
    client.send({ type: 'message', text: 'bye!' });
    const end = await client.next((frame) => frame.type === 'end', 0, 'the end');
    assert.equal((end as { reason: string }).reason, 'completed');
    assert.equal((await client.closed).code, 1000);
    assert.ok(client.frames.some((frame) => frame.type === 'transcript' && /Goodbye/.test(frame.text)));
  });
});

describe('the engine refuses what it should', () => {
  it('answers bad frames with an error frame and keeps the conversation', async () => {
    const client = await greeted((await startSession()).engine!.url);
    const bad = [
      'not json',
      '{"type":"shout"}',
      '{"type":"message"}',
      '{"type":"message","text":""}',
      `{"type":"message","text":"${'x'.repeat(501)}"}`,
      '{"type":"spoken","extra":1}',
      '[]',
      'null',
    ];
    for (const frame of bad) {
      const from = client.frames.length;
      client.send(frame);
      const error = await client.next((f) => f.type === 'error', from, `the error for ${frame.slice(0, 30)}`);
      assert.equal((error as { code: string }).code, 'bad-frame');
    }
    const from = client.frames.length;
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    assert.equal(((await client.next((f) => f.type === 'error', from)) as { code: string }).code, 'bad-frame');
    // Still in conversation.
    const after = client.frames.length;
    client.send({ type: 'message', text: 'still there?' });
    await client.next(isPersonaLine, after, 'a reply after the bad frames');
    client.ws.close();
  });

  it('closes with 1008 after ten bad frames', async () => {
    const client = await greeted((await startSession()).engine!.url);
    for (let i = 0; i < 10; i++) client.send('{');
    assert.equal((await client.closed).code, 1008);
  });

  it('closes with 1008 when frames come too fast', async () => {
    const client = await greeted((await startSession()).engine!.url);
    for (let i = 0; i < 70; i++) client.send({ type: 'activity', speaking: i % 2 === 0 });
    const { code } = await client.closed;
    assert.equal(code, 1008);
    assert.ok(client.frames.some((frame) => frame.type === 'error' && frame.code === 'too-fast'));
  });

  it('closes with 1009 on a frame over the size cap', async () => {
    const client = await greeted((await startSession()).engine!.url);
    client.send({ type: 'message', text: 'x'.repeat(MAX_FRAME_BYTES) });
    assert.equal((await client.closed).code, 1009);
  });

  it('refuses an upgrade without a session token (401), and other paths (404)', async () => {
    const ws = api.base.replace('http', 'ws');
    await assert.rejects(new Client(`${ws}/v1/engines/scripted`).opened, /HTTP 401/);
    await assert.rejects(new Client(`${ws}/v1/engines/scripted?session=short`).opened, /HTTP 401/);
    await assert.rejects(new Client(`${ws}/v1/engines/other?session=st_${'a'.repeat(32)}`).opened, /HTTP 404/);
  });

  it('gives a session one socket at a time (409)', async () => {
    const { engine } = await startSession();
    const first = await greeted(engine!.url);
    await assert.rejects(new Client(engine!.url).opened, /HTTP 409/);
    first.ws.close();
    await first.closed;
    await greeted(engine!.url).then((again) => again.ws.close());
  });
});

describe('the engine with its own options', () => {
  let strict: InProcessApi;
  const good = `st_${'g'.repeat(32)}`;
  before(async () => {
    strict = await startInProcessApi({
      serve: {
        engine: {
          verifySession: (token) => (token === good ? { conversationId: randomUUID() } : null),
          idleTimeoutMs: 400,
          speakingMsPerChar: 1,
        },
      },
    });
  });
  after(() => strict.close());

  it('asks the injected verifier about every session', async () => {
    const base = strict.base.replace('http', 'ws');
    await assert.rejects(new Client(`${base}/v1/engines/scripted?session=st_${'b'.repeat(32)}`).opened, /HTTP 401/);
    const client = await greeted(`${base}/v1/engines/scripted?session=${good}`);
    client.ws.close();
    await client.closed;
  });

  it('sends an idle visitor away, and closing the engine leaves no socket', async () => {
    const base = strict.base.replace('http', 'ws');
    const idle = await greeted(`${base}/v1/engines/scripted?session=${good}`);
    const end = await idle.next((frame) => frame.type === 'end', 0, 'the idle end');
    assert.equal((end as { reason: string }).reason, 'idle');
    assert.equal((await idle.closed).code, 1000);

    const open = await greeted(`${base}/v1/engines/scripted?session=${good}`);
    assert.equal(strict.engine.connections, 1);
    await strict.sockets.gate.close();
    assert.equal((await open.closed).code, 1001);
    assert.equal(strict.engine.connections, 0);
  });
});
