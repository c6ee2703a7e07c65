/**
 * Delivery of the bundles (docs/delivery.md): precompressed at build and served by
 * `Accept-Encoding` with `Vary`, versioned immutable URLs beside the unversioned ones, and the
 * build's manifest (`integrity.json`) with the sha384 of every file a page may load.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { BUNDLE_FILE, writeDeliveryFiles, type BuildManifest } from '../../server/bundle-files.ts';
import { startInProcessApi, type InProcessApi } from '../support/api-inprocess.ts';

const VERSION = '1.2.3';
/** A build's files, small but compressible, as the build names them. */
const FILES: Record<string, string> = {
  'share-link-embed.js': `export const a = ${JSON.stringify('module '.repeat(400))};\n`,
  'share-link-embed.iife.js': `var a = ${JSON.stringify('classic '.repeat(400))};\n`,
  'share-link-embed-orb-AbC123xY.js': `export const orb = ${JSON.stringify('orb '.repeat(300))};\n`,
  'share-link-embed-orb-AbC123xY.js.map': '{"version":3,"sources":[],"mappings":""}',
};

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET (or HEAD) whose body is the bytes as sent: no client decompresses it. */
function get(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

let dir: string;
let api: InProcessApi;
let manifest: BuildManifest;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'share-link-delivery-'));
  for (const [name, text] of Object.entries(FILES)) await writeFile(join(dir, name), text);
  manifest = await writeDeliveryFiles(dir, VERSION);
  api = await startInProcessApi({ bundleDir: dir });
});
after(() => api.close());

describe('the build: precompressed copies and integrity.json', () => {
  it('writes .br and .gz beside every bundle and chunk, each decoding to the file itself', async () => {
    for (const name of Object.keys(FILES).filter((file) => BUNDLE_FILE.test(file))) {
      const raw = await readFile(join(dir, name));
      assert.deepEqual(brotliDecompressSync(await readFile(join(dir, `${name}.br`))), raw, name);
      assert.deepEqual(gunzipSync(await readFile(join(dir, `${name}.gz`))), raw, name);
    }
  });

  it('lists every file a page may load with its sha384, and the version; never a map', async () => {
    const written = JSON.parse(await readFile(join(dir, 'integrity.json'), 'utf8')) as BuildManifest;
    assert.deepEqual(written, manifest);
    assert.equal(written.version, VERSION);
    assert.deepEqual(Object.keys(written.files), [
      'share-link-embed-orb-AbC123xY.js',
      'share-link-embed.iife.js',
      'share-link-embed.js',
    ]);
    for (const [name, integrity] of Object.entries(written.files)) {
      const digest = createHash('sha384')
        .update(await readFile(join(dir, name)))
        .digest('base64');
      assert.equal(integrity, `sha384-${digest}`, name);
    }
  });

  it('refuses a version no URL could carry', async () => {
    await assert.rejects(writeDeliveryFiles(dir, '../1.0.0'), /not a version/);
  });
});

