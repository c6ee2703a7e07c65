/**
 * The server's answers conform to `openapi.yaml`: every documented operation is exercised, every
 * answer's status is documented, and every JSON body validates against its documented schema.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { createServer } from 'node:net';
import { EmbeddedStore, PostgresStore, connect, loadDataFile } from '../../server/store/index.ts';
import { DEMO_DATA, ROOT } from '../../scripts/api-process.ts';
import { createAnalytics } from '../../server/analytics.ts';
import { createWebhookDispatcher, type WebhookDispatcher } from '../../server/webhooks.ts';
import { auth, jsonHeaders, startInProcessApi, type InProcessApi } from '../support/api-inprocess.ts';
import { engineConfigFromEnv } from '../../server/engines.ts';
import { createAbuseLimiter } from '../../server/limits.ts';
import { ENGINES_DATA } from '../support/fixtures.ts';
import { fakePagesBuild } from '../support/pages-build.ts';

type Operation = {
  responses: Record<
    string,
    {
      $ref?: string;
      headers?: Record<string, { required?: boolean; schema: object }>;
      content?: Record<string, { schema: object }>;
    }
  >;
};
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, Operation['responses'][string]> };
};

let api: InProcessApi;
/** The same API with tiny abuse limits, to reach every 429. */
let limited: InProcessApi;
/** Personas with engines, and no vendor keys: their vendors' sessions answer 502. */
let enginesApi: InProcessApi;
let doc: Document;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);

/** Receives the main API's webhooks: nothing listens there, so attempts fail and are listed. */
let dispatcher: WebhookDispatcher;

