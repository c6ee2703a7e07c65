/**
 * `429 rate-limited`: its own reason and translated state, `Retry-After` read by the fetch layer,
 * and exactly one automatic retry (a lookup, never a second start) once it has passed, on a
 * pinned clock.
 */
import { expect } from '@open-wc/testing';
import { parseRetryAfter, resolve } from '../../src/api.ts';
import { ShareLinkError } from '../../src/errors.ts';
import { MESSAGES } from '../../src/i18n/messages.ts';
import { fakeApi, newRun, serverCommand } from '../support/browser.ts';
import { mount, nextEvent, part, sleep } from '../support/embed.ts';

/**
 * Pins `Date.now` and holds every timer of 500 ms or more until `advance` passes its time; shorter
 * timers (the test's own polling) run for real.
 */
function pinClock(start = Date.parse('2026-06-01T12:00:00Z')) {
  const real = { now: Date.now, setTimeout: window.setTimeout, clearTimeout: window.clearTimeout };
  const realSetTimeout = real.setTimeout.bind(window);
  const realClearTimeout = real.clearTimeout.bind(window);
  let now = start;
  let nextHandle = 1_000_000;
  const held = new Map<number, { at: number; run: () => void }>();
  Date.now = () => now;
  window.setTimeout = ((callback: TimerHandler, delay = 0, ...args: unknown[]) => {
    if (delay < 500) return realSetTimeout(callback, delay, ...args);
    const handle = nextHandle++;
    held.set(handle, { at: now + delay, run: () => (callback as (...a: unknown[]) => void)(...args) });
    return handle;
  }) as typeof window.setTimeout;
  window.clearTimeout = ((handle?: number) => {
    if (handle === undefined || !held.delete(handle)) realClearTimeout(handle);
  }) as typeof window.clearTimeout;
  return {
    held,
    advance(ms: number) {
      now += ms;
      for (const [handle, timer] of [...held]) {
        if (timer.at <= now) {
          held.delete(handle);
          timer.run();
        }
      }
    },
    restore() {
      Object.assign(Date, { now: real.now });
      window.setTimeout = real.setTimeout;
      window.clearTimeout = real.clearTimeout;
    },
  };
}

const hits = (scenario: string, run: string) => serverCommand<number>('fake-api-hits', { scenario, run });

describe('the fetch layer', () => {
  it('maps 429 to rate-limited with the Retry-After, without retrying', async () => {
    const run = newRun();
    let error: unknown;
    await resolve('sh_FakeToken12345678', { apiBase: fakeApi('rate-limited-always', run), retryDelayMs: 5 }).catch(
      (caught: unknown) => (error = caught),
    );
    expect(error).to.be.instanceOf(ShareLinkError);
    expect((error as ShareLinkError).reason).to.equal('rate-limited');
    expect((error as ShareLinkError).status).to.equal(429);
    expect((error as ShareLinkError).retryAfterMs).to.equal(120_000);
    expect(await hits('rate-limited-always', run)).to.equal(1);
  });

  it('reads Retry-After as seconds or as an HTTP date, and ignores nonsense', () => {
    const now = Date.parse('2026-06-01T12:00:00Z');
    expect(parseRetryAfter('120', now)).to.equal(120_000);
    expect(parseRetryAfter(' 0 ', now)).to.equal(0);
    expect(parseRetryAfter('Mon, 01 Jun 2026 12:01:30 GMT', now)).to.equal(90_000);
    expect(parseRetryAfter('Mon, 01 Jun 2026 11:00:00 GMT', now)).to.equal(0, 'a date in the past: now');
    expect(parseRetryAfter('999999999', now)).to.equal(24 * 3_600_000, 'capped at a day');
    for (const nonsense of [null, '', '-5', '1.5', 'soon', '12e3', '0x10'])
      expect(parseRetryAfter(nonsense, now), String(nonsense)).to.equal(undefined);
  });
});

describe('the element, rate-limited', () => {
  let clock: ReturnType<typeof pinClock> | undefined;
  afterEach(() => {
    clock?.restore();
    clock = undefined;
  });

  it('shows its own translated state, then loads again once, when Retry-After has passed', async () => {
    clock = pinClock();
    const run = newRun();
    const { el, settled, warnings } = mount({
      token: 'sh_FakeToken12345678',
      'api-base': fakeApi('rate-limited-once', run),
      lang: 'de',
    });
    const event = await settled;
    await el.updateComplete;
    expect(event.detail.reason).to.equal('rate-limited');
    expect(el.state).to.equal('error');
    expect(part(el, 'message')!.textContent!.trim()).to.equal(MESSAGES.de.errors['rate-limited']);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(
      /rate-limited this visitor's address \(429, Retry-After 120 s\); one retry in 120 s\..*--trust-proxy/,
    );
    await expect(el).to.be.accessible();

    clock.advance(119_000);
    await sleep(50);
    expect(await hits('rate-limited-once', run)).to.equal(1, 'nothing before Retry-After');
    const ready = nextEvent(el, 'share-link-ready');
    clock.advance(1_000);
    await ready;
    expect(el.state).to.equal('ready');
    expect(await hits('rate-limited-once', run)).to.equal(2);
  });

  it('retries only once while the API keeps refusing, and leaves a retry button', async () => {
    clock = pinClock();
    const run = newRun();
    const { el, settled, events } = mount({
      token: 'sh_FakeToken12345678',
      'api-base': fakeApi('rate-limited-always', run),
    });
    await settled;
    const second = nextEvent(el, 'share-link-error');
    clock.advance(120_000);
    await second;
    clock.advance(24 * 3_600_000);
    await sleep(50);
    expect(await hits('rate-limited-always', run)).to.equal(2);
    expect(events.filter((each) => each.type === 'share-link-error')).to.have.length(2);
    await el.updateComplete;
    const retry = el.shadowRoot!.querySelector<HTMLButtonElement>('.message button')!;
    expect(retry.textContent!.trim()).to.equal(MESSAGES.en.retry);
  });

  it('after a refused start, loads the link again instead of starting again: no use without a press', async () => {
    clock = pinClock();
    const run = newRun();
    const { el, settled, events } = mount({
      token: 'sh_FakeToken12345678',
      'api-base': fakeApi('session-rate-limited', run),
    });
    expect((await settled).type).to.equal('share-link-ready');
    await el.start();
    expect(el.state).to.equal('error');
    expect(el.error?.reason).to.equal('rate-limited');
    const ready = nextEvent(el, 'share-link-ready');
    clock.advance(90_000);
    await ready;
    expect(el.state).to.equal('ready');
    expect(await hits('session-rate-limited', run)).to.equal(3, 'a lookup, the refused start, a lookup');
    expect(events.filter((each) => each.type === 'share-link-start')).to.have.length(0);
  });

  it('drops a waiting retry when the element is removed', async () => {
    clock = pinClock();
    const run = newRun();
    const { el, settled } = mount({ token: 'sh_FakeToken12345678', 'api-base': fakeApi('rate-limited-always', run) });
    await settled;
    el.remove();
    await sleep(0);
    clock.advance(120_000);
    await sleep(50);
    expect(await hits('rate-limited-always', run)).to.equal(1);
  });
});
