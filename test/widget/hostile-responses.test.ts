/**
 * Every answer of the scripted fake API, through the real element: each ends in the right state
 * with no page error, no unhandled rejection, nothing executed, and the watermark shown unless a
 * valid body says `removeWatermark: true`.
 */
import { expect } from '@open-wc/testing';
import type { ErrorReason } from '../../src/errors.ts';
import { fakeApi, newRun, serverCommand } from '../support/browser.ts';
import { mount, part, sleep } from '../support/embed.ts';

const EXPECTED: Record<string, 'ready' | ErrorReason> = {
  ok: 'ready',
  'ok-extra-fields': 'ready',
  'ok-orb': 'ready',
  'proto-keys': 'ready',
  'markup-everywhere': 'ready',
  'flaky-2': 'ready',
  'html-200': 'bad-response',
  empty: 'bad-response',
  truncated: 'bad-response',
  'array-top': 'bad-response',
  'string-top': 'bad-response',
  'null-top': 'bad-response',
  'missing-persona': 'bad-response',
  'missing-enabled': 'bad-response',
  'boolean-as-string': 'bad-response',
  'number-as-string': 'bad-response',
  'negative-count': 'bad-response',
  'fractional-count': 'bad-response',
  'huge-count': 'bad-response',
  'bad-date': 'bad-response',
  'non-iso-date': 'bad-response',
  'impossible-date': 'bad-response',
  'origins-as-string': 'bad-response',
  'javascript-url': 'bad-response',
  'data-url': 'bad-response',
  'protocol-relative-url': 'bad-response',
  'object-for-string': 'bad-response',
  'megabyte-string': 'bad-response',
  'long-name': 'bad-response',
  'watermark-as-string': 'bad-response',
  '404-json': 'not-found',
  '404-plain': 'not-found',
  '403-disabled': 'disabled',
  '403-lying': 'bad-response',
  '403-plain': 'bad-response',
  '410-json': 'expired',
  'status-429': 'rate-limited',
  'always-500': 'server',
  '502-html': 'server',
  'origin-restricted': 'origin-not-allowed',
};

const problems: string[] = [];
const onError = (event: ErrorEvent) => problems.push(`error: ${event.message}`);
const onRejection = (event: PromiseRejectionEvent) => problems.push(`unhandled rejection: ${String(event.reason)}`);
before(() => {
  window.addEventListener('error', onError);
  window.addEventListener('unhandledrejection', onRejection);
});
after(() => {
  window.removeEventListener('error', onError);
  window.removeEventListener('unhandledrejection', onRejection);
});
beforeEach(() => (problems.length = 0));

describe('hostile and broken API answers, through the element', () => {
  it('covers at least 25 kinds of bad bodies and statuses', () => {
    expect(Object.values(EXPECTED).filter((outcome) => outcome !== 'ready').length).to.be.at.least(25);
  });

  for (const [scenario, outcome] of Object.entries(EXPECTED)) {
    it(`${scenario} → ${outcome}`, async function () {
      this.timeout(15_000);
      const { el, settled } = mount({ token: 'sh_FakeToken12345678', 'api-base': fakeApi(scenario, newRun()) });
      const event = await settled;
      await el.updateComplete;
      if (outcome === 'ready') {
        expect(event.type, event.detail?.message).to.equal('share-link-ready');
      } else {
        expect(event.detail.reason, event.detail.message).to.equal(outcome);
        expect(el.getAttribute('state')).to.equal('error');
      }
      if (el.variant === 'orb') {
        // A closed orb shows only its launcher; the watermark is on the player in its panel.
        el.open = true;
        await el.updateComplete;
      }
      expect(el.shadowRoot!.querySelector('[data-watermark]'), 'the watermark stays').to.exist;
      expect(el.shadowRoot!.querySelectorAll('script, [onerror], iframe, object, embed').length).to.equal(0);
      await sleep(50);
      expect((window as { __pwned?: unknown }).__pwned).to.equal(undefined);
      expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
      expect(problems).to.deep.equal([]);
    });
  }

  it('shows markup from every text field as text', async () => {
    const { el, settled } = mount({
      token: 'sh_FakeToken12345678',
      'api-base': fakeApi('markup-everywhere', newRun()),
    });
    await settled;
    await el.updateComplete;
    expect(part(el, 'name')!.textContent).to.contain('<script>');
    expect(part(el, 'name')!.childElementCount).to.equal(0);
  });

  it('waits out a slow answer and shows it', async function () {
    this.timeout(15_000);
    const { settled } = mount({ token: 'sh_FakeToken12345678', 'api-base': fakeApi('slow-5s', newRun()) });
    expect((await settled).type).to.equal('share-link-ready');
  });

  it('stays loading on a hanging answer, and leaves cleanly when removed', async () => {
    const run = newRun();
    const { el, events } = mount({ token: 'sh_FakeToken12345678', 'api-base': fakeApi('hang', run) });
    await sleep(500);
    expect(el.state).to.equal('loading');
    expect(await serverCommand('fake-api-hits', { scenario: 'hang', run })).to.equal(1);
    el.remove();
    await sleep(100);
    expect(events).to.have.length(0);
    expect(problems).to.deep.equal([]);
  });
});
