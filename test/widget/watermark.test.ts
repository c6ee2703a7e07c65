/**
 * The watermark against a hostile host page, in Chromium: `::part()` clip-paths and stacking
 * tricks, inherited styles, and a script that removes or edits it. "Visible" means that hit
 * testing at the watermark's centre finds the watermark: whatever the page clipped or stacked
 * above it would be found instead. (The test lets the watermark take part in hit testing; it
 * normally lets clicks through.)
 */
import { expect } from '@open-wc/testing';
import type { ShareLinkEmbed } from '../../src/share-link-embed.ts';
import { serverCommand } from '../support/browser.ts';
import { mount, part, until } from '../support/embed.ts';

const PLAYER = 'sh_2kL9pQxYzR4vN8mBwHfJc';
const ORB = 'sh_Orb7mBwHfJc4kL9pQxYz';
let apiBase: string;
before(async () => {
  apiBase = await serverCommand<string>('api-base');
});

const pageSheet = new CSSStyleSheet();
afterEach(() => {
  document.adoptedStyleSheets = [];
});

function pageCss(css: string) {
  pageSheet.replaceSync(css);
  document.adoptedStyleSheets = [pageSheet];
}

const watermarkOf = (el: ShareLinkEmbed) => el.shadowRoot!.querySelector<HTMLElement>('[data-watermark]');

/** True when hit testing at the watermark's centre, inside the shadow root, lands on the watermark. */
function paintedOnTop(el: ShareLinkEmbed): boolean {
  const mark = watermarkOf(el);
  if (!mark) return false;
  const probe = new CSSStyleSheet();
  probe.replaceSync('[data-watermark], [data-watermark] * { pointer-events: auto !important; }');
  el.shadowRoot!.adoptedStyleSheets = [...el.shadowRoot!.adoptedStyleSheets, probe];
  try {
    const box = mark.getBoundingClientRect();
    if (box.width < 20 || box.height < 8) return false;
    const hit = el.shadowRoot!.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return hit === mark || mark.contains(hit);
  } finally {
    el.shadowRoot!.adoptedStyleSheets = el.shadowRoot!.adoptedStyleSheets.filter((sheet) => sheet !== probe);
  }
}

async function readyPlayer() {
  const mounted = mount({ token: PLAYER, 'api-base': apiBase });
  expect((await mounted.settled).type).to.equal('share-link-ready');
  await mounted.el.updateComplete;
  return mounted.el;
}

describe('the watermark against page CSS', () => {
  it('is painted on top of a plain player', async () => {
    const el = await readyPlayer();
    expect(paintedOnTop(el)).to.equal(true);
    expect(watermarkOf(el)!.closest('[part]'), 'inside no part').to.equal(null);
    expect(watermarkOf(el)!.textContent).to.equal('Powered by share-link-embed');
  });

  for (const [trick, css] of [
    ['clip-path on ::part(player)', 'share-link-embed::part(player) { clip-path: inset(40% 0 0 40%); }'],
    ['clip-path: circle on ::part(player)', 'share-link-embed::part(player) { clip-path: circle(10px at 90% 90%); }'],
    [
      'a mask on ::part(player)',
      'share-link-embed::part(player) { -webkit-mask-image: linear-gradient(transparent 50%, #000 50%); mask-image: linear-gradient(transparent 50%, #000 50%); }',
    ],
    ['z-index on ::part(player)', 'share-link-embed::part(player) { position: relative; z-index: 2147483647; }'],
    [
      'fixed, top-most media parts',
      'share-link-embed::part(poster), share-link-embed::part(video) { position: fixed; inset: 0; z-index: 2147483647; }',
    ],
    [
      'a transformed, top-most name bar',
      'share-link-embed::part(name) { position: absolute; inset: 0; z-index: 2147483647; background: #000; transform: translateZ(10px); }',
    ],
    [
      'visibility inherited from the host',
      'share-link-embed { visibility: hidden; } share-link-embed::part(player) { visibility: visible; }',
    ],
    [
      'colour and size inherited from the host',
      'share-link-embed { color: transparent; font-size: 0; line-height: 0; }',
    ],
  ] as const) {
    it(`stays on top under ${trick}`, async () => {
      pageCss(css);
      const el = await readyPlayer();
      expect(paintedOnTop(el), trick).to.equal(true);
    });
  }

  it('stays on top of an open orb whose panel is clipped', async () => {
    pageCss('share-link-embed::part(panel) { clip-path: inset(30% 0 0 0); }');
    const { el, settled } = mount({ token: ORB, 'api-base': apiBase });
    await settled;
    el.open = true;
    await el.updateComplete;
    expect(paintedOnTop(el)).to.equal(true);
    el.open = false;
    await el.updateComplete;
    expect(watermarkOf(el)!.getBoundingClientRect().width, 'hidden with its closed panel').to.equal(0);
  });
});

describe('the watermark against page scripts', () => {
  it('comes back when removed from the shadow root', async () => {
    const el = await readyPlayer();
    watermarkOf(el)!.remove();
    await until(() => watermarkOf(el), 'the watermark to come back');
    expect(paintedOnTop(el)).to.equal(true);
    el.shadowRoot!.querySelectorAll('[data-watermark]').forEach((node) => node.parentNode!.removeChild(node));
    await until(() => watermarkOf(el), 'the watermark to come back again');
    expect(el.shadowRoot!.querySelectorAll('[data-watermark]')).to.have.length(1);
  });

  it('undoes changes to its attributes and text', async () => {
    const el = await readyPlayer();
    const mark = watermarkOf(el)!;
    mark.hidden = true;
    mark.setAttribute('class', 'gone');
    mark.textContent = '';
    await until(
      () => !mark.hidden && mark.className === 'watermark' && mark.textContent === 'Powered by share-link-embed',
      'the watermark restored',
    );
    mark.removeAttribute('data-watermark');
    await until(() => mark.hasAttribute('data-watermark'), 'its attribute restored');
    expect(paintedOnTop(el)).to.equal(true);
  });

  it('goes back on top when the page moves something after it', async () => {
    const el = await readyPlayer();
    const frame = el.shadowRoot!.querySelector('[data-watermark-frame]')!;
    const cover = document.createElement('div');
    frame.append(cover);
    await until(() => frame.lastChild === watermarkOf(el), 'the watermark last again');
  });

  it('follows the player through its states, and leaves with removeWatermark', async () => {
    const link = await serverCommand<{ id: string; token: string }>('api-create-link', {});
    const { el, settled } = mount({ token: link.token, 'api-base': apiBase });
    await settled;
    await el.start();
    await el.updateComplete;
    expect(el.state).to.equal('live');
    expect(el.shadowRoot!.querySelectorAll('[data-watermark]')).to.have.length(1);
    expect(paintedOnTop(el)).to.equal(true);
    el.end();
    await serverCommand('api-update-link', { id: link.id, changes: { removeWatermark: true } });
    el.reload();
    await until(() => el.state === 'ready', 'ready again');
    await el.updateComplete;
    expect(watermarkOf(el)).to.equal(null);
    expect(part(el, 'player')).to.exist;
  });
});
