/**
 * The console's page on the API (docs/operators.md, "Console"): its headers and CSP, its scripts
 * (hashed, immutable, same origin), the page when the console is not built, and the console's API
 * client against the real management API.
 */
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiError, ManagementApi } from '../../console/api.ts';
import { API_KEY } from '../../scripts/api-process.ts';
import { startInProcessApi, type InProcessApi } from '../support/api-inprocess.ts';
import { fakePagesBuild } from '../support/pages-build.ts';

describe('GET /console', () => {
  let api: InProcessApi;
  let unbuilt: InProcessApi;
  let elsewhere: InProcessApi;

  before(async () => {
    const bundleDir = await fakePagesBuild();
    api = await startInProcessApi({ bundleDir });
    unbuilt = await startInProcessApi({ bundleDir: await mkdtemp(join(tmpdir(), 'console-empty-')) });
    elsewhere = await startInProcessApi({ bundleDir, publicUrl: 'https://embed.example.com' });
  });
  after(() => Promise.all([api.close(), unbuilt.close(), elsewhere.close()]));

  it('serves the page with a strict CSP, no inline script and no cookie', async () => {
    const response = await fetch(`${api.base}/console`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    const csp = response.headers.get('content-security-policy') ?? '';
    const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce, csp);
    for (const directive of [
      "default-src 'none'",
      "script-src 'self'",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'none'",
    ])
      assert.ok(csp.split('; ').includes(directive), `${directive} in ${csp}`);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(response.headers.get('x-robots-tag'), 'noindex');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('cross-origin-resource-policy'), 'same-origin');
    assert.equal(response.headers.get('set-cookie'), null);

    const html = await response.text();
    // Every script is this origin's file, or data that is never run.
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((match) => match[1]!);
    assert.deepEqual(scripts, [
      ' type="module" src="/pages/console-AbC123.js"',
      ' type="application/json" id="page-settings"',
    ]);
    assert.match(html, /<link rel="modulepreload" href="\/pages\/lit-Def456.js">/);
    assert.doesNotMatch(html, /analytics-Ghi789/, 'a lazy view is not preloaded');
    assert.match(html, new RegExp(`<style nonce="${nonce!.replace(/[+/=]/g, '\\$&')}">`));
    assert.match(html, /<share-link-console><\/share-link-console>/);
    // A new nonce for every answer.
    const again = (await fetch(`${api.base}/console`)).headers.get('content-security-policy');
    assert.notEqual(again, csp);
  });

  it('tells the console where browsers reach the API, as inert JSON', async () => {
    const settings = (html: string) =>
      JSON.parse(/<script type="application\/json" id="page-settings">([^<]*)<\/script>/.exec(html)![1]!);
    assert.deepEqual(settings(await (await fetch(`${api.base}/console`)).text()), { apiBase: api.base });
    assert.deepEqual(settings(await (await fetch(`${elsewhere.base}/console`)).text()), {
      apiBase: 'https://embed.example.com',
    });
  });

  it('serves the scripts, hashed and immutable; nothing else under /pages/', async () => {
    const script = await fetch(`${api.base}/pages/analytics-Ghi789.js`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    assert.equal(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match(await script.text(), /analytics-Ghi789/);
    // Precompressed at build, chosen by Accept-Encoding, as the bundles are.
    const brotli = await fetch(`${api.base}/pages/analytics-Ghi789.js`, { headers: { 'Accept-Encoding': 'br' } });
    assert.equal(brotli.headers.get('content-encoding'), 'br');
    assert.match(brotli.headers.get('vary') ?? '', /accept-encoding/i);
    assert.match(await brotli.text(), /analytics-Ghi789/);
    for (const path of ['/pages/manifest.json', '/pages/missing-Xyz.js', '/pages/../package.json', '/pages/']) {
      const response = await fetch(`${api.base}${path}`);
      assert.equal(response.status, 404, path);
      assert.equal(response.headers.get('cache-control'), 'no-store', path);
    }
  });

  it('says in words, with the same headers, when the console is not built', async () => {
    const response = await fetch(`${unbuilt.base}/console`);
    assert.equal(response.status, 503);
    assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.match(await response.text(), /The console is not built on this server: run &#34;npm run build&#34;/);
  });
});

describe("the console's API client", () => {
  let api: InProcessApi;
  before(async () => {
    api = await startInProcessApi();
  });
  after(() => api.close());

  it('sends the key as the bearer header and reads the management answers', async () => {
    const client = new ManagementApi({ key: API_KEY, base: api.base });
    const page = await client.listLinks({ search: 'Expired', perPage: 5 });
    assert.deepEqual(
      page.data.map((link) => link.token),
      ['sh_Expired9pQxYzR4vN8m'],
    );
    const created = await client.createLink({
      personaId: page.data[0]!.personaId,
      allowedOrigins: ['https://a.example'],
    });
    const updated = await client.updateLink(created.id, { enabled: false });
    assert.equal(updated.enabled, false);
    assert.equal(await client.deleteLink(created.id), null);
  });

  it('turns refusals into one error naming the field, and a refused key into a sign-out', async () => {
    const client = new ManagementApi({ key: API_KEY, base: api.base });
    const [link] = (await client.listLinks({ perPage: 1 })).data;
    await assert.rejects(
      client.updateLink(link!.id, { allowedOrigins: ['https://ok.example', 'https://shop.example/path'] }),
      (error: unknown) =>
        error instanceof ApiError &&
        error.status === 400 &&
        error.field === 'allowedOrigins.1' &&
        /has a path \("\/path"\)/.test(error.message),
    );
    let signedOut = 0;
    const wrong = new ManagementApi({ key: 'not-the-key', base: api.base, onUnauthorized: () => signedOut++ });
    await assert.rejects(wrong.listLinks({}), (error: unknown) => error instanceof ApiError && error.status === 401);
    assert.equal(signedOut, 1);
    const unreachable = new ManagementApi({ key: API_KEY, base: 'http://127.0.0.1:9' });
    await assert.rejects(
      unreachable.listLinks({}),
      (error: unknown) => error instanceof ApiError && error.status === 0,
    );
  });
});
