import { expect } from '@open-wc/testing';
import { inflightCount } from '../../src/api.ts';
import { callAt } from '../../src/timers.ts';
import { fakeApi, newRun, serverCommand } from '../support/browser.ts';
import { mount, nextEvent, part, sleep, until } from '../support/embed.ts';

let apiBase: string;
before(async () => {
  apiBase = await serverCommand<string>('api-base');
});
afterEach(() => serverCommand('api-clock-offset', { offsetMs: 0 }));

describe('lifecycle', () => {
  it('aborts the old request when the token changes, and shows only the last link', async () => {
    const slow = fakeApi('ok-slow', newRun());
    const { el, events } = mount({ token: 'sh_SlowToken1234567', 'api-base': slow });
    await el.updateComplete;
    expect(inflightCount()).to.equal(1);
    el.apiBase = apiBase;
    for (const token of ['sh_Expired9pQxYzR4vN8m', 'sh_Disabled4vN8mBwHfJ', 'sh_2kL9pQxYzR4vN8mBwHfJc']) {
      el.token = token;
      await el.updateComplete;
    }
    await until(() => el.state === 'ready', 'the last link');
    await sleep(400);
    expect(events.map((event) => event.type)).to.deep.equal(['share-link-ready']);
    expect(el.shareLink?.token).to.equal('sh_2kL9pQxYzR4vN8mBwHfJc');
    expect(inflightCount()).to.equal(0);
  });

  it('aborts when removed mid-request: no events, no errors, nothing in flight', async () => {
    const { el, events, warnings } = mount({ token: 'sh_SlowToken1234567', 'api-base': fakeApi('ok-slow', newRun()) });
    await el.updateComplete;
    el.remove();
    await sleep(500);
    expect(events).to.have.length(0);
    expect(warnings).to.have.length(0);
    expect(inflightCount()).to.equal(0);
  });

  it('survives being moved around the DOM mid-request without a second request', async () => {
    const run = newRun();
    const { el, settled } = mount({ token: 'sh_SlowToken1234567', 'api-base': fakeApi('ok-slow', run) });
    await el.updateComplete;
    const other = document.createElement('div');
    document.body.append(other);
    other.append(el);
    document.body.append(el);
    expect((await settled).type).to.equal('share-link-ready');
    expect(await serverCommand('fake-api-hits', { scenario: 'ok-slow', run })).to.equal(1);
    other.remove();
  });

  it('loads again when put back after removal mid-request', async () => {
    const { el, settled } = mount({ token: 'sh_SlowToken1234567', 'api-base': fakeApi('ok-slow', newRun()) });
    await el.updateComplete;
    el.remove();
    await sleep(50);
    document.body.append(el);
    expect((await settled).type).to.equal('share-link-ready');
  });

  it('shares one request between many elements with one token', async () => {
    const run = newRun();
    const base = fakeApi('ok-slow', run);
    const embeds = Array.from({ length: 30 }, () => mount({ token: 'sh_ManyToken12345678', 'api-base': base }));
    await Promise.all(embeds.map((embed) => embed.settled));
    expect(await serverCommand('fake-api-hits', { scenario: 'ok-slow', run })).to.equal(1);
  });

  it("turns expired at the moment the link expires, by the server's clock", async () => {
    // The server's clock runs an hour ahead of this one; the link expires 1.2 s from server-now.
    const hour = 3_600_000;
    await serverCommand('api-clock-offset', { offsetMs: hour });
    const link = await serverCommand<{ token: string }>('api-create-link', {
      expiresAt: new Date(Date.now() + hour + 1200).toISOString(),
    });
    const { el, settled } = mount({ token: link.token, 'api-base': apiBase });
    expect((await settled).type).to.equal('share-link-ready');
    const shownAt = Date.now();
    const expired = await nextEvent(el, 'share-link-error');
    expect(expired.detail.reason).to.equal('expired');
    expect(Date.now() - shownAt).to.be.below(2000);
    await el.updateComplete;
    expect(el.getAttribute('state')).to.equal('error');
    expect(part(el, 'message')!.textContent!.trim()).to.equal('This conversation link has expired.');
  });

  it('accepts a link that a wrong visitor clock would call expired', async () => {
    // The server is 5 hours behind the visitor: by visitor time the link expired 4 hours ago.
    const offsetMs = -5 * 3_600_000;
    await serverCommand('api-clock-offset', { offsetMs });
    const link = await serverCommand<{ token: string }>('api-create-link', {
      expiresAt: new Date(Date.now() + offsetMs + 3_600_000).toISOString(),
    });
    const { settled } = mount({ token: link.token, 'api-base': apiBase });
    expect((await settled).type).to.equal('share-link-ready');
  });

  it('does not expire early for an expiry beyond 2^31 ms', async () => {
    const link = await serverCommand<{ token: string }>('api-create-link', { expiresAt: '2099-12-31T23:59:59.000Z' });
    const { el, settled, events } = mount({ token: link.token, 'api-base': apiBase });
    await settled;
    await sleep(100);
    expect(el.state).to.equal('ready');
    expect(events.map((event) => event.type)).to.deep.equal(['share-link-ready']);
  });

  it('waits in steps for delays setTimeout cannot hold', async () => {
    const calls: number[] = [];
    let now = 0;
    const cancel = callAt(
      2 ** 31 + 5000,
      () => now,
      () => calls.push(now),
    );
    expect(calls).to.deep.equal([]);
    cancel();
    now = 10;
    callAt(
      5,
      () => now,
      () => calls.push(now),
    );
    expect(calls).to.deep.equal([10], 'a deadline already passed fires at once');
  });

  it('leaves no timers or listeners behind when removed', async () => {
    const link = await serverCommand<{ token: string }>('api-create-link', {
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    const added: string[] = [];
    const removed: string[] = [];
    const { addEventListener: add, removeEventListener: remove } = document;
    document.addEventListener = function (this: Document, type: string, ...rest: unknown[]) {
      added.push(type);
      return (add as (...args: unknown[]) => void).call(this, type, ...rest);
    } as typeof document.addEventListener;
    document.removeEventListener = function (this: Document, type: string, ...rest: unknown[]) {
      removed.push(type);
      return (remove as (...args: unknown[]) => void).call(this, type, ...rest);
    } as typeof document.removeEventListener;
    const timers = new Set<number>();
    const { setTimeout: set, clearTimeout: clear } = window;
    window.setTimeout = ((callback: () => void, delay?: number) => {
      const id = set(() => {
        timers.delete(id as unknown as number);
        callback();
      }, delay);
      timers.add(id as unknown as number);
      return id;
    }) as typeof set;
    window.clearTimeout = ((id?: number) => {
      timers.delete(id as number);
      return clear(id);
    }) as typeof clear;
    try {
      const { el, settled } = mount({ token: link.token, 'api-base': apiBase });
      await settled;
      expect(timers.size).to.be.at.least(1, 'an expiry timer is armed');
      el.remove();
      await Promise.resolve();
      expect(timers.size).to.equal(0);
      expect(added.filter((type) => type === 'visibilitychange')).to.have.length(1);
      expect(removed.filter((type) => type === 'visibilitychange')).to.have.length(1);
    } finally {
      Object.assign(document, { addEventListener: add, removeEventListener: remove });
      Object.assign(window, { setTimeout: set, clearTimeout: clear });
    }
  });
});

describe('faults and time', () => {
  afterEach(() => serverCommand('api-clock-offset', { offsetMs: 0 }));

  it('turns expired when a hidden tab is shown again, even if its timer was throttled away', async () => {
    const link = await serverCommand<{ token: string }>('api-create-link', {
      expiresAt: new Date(Date.now() + 1500).toISOString(),
    });
    // Background tabs may hold timers back for minutes: here the expiry timer never runs at all.
    const realSetTimeout = window.setTimeout;
    window.setTimeout = ((callback: () => void, delay?: number) =>
      delay && delay > 1000 ? 0 : realSetTimeout(callback, delay)) as typeof window.setTimeout;
    const visibility = Object.getOwnPropertyDescriptor(Document.prototype, 'visibilityState')!;
    try {
      const { el, settled } = mount({ token: link.token, 'api-base': apiBase });
      expect((await settled).type).to.equal('share-link-ready');
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
      await new Promise((resolve) => realSetTimeout(resolve, 1700));
      expect(el.state, 'the throttled timer did not fire').to.equal('ready');
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
      document.dispatchEvent(new Event('visibilitychange'));
      expect(el.state).to.equal('error');
      expect(el.error?.reason).to.equal('expired');
    } finally {
      window.setTimeout = realSetTimeout;
      Reflect.deleteProperty(document, 'visibilityState');
      Object.defineProperty(Document.prototype, 'visibilityState', visibility);
    }
  });

  it('does not reload on online when the error is not a network one', async () => {
    const { el, settled, events } = mount({ token: 'sh_Disabled4vN8mBwHfJ', 'api-base': apiBase });
    await settled;
    window.dispatchEvent(new Event('online'));
    await sleep(200);
    expect(events.map((event) => event.type)).to.deep.equal(['share-link-error']);
    expect(el.error?.reason).to.equal('disabled');
  });
});
