/**
 * Engines minted by `POST /v1/embed/{token}/sessions` (docs/conversations.md), over real HTTP, against fake
 * vendor servers on loopback that follow Anam's and ElevenLabs' published shapes.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { after, before, beforeEach, describe, it, mock } from 'node:test';
import { engineConfigFromEnv, type EngineConfig } from '../../server/engines.ts';
import { startInProcessApi, type InProcessApi } from '../support/api-inprocess.ts';
import { runApiToExit, startApi } from '../../scripts/api-process.ts';
import { parseSessionResponse } from '../../src/schema.ts';
import { parseEngine } from '../../src/conversation/engine.ts';
import {
  FAKE_ELEVENLABS_EXPIRY_SECS,
  LONG_TOKEN_LENGTH,
  startFakeAnam,
  startFakeElevenLabs,
  type FakeVendor,
  type VendorBehaviour,
} from '../support/fake-vendors.ts';

import { ENGINES_DATA } from '../support/fixtures.ts';
const ANAM_PERSONA = 'a1d4c3b2-0000-4000-8000-00000000a001';
const AGENT_ID = 'agent_7f3kq9ZxLmPw';
const TOKENS = {
  anam: 'sh_AnamEngine0000001',
  elevenlabs: 'sh_ElevenEngine000001',
  scripted: 'sh_ScriptedEngine0001',
  none: 'sh_NoEngine000000001',
  anamLimited: 'sh_AnamLimited000001',
  elevenLimited: 'sh_ElevenLimited00001',
} as const;
const PAGE = 'https://www.example.org';
const ANAM_KEY = `anam-key-${randomBytes(12).toString('hex')}`;
const ELEVENLABS_KEY = `xi-key-${randomBytes(12).toString('hex')}`;

let anam: FakeVendor;
let elevenlabs: FakeVendor;
let api: InProcessApi;

/** Engine settings as the CLI reads them from the environment, pointed at the fakes, with a short timeout. */
const configFor = (env: Record<string, string>): EngineConfig => ({ ...engineConfigFromEnv(env), timeoutMs: 400 });
const fullConfig = () =>
  configFor({
    ANAM_API_URL: anam.url,
    ANAM_API_KEY: ANAM_KEY,
    ELEVENLABS_API_URL: elevenlabs.url,
    ELEVENLABS_API_KEY: ELEVENLABS_KEY,
  });

before(async () => {
  anam = await startFakeAnam(ANAM_KEY);
  elevenlabs = await startFakeElevenLabs(ELEVENLABS_KEY);
  api = await startInProcessApi({ data: ENGINES_DATA, engines: fullConfig() });
});
after(async () => {
  await api.close();
  await anam.close();
  await elevenlabs.close();
});
beforeEach(() => {
  for (const vendor of [anam, elevenlabs]) {
    vendor.requests.length = 0;
    vendor.behaviour = () => 'ok';
    vendor.delayMs = 0;
  }
});

const start = (target: InProcessApi, token: string) =>
  fetch(`${target.base}/v1/embed/${token}/sessions`, { method: 'POST', headers: { Origin: PAGE } });
const usage = (target: InProcessApi, token: string) => target.store.linkByToken(token)!.usageCount;

/** Runs `run` with console.error captured; returns what was logged. */
async function capturingErrors<T>(run: () => Promise<T>): Promise<{ result: T; logged: string }> {
  const lines: string[] = [];
  const spy = mock.method(console, 'error', (...args: unknown[]) =>
    lines.push(args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg))).join(' ')),
  );
  try {
    return { result: await run(), logged: lines.join('\n') };
  } finally {
    spy.mock.restore();
  }
}

