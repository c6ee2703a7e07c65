/**
 * Share-page mode (`share-page`): the element shows a LINK link as a player only on the API's own
 * origin, where `GET /s/{token}` serves it; an ordinary embed still refuses LINK links.
 */
import { expect } from '@open-wc/testing';
import { MESSAGES } from '../../src/i18n/messages.ts';
import { fakeApi, serverCommand } from '../support/browser.ts';
import { mount, part } from '../support/embed.ts';

const TOKEN = 'sh_FakeToken12345678';

describe('share-page mode', () => {
  it('on the API’s own origin, shows a LINK link as a player, whatever its allowed origins', async () => {
    // The fake API is on the test page's origin, as the share page is on the API's.
    const { el, settled } = mount({ token: TOKEN, 'api-base': fakeApi('link'), 'share-page': true });
    const event = await settled;
    await el.updateComplete;
    expect(event.type).to.equal('share-link-ready');
    expect(el.state).to.equal('ready');
    expect(el.variant).to.equal('player');
    expect(el.getAttribute('variant')).to.equal('player');
    expect(el.shareLink!.type).to.equal('LINK');
    expect(part(el, 'start-button')).to.exist;
    expect(el.shadowRoot!.querySelector('[data-watermark]')).to.exist;
    await expect(el).to.be.accessible();
  });

  it('without the attribute, a LINK link is not embeddable, and its allowed origins apply', async () => {
    const restricted = mount({ token: TOKEN, 'api-base': fakeApi('link') });
    expect((await restricted.settled).detail.reason).to.equal('origin-not-allowed');
    const { el, settled, warnings } = mount({ token: TOKEN, 'api-base': fakeApi('link-open') });
    const event = await settled;
    await el.updateComplete;
    expect(event.detail.reason).to.equal('not-embeddable');
    expect(el.variant).to.equal(null);
    expect(part(el, 'message')!.textContent!.trim()).to.equal(MESSAGES.en.errors['not-embeddable']);
    expect(warnings[0]).to.match(/is a LINK link, meant to be opened directly/);
  });

  it('on a page of another origin than the API, the attribute does not make an embed of a LINK link', async () => {
    const apiBase = await serverCommand<string>('api-base');
    const { el, settled } = mount({ token: 'sh_DirectLinkQxYzR4vN', 'api-base': apiBase, 'share-page': true });
    const event = await settled;
    await el.updateComplete;
    expect(event.detail.reason).to.equal('not-embeddable');
    expect(el.variant).to.equal(null);
    expect(part(el, 'start-button')).to.equal(null);
  });

  it('keeps the other rules: a disabled LINK link shows its translated state', async () => {
    const wrapper = document.createElement('div');
    wrapper.lang = 'de';
    document.body.append(wrapper);
    try {
      const { el, settled } = mount(
        { token: TOKEN, 'api-base': fakeApi('link-disabled'), 'share-page': true },
        wrapper,
      );
      const event = await settled;
      await el.updateComplete;
      expect(event.detail.reason).to.equal('disabled');
      expect(part(el, 'message')!.textContent!.trim()).to.equal(MESSAGES.de.errors.disabled);
      await expect(el).to.be.accessible();
    } finally {
      wrapper.remove();
    }
  });

  it('does not lift the origin rule of embed links', async () => {
    const { settled } = mount({ token: TOKEN, 'api-base': fakeApi('origin-restricted'), 'share-page': true });
    expect((await settled).detail.reason).to.equal('origin-not-allowed');
  });
});
