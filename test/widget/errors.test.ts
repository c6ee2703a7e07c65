import { expect } from '@open-wc/testing';
import type { ErrorReason } from '../../src/errors.ts';
import { MESSAGES } from '../../src/i18n/messages.ts';
import { fakeApi, serverCommand } from '../support/browser.ts';
import { mount, part } from '../support/embed.ts';

let apiBase: string;
before(async () => {
  apiBase = await serverCommand<string>('api-base');
});

const requestCount = async () => (await serverCommand<{ total: number }>('api-requests', { since: 0 })).total;

describe('error states', () => {
  const cases: [ErrorReason, () => Record<string, string>, RegExp][] = [
    [
      'invalid-token',
      () => ({ token: 'sh_bad!', 'api-base': apiBase }),
      /token attribute "sh_bad!" must be sh_ then 8 to 64/,
    ],
    ['not-found', () => ({ token: 'sh_Unknown0000000000', 'api-base': apiBase }), /refused the link with 404/],
    [
      'origin-not-allowed',
      () => ({ token: 'sh_OriginNo3xYzR4vN8m', 'api-base': apiBase }),
      /403.*may not be embedded on this origin/,
    ],
    ['disabled', () => ({ token: 'sh_Disabled4vN8mBwHfJ', 'api-base': apiBase }), /disabled/],
    ['expired', () => ({ token: 'sh_Expired9pQxYzR4vN8m', 'api-base': apiBase }), /410.*expired/],
    ['usage-limit-reached', () => ({ token: 'sh_UsedUp2kL9pQxYzR4v', 'api-base': apiBase }), /usage limit/],
    [
      'not-embeddable',
      () => ({ token: 'sh_DirectLinkQxYzR4vN', 'api-base': apiBase }),
      /is a LINK link, meant to be opened directly/,
    ],
    [
      'network',
      () => ({ token: 'sh_2kL9pQxYzR4vN8mBwHfJc', 'api-base': 'http://127.0.0.1:9' }),
      /could not be reached \(http:\/\/127\.0\.0\.1:9\/v1\/embed/,
    ],
    ['bad-response', () => ({ token: 'sh_FakeToken12345678', 'api-base': fakeApi('html-200') }), /without a JSON body/],
    ['server', () => ({ token: 'sh_FakeToken12345678', 'api-base': fakeApi('always-500') }), /failed with 500/],
    [
      'rate-limited',
      () => ({ token: 'sh_FakeToken12345678', 'api-base': fakeApi('rate-limited-always') }),
      /rate-limited this visitor's address \(429, Retry-After 120 s\); one retry in 120 s/,
    ],
    // The link's protections: the API's message tells the site owner what to do.
    [
      'signature-required',
      () => ({ token: 'sh_FakeToken12345678', 'api-base': fakeApi('signature-required') }),
      /403: This share link requires a signed embed: sign an embed token .*signEmbedToken.*embed-token attribute/,
    ],
    [
      'signature-invalid',
      () => ({ token: 'sh_FakeToken12345678', 'api-base': fakeApi('signature-invalid'), 'embed-token': 'a.b.c' }),
      /403: The embed token expired at .*give the element a fresh one/,
    ],
    [
      'challenge-failed',
      () => ({ token: 'sh_FakeToken12345678', 'api-base': fakeApi('challenge-failed') }),
      /403: The challenge expired: ask for a new one/,
    ],
  ];

  for (const [reason, attributes, cause] of cases) {
    it(`${reason}: a typed event, a translated message, one console warning, accessible`, async function () {
      this.timeout(15_000);
      const { el, settled, events, warnings } = mount(attributes());
      const event = await settled;
      await el.updateComplete;
      expect(event.type).to.equal('share-link-error');
      expect(event.detail.reason).to.equal(reason);
      expect(event.detail.message).to.match(cause);
      expect(event.bubbles && event.composed).to.equal(true);
      expect(el.getAttribute('state')).to.equal('error');
      expect(el.error).to.deep.equal(event.detail);
      expect(part(el, 'message')!.textContent!.trim()).to.equal(MESSAGES.en.errors[reason]);
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.match(cause);
      expect(events.filter((each) => each.type === 'share-link-ready')).to.have.length(0);
      expect(el.shadowRoot!.querySelector('[data-watermark]'), 'the watermark stays').to.exist;
      await expect(el).to.be.accessible();
    });
  }

  it('names the page origin and the allowed origins when the widget refuses the origin itself', async () => {
    const { el, settled, warnings } = mount({
      token: 'sh_FakeToken12345678',
      'api-base': fakeApi('origin-restricted'),
    });
    const event = await settled;
    expect(event.detail.reason).to.equal('origin-not-allowed');
    expect(warnings).to.deep.equal([
      `<share-link-embed> share link sh_FakeToken12345678: the page origin ${location.origin} is not in the link's allowed origins, which are "https://www.shop.example". Add it to allowedOrigins, or enable allowAllOrigins.`,
    ]);
    expect(el.shareLink?.allowedOrigins).to.deep.equal(['https://www.shop.example']);
  });

  it('checks the token before any request', async () => {
    const before = await requestCount();
    for (const token of ['', 'sh_', 'abc', 'sh_12345678/../../x', 'sh_<script>']) {
      const { settled } = mount({ token, 'api-base': apiBase });
      expect((await settled).detail.reason).to.equal('invalid-token');
    }
    expect(await requestCount()).to.equal(before);
  });

  it('offers a retry for network errors, and reload() recovers', async () => {
    const { el, settled } = mount({ token: 'sh_2kL9pQxYzR4vN8mBwHfJc', 'api-base': 'http://127.0.0.1:9' });
    await settled;
    await el.updateComplete;
    const retry = part(el, 'player')!.querySelector('button')!;
    expect(retry.textContent!.trim()).to.equal('Try again');
    el.apiBase = apiBase;
    await el.updateComplete;
    await new Promise((resolve) => el.addEventListener('share-link-ready', resolve, { once: true }));
    expect(el.state).to.equal('ready');
    el.apiBase = 'http://127.0.0.1:9';
    await new Promise((resolve) => el.addEventListener('share-link-error', resolve, { once: true }));
    el.apiBase = apiBase;
    el.reload();
    await new Promise((resolve) => el.addEventListener('share-link-ready', resolve, { once: true }));
    expect(el.state).to.equal('ready');
  });
});

describe('translations', () => {
  const expired = { token: 'sh_Expired9pQxYzR4vN8m' };

  it("speaks the element's own lang", async () => {
    const { el, settled } = mount({ ...expired, 'api-base': apiBase, lang: 'de' });
    await settled;
    await el.updateComplete;
    expect(part(el, 'message')!.textContent!.trim()).to.equal('Dieser Gesprächslink ist abgelaufen.');
  });

  it('else the nearest [lang] ancestor, by primary subtag', async () => {
    const section = document.createElement('section');
    section.lang = 'ja-JP';
    document.body.append(section);
    try {
      const { el, settled } = mount({ ...expired, 'api-base': apiBase }, section);
      await settled;
      await el.updateComplete;
      expect(part(el, 'message')!.textContent!.trim()).to.equal(MESSAGES.ja.errors.expired);
    } finally {
      section.remove();
    }
  });

  it('falls back to English for languages it does not have, and follows lang changes', async () => {
    const { el, settled } = mount({ ...expired, 'api-base': apiBase, lang: 'constructor' });
    await settled;
    await el.updateComplete;
    expect(part(el, 'message')!.textContent!.trim()).to.equal(MESSAGES.en.errors.expired);
    for (const lang of ['fr', 'es', 'de-AT'] as const) {
      el.lang = lang;
      await el.updateComplete;
      expect(part(el, 'message')!.textContent!.trim()).to.equal(
        MESSAGES[lang.slice(0, 2) as 'fr' | 'es' | 'de'].errors.expired,
      );
    }
  });

  it('translates the start button', async () => {
    const { el, settled } = mount({ token: 'sh_2kL9pQxYzR4vN8mBwHfJc', 'api-base': apiBase, lang: 'es' });
    await settled;
    await el.updateComplete;
    expect(part(el, 'start-button')!.textContent!.trim()).to.equal('Iniciar conversación');
  });
});
