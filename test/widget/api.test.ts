import { expect } from '@open-wc/testing';
import { endpoint, inflightCount, resolve, startSession } from '../../src/api.ts';
import { ShareLinkError, type ErrorReason } from '../../src/errors.ts';
import { fakeApi, newRun, serverCommand } from '../support/browser.ts';

let apiBase: string;
before(async () => {
  apiBase = await serverCommand<string>('api-base');
});

type Requests = {
  total: number;
  requests: { method: string; path: string; origin: string | null; credentials: boolean }[];
};
const requestsSince = async (since: number) => serverCommand<Requests>('api-requests', { since });
const requestCount = async () => (await requestsSince(0)).total;

async function failureOf(promise: Promise<unknown>): Promise<ShareLinkError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ShareLinkError) return error;
    throw error;
  }
  throw new Error('expected a ShareLinkError, but it resolved');
}

describe('resolve() against the reference API, cross-origin', () => {
  it('resolves a working link, fully validated, with the server clock offset', async () => {
    const link = await resolve('sh_2kL9pQxYzR4vN8mBwHfJc', { apiBase });
    expect(link.shareLink.type).to.equal('PLAYER_EMBED');
    expect(link.persona.name).to.equal('Cara');
    expect(link.persona.avatar.imageUrl).to.equal(`${apiBase}/media/cara.svg`);
    expect(Math.abs(link.clockOffset)).to.be.below(1000);
    expect(Object.keys(link.persona)).to.have.members(['id', 'name', 'description', 'avatar']);
  });

  it('keeps the offset of a server clock hours ahead or behind', async () => {
    try {
      for (const offsetMs of [3 * 3600_000, -5 * 3600_000]) {
        await serverCommand('api-clock-offset', { offsetMs });
        const link = await resolve('sh_2kL9pQxYzR4vN8mBwHfJc', { apiBase });
        expect(Math.abs(link.clockOffset - offsetMs)).to.be.below(1000);
      }
    } finally {
      await serverCommand('api-clock-offset', { offsetMs: 0 });
    }
  });

  const refusals: [string, ErrorReason][] = [
    ['sh_Unknown0000000000', 'not-found'],
    ['sh_Disabled4vN8mBwHfJ', 'disabled'],
    ['sh_Expired9pQxYzR4vN8m', 'expired'],
    ['sh_UsedUp2kL9pQxYzR4v', 'usage-limit-reached'],
    ['sh_OriginNo3xYzR4vN8m', 'origin-not-allowed'],
  ];
  for (const [token, reason] of refusals) {
    it(`reads the API's refusal ${reason} through CORS`, async () => {
      const error = await failureOf(resolve(token, { apiBase }));
      expect(error.reason).to.equal(reason);
    });
  }

  it('is allowed where the page origin is in the list', async () => {
    const link = await serverCommand<{ token: string }>('api-create-link', {
      allowAllOrigins: false,
      allowedOrigins: [location.origin],
    });
    expect((await resolve(link.token, { apiBase })).shareLink.token).to.equal(link.token);
  });

  it('refuses a malformed token before making any request', async () => {
    const before = await requestCount();
    for (const token of [
      '',
      'sh_short',
      'sh_' + 'a'.repeat(65),
      'SH_abcdefghij',
      'sh_abc/../../x',
      'sh_abcdefgh?x=1',
    ]) {
      expect((await failureOf(resolve(token, { apiBase }))).reason, token).to.equal('invalid-token');
    }
    expect(await requestCount()).to.equal(before);
  });

  it('never sends credentials, and identifies the page by its Origin', async () => {
    document.cookie = 'session=secret; path=/';
    const before = await requestCount();
    await resolve('sh_2kL9pQxYzR4vN8mBwHfJc', { apiBase });
    const { requests } = await requestsSince(before);
    expect(requests).to.have.length(1);
    expect(requests[0]).to.deep.include({ method: 'GET', credentials: false, origin: location.origin });
  });

  it('shares one request between concurrent lookups of the same link', async () => {
    const before = await requestCount();
    const results = await Promise.all(
      Array.from({ length: 25 }, () => resolve('sh_2kL9pQxYzR4vN8mBwHfJc', { apiBase })),
    );
    expect(results.every((result) => result.persona.name === 'Cara')).to.equal(true);
    expect(await requestCount()).to.equal(before + 1);
    expect(inflightCount()).to.equal(0);
  });

  it('starts a session and counts one use', async () => {
    const link = await serverCommand<{ token: string }>('api-create-link', { usageLimit: 1 });
    const session = await startSession(link.token, { apiBase });
    expect(session.sessionToken).to.match(/^st_/);
    expect(session.usageCount).to.equal(1);
    expect((await failureOf(startSession(link.token, { apiBase }))).reason).to.equal('usage-limit-reached');
  });

  it('accepts an api-base with a trailing slash, and refuses one that is not http(s)', async () => {
    expect((await resolve('sh_2kL9pQxYzR4vN8mBwHfJc', { apiBase: `${apiBase}/` })).persona.name).to.equal('Cara');
    expect(endpoint('https://api.example/base/', 'sh_abcdefgh')).to.equal(
      'https://api.example/base/v1/embed/sh_abcdefgh',
    );
    expect((await failureOf(resolve('sh_2kL9pQxYzR4vN8mBwHfJc', { apiBase: 'javascript:alert(1)' }))).reason).to.equal(
      'network',
    );
  });

  it('reports an unreachable API as network', async () => {
    const error = await failureOf(resolve('sh_2kL9pQxYzR4vN8mBwHfJc', { apiBase: 'http://127.0.0.1:9', retries: 0 }));
    expect(error.reason).to.equal('network');
    expect(error.message).to.contain('could not be reached');
  });
});