describe('compression by Accept-Encoding', () => {
  for (const path of [
    '/share-link-embed.js',
    `/v/${VERSION}/share-link-embed.js`,
    '/share-link-embed-orb-AbC123xY.js',
  ]) {
    it(`${path}: Brotli, else gzip, else identity; Vary: Accept-Encoding on each`, async () => {
      const name = path.split('/').at(-1)!;
      const raw = Buffer.from(FILES[name]!);
      const cases: [string, string | undefined, (body: Buffer) => Buffer][] = [
        ['gzip, deflate, br, zstd', 'br', brotliDecompressSync],
        ['br', 'br', brotliDecompressSync],
        ['gzip, deflate', 'gzip', gunzipSync],
        ['identity', undefined, (body) => body],
        ['', undefined, (body) => body],
      ];
      for (const [accept, encoding, decode] of cases) {
        const answer = await get(api.base, path, accept ? { 'Accept-Encoding': accept } : {});
        assert.equal(answer.status, 200, accept);
        assert.equal(answer.headers['content-encoding'], encoding, accept);
        assert.deepEqual(decode(answer.body), raw, accept);
        assert.equal(Number(answer.headers['content-length']), answer.body.length, accept);
        assert.match(String(answer.headers['vary']), /\bAccept-Encoding\b/i, accept);
        assert.match(String(answer.headers['content-type']), /^text\/javascript/, accept);
        assert.equal(answer.headers['access-control-allow-origin'], '*', accept);
      }
      const compressed = await get(api.base, path, { 'Accept-Encoding': 'br' });
      assert.ok(compressed.body.length < raw.length / 3, 'the compressed copy is what goes out');
    });
  }

  it('HEAD answers the negotiated length without a body', async () => {
    const head = await get(api.base, '/share-link-embed.js', { 'Accept-Encoding': 'gzip' }, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-encoding'], 'gzip');
    assert.equal(Number(head.headers['content-length']), (await readFile(join(dir, 'share-link-embed.js.gz'))).length);
    assert.equal(head.body.length, 0);
  });
});

describe('versioned and unversioned URLs', () => {
  it('unversioned: five minutes; versioned: a year, immutable; the same bytes', async () => {
    for (const name of ['share-link-embed.js', 'share-link-embed.iife.js', 'share-link-embed-orb-AbC123xY.js']) {
      const plain = await get(api.base, `/${name}`);
      const pinned = await get(api.base, `/v/${VERSION}/${name}`);
      assert.equal(plain.headers['cache-control'], 'public, max-age=300', name);
      assert.equal(pinned.headers['cache-control'], 'public, max-age=31536000, immutable', name);
      assert.deepEqual(pinned.body, plain.body, name);
      assert.equal(pinned.headers['cross-origin-resource-policy'], 'cross-origin', name);
    }
  });

  it('serves source maps beside them, versioned too', async () => {
    const map = await get(api.base, `/v/${VERSION}/share-link-embed-orb-AbC123xY.js.map`);
    assert.equal(map.status, 200);
    assert.equal(map.body.toString(), FILES['share-link-embed-orb-AbC123xY.js.map']);
  });

  it('another version is 404, uncached, unless its files are kept in <bundle dir>/v/{version}/', async () => {
    for (const path of [
      '/v/1.2.4/share-link-embed.js',
      '/v/0.9.0/integrity.json',
      '/v/latest/share-link-embed.js',
      '/v/1.2.3/../share-link-embed.js',
      '/v/1.2.3/share-link-embed-missing-00000000.js',
      '/v/1.2.3/other.js',
    ]) {
      const answer = await get(api.base, path);
      assert.equal(answer.status, 404, path);
      assert.equal(answer.headers['cache-control'], 'no-store', path);
    }
    const archive = join(dir, 'v', '0.9.0');
    await mkdir(archive, { recursive: true });
    await writeFile(join(archive, 'share-link-embed.js'), 'export const old = 1;\n');
    await writeFile(join(archive, 'integrity.json'), '{"version":"0.9.0","files":{}}\n');
    const old = await get(api.base, '/v/0.9.0/share-link-embed.js');
    assert.equal(old.status, 200);
    assert.equal(old.body.toString(), 'export const old = 1;\n');
    assert.equal(old.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal((await get(api.base, '/v/0.9.0/integrity.json')).status, 200);
  });

  it('integrity.json: the build manifest, at both kinds of URL', async () => {
    for (const [path, cache] of [
      ['/integrity.json', 'public, max-age=300'],
      [`/v/${VERSION}/integrity.json`, 'public, max-age=31536000, immutable'],
    ] as const) {
      const answer = await get(api.base, path, { Origin: 'https://console.example' });
      assert.equal(answer.status, 200, path);
      assert.deepEqual(JSON.parse(answer.body.toString()), manifest, path);
      assert.equal(answer.headers['cache-control'], cache, path);
      assert.equal(answer.headers['access-control-allow-origin'], '*', path);
    }
  });

  it('without a build manifest, the unversioned URLs still work and no version does', async () => {
    const bare = await mkdtemp(join(tmpdir(), 'share-link-unbuilt-'));
    await writeFile(join(bare, 'share-link-embed.js'), 'export {};\n');
    const unbuilt = await startInProcessApi({ bundleDir: bare });
    try {
      assert.equal((await get(unbuilt.base, '/share-link-embed.js')).status, 200);
      assert.equal((await get(unbuilt.base, `/v/${VERSION}/share-link-embed.js`)).status, 404);
      assert.equal((await get(unbuilt.base, '/integrity.json')).status, 404);
    } finally {
      await unbuilt.close();
    }
  });
});
