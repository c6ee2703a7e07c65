/**
 * Session tokens are signed and say which link, persona, origin and expiry; a service verifies one
 * with the secret alone, as docs/session-tokens.md shows (its snippet runs here).
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { mintSessionToken, verifySessionToken } from '../../server/session-token.ts';
import { ROOT, startApi } from '../../scripts/api-process.ts';
import { startInProcessApi, type InProcessApi } from '../support/api-inprocess.ts';

const SECRET = 'a-test-session-secret-of-32-chars!!';
const PAGE = 'https://www.example.org';
const UNLIMITED = 'sh_2kL9pQxYzR4vN8mBwHfJc';

let api: InProcessApi;
before(async () => (api = await startInProcessApi({ sessionSecret: SECRET })));
after(() => api.close());

async function grant(token = UNLIMITED, origin: string | null = PAGE) {
  const response = await fetch(`${api.base}/v1/embed/${token}/sessions`, {
    method: 'POST',
    headers: origin ? { Origin: origin } : {},
  });
  assert.equal(response.status, 201);
  return (await response.json()) as { sessionToken: string; expiresAt: string };
}

const decodePart = (part: string) =>
  JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('tokens from the API', () => {
  it('name the link, the persona, the origin and the expiry, and verify with the secret alone', async () => {
    const { sessionToken, expiresAt } = await grant();
    const link = api.store.linkByToken(UNLIMITED)!;
    const check = verifySessionToken(sessionToken, SECRET, api.clock.now);
    assert.ok(check.valid, JSON.stringify(check));
    assert.equal(check.claims.linkId, link.id);
    assert.equal(check.claims.personaId, link.personaId);
    assert.equal(check.claims.origin, PAGE);
    assert.equal(new Date(check.claims.expiresAt).toISOString(), expiresAt);
    assert.equal(check.claims.expiresAt - check.claims.issuedAt, 15 * 60 * 1000);
  });

  it('are a standard HS256 JWT after st_', async () => {
    const { sessionToken } = await grant();
    const [header, payload, signature] = sessionToken.slice(3).split('.') as [string, string, string];
    assert.deepEqual(decodePart(header), { alg: 'HS256', typ: 'JWT' });
    assert.deepEqual(Object.keys(decodePart(payload)).sort(), ['exp', 'iat', 'iss', 'jti', 'origin', 'persona', 'sub']);
    assert.equal(signature, createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url'));
    assert.doesNotMatch(sessionToken, /=/, 'base64url without padding');
  });

  it('are different for every session', async () => {
    const first = await grant('sh_2kL9pQxYzR4vN8mBwHfJc');
    const second = await grant('sh_2kL9pQxYzR4vN8mBwHfJc');
    assert.notEqual(first.sessionToken, second.sessionToken);
  });

  it('record a missing origin as null', async () => {
    const { sessionToken } = await grant('sh_2kL9pQxYzR4vN8mBwHfJc', null);
    const check = verifySessionToken(sessionToken, SECRET, api.clock.now);
    assert.ok(check.valid);
    assert.equal(check.claims.origin, null);
  });
});

describe('verifySessionToken refuses', () => {
  it('a token after its expiry', async () => {
    const { sessionToken, expiresAt } = await grant();
    assert.deepEqual(verifySessionToken(sessionToken, SECRET, Date.parse(expiresAt)), {
      valid: false,
      reason: 'expired',
    });
    assert.equal(verifySessionToken(sessionToken, SECRET, Date.parse(expiresAt) - 1).valid, true);
  });

  it('another secret, and any changed claim', async () => {
    const { sessionToken } = await grant();
    assert.deepEqual(verifySessionToken(sessionToken, 'another-secret-another-secret-!!', api.clock.now), {
      valid: false,
      reason: 'bad-signature',
    });
    const [header, payload, signature] = sessionToken.slice(3).split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...decodePart(payload), origin: 'https://evil.example' })).toString(
      'base64url',
    );
    assert.deepEqual(verifySessionToken(`st_${header}.${forged}.${signature}`, SECRET, api.clock.now), {
      valid: false,
      reason: 'bad-signature',
    });
    const later = Buffer.from(JSON.stringify({ ...decodePart(payload), exp: 4_000_000_000 })).toString('base64url');
    assert.equal(verifySessionToken(`st_${header}.${later}.${signature}`, SECRET, api.clock.now).valid, false);
  });

  it('alg none, other algorithms, garbage and non-strings, without throwing', async () => {
    const { sessionToken } = await grant();
    const [, payload] = sessionToken.slice(3).split('.') as [string, string, string];
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const hs512 = Buffer.from(JSON.stringify({ alg: 'HS512', typ: 'JWT' })).toString('base64url');
    for (const token of [
      `st_${none}.${payload}.`,
      `st_${hs512}.${payload}.${'A'.repeat(86)}`,
      sessionToken.slice(3),
      'st_',
      'st_a.b.c',
      `${sessionToken}.x`,
      'x'.repeat(5000),
      42,
      null,
      undefined,
      {},
    ]) {
      const check = verifySessionToken(token, SECRET, api.clock.now);
      assert.equal(check.valid, false, String(token).slice(0, 60));
    }
  });

  it('a well-signed payload that is not our claims', () => {
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    for (const claims of [
      {},
      { iss: 'someone-else', jti: 'x', sub: 'l', persona: 'p', origin: null, iat: 1, exp: 9e9 },
      { iss: 'share-link-embed', jti: 'x', sub: 'l', persona: 'p', origin: 5, iat: 1, exp: 9e9 },
    ]) {
      const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
      const signature = createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url');
      assert.deepEqual(verifySessionToken(`st_${header}.${payload}.${signature}`, SECRET, 0), {
        valid: false,
        reason: 'malformed',
      });
    }
  });
});

describe('docs/session-tokens.md', () => {
  it("has a snippet that verifies the API's tokens and refuses forged ones", async () => {
    const doc = await readFile(join(ROOT, 'docs/session-tokens.md'), 'utf8');
    const snippet = /<!-- verify-snippet:start -->\s*```js\n([\s\S]*?)```\s*<!-- verify-snippet:end -->/.exec(doc)?.[1];
    assert.ok(snippet, 'the verify snippet is in the doc');
    const file = join(await mkdtemp(join(tmpdir(), 'session-snippet-')), 'verify.mjs');
    await writeFile(file, snippet);
    const { verifySessionToken: verifyFromDoc } = (await import(pathToFileURL(file).href)) as {
      verifySessionToken: (token: string, secret: string, now?: number) => Record<string, unknown> | null;
    };
    const { sessionToken, expiresAt } = await grant();
    const claims = verifyFromDoc(sessionToken, SECRET, api.clock.now);
    assert.equal(claims?.['sub'], api.store.linkByToken(UNLIMITED)!.id);
    assert.equal(claims?.['origin'], PAGE);
    assert.equal(verifyFromDoc(sessionToken, 'wrong-secret-wrong-secret-wrong!!', api.clock.now), null);
    assert.equal(verifyFromDoc(sessionToken, SECRET, Date.parse(expiresAt)), null);
    assert.equal(verifyFromDoc(`${sessionToken.slice(0, -2)}AA`, SECRET, api.clock.now), null);
  });
});

describe('the CLI', () => {
  it('signs with SHARE_LINK_SESSION_SECRET, and says when it made up a secret', async () => {
    const withSecret = await startApi({ env: { SHARE_LINK_SESSION_SECRET: SECRET } });
    try {
      const response = await fetch(`${withSecret.base}/v1/embed/sh_2kL9pQxYzR4vN8mBwHfJc/sessions`, { method: 'POST' });
      const { sessionToken } = (await response.json()) as { sessionToken: string };
      assert.equal(verifySessionToken(sessionToken, SECRET).valid, true);
      assert.doesNotMatch(withSecret.output(), /generated secret/);
    } finally {
      await withSecret.stop();
    }
    const generated = await startApi({ env: { SHARE_LINK_SESSION_SECRET: '' }, extra: [] }).catch(
      (error: Error) => error,
    );
    assert.ok(
      generated instanceof Error && /session secret .* is empty/.test(generated.message),
      'an empty secret is refused',
    );
    const short = await startApi({ env: { SHARE_LINK_SESSION_SECRET: 'abc' } }).catch((error: Error) => error);
    assert.ok(
      short instanceof Error && /session secret .* has only 3 bytes; give one of 32 bytes or more/.test(short.message),
      'a short secret is refused',
    );
    const without = await startApi();
    try {
      assert.match(without.output(), /signed with a generated secret.*SHARE_LINK_SESSION_SECRET/);
    } finally {
      await without.stop();
    }
  });

  it('mints tokens whose expiry is whole seconds', () => {
    const { sessionToken, expiresAt } = mintSessionToken(
      { linkId: 'l', personaId: 'p', origin: null, now: 1_500, lifetimeMs: 1_000 },
      SECRET,
    );
    assert.equal(expiresAt, new Date(2_000).toISOString());
    assert.equal(verifySessionToken(sessionToken, SECRET, 1_999).valid, true);
    assert.equal(verifySessionToken(sessionToken, SECRET, 2_000).valid, false);
  });
});