describe('resolve() against a misbehaving API', () => {
  it('retries a 5xx burst with backoff, then succeeds', async () => {
    const run = newRun();
    const link = await resolve('sh_FakeToken12345678', { apiBase: fakeApi('flaky-2', run), retryDelayMs: 5 });
    expect(link.persona.name).to.equal('Fake Persona');
    expect(await serverCommand('fake-api-hits', { scenario: 'flaky-2', run })).to.equal(3);
  });

  it('gives up after 2 retries on a lasting 5xx, as server', async () => {
    const run = newRun();
    const error = await failureOf(
      resolve('sh_FakeToken12345678', { apiBase: fakeApi('always-500', run), retryDelayMs: 5 }),
    );
    expect(error.reason).to.equal('server');
    expect(error.status).to.equal(500);
    expect(await serverCommand('fake-api-hits', { scenario: 'always-500', run })).to.equal(3);
  });

  for (const [scenario, reason] of [
    ['404-json', 'not-found'],
    ['404-plain', 'not-found'],
    ['403-disabled', 'disabled'],
    ['410-json', 'expired'],
    ['status-429', 'rate-limited'],
    ['403-lying', 'bad-response'],
    ['403-plain', 'bad-response'],
  ] as const) {
    it(`maps ${scenario} to ${reason}, without retrying`, async () => {
      const run = newRun();
      const error = await failureOf(
        resolve('sh_FakeToken12345678', { apiBase: fakeApi(scenario, run), retryDelayMs: 5 }),
      );
      expect(error.reason).to.equal(reason);
      expect(await serverCommand('fake-api-hits', { scenario, run })).to.equal(1);
    });
  }

  it('times out a hanging answer as network, then retries it', async () => {
    const run = newRun();
    const error = await failureOf(
      resolve('sh_FakeToken12345678', { apiBase: fakeApi('hang', run), timeoutMs: 150, retryDelayMs: 5, retries: 1 }),
    );
    expect(error.reason).to.equal('network');
    expect(error.message).to.contain('did not answer within 150 ms');
    expect(await serverCommand('fake-api-hits', { scenario: 'hang', run })).to.equal(2);
  });

  it("rejects with the caller's abort, and aborts the request only when every caller has left", async () => {
    const apiBaseSlow = fakeApi('ok-slow', newRun());
    const first = new AbortController();
    const second = new AbortController();
    const firstLookup = resolve('sh_FakeToken12345678', { apiBase: apiBaseSlow, signal: first.signal });
    const secondLookup = resolve('sh_FakeToken12345678', { apiBase: apiBaseSlow, signal: second.signal });
    first.abort();
    let firstError: unknown;
    await firstLookup.catch((error) => (firstError = error));
    expect((firstError as DOMException).name).to.equal('AbortError');
    expect((await secondLookup).persona.name).to.equal('Fake Persona', 'the other caller still gets its answer');

    const third = new AbortController();
    const thirdLookup = resolve('sh_FakeToken12345678', {
      apiBase: fakeApi('ok-slow', newRun()),
      signal: third.signal,
    });
    expect(inflightCount()).to.equal(1);
    third.abort();
    await thirdLookup.catch(() => undefined);
    expect(inflightCount()).to.equal(0);
  });

  it('rejects at once for a signal that is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    let error: unknown;
    await resolve('sh_FakeToken12345678', { apiBase: fakeApi('ok', newRun()), signal: controller.signal }).catch(
      (caught) => (error = caught),
    );
    expect((error as DOMException).name).to.equal('AbortError');
  });

  it('accepts unknown extra fields, which the API may add', async () => {
    const link = await resolve('sh_FakeToken12345678', { apiBase: fakeApi('ok-extra-fields', newRun()) });
    expect(link.shareLink).to.not.have.property('newField');
    expect(link).to.not.have.property('future');
  });

  const badBodies = [
    'html-200',
    'empty',
    'truncated',
    'array-top',
    'string-top',
    'null-top',
    'missing-persona',
    'missing-enabled',
    'boolean-as-string',
    'number-as-string',
    'negative-count',
    'fractional-count',
    'huge-count',
    'bad-date',
    'non-iso-date',
    'impossible-date',
    'origins-as-string',
    'javascript-url',
    'data-url',
    'protocol-relative-url',
    'object-for-string',
    'megabyte-string',
    'long-name',
    'watermark-as-string',
  ];
  for (const scenario of badBodies) {
    it(`refuses the whole body as bad-response: ${scenario}`, async () => {
      const error = await failureOf(
        resolve('sh_FakeToken12345678', { apiBase: fakeApi(scenario, newRun()), retries: 0 }),
      );
      expect(error.reason).to.equal('bad-response');
    });
  }

  it('ignores __proto__ keys: no prototype pollution, no smuggled fields', async () => {
    const link = await resolve('sh_FakeToken12345678', { apiBase: fakeApi('proto-keys', newRun()) });
    expect(link.shareLink.removeWatermark).to.equal(false);
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    expect(Object.getPrototypeOf(link.shareLink)).to.equal(Object.prototype);
  });
});
