/**
 * What the API gives away and to whom: the public link is an allow-list, media URLs never come
 * from the request's Host, every answer may be embedded by cross-origin-isolated pages, and the
 * management key is read safely.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DEMO_DATA, runApiToExit, startApi, type RunningApi } from '../../scripts/api-process.ts';
import { auth, startInProcessApi, type InProcessApi, type InProcessOptions } from '../support/api-inprocess.ts';
import type { EmbeddedStore } from '../../server/store/index.ts';
import { closeClients, send } from '../support/http-client.ts';

const PLAYER = 'sh_2kL9pQxYzR4vN8mBwHfJc';
const PAGE = 'https://www.example.org';
const running: { close?: () => Promise<void>; stop?: () => Promise<unknown> }[] = [];
after(async () => {
  closeClients();
  await Promise.all(running.map((each) => (each.close ? each.close() : each.stop!())));
});

async function inProcess(options: InProcessOptions<EmbeddedStore> = {}): Promise<InProcessApi> {
  const api = await startInProcessApi(options);
  running.push(api);
  return api;
}

async function cli(options: Parameters<typeof startApi>[0] = {}): Promise<RunningApi> {
  const api = await startApi(options);
  running.push(api);
  return api;
}

async function tempFile(name: string, text: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'share-link-hardening-')), name);
  await writeFile(file, text);
  return file;
}

const PUBLIC_LINK_FIELDS = [
  'allowAllOrigins',
  'allowedOrigins',
  // What a start needs beside the token: the widget solves a proof of work on intent (docs/security.md).
  'challenge',
  'createdAt',
  'enabled',
  'expiresAt',
  'id',
  'isPrimary',
  'personaId',
  'personaName',
  'removeWatermark',
  'token',
  'type',
  'usageCount',
  'usageLimit',
];

describe('the public shareLink is an allow-list', () => {
  it('never sends fields stored beside the public ones (notes, secrets, organisation data)', async () => {
    const data = JSON.parse(await readFile(DEMO_DATA, 'utf8'));
    const link = data.shareLinks.find((each: { token: string }) => each.token === PLAYER);
    Object.assign(link, {
      notes: 'NOTE-internal: discount for ACME',
      webhookSecret: 'whsec_SECRET-WEBHOOK-0123456789',
      organization: { name: 'ACME-ORG-PRIVATE', billingEmail: 'billing@acme.example' },
      apiKey: 'sk_live_SECRET-KEY',
    });
    const api = await inProcess({ data: await tempFile('data.json', JSON.stringify(data)) });
    const response = await fetch(`${api.base}/v1/embed/${PLAYER}`, { headers: { Origin: PAGE } });
    assert.equal(response.status, 200);
    const text = await response.text();
    const body = JSON.parse(text);
    assert.deepEqual(Object.keys(body.shareLink).sort(), PUBLIC_LINK_FIELDS);
    assert.doesNotMatch(text, /NOTE-internal|SECRET-WEBHOOK|ACME-ORG-PRIVATE|billing@|SECRET-KEY|organizationId/);
    // The owner still sees everything that is stored.
    const stored = await (await fetch(`${api.base}/v1/share-links/${link.id}`, { headers: auth })).json();
    assert.equal(stored.webhookSecret, 'whsec_SECRET-WEBHOOK-0123456789');
    assert.equal(typeof stored.organizationId, 'string');
  });
});

describe('media URLs come from the public URL, never from Host', () => {
  it('by default names the address the connection arrived on, whatever Host says', async () => {
    const api = await inProcess();
    const answer = await send(api.base, 'GET', `/v1/embed/${PLAYER}`, {
      headers: { Host: 'evil.example', Origin: PAGE, 'X-Forwarded-Host': 'evil.example' },
    });
    assert.equal(answer.status, 200);
    const avatar = (answer.json()['persona'] as { avatar: { imageUrl: string; videoUrl: string } }).avatar;
    assert.equal(avatar.imageUrl, `${api.base}/media/cara.svg`);
    assert.equal(avatar.videoUrl, `${api.base}/media/cara-idle.webm`);
  });

  it('uses publicUrl, with its path as a prefix', async () => {
    const api = await inProcess({ publicUrl: 'https://embed.example.com/widget' });
    const answer = await send(api.base, 'GET', `/v1/embed/${PLAYER}`, { headers: { Host: 'evil.example' } });
    assert.equal(
      (answer.json()['persona'] as { avatar: { imageUrl: string } }).avatar.imageUrl,
      'https://embed.example.com/widget/media/cara.svg',
    );
  });

  it('the CLI: --public-url, else the listening address; a bad --public-url stops it with one line', async () => {
    const plain = await cli();
    const forged = await send(plain.base, 'GET', `/v1/embed/${PLAYER}`, { headers: { Host: 'evil.example:666' } });
    assert.equal(
      (forged.json()['persona'] as { avatar: { imageUrl: string } }).avatar.imageUrl,
      `${plain.base}/media/cara.svg`,
    );
    const configured = await cli({ extra: ['--public-url', 'https://cdn.example.net/'] });
    const answer = await send(configured.base, 'GET', `/v1/embed/${PLAYER}`, { headers: { Host: 'evil.example' } });
    assert.equal(
      (answer.json()['persona'] as { avatar: { imageUrl: string } }).avatar.imageUrl,
      'https://cdn.example.net/media/cara.svg',
    );
    for (const bad of [
      'not a url',
      'javascript:alert(1)',
      'https://user:pw@cdn.example.net',
      'https://cdn.example.net/?q=1',
    ]) {
      const { code, output } = await runApiToExit(['--data', DEMO_DATA, '--public-url', bad]);
      assert.equal(code, 1, output);
      assert.match(output, /^share-link-api: --public-url .* (is not a URL|must be an http: or https: URL)/m);
    }
  });
});

describe('Cross-Origin-Resource-Policy: cross-origin', () => {
  it('on bundles, media, lookups, session starts, errors and management answers', async () => {
    const bundleDir = await mkdtemp(join(tmpdir(), 'share-link-bundles-'));
    await writeFile(join(bundleDir, 'share-link-embed.js'), 'export {};\n');
    await writeFile(join(bundleDir, 'share-link-embed.iife.js'), ';\n');
    const api = await inProcess({ bundleDir });
    const targets: [string, string, number, Record<string, string>?][] = [
      ['GET', '/share-link-embed.js', 200],
      ['GET', '/share-link-embed.iife.js', 200],
      ['GET', '/media/cara.svg', 200],
      ['GET', '/media/cara-idle.webm', 200],
      ['GET', '/media/missing.png', 404],
      ['GET', `/v1/embed/${PLAYER}`, 200],
      ['GET', '/v1/embed/sh_Unknown0000000000', 404],
      ['GET', '/v1/embed/sh_x', 400],
      ['POST', `/v1/embed/${PLAYER}/sessions`, 201],
      ['OPTIONS', `/v1/embed/${PLAYER}/sessions`, 204],
      ['GET', '/v1/share-links', 200, auth],
      ['GET', '/v1/share-links', 401],
      ['GET', '/nothing-here', 404],
    ];
    for (const [method, path, status, headers] of targets) {
      const answer = await send(api.base, method, path, { headers: { Origin: PAGE, ...headers } });
      assert.equal(answer.status, status, `${method} ${path}`);
      assert.equal(answer.headers['cross-origin-resource-policy'], 'cross-origin', `${method} ${path}`);
    }
  });
});

describe('the management key', () => {
  it('comes from SHARE_LINK_API_KEY, kept out of ps', async () => {
    const key = 'an-environment-key-0123456789';
    const api = await cli({ apiKey: null, env: { SHARE_LINK_API_KEY: key } });
    assert.equal(
      (await fetch(`${api.base}/v1/share-links`, { headers: { Authorization: `Bearer ${key}` } })).status,
      200,
    );
    assert.equal((await fetch(`${api.base}/v1/share-links`, { headers: auth })).status, 401);
    assert.doesNotMatch(api.output(), new RegExp(key), 'the key is not printed');
  });

  it('comes from --api-key-file (its first line)', async () => {
    const key = 'a-key-from-a-file-0123456789';
    const api = await cli({ apiKey: null, extra: ['--api-key-file', await tempFile('key', `${key}\n`)] });
    assert.equal(
      (await fetch(`${api.base}/v1/share-links`, { headers: { Authorization: `Bearer ${key}` } })).status,
      200,
    );
  });

  it('is refused when empty, unreadable or given twice, with one clear line', async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--api-key', ''], {}, /management key from --api-key is empty/],
      [['--api-key', '   '], {}, /management key from --api-key is empty/],
      [[], { SHARE_LINK_API_KEY: '' }, /management key from SHARE_LINK_API_KEY is empty/],
      [['--api-key-file', await tempFile('empty-key', '\n')], {}, /management key from --api-key-file .* is empty/],
      [
        ['--api-key-file', '/nonexistent/key'],
        {},
        /cannot read the management key from --api-key-file \/nonexistent\/key/,
      ],
      [['--api-key', 'x'.repeat(20), '--api-key-file', '/tmp/k'], {}, /--api-key or --api-key-file, not both/],
    ];
    for (const [args, env, message] of cases) {
      const { code, output } = await runApiToExit(['--data', DEMO_DATA, ...args], env);
      assert.equal(code, 1, `${args.join(' ')}: ${output}`);
      assert.match(output, message);
      assert.doesNotMatch(output, /listening on|\n\s+at /, 'no start, no stack trace');
    }
  });

  it('is refused when a Bearer token cannot carry it (RFC 6750), with one clear line', async () => {
    for (const key of [
      'a key with spaces 0123',
      'ünïcode-key-0123456789',
      'key"quoted"0123456789',
      'key=padding=mid0123',
    ]) {
      const { code, output } = await runApiToExit(['--data', DEMO_DATA, '--api-key', key]);
      assert.equal(code, 1, `${key}: ${output}`);
      assert.match(
        output,
        /management key from --api-key may hold only letters, digits and -\._~\+\/ \(then = padding\)/,
      );
      assert.doesNotMatch(output, /listening on|\n\s+at /, 'no start, no stack trace');
    }
    // What openssl rand -base64 gives, padding included, is a key.
    const api = await cli({ apiKey: 'Zm9vYmFyLWJhei0wMTIzNDU2Nzg5+/=' });
    const headers = { Authorization: 'Bearer Zm9vYmFyLWJhei0wMTIzNDU2Nzg5+/=' };
    assert.equal((await fetch(`${api.base}/v1/share-links`, { headers })).status, 200);
  });

  it('is refused under 16 characters, from any source, with one clear line', async () => {
    for (const [args, env] of [
      [['--api-key', 'fifteen-chars-x'], {}],
      [[], { SHARE_LINK_API_KEY: 'short-key' }],
      [['--api-key-file', await tempFile('short-key', 'k3y\n')], {}],
    ] as [string[], Record<string, string>][]) {
      const { code, output } = await runApiToExit(['--data', DEMO_DATA, ...args], env);
      assert.equal(code, 1, output);
      assert.equal(output.trim().split('\n').length, 1, output);
      assert.match(
        output,
        /^share-link-api: the management key from .* has only \d+ characters; give one of 16 or more/,
      );
    }
    const long = await cli({ apiKey: 'sixteen-chars-ok' });
    assert.equal(
      (await fetch(`${long.base}/v1/share-links`, { headers: { Authorization: 'Bearer sixteen-chars-ok' } })).status,
      200,
    );
  });
});

describe('the session secret', () => {
  it('is refused under 32 bytes, with one clear line and exit 1', async () => {
    for (const [args, env, bytes] of [
      [['--session-secret', 'abc'], {}, 3],
      [[], { SHARE_LINK_SESSION_SECRET: 'x'.repeat(31) }, 31],
      // Bytes, not characters: ten 3-byte characters are 30 bytes.
      [[], { SHARE_LINK_SESSION_SECRET: '€'.repeat(10) }, 30],
    ] as [string[], Record<string, string>, number][]) {
      const { code, output } = await runApiToExit(['--data', DEMO_DATA, ...args], env);
      assert.equal(code, 1, output);
      assert.equal(output.trim().split('\n').length, 1, output);
      assert.match(
        output,
        new RegExp(`^share-link-api: the session secret from .* has only ${bytes} bytes; give one of 32 bytes or more`),
      );
    }
    const api = await cli({ env: { SHARE_LINK_SESSION_SECRET: '€'.repeat(11) } });
    assert.match(api.base, /^http:/, '33 bytes start');
  });
});
