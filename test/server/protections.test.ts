/**
 * The protections of a link against many addresses (docs/security.md), over real HTTP on loopback:
 * signed embeds (signing keys, embed tokens, one start per jti) and proofs of work (ALTCHA's
 * challenges, solved here as a browser would). The velocity cap is in test/server/limits.test.ts,
 * the counted step of each in test/server/store.test.ts, across processes in test/server/postgres.test.ts.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../../scripts/api-process.ts';
import { afterEach, describe, it } from 'node:test';
import { signEmbedToken } from '../../src/helpers.ts';
import { createAbuseLimiter } from '../../server/limits.ts';
import type { EmbeddedStore } from '../../server/store/index.ts';
import {
  auth,
  jsonHeaders,
  startInProcessApi,
  type InProcessApi,
  type InProcessOptions,
} from '../support/api-inprocess.ts';
import { closeClients, send } from '../support/http-client.ts';
import { altchaPayload, solveChallenge, type IssuedChallenge } from '../support/challenge.ts';

const LEO = '9b2e7d14-5a3c-4f86-b0d9-6c1a8e4f2b37';
const PAGE = 'https://shop.example';

const running: InProcessApi[] = [];
afterEach(async () => {
  closeClients();
  await Promise.all(running.splice(0).map((api) => api.close()));
});

async function api(options: InProcessOptions<EmbeddedStore> = {}) {
  const started = await startInProcessApi({ challengeMaxNumber: 2_000, ...options });
  running.push(started);
  return started;
}

async function link(target: InProcessApi, fields: Record<string, unknown>) {
  const response = await fetch(`${target.base}/v1/share-links`, {
    method: 'POST',
    headers: jsonHeaders,
    body: JSON.stringify({ personaId: LEO, allowAllOrigins: true, ...fields }),
  });
  assert.equal(response.status, 201);
  return (await response.json()) as { id: string; token: string; hasSigningKey: boolean };
}

const signingKey = async (target: InProcessApi, id: string) => {
  const response = await fetch(`${target.base}/v1/share-links/${id}/signing-key`, { method: 'POST', headers: auth });
  assert.equal(response.status, 201);
  return ((await response.json()) as { signingKey: string }).signingKey;
};

const lookup = (target: InProcessApi, token: string, embedToken?: string, origin = PAGE) =>
  send(target.base, 'GET', `/v1/embed/${token}${embedToken ? `?embedToken=${embedToken}` : ''}`, {
    headers: { Origin: origin },
  });
const start = (
  target: InProcessApi,
  token: string,
  options: { embedToken?: string; solution?: string; origin?: string; from?: string } = {},
) =>
  send(
    target.base,
    'POST',
    `/v1/embed/${token}/sessions${options.embedToken ? `?embedToken=${options.embedToken}` : ''}`,
    {
      from: options.from ?? '127.0.0.1',
      headers: {
        Origin: options.origin ?? PAGE,
        ...(options.solution && { 'X-Share-Link-Challenge': options.solution }),
      },
    },
  );

/** An HS256 JWT with these claims, as any JWT library would make it. */
const jwt = (
  key: string,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { typ: 'JWT', alg: 'HS256' },
) => {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signed = `${part(header)}.${part(claims)}`;
  return `${signed}.${createHmac('sha256', key).update(signed).digest('base64url')}`;
};