describe('minting each engine', () => {
  it('anam: asks for a stateful session token with the persona id and the key, and hands over only the token', async () => {
    const before = usage(api, TOKENS.anam);
    const response = await start(api, TOKENS.anam);
    assert.equal(response.status, 201);
    const text = await response.text();
    const body = JSON.parse(text);
    assert.deepEqual(Object.keys(body).sort(), ['engine', 'expiresAt', 'sessionToken', 'usageCount']);
    assert.deepEqual(Object.keys(body.engine).sort(), ['kind', 'sessionToken']);
    assert.equal(body.engine.kind, 'anam');
    assert.match(body.engine.sessionToken, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.equal(
      JSON.parse(Buffer.from(body.engine.sessionToken.split('.')[1], 'base64url').toString()).personaId,
      ANAM_PERSONA,
    );
    assert.equal(body.usageCount, before + 1);
    assert.equal(usage(api, TOKENS.anam), before + 1);

    assert.equal(anam.requests.length, 1);
    const [upstream] = anam.requests;
    assert.equal(upstream!.method, 'POST');
    assert.equal(upstream!.path, '/v1/auth/session-token');
    assert.equal(upstream!.headers['authorization'], `Bearer ${ANAM_KEY}`);
    assert.match(upstream!.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(JSON.parse(upstream!.body), { personaConfig: { personaId: ANAM_PERSONA } });
    assert.ok(!text.includes(ANAM_KEY), 'the key never reaches the browser');
  });

  it("elevenlabs: reads the agent's shareable link with xi-api-key, and hands over its conversation token and expiry", async () => {
    const response = await start(api, TOKENS.elevenlabs);
    assert.equal(response.status, 201);
    const text = await response.text();
    const { engine } = JSON.parse(text);
    assert.deepEqual(engine, {
      kind: 'elevenlabs',
      conversationToken: 'convtok_0',
      expiresAt: new Date(FAKE_ELEVENLABS_EXPIRY_SECS * 1000).toISOString(),
    });
    assert.equal(elevenlabs.requests.length, 1);
    const [upstream] = elevenlabs.requests;
    assert.equal(upstream!.method, 'GET');
    assert.equal(upstream!.path, `/v1/convai/agents/${AGENT_ID}/link`);
    assert.equal(upstream!.headers['xi-api-key'], ELEVENLABS_KEY);
    assert.equal(upstream!.headers['authorization'], undefined);
    assert.ok(!text.includes(ELEVENLABS_KEY), 'the key never reaches the browser');
    assert.ok(!text.includes(AGENT_ID), 'the agent id (private persona data) is not handed over');
    assert.equal(anam.requests.length, 0);
  });

  it('elevenlabs: a token without expiry gives expiresAt null', async () => {
    elevenlabs.behaviour = () => 'no-expiry';
    const response = await start(api, TOKENS.elevenlabs);
    assert.equal(response.status, 201);
    assert.equal((await response.json()).engine.expiresAt, null);
  });

  it("scripted: the scripted engine's WebSocket on the API's origin, carrying the session token; no vendor is called", async () => {
    const response = await start(api, TOKENS.scripted);
    assert.equal(response.status, 201);
    const body = await response.json();
    assert.deepEqual(Object.keys(body.engine).sort(), ['kind', 'url']);
    const url = new URL(body.engine.url);
    assert.equal(url.protocol, 'ws:');
    assert.equal(url.host, new URL(api.base).host);
    assert.equal(url.pathname, '/v1/engines/scripted');
    assert.equal(url.searchParams.get('session'), body.sessionToken);
    assert.equal(anam.requests.length + elevenlabs.requests.length, 0);
  });

  it('scripted: on the configured public URL, wss: for https:', async () => {
    const behindProxy = await startInProcessApi({
      data: ENGINES_DATA,
      engines: fullConfig(),
      publicUrl: 'https://api.example.com/',
    });
    try {
      const body = await (await start(behindProxy, TOKENS.scripted)).json();
      assert.equal(
        body.engine.url,
        `wss://api.example.com/v1/engines/scripted?session=${encodeURIComponent(body.sessionToken)}`,
      );
    } finally {
      await behindProxy.close();
    }
  });

  it('no engine: engine is null, as before, and no vendor is called', async () => {
    const response = await start(api, TOKENS.none);
    assert.equal(response.status, 201);
    assert.equal((await response.json()).engine, null);
    assert.equal(anam.requests.length + elevenlabs.requests.length, 0);
  });
});

describe('a granted session is one the widget accepts (one engine schema for server and widget)', () => {
  for (const [kind, token, vendor, field] of [
    ['anam', TOKENS.anam, () => anam, 'sessionToken'],
    ['elevenlabs', TOKENS.elevenlabs, () => elevenlabs, 'conversationToken'],
  ] as const) {
    it(`${kind}: a vendor token of ${LONG_TOKEN_LENGTH} characters is counted, handed over and accepted by the widget`, async () => {
      vendor().behaviour = () => 'long-token';
      const before = usage(api, token);
      const response = await start(api, token);
      assert.equal(response.status, 201);
      const body = await response.json();
      assert.equal(body.engine[field].length, LONG_TOKEN_LENGTH);
      // What the element runs on the answer (the critical path), then the conversation chunk.
      const session = parseSessionResponse(body);
      assert.deepEqual(parseEngine(session.engine), { engine: body.engine });
      assert.equal(usage(api, token), before + 1);
    });
  }

  it('scripted and no engine: the answers pass the widget validator too', async () => {
    for (const token of [TOKENS.scripted, TOKENS.none]) {
      const response = await start(api, token);
      assert.equal(response.status, 201);
      const body = await response.json();
      assert.deepEqual(parseSessionResponse(body), body);
    }
  });

  it('elevenlabs: an expiry the widget cannot read (after the year 9999) is a failed mint: 502, nothing counted', async () => {
    elevenlabs.behaviour = () => 'far-expiry';
    const before = usage(api, TOKENS.elevenlabs);
    const { result: response, logged } = await capturingErrors(() => start(api, TOKENS.elevenlabs));
    assert.equal(response.status, 502);
    assert.equal((await response.json()).error, 'server');
    assert.equal(usage(api, TOKENS.elevenlabs), before, 'nothing counted');
    assert.match(logged, /engine\.expiresAt: must be an ISO 8601 date-time/);
    assert.equal(logged.split('\n').length, 1, 'one log line');
  });
});

describe('upstream failures: 502, nothing counted, no key anywhere', () => {
  const failures: [string, VendorBehaviour, RegExp][] = [
    ['answers slowly (past the timeout)', 'slow', /no answer within 400 ms/],
    ['answers 401 (its body echoing the key it got)', 'status-401', /answered 401/],
    ['answers 500', 'status-500', /answered 500/],
    ['answers malformed JSON', 'malformed-json', /not JSON/],
    ['answers a wrong shape', 'wrong-shape', /does not have the documented shape/],
    ['answers a body of a megabyte', 'huge', /larger than 65536 bytes/],
  ];
  const vendors = [
    ['anam', TOKENS.anam, () => anam],
    ['elevenlabs', TOKENS.elevenlabs, () => elevenlabs],
  ] as const;

  for (const [kind, token, vendor] of vendors) {
    for (const [what, behaviour, logLine] of failures) {
      it(`${kind} ${what}`, async () => {
        vendor().behaviour = () => behaviour;
        const before = usage(api, token);
        const { result: response, logged } = await capturingErrors(() => start(api, token));
        assert.equal(response.status, 502);
        const text = await response.text();
        const body = JSON.parse(text);
        assert.equal(body.error, 'server');
        assert.equal(typeof body.message, 'string');
        assert.equal(response.headers.get('access-control-allow-origin'), PAGE, 'the widget can read why');
        assert.equal(usage(api, token), before, 'nothing counted');
        assert.equal(vendor().requests.length, 1);
        assert.match(logged, new RegExp(`engine ${kind}: .*${logLine.source}`));
        assert.equal(logged.split('\n').length, 1, 'one log line');
        for (const key of [ANAM_KEY, ELEVENLABS_KEY]) {
          assert.ok(!text.includes(key), 'no key in the answer');
          assert.ok(!logged.includes(key), 'no key in the log');
        }
      });
    }
  }

  it('elevenlabs: an agent without a shareable link token', async () => {
    elevenlabs.behaviour = () => 'no-token';
    const before = usage(api, TOKENS.elevenlabs);
    const { result: response, logged } = await capturingErrors(() => start(api, TOKENS.elevenlabs));
    assert.equal(response.status, 502);
    assert.equal(usage(api, TOKENS.elevenlabs), before);
    assert.match(logged, /has no shareable link token/);
  });

  it('elevenlabs: a token that has already expired', async () => {
    elevenlabs.behaviour = () => 'expired-token';
    const before = usage(api, TOKENS.elevenlabs);
    const { result: response, logged } = await capturingErrors(() => start(api, TOKENS.elevenlabs));
    assert.equal(response.status, 502);
    assert.equal(usage(api, TOKENS.elevenlabs), before);
    assert.match(logged, /conversation token expired at 2020-09-13T12:26:40.000Z/);
  });

  it('a vendor that cannot be reached (connection refused)', async () => {
    const closed = await startFakeAnam(ANAM_KEY);
    await closed.close();
    const unreachable = await startInProcessApi({
      data: ENGINES_DATA,
      engines: configFor({ ANAM_API_URL: closed.url, ANAM_API_KEY: ANAM_KEY }),
    });
    try {
      const { result: response, logged } = await capturingErrors(() => start(unreachable, TOKENS.anam));
      assert.equal(response.status, 502);
      assert.equal(usage(unreachable, TOKENS.anam), 0);
      assert.match(
        logged,
        /engine anam: POST http:\/\/127\.0\.0\.1:\d+\/v1\/auth\/session-token failed: network error ECONNREFUSED/,
      );
      assert.ok(!logged.includes(ANAM_KEY), 'no key in the log');
    } finally {
      await unreachable.close();
    }
  });

  it('a persona whose engine needs a key the server does not have: 502 without calling anyone', async () => {
    const keyless = await startInProcessApi({
      data: ENGINES_DATA,
      engines: configFor({ ANAM_API_URL: anam.url, ELEVENLABS_API_URL: elevenlabs.url }),
    });
    try {
      for (const [token, variable] of [
        [TOKENS.anam, 'ANAM_API_KEY'],
        [TOKENS.elevenlabs, 'ELEVENLABS_API_KEY'],
      ] as const) {
        const { result: response, logged } = await capturingErrors(() => start(keyless, token));
        assert.equal(response.status, 502);
        assert.equal((await response.json()).error, 'server');
        assert.equal(usage(keyless, token), 0);
        assert.match(logged, new RegExp(`${variable} is not set`));
      }
      assert.equal(anam.requests.length + elevenlabs.requests.length, 0);
      // Engines that need no key are unaffected.
      assert.equal((await start(keyless, TOKENS.scripted)).status, 201);
    } finally {
      await keyless.close();
    }
  });

  it('the use given back is on disk too (--persist)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'engines-persist-'));
    const file = join(dir, 'data.json');
    await writeFile(file, await readFile(ENGINES_DATA));
    const persisted = await startInProcessApi({ data: file, persistTo: file, engines: fullConfig() });
    try {
      assert.equal((await start(persisted, TOKENS.anam)).status, 201);
      anam.behaviour = () => 'status-500';
      const { result: failed } = await capturingErrors(() => start(persisted, TOKENS.anam));
      assert.equal(failed.status, 502);
      await persisted.store.flush();
      const onDisk = JSON.parse(await readFile(file, 'utf8')) as {
        shareLinks: { token: string; usageCount: number }[];
      };
      assert.equal(onDisk.shareLinks.find((link) => link.token === TOKENS.anam)!.usageCount, 1);
    } finally {
      await persisted.close();
    }
  });
});

describe('concurrency: k uses left, some mints failing', () => {
  for (const [kind, token, vendor] of [
    ['anam', TOKENS.anamLimited, () => anam],
    ['elevenlabs', TOKENS.elevenLimited, () => elevenlabs],
  ] as const) {
    it(`${kind}: never more than k sessions, and exactly the granted ones counted`, async () => {
      const link = api.store.linkByToken(token)!;
      await api.store.update(link.id, { usageCount: 0, usageLimit: 5 });
      // Every other mint fails; each takes a moment, so the starts overlap.
      vendor().behaviour = (n) => (n % 2 === 0 ? 'status-500' : 'ok');
      vendor().delayMs = 20;
      const { result: responses } = await capturingErrors(() =>
        Promise.all(Array.from({ length: 30 }, () => start(api, token))),
      );
      const statuses = responses.map((response) => response.status);
      const granted = statuses.filter((status) => status === 201).length;
      assert.ok(
        statuses.every((status) => status === 201 || status === 502 || status === 403),
        statuses.join(),
      );
      assert.ok(granted <= 5, `granted ${granted} of 5`);
      assert.ok(granted >= 1 && statuses.includes(502), `both outcomes happened: ${statuses.join()}`);
      assert.equal(link.usageCount, granted, 'every failure was given back');
      const tokens = await Promise.all(
        responses
          .filter((response) => response.status === 201)
          .map(async (response) => (await response.json()).sessionToken),
      );
      assert.equal(new Set(tokens).size, granted);
    });

    it(`${kind}: when every mint fails, nothing is counted`, async () => {
      const link = api.store.linkByToken(token)!;
      await api.store.update(link.id, { usageCount: 0, usageLimit: 5 });
      vendor().behaviour = () => 'status-500';
      vendor().delayMs = 20;
      const { result: responses } = await capturingErrors(() =>
        Promise.all(Array.from({ length: 20 }, () => start(api, token))),
      );
      const statuses = responses.map((response) => response.status);
      assert.equal(statuses.filter((status) => status === 201).length, 0);
      assert.ok(statuses.filter((status) => status === 502).length >= 5, statuses.join());
      assert.equal(link.usageCount, 0);
      // And the uses are there for the next visitors.
      vendor().behaviour = () => 'ok';
      assert.equal((await start(api, token)).status, 201);
      assert.equal(link.usageCount, 1);
    });
  }
});

describe('engine stays private', () => {
  it('never appears in the public lookup, for any engine', async () => {
    for (const token of Object.values(TOKENS)) {
      const text = await (await fetch(`${api.base}/v1/embed/${token}`, { headers: { Origin: PAGE } })).text();
      // The fixture tokens name their engine; nothing else in the answer may.
      assert.doesNotMatch(text.replaceAll(token, ''), /\bengine\b|agent_|"kind"|\banam\b|elevenlabs|scripted/i, token);
    }
  });

  it('the session answer carries what the browser client needs, never the persona setting', async () => {
    const text = await (await start(api, TOKENS.elevenlabs)).text();
    assert.ok(!text.includes(AGENT_ID), 'no agent id');
    assert.doesNotMatch(text, /agentId|xi-api-key/);
  });
});

describe('configuration', () => {
  it('keys print as [redacted] in logs, JSON and util.inspect', () => {
    const config = fullConfig();
    for (const printed of [
      inspect(config, { depth: 10 }),
      JSON.stringify(config),
      String(config.anam.apiKey),
      `${config.elevenlabs.apiKey}`,
    ]) {
      assert.ok(!printed.includes(ANAM_KEY) && !printed.includes(ELEVENLABS_KEY), printed);
    }
    assert.equal(config.anam.apiKey!.reveal(), ANAM_KEY);
  });

  it("defaults to the vendors' public hosts, and no keys", () => {
    const config = engineConfigFromEnv({});
    assert.equal(config.anam.apiUrl, 'https://api.anam.ai/');
    assert.equal(config.elevenlabs.apiUrl, 'https://api.elevenlabs.io/');
    assert.equal(config.anam.apiKey, null);
    assert.equal(config.elevenlabs.apiKey, null);
    assert.equal(config.timeoutMs, 8000);
  });

  it('a base URL with a path keeps it', async () => {
    const prefixed = await startInProcessApi({
      data: ENGINES_DATA,
      engines: configFor({ ANAM_API_URL: `${anam.url}/proxy/anam`, ANAM_API_KEY: ANAM_KEY }),
    });
    try {
      await capturingErrors(() => start(prefixed, TOKENS.anam));
      assert.equal(anam.requests[0]?.path, '/proxy/anam/v1/auth/session-token');
    } finally {
      await prefixed.close();
    }
  });

  it('the server stops at start on an invalid vendor URL, naming the variable', async () => {
    process.env['ELEVENLABS_API_URL'] = 'ftp://files.example';
    try {
      const { code, output } = await runApiToExit(['--data', ENGINES_DATA]);
      assert.equal(code, 1);
      assert.match(output, /ELEVENLABS_API_URL must be an http: or https: URL/);
    } finally {
      delete process.env['ELEVENLABS_API_URL'];
    }
  });

  for (const [engine, message] of [
    [{ kind: 'vapi' }, /personas\[1\] \("Elle"\): engine\.kind: must be \{"kind":"anam"\}/],
    [{ kind: 'elevenlabs' }, /personas\[1\] \("Elle"\): engine\.agentId/],
    [
      { kind: 'elevenlabs', agentId: '../../v1/user' },
      /personas\[1\] \("Elle"\): engine\.agentId: must be 1 to 100 letters, digits/,
    ],
    [{ kind: 'anam', personaId: 'x' }, /personas\[1\] \("Elle"\): engine\.personaId/],
    ['anam', /personas\[1\] \("Elle"\): engine: must be/],
  ] as const) {
    it(`an invalid engine stops the server, naming the entry: ${JSON.stringify(engine)}`, async () => {
      const data = JSON.parse(await readFile(ENGINES_DATA, 'utf8'));
      data.personas[1].engine = engine;
      const dir = await mkdtemp(join(tmpdir(), 'engines-invalid-'));
      const file = join(dir, 'data.json');
      await writeFile(file, JSON.stringify(data));
      const { code, output } = await runApiToExit(['--data', file]);
      assert.equal(code, 1);
      assert.match(output, /invalid data file/);
      assert.match(output, message);
    });
  }

  it('warns at start about personas whose engine has no key, naming the variable, never a key', async () => {
    const running = await startApi({ data: ENGINES_DATA });
    try {
      assert.match(
        running.output(),
        /persona "Ana" uses engine anam, but ANAM_API_KEY is not set: its sessions will answer 502/,
      );
      assert.match(running.output(), /persona "Elle" uses engine elevenlabs, but ELEVENLABS_API_KEY is not set/);
    } finally {
      await running.stop();
    }
  });
});