before(async () => {
  const store = new EmbeddedStore(await loadDataFile(DEMO_DATA));
  dispatcher = createWebhookDispatcher({
    store,
    config: { url: 'http://127.0.0.1:9/hooks', secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}` },
  });
  api = await startInProcessApi({
    store,
    bundleDir: await fakePagesBuild(),
    analytics: createAnalytics({ store }),
    webhooks: { dispatcher, url: 'http://127.0.0.1:9/hooks' },
  });
  const tiny = { points: 1, durationSeconds: 600 };
  limited = await startInProcessApi({
    limits: createAbuseLimiter({
      rules: {
        lookup: { ...tiny, name: 'lookup', points: 2 },
        sessionStart: { ...tiny, name: 'session-start' },
        managementAuth: { ...tiny, name: 'management-auth' },
        managementAuthPerClient: { ...tiny, name: 'management-auth-client' },
      },
    }),
  });
  enginesApi = await startInProcessApi({ data: ENGINES_DATA, engines: engineConfigFromEnv({}) });
  doc = parse(await readFile(join(ROOT, 'openapi.yaml'), 'utf8'));
  ajv.addSchema(doc, 'openapi');
});
after(() => Promise.all([api.close(), limited.close(), enginesApi.close()]));

const exercised = new Set<string>();

function operationFor(method: string, path: string): [string, Operation] {
  for (const [template, item] of Object.entries(doc.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const operation = item[method.toLowerCase()];
    if (pattern.test(path) && operation) return [`${method} ${template}`, operation];
  }
  throw new Error(`${method} ${path} is not documented`);
}

async function check(method: string, path: string, init: RequestInit = {}, base = api.base) {
  const response = await fetch(`${base}${path}`, { method, redirect: 'manual', ...init });
  const [name, operation] = operationFor(method, new URL(path, base).pathname);
  let documented = operation.responses[String(response.status)];
  assert.ok(documented, `${name} answered ${response.status}, which openapi.yaml does not document`);
  if (documented.$ref) documented = doc.components.responses[documented.$ref.split('/').pop()!]!;
  exercised.add(`${name} ${response.status}`);
  for (const [header, { required, schema }] of Object.entries(documented.headers ?? {})) {
    const value = response.headers.get(header);
    if (required) assert.ok(value !== null, `${name} ${response.status} lacks the documented ${header} header`);
    if (value !== null) {
      const validate = ajv.compile(schema);
      assert.ok(
        validate(/^\d+$/.test(value) ? Number(value) : value),
        `${name} ${response.status}: ${header}: ${value}: ${ajv.errorsText(validate.errors)}`,
      );
    }
  }
  if (documented.content?.['image/*']) {
    assert.match(response.headers.get('content-type') ?? '', /^image\//, `${name} ${response.status} is an image`);
    return;
  }
  if (documented.content?.['text/html']) {
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/, `${name} ${response.status} is HTML`);
    assert.match(await response.text(), /^<!doctype html>/, `${name} ${response.status} is an HTML document`);
    return;
  }
  const schema = documented.content?.['application/json']?.schema;
  if (!schema) {
    assert.equal(await response.text(), '', `${name} ${response.status} has no documented body`);
    return;
  }
  const validate = ajv.compile(resolvingAgainstDocument(schema));
  const body = await response.json();
  assert.ok(
    validate(body),
    `${name} ${response.status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`,
  );
}

/** Rewrites local `#/components/...` refs so the schema resolves against the registered document. */
function resolvingAgainstDocument(schema: object): object {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'));
}

it('documents every answer of the public endpoints', async () => {
  const origin = { headers: { Origin: 'https://page.example' } };
  await check('GET', '/v1/embed/sh_2kL9pQxYzR4vN8mBwHfJc', origin);
  await check('GET', '/v1/embed/sh_Markup6vN8mBwHfJc4', origin);
  await check('GET', '/v1/embed/sh_x', origin);
  await check('GET', '/v1/embed/sh_Unknown0000000000', origin);
  await check('GET', '/v1/embed/sh_OriginNo3xYzR4vN8m', origin);
  await check('GET', '/v1/embed/sh_Expired9pQxYzR4vN8m', origin);
  await check('POST', '/v1/embed/sh_ThreeUses7kL9pQxYz/sessions', origin);
  await check('POST', '/v1/embed/sh_Markup6vN8mBwHfJc4/sessions', origin);
  await check('POST', '/v1/embed/sh_UsedUp2kL9pQxYzR4v/sessions', origin);
  await check('POST', '/v1/embed/sh_Expired9pQxYzR4vN8m/sessions', origin);
  await check('POST', '/v1/embed/sh_Unknown0000000000/sessions', origin);
  await check('POST', '/v1/embed/sh_/sessions', origin);
  for (const token of [
    'sh_ScriptedEngine0001',
    'sh_NoEngine000000001',
    'sh_AnamEngine0000001',
    'sh_ElevenEngine000001',
  ]) {
    await check('POST', `/v1/embed/${token}/sessions`, origin, enginesApi.base);
  }
});

it('documents the protections: challenges, signed embeds, their refusals', async () => {
  const origin = { 'Content-Type': 'application/json', Origin: 'https://page.example' };
  const create = async (fields: Record<string, unknown>) =>
    (await (
      await fetch(`${api.base}/v1/share-links`, {
        method: 'POST',
        headers: jsonHeaders,
        body: JSON.stringify({ personaId: '9b2e7d14-5a3c-4f86-b0d9-6c1a8e4f2b37', allowAllOrigins: true, ...fields }),
      })
    ).json()) as { id: string; token: string };
  const pow = await create({ challenge: 'proof-of-work' });
  const signed = await create({ requireSignedEmbed: true });
  await check('GET', `/v1/embed/${pow.token}/challenge`, { headers: origin });
  await check('GET', '/v1/embed/sh_2kL9pQxYzR4vN8mBwHfJc/challenge', { headers: origin });
  await check('GET', '/v1/embed/sh_x/challenge', { headers: origin });
  await check('GET', '/v1/embed/sh_Expired9pQxYzR4vN8m/challenge', { headers: origin });
  await check('GET', `/v1/embed/${signed.token}/challenge`, { headers: origin });
  await check('POST', `/v1/embed/${pow.token}/sessions`, { headers: origin });
  await check('POST', `/v1/embed/${signed.token}/sessions?embedToken=x.y.z`, { headers: origin });
  await check('POST', `/v1/share-links/${signed.id}/signing-key`, { headers: auth });
  await check('POST', '/v1/share-links/00000000-0000-4000-8000-999999999999/signing-key', { headers: auth });
  await check('POST', '/v1/share-links/x/signing-key', { headers: auth });
  await check('POST', `/v1/share-links/${signed.id}/signing-key`);
});

it('documents the console, built or not', async () => {
  await check('GET', '/console');
  // An API with no build to serve (enginesApi has none) says so.
  await check('GET', '/console', {}, enginesApi.base);
});

it('documents every answer of the poster', async () => {
  const referer = { headers: { Referer: 'https://page.example/article' } };
  await check('GET', '/v1/embed/sh_2kL9pQxYzR4vN8mBwHfJc/poster', referer);
  await check('GET', '/v1/embed/sh_Orb7mBwHfJc4kL9pQxYz/poster', referer);
  await check('GET', '/v1/embed/sh_x/poster', referer);
  await check('GET', '/v1/embed/sh_Unknown0000000000/poster', referer);
  await check('GET', '/v1/embed/sh_OriginNo3xYzR4vN8m/poster', referer);
  await check('GET', '/v1/embed/sh_Expired9pQxYzR4vN8m/poster', referer);
  // The limited API allows 2 lookups per address: the third poster is a 429.
  for (let i = 0; i < 3; i++) await check('GET', '/v1/embed/sh_2kL9pQxYzR4vN8mBwHfJc/poster', referer, limited.base);
  const data = JSON.parse(await readFile(join(ROOT, 'server/fixtures/demo.json'), 'utf8'));
  data.personas[0].avatar.imageUrl = 'https://cdn.example.net/cara.webp';
  const file = join(await mkdtemp(join(tmpdir(), 'share-link-openapi-')), 'data.json');
  await writeFile(file, JSON.stringify(data));
  const elsewhere = await startInProcessApi({ data: file });
  try {
    await check('GET', '/v1/embed/sh_2kL9pQxYzR4vN8mBwHfJc/poster', referer, elsewhere.base);
  } finally {
    await elsewhere.close();
  }
});

it('documents the share pages', async () => {
  await check('GET', '/s/sh_DirectLinkQxYzR4vN');
  await check('GET', '/s/sh_2kL9pQxYzR4vN8mBwHfJc');
  await check('GET', '/s/sh_x');
});

it('documents every answer of the management endpoints', async () => {
  const personaId = '3f6c2a91-8d4e-4b7a-a1c5-2e9f0b8d7c61';
  await check('GET', '/v1/share-links?perPage=3&page=2', { headers: auth });
  await check('GET', '/v1/share-links?perPage=300', { headers: auth });
  await check('GET', '/v1/share-links');
  await check('GET', '/v1/share-links/00000000-0000-4000-8000-000000000002', { headers: auth });
  await check('GET', '/v1/share-links/00000000-0000-4000-8000-999999999999', { headers: auth });
  await check('GET', '/v1/share-links/x', { headers: auth });
  await check('GET', '/v1/share-links/00000000-0000-4000-8000-000000000002');
  await check('GET', `/v1/personas/${personaId}`, { headers: auth });
  await check('GET', '/v1/personas/00000000-0000-4000-8000-999999999999', { headers: auth });
  await check('GET', '/v1/personas/x', { headers: auth });
  await check('GET', `/v1/personas/${personaId}`);
  await check('PATCH', `/v1/personas/${personaId}`, {
    headers: jsonHeaders,
    body: JSON.stringify({ engine: { kind: 'elevenlabs', agentId: 'agent_1' } }),
  });
  await check('PATCH', `/v1/personas/${personaId}`, {
    headers: jsonHeaders,
    body: JSON.stringify({ engine: { kind: 'scripted' } }),
  });
  await check('PATCH', `/v1/personas/${personaId}`, {
    headers: jsonHeaders,
    body: JSON.stringify({ engine: { kind: 'nope' } }),
  });
  await check('PATCH', '/v1/personas/00000000-0000-4000-8000-999999999999', {
    headers: jsonHeaders,
    body: JSON.stringify({ engine: null }),
  });
  await check('PATCH', `/v1/personas/${personaId}`, { body: '{}' });
  await check('POST', '/v1/share-links', {
    headers: jsonHeaders,
    body: JSON.stringify({ personaId, type: 'ORB_EMBED' }),
  });
  await check('POST', '/v1/share-links', { headers: jsonHeaders, body: JSON.stringify({ personaId, type: 'LINK' }) });
  await check('POST', '/v1/share-links', { headers: jsonHeaders, body: JSON.stringify({ personaId, type: 'NOPE' }) });
  await check('POST', '/v1/share-links', { headers: jsonHeaders, body: 'x'.repeat(70_000) });
  await check('POST', '/v1/share-links', { body: '{}' });
  const id = '00000000-0000-4000-8000-000000000012';
  await check('PATCH', `/v1/share-links/${id}`, { headers: jsonHeaders, body: JSON.stringify({ usageLimit: 9 }) });
  await check('PATCH', `/v1/share-links/${id}`, { headers: jsonHeaders, body: JSON.stringify({ usageLimit: -9 }) });
  await check('PATCH', '/v1/share-links/00000000-0000-4000-8000-999999999999', { headers: jsonHeaders, body: '{}' });
  await check('PATCH', `/v1/share-links/${id}`, { headers: jsonHeaders, body: 'x'.repeat(70_000) });
  await check('PATCH', `/v1/share-links/${id}`, { body: '{}' });
  await check('DELETE', `/v1/share-links/${id}`, { headers: auth });
  await check('DELETE', `/v1/share-links/${id}`, { headers: auth });
  await check('DELETE', '/v1/share-links/x', { headers: auth });
  await check('DELETE', `/v1/share-links/${id}`);
});

it('documents health, analytics and webhook deliveries', async () => {
  await check('GET', '/healthz');
  await check('GET', '/readyz');
  const origin = { headers: { Origin: 'https://page.example' } };
  await check('GET', '/v1/embed/sh_OriginNo3xYzR4vN8m', origin);
  await check('POST', '/v1/embed/sh_2kL9pQxYzR4vN8mBwHfJc/sessions', origin);
  await dispatcher.runOnce();
  await check('GET', '/v1/analytics?groupBy=origin', { headers: auth });
  await check('GET', '/v1/analytics?from=2026-05-01&to=2026-06-01', { headers: auth });
  await check('GET', '/v1/analytics?groupBy=link', { headers: auth });
  await check('GET', '/v1/analytics?groupBy=week', { headers: auth });
  await check('GET', '/v1/analytics');
  await check('GET', '/v1/webhooks/deliveries', { headers: auth });
  await check('GET', '/v1/webhooks/deliveries?perPage=0', { headers: auth });
  await check('GET', '/v1/webhooks/deliveries');
});

it('documents every answer of conversations, their share URLs and their pages', async () => {
  const origin = { headers: { Origin: 'https://page.example' } };
  const started = await fetch(`${api.base}/v1/embed/sh_2kL9pQxYzR4vN8mBwHfJc/sessions`, { method: 'POST', ...origin });
  const token = ((await started.json()) as { sessionToken: string }).sessionToken;
  const id = JSON.parse(Buffer.from(token.slice(3).split('.')[1]!, 'base64url').toString()).jti as string;
  const unknown = '00000000-0000-4000-8000-999999999999';
  await check('GET', '/v1/conversations', { headers: auth });
  await check('GET', '/v1/conversations?perPage=101', { headers: auth });
  await check('GET', '/v1/conversations');
  await check('GET', `/v1/conversations/${id}`, { headers: auth });
  await check('GET', '/v1/conversations/x', { headers: auth });
  await check('GET', `/v1/conversations/${unknown}`, { headers: auth });
  await check('GET', `/v1/conversations/${id}`);
  await check('GET', `/v1/conversations/share/view/${id}/1`, { headers: auth });
  await check('GET', `/v1/conversations/share/edit/${id}/1`, { headers: auth });
  await check('GET', `/v1/conversations/share/view/${unknown}/1`, { headers: auth });
  await check('GET', `/v1/conversations/share/view/${id}/1`);

  const capabilityOf = async (mode: string, hours = 1) => {
    const response = await fetch(`${api.base}/v1/conversations/share/${mode}/${id}/${hours}`, { headers: auth });
    return new URL(((await response.json()) as { Url: string }).Url).pathname.slice('/c/'.length);
  };
  const view = await capabilityOf('view');
  const takeover = await capabilityOf('takeover', 2);
  const soon = await capabilityOf('auto');
  const json = (body: unknown) => ({ headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const page = '11111111-1111-4111-8111-111111111111';
  const other = '22222222-2222-4222-8222-222222222222';
  const nobody = `cs_${'A'.repeat(43)}`;
  await check('GET', `/c/${view}`);
  await check('GET', `/c/${nobody}`);
  await check('POST', `/c/${view}/takeover`, json({ page }));
  await check('POST', `/c/${takeover}/takeover`, json({ page }));
  await check('POST', `/c/${takeover}/takeover`, json({ page: other }));
  await check('POST', `/c/${takeover}/takeover`, json({ page: 'me' }));
  await check('POST', `/c/${nobody}/takeover`, json({ page }));
  await check('POST', `/c/${takeover}/messages`, json({ page, text: 'Hello from the team' }));
  await check('POST', `/c/${takeover}/messages`, json({ page: other, text: 'Hello' }));
  await check('POST', `/c/${takeover}/messages`, json({ page, text: '' }));
  await check('POST', `/c/${nobody}/messages`, json({ page, text: 'Hello' }));
  await check('POST', `/c/${takeover}/handback`, json({ page: other }));
  await check('POST', `/c/${takeover}/handback`, json({ page }));
  await check('POST', `/c/${takeover}/handback`, json({}));
  await check('POST', `/c/${nobody}/handback`, json({ page }));
  // One hour later, the auto URL has expired (and the takeover URL has not).
  api.clock.now += 3_600_000;
  try {
    await check('GET', `/c/${soon}`);
    await check('POST', `/c/${soon}/takeover`, json({ page }));
    await check('POST', `/c/${soon}/handback`, json({ page }));
    await check('POST', `/c/${soon}/messages`, json({ page, text: 'Hello' }));
  } finally {
    api.clock.now -= 3_600_000;
  }
  await check('DELETE', `/v1/conversations/${id}`, { headers: auth });
  await check('DELETE', `/v1/conversations/${id}`, { headers: auth });
  await check('DELETE', '/v1/conversations/x', { headers: auth });
  await check('DELETE', `/v1/conversations/${id}`);
});

it('documents the 429s of the abuse limits, with Retry-After', async () => {
  const origin = { headers: { Origin: 'https://page.example' } };
  await check('POST', '/v1/embed/sh_ThreeUses7kL9pQxYz/sessions', origin, limited.base);
  await check('POST', '/v1/embed/sh_ThreeUses7kL9pQxYz/sessions', origin, limited.base);
  await check('GET', '/v1/embed/sh_2kL9pQxYzR4vN8mBwHfJc', origin, limited.base);
  const id = '00000000-0000-4000-8000-000000000002';
  const personaId = '3f6c2a91-8d4e-4b7a-a1c5-2e9f0b8d7c61';
  const wrong = { headers: { Authorization: 'Bearer wrong-key', 'Content-Type': 'application/json' } };
  await check('GET', '/v1/share-links', wrong, limited.base);
  await check('GET', '/v1/share-links', { headers: auth }, limited.base);
  await check('POST', '/v1/share-links', { headers: jsonHeaders, body: JSON.stringify({ personaId }) }, limited.base);
  await check('GET', `/v1/share-links/${id}`, { headers: auth }, limited.base);
  await check('PATCH', `/v1/share-links/${id}`, { headers: jsonHeaders, body: '{}' }, limited.base);
  await check('DELETE', `/v1/share-links/${id}`, { headers: auth }, limited.base);
  await check('GET', `/v1/personas/${personaId}`, { headers: auth }, limited.base);
  await check('GET', '/v1/analytics', { headers: auth }, limited.base);
  await check('GET', '/v1/webhooks/deliveries', { headers: auth }, limited.base);
  const conversation = '00000000-0000-4000-8000-999999999999';
  await check('GET', '/v1/conversations', { headers: auth }, limited.base);
  await check('GET', `/v1/conversations/${conversation}`, { headers: auth }, limited.base);
  await check('DELETE', `/v1/conversations/${conversation}`, { headers: auth }, limited.base);
  await check('GET', `/v1/conversations/share/view/${conversation}/1`, { headers: auth }, limited.base);
  // The conversation pages come under the lookups' limit, used up above.
  const capability = `cs_${'A'.repeat(43)}`;
  await check('GET', `/c/${capability}`, {}, limited.base);
  await check(
    'POST',
    `/c/${capability}/takeover`,
    { headers: { 'Content-Type': 'application/json' }, body: '{"page":"11111111-1111-4111-8111-111111111111"}' },
    limited.base,
  );
  await check('POST', `/v1/share-links/${id}/signing-key`, { headers: auth }, limited.base);
  await check('GET', '/v1/embed/sh_2kL9pQxYzR4vN8mBwHfJc/challenge', origin, limited.base);
});

it('documents the answers of a store that cannot serve (here, a database nobody listens for)', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  // Short deadlines: every answer here is the same 503, and each would otherwise wait out the
  // driver's 3 s of trying to connect.
  const deadlines = { connectTimeoutSeconds: 1, queryTimeoutMs: 400 };
  const store = new PostgresStore(connect(`postgres://postgres@127.0.0.1:${port}/nothing`, deadlines), deadlines);
  const down = await startInProcessApi({ store });
  try {
    const id = '00000000-0000-4000-8000-000000000002';
    const body = JSON.stringify({ personaId: '3f6c2a91-8d4e-4b7a-a1c5-2e9f0b8d7c61' });
    await check('GET', '/v1/embed/sh_2kL9pQxYzR4vN8mBwHfJc', {}, down.base);
    await check('POST', '/v1/embed/sh_2kL9pQxYzR4vN8mBwHfJc/sessions', {}, down.base);
    await check('GET', '/v1/embed/sh_2kL9pQxYzR4vN8mBwHfJc/poster', {}, down.base);
    await check('GET', '/v1/share-links', { headers: auth }, down.base);
    await check('POST', '/v1/share-links', { headers: jsonHeaders, body }, down.base);
    await check('GET', `/v1/share-links/${id}`, { headers: auth }, down.base);
    await check('PATCH', `/v1/share-links/${id}`, { headers: jsonHeaders, body: '{"enabled":false}' }, down.base);
    await check('DELETE', `/v1/share-links/${id}`, { headers: auth }, down.base);
    await check('POST', `/v1/share-links/${id}/signing-key`, { headers: auth }, down.base);
    await check('GET', '/v1/embed/sh_2kL9pQxYzR4vN8mBwHfJc/challenge', {}, down.base);
    await check('GET', '/v1/personas/3f6c2a91-8d4e-4b7a-a1c5-2e9f0b8d7c61', { headers: auth }, down.base);
    await check('GET', '/readyz', {}, down.base);
    await check('GET', '/v1/analytics', { headers: auth }, down.base);
    await check('GET', '/v1/webhooks/deliveries', { headers: auth }, down.base);
    const conversation = '00000000-0000-4000-8000-999999999999';
    await check('GET', '/v1/conversations', { headers: auth }, down.base);
    await check('GET', `/v1/conversations/${conversation}`, { headers: auth }, down.base);
    await check('DELETE', `/v1/conversations/${conversation}`, { headers: auth }, down.base);
    await check('GET', `/v1/conversations/share/auto/${conversation}/24`, { headers: auth }, down.base);
    await check(
      'PATCH',
      '/v1/personas/3f6c2a91-8d4e-4b7a-a1c5-2e9f0b8d7c61',
      { headers: jsonHeaders, body: '{"engine":null}' },
      down.base,
    );
  } finally {
    await down.close();
    await store.close();
  }
});

it('exercised every documented operation and status', () => {
  const documented = Object.entries(doc.paths).flatMap(([template, item]) =>
    Object.entries(item)
      .filter(([method]) => method !== 'parameters')
      .flatMap(([method, operation]) =>
        Object.keys(operation.responses).map((status) => `${method.toUpperCase()} ${template} ${status}`),
      ),
  );
  assert.deepEqual(
    documented.filter((entry) => !exercised.has(entry)),
    [],
  );
});