describe('signed embeds', () => {
  it('answer a signing key once, keep it sealed, and rotate it', async () => {
    const target = await api();
    const { id, token, hasSigningKey } = await link(target, { requireSignedEmbed: true });
    assert.equal(hasSigningKey, false);
    const first = await signingKey(target, id);
    assert.match(first, /^shsk_[\w-]{43}$/);
    const managed = await (await fetch(`${target.base}/v1/share-links/${id}`, { headers: auth })).json();
    assert.equal(managed.hasSigningKey, true);
    assert.equal(managed.requireSignedEmbed, true);
    assert.equal('signingKey' in managed, false, 'never answered again');
    const stored = target.store.linkByToken(token)!;
    assert.match(String(stored.signingKey), /^v1\./, 'stored sealed');
    assert.doesNotMatch(JSON.stringify(target.store.snapshot()), new RegExp(first.slice(5)), 'never in the data file');
    const old = await signEmbedToken(first, { token, origin: PAGE, now: target.clock.now });
    assert.equal((await lookup(target, token, old)).status, 200);
    const second = await signingKey(target, id);
    assert.notEqual(second, first);
    const refused = await lookup(target, token, old);
    assert.equal(refused.status, 403);
    assert.equal(refused.json()['error'], 'signature-invalid', 'the old key stops at once');
    assert.equal(
      (await lookup(target, token, await signEmbedToken(second, { token, origin: PAGE, now: target.clock.now })))
        .status,
      200,
    );
    assert.equal(
      (
        await fetch(`${target.base}/v1/share-links/00000000-0000-4000-8000-999999999999/signing-key`, {
          method: 'POST',
          headers: auth,
        })
      ).status,
      404,
    );
    assert.equal((await fetch(`${target.base}/v1/share-links/${id}/signing-key`, { method: 'POST' })).status, 401);
  });

  it('refuse lookups and starts without an embed token (signature-required), telling the site owner what to do', async () => {
    const target = await api();
    const { id, token } = await link(target, { requireSignedEmbed: true });
    await signingKey(target, id);
    for (const answer of [await lookup(target, token), await start(target, token)]) {
      assert.equal(answer.status, 403);
      assert.equal(answer.json()['error'], 'signature-required');
      assert.match(String(answer.json()['message']), /signEmbedToken .*embed-token attribute/);
      assert.equal(answer.headers['access-control-allow-origin'], PAGE, 'the widget can read why');
    }
    assert.equal(target.store.linkByToken(token)!.usageCount, 0);
  });

  it('refuse a bad signature, another link, another origin, an expired token or one too far ahead (signature-invalid)', async () => {
    const target = await api();
    const { id, token } = await link(target, { requireSignedEmbed: true });
    const other = await link(target, {});
    const key = await signingKey(target, id);
    const exp = Math.floor(target.clock.now / 1000) + 300;
    const good = { sub: token, origin: PAGE, exp, jti: 'a-jti-0001' };
    const cases: [string, string, RegExp][] = [
      ['wrong key', jwt('shsk_not-the-key-00000000000000000000000000000', good), /signature does not match/],
      ['another link', jwt(key, { ...good, sub: other.token }), /another share link/],
      ['another origin', jwt(key, { ...good, origin: 'https://evil.example' }), /origin "https:\/\/evil\.example"/],
      ['expired', jwt(key, { ...good, exp: Math.floor(target.clock.now / 1000) }), /expired at/],
      ['too far ahead', jwt(key, { ...good, exp: exp + 3600 }), /more than 15 minutes ahead/],
      [
        'alg none',
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(good)).toString('base64url')}.`,
        /not an HS256 JWT/,
      ],
      ['HS512 header', jwt(key, good, { alg: 'HS512' }), /not an HS256 JWT/],
      ['no jti', jwt(key, { ...good, jti: undefined }), /claims sub, origin, exp and jti/],
      ['garbage', 'not.a.jwt', /not an HS256 JWT/],
      ['too long', 'x'.repeat(5000), /too long/],
    ];
    for (const [name, embedToken, message] of cases) {
      for (const answer of [await lookup(target, token, embedToken), await start(target, token, { embedToken })]) {
        assert.equal(answer.status, 403, name);
        assert.equal(answer.json()['error'], 'signature-invalid', name);
        assert.match(String(answer.json()['message']), message, name);
      }
    }
    assert.equal(target.store.linkByToken(token)!.usageCount, 0);
    // Any JWT library's token (another key order, typ absent) is as good as signEmbedToken's.
    assert.equal((await start(target, token, { embedToken: jwt(key, good, { alg: 'HS256' }) })).status, 201);
  });

  it('start one session per jti, even 20 at once; a lookup spends nothing', async () => {
    const target = await api();
    const { id, token } = await link(target, { requireSignedEmbed: true });
    const key = await signingKey(target, id);
    const embedToken = await signEmbedToken(key, { token, origin: PAGE, ttlSeconds: 900, now: target.clock.now });
    for (let i = 0; i < 3; i++) assert.equal((await lookup(target, token, embedToken)).status, 200);
    const answers = await Promise.all(Array.from({ length: 20 }, () => start(target, token, { embedToken })));
    assert.equal(answers.filter((answer) => answer.status === 201).length, 1);
    for (const answer of answers.filter((each) => each.status !== 201)) {
      assert.equal(answer.json()['error'], 'signature-invalid');
      assert.match(String(answer.json()['message']), /started a session already/);
    }
    assert.equal(target.store.linkByToken(token)!.usageCount, 1);
    const next = await signEmbedToken(key, { token, origin: PAGE, now: target.clock.now });
    assert.equal((await start(target, token, { embedToken: next })).status, 201, 'a new token, a new start');
  });

  it('hold against 200 addresses × 10 starts: none granted without a valid embed token', async () => {
    const target = await api({ limits: createAbuseLimiter() });
    const { id, token } = await link(target, { requireSignedEmbed: true, usageLimit: 1000 });
    await signingKey(target, id);
    const forged = jwt('shsk_guessed-key-00000000000000000000000000000', {
      sub: token,
      origin: PAGE,
      exp: Math.floor(target.clock.now / 1000) + 300,
      jti: 'forged',
    });
    const addresses = Array.from({ length: 200 }, (_, i) => `127.0.2.${10 + i}`);
    const statuses = new Map<number, number>();
    await Promise.all(
      addresses.map(async (from, i) => {
        for (let n = 0; n < 10; n++) {
          const { status } = await start(target, token, { from, ...(i % 2 && { embedToken: forged }) });
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      }),
    );
    assert.deepEqual([...statuses], [[403, 2000]]);
    assert.equal(target.store.linkByToken(token)!.usageCount, 0);
  });

  it('signEmbedToken refuses what it cannot sign, naming it', async () => {
    const key = 'shsk_0123456789012345678901234567890123456789012';
    await assert.rejects(signEmbedToken(key, { token: 'sh_bad', origin: PAGE }), /token must be a share-link token/);
    await assert.rejects(
      signEmbedToken(key, { token: 'sh_2kL9pQxYzR4vN8mBwHfJc', origin: 'https://a.example/path' }),
      /origin must be an origin/,
    );
    await assert.rejects(
      signEmbedToken(key, { token: 'sh_2kL9pQxYzR4vN8mBwHfJc', origin: PAGE, ttlSeconds: 901 }),
      /ttlSeconds must be a whole number from 1 to 900/,
    );
    await assert.rejects(signEmbedToken('', { token: 'sh_2kL9pQxYzR4vN8mBwHfJc', origin: PAGE }), /key must be/);
  });
});

describe('the README', () => {
  it('signs with its signEmbedToken snippet tokens the API takes (and one token starts one session)', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const snippet = /<!-- sign-snippet:start -->\s*```js\n([\s\S]*?)```\s*<!-- sign-snippet:end -->/.exec(readme)?.[1];
    assert.ok(snippet, 'the snippet is in the README');
    const file = join(await mkdtemp(join(tmpdir(), 'sign-snippet-')), 'sign.mjs');
    // The package's name is its helpers entry: here, its source.
    await writeFile(file, snippet.replace("'share-link-embed/helpers'", JSON.stringify(join(ROOT, 'src/helpers.ts'))));
    const { embedTokenFor } = (await import(pathToFileURL(file).href)) as {
      embedTokenFor: (origin: string) => Promise<string>;
    };
    const target = await api({ serverTime: () => Date.now() });
    const token = 'sh_2kL9pQxYzR4vN8mBwHfJc';
    const { id } = target.store.linkByToken(token)!;
    await fetch(`${target.base}/v1/share-links/${id}`, {
      method: 'PATCH',
      headers: jsonHeaders,
      body: JSON.stringify({ requireSignedEmbed: true }),
    });
    process.env['SHARE_LINK_SIGNING_KEY'] = await signingKey(target, id);
    try {
      const embedToken = await embedTokenFor(PAGE);
      assert.equal((await lookup(target, token, embedToken)).status, 200);
      assert.equal((await start(target, token, { embedToken })).status, 201);
      assert.equal((await start(target, token, { embedToken })).json()['error'], 'signature-invalid');
      assert.equal((await lookup(target, token, await embedTokenFor('https://elsewhere.example'))).status, 403);
    } finally {
      delete process.env['SHARE_LINK_SIGNING_KEY'];
    }
  });
});

describe('proofs of work', () => {
  const challenge = async (target: InProcessApi, token: string) => {
    const response = await send(target.base, 'GET', `/v1/embed/${token}/challenge`, { headers: { Origin: PAGE } });
    assert.equal(response.status, 200, response.body);
    return response.json() as unknown as IssuedChallenge;
  };

  it("answer ALTCHA's challenge JSON, bound to the link, expiring in 10 minutes", async () => {
    const target = await api();
    const { id, token } = await link(target, { challenge: 'proof-of-work' });
    const issued = await challenge(target, token);
    assert.deepEqual(Object.keys(issued).sort(), ['algorithm', 'challenge', 'maxnumber', 'salt', 'signature']);
    assert.equal(issued.algorithm, 'SHA-256');
    assert.equal(issued.maxnumber, 2_000);
    const params = new URLSearchParams(issued.salt.split('?')[1]);
    assert.equal(params.get('link'), id);
    assert.equal(Number(params.get('expires')), Math.floor((target.clock.now + 600_000) / 1000));
    const { number } = solveChallenge(issued);
    assert.equal(createHash('sha256').update(`${issued.salt}${number}`).digest('hex'), issued.challenge);
    const plain = await link(target, {});
    const none = await send(target.base, 'GET', `/v1/embed/${plain.token}/challenge`);
    assert.equal(none.status, 404);
    assert.equal((await send(target.base, 'GET', '/v1/embed/sh_Unknown0000000000/challenge')).status, 404);
  });

  it("start once per solved challenge; refuse missing, wrong, reused, expired or another link's (challenge-failed)", async () => {
    const target = await api();
    const { token } = await link(target, { challenge: 'proof-of-work' });
    const other = await link(target, { challenge: 'proof-of-work' });
    const payload = altchaPayload;
    const refusedWith = async (solution: string | undefined, message: RegExp, on = token) => {
      const answer = await start(target, on, { ...(solution && { solution }) });
      assert.equal(answer.status, 403, answer.body);
      assert.equal(answer.json()['error'], 'challenge-failed');
      assert.match(String(answer.json()['message']), message);
    };
    await refusedWith(undefined, /asks for a proof of work/);
    const issued = await challenge(target, token);
    await refusedWith(payload(issued, solveChallenge(issued).number + 1), /not solved/);
    await refusedWith('bm90IGpzb24=', /does not hold an ALTCHA payload/);
    await refusedWith(payload({ ...issued, signature: '0'.repeat(64) }), /not solved, or not one this API made/);
    await refusedWith(payload(issued), /another share link/, other.token);
    const solved = payload(issued);
    const answers = await Promise.all(Array.from({ length: 10 }, () => start(target, token, { solution: solved })));
    assert.equal(answers.filter((answer) => answer.status === 201).length, 1);
    await refusedWith(solved, /used already/);
    const later = await challenge(target, token);
    target.clock.now += 600_000;
    await refusedWith(payload(later), /expired/);
    assert.equal(target.store.linkByToken(token)!.usageCount, 1);
  });

  it('combine with a signed embed: both are needed, each spent', async () => {
    const target = await api();
    const { id, token } = await link(target, { challenge: 'proof-of-work', requireSignedEmbed: true });
    const key = await signingKey(target, id);
    const embedToken = await signEmbedToken(key, { token, origin: PAGE, now: target.clock.now });
    const noToken = await send(target.base, 'GET', `/v1/embed/${token}/challenge`, { headers: { Origin: PAGE } });
    assert.equal(noToken.json()['error'], 'signature-required', 'no challenge without the embed token');
    const issued = (
      await send(target.base, 'GET', `/v1/embed/${token}/challenge?embedToken=${embedToken}`, {
        headers: { Origin: PAGE },
      })
    ).json() as unknown as IssuedChallenge;
    const solution = altchaPayload(issued);
    assert.equal((await start(target, token, { solution })).json()['error'], 'signature-required');
    assert.equal((await start(target, token, { embedToken })).json()['error'], 'challenge-failed');
    assert.equal((await start(target, token, { embedToken, solution })).status, 201);
  });
});
