import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { serverCommand, viewportNear } from '../support/browser.ts';
import { mount, nextEvent, part, until } from '../support/embed.ts';

let apiBase: string;
before(async () => {
  apiBase = await serverCommand<string>('api-base');
});

const ORB = 'sh_Orb7mBwHfJc4kL9pQxYz';

async function readyOrb(attributes: Record<string, string | boolean> = {}) {
  const mounted = mount({ token: ORB, 'api-base': apiBase, ...attributes });
  expect((await mounted.settled).type).to.equal('share-link-ready');
  await mounted.el.updateComplete;
  return mounted;
}

const mediaFetched = () =>
  performance.getEntriesByType('resource').filter((entry) => entry.name.includes('/media/leo'));
const activeElementIn = (el: Element) => el.shadowRoot!.activeElement;

describe('ORB_EMBED', () => {
  it('is a round launcher with an accessible name, closed, that has fetched no media', async () => {
    performance.clearResourceTimings();
    const { el } = await readyOrb();
    expect(el.getAttribute('variant')).to.equal('orb');
    const orb = part(el, 'orb')!;
    expect(orb.tagName).to.equal('BUTTON');
    expect(orb.getAttribute('aria-label')).to.equal('Talk to Leo');
    expect(orb.getAttribute('aria-expanded')).to.equal('false');
    expect(part(el, 'panel')).to.equal(null);
    expect(el.shadowRoot!.querySelector('img, video')).to.equal(null);
    expect(getComputedStyle(orb).borderRadius).to.equal('50%');
    const box = orb.getBoundingClientRect();
    expect(innerWidth - box.right).to.be.closeTo(24, 1);
    expect(innerHeight - box.bottom).to.be.closeTo(24, 1);
    expect(el.getBoundingClientRect().height, 'the host takes no room in the page').to.equal(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mediaFetched()).to.have.length(0);
    await expect(el).to.be.accessible();
  });

  it('opens on click: panel with the player, focus inside, aria-expanded, open reflected, toggle event', async () => {
    const { el } = await readyOrb();
    const toggled = nextEvent(el, 'share-link-toggle');
    part(el, 'orb')!.click();
    expect((await toggled).detail).to.deep.equal({ open: true });
    await el.updateComplete;
    expect(el.open).to.equal(true);
    expect(el.hasAttribute('open')).to.equal(true);
    expect(part(el, 'orb')!.getAttribute('aria-expanded')).to.equal('true');
    const panel = part(el, 'panel')!;
    expect(panel.hidden).to.equal(false);
    expect(panel.getAttribute('role')).to.equal('dialog');
    expect(part(el, 'start-button')).to.exist;
    expect(part(el, 'close-button')!.getAttribute('aria-label')).to.equal('Close');
    expect(activeElementIn(el)).to.equal(part(el, 'close-button'), 'focus moved into the panel, to its close button');
    expect(el.shadowRoot!.querySelector('[data-watermark]')).to.exist;
    await expect(el).to.be.accessible();
  });

  it('closes on Escape and on the close button, returning focus to the orb', async () => {
    const { el } = await readyOrb();
    part(el, 'orb')!.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(el.open).to.equal(true);
    const closed = nextEvent(el, 'share-link-toggle');
    await sendKeys({ press: 'Escape' });
    expect((await closed).detail).to.deep.equal({ open: false });
    await el.updateComplete;
    expect(part(el, 'panel')!.hidden).to.equal(true);
    expect(activeElementIn(el)).to.equal(part(el, 'orb'));

    // ' ' is the Space key in every driver (Puppeteer's BiDi keyboard knows no "Space").
    await sendKeys({ press: ' ' });
    await el.updateComplete;
    expect(el.open).to.equal(true);
    part(el, 'close-button')!.click();
    await el.updateComplete;
    expect(el.open).to.equal(false);
    expect(activeElementIn(el)).to.equal(part(el, 'orb'));
  });

  it('loads the avatar once the panel first opens, and keeps it on the orb after closing', async () => {
    const { el } = await readyOrb();
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    el.open = true;
    await el.updateComplete;
    const poster = part(el, 'poster') as HTMLImageElement;
    expect(poster.src).to.equal(`${apiBase}/media/leo.svg`);
    await until(() => poster.complete && poster.naturalWidth > 0, 'the poster to load');
    el.open = false;
    await el.updateComplete;
    expect((el.shadowRoot!.querySelector('[part~="orb"] img') as HTMLImageElement).src).to.equal(
      `${apiBase}/media/leo.svg`,
    );
  });

  it('honours the open attribute and every placement', async () => {
    for (const [placement, horizontal, vertical] of [
      ['bottom-left', 'left', 'bottom'],
      ['top-right', 'right', 'top'],
      ['top-left', 'left', 'top'],
    ] as const) {
      const { el } = await readyOrb({ placement, open: true });
      expect(part(el, 'panel')!.hidden).to.equal(false);
      const box = part(el, 'orb')!.getBoundingClientRect();
      expect(horizontal === 'left' ? box.left : innerWidth - box.right, placement).to.be.closeTo(24, 1);
      expect(vertical === 'top' ? box.top : innerHeight - box.bottom, placement).to.be.closeTo(24, 1);
      el.remove();
    }
  });

  it('moves the orb with --share-link-embed-offset and stacks with --share-link-embed-z-index', async () => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync('share-link-embed { --share-link-embed-offset: 40px; --share-link-embed-z-index: 77; }');
    document.adoptedStyleSheets = [sheet];
    try {
      const { el } = await readyOrb();
      const box = part(el, 'orb')!.getBoundingClientRect();
      expect(innerWidth - box.right).to.be.closeTo(40, 1);
      expect(getComputedStyle(el.shadowRoot!.querySelector('.orb-root')!).zIndex).to.equal('77');
    } finally {
      document.adoptedStyleSheets = [];
    }
  });

  it('fills the viewport once the screen turns narrow (a phone turned upright), and gives it back', async () => {
    const { el } = await readyOrb({ open: true });
    const panel = part(el, 'panel')!;
    await Promise.all(panel.getAnimations().map((animation) => animation.finished));
    const wide = panel.getBoundingClientRect();
    expect(wide.width, 'a panel beside the orb on a wide screen').to.be.below(innerWidth);
    const viewport = await viewportNear({ width: 375, height: 700 });
    try {
      expect(viewport.width, 'a viewport under the 480 px breakpoint').to.be.below(480);
      await until(() => panel.getBoundingClientRect().width === viewport.width, 'the panel filling the viewport');
      const box = panel.getBoundingClientRect();
      expect([box.left, box.top, box.width, box.height]).to.deep.equal([0, 0, viewport.width, viewport.height]);
      expect(getComputedStyle(part(el, 'orb')!).display, 'the orb does not cover the panel').to.equal('none');
      await expect(el).to.be.accessible();
      part(el, 'close-button')!.click();
      await el.updateComplete;
      expect(getComputedStyle(part(el, 'orb')!).display).to.not.equal('none');
      expect(el.shadowRoot!.activeElement).to.equal(part(el, 'orb'));
    } finally {
      await viewport.restore();
    }
  });

  it('opens itself when start() is called while closed', async () => {
    const { el } = await readyOrb();
    await el.start();
    expect(el.open).to.equal(true);
    expect(el.state).to.equal('live');
  });
});
