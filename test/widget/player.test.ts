import { expect } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import { can, darkFrame, fakeApi, serverCommand, stylesUnder } from '../support/browser.ts';
import { mount, part, until } from '../support/embed.ts';

let apiBase: string;
before(async () => {
  apiBase = await serverCommand<string>('api-base');
});
afterEach(async () => {
  if (await can('media emulation')) await emulateMedia({ reducedMotion: 'no-preference', colorScheme: 'light' });
});

const PLAYER = 'sh_2kL9pQxYzR4vN8mBwHfJc';

/** A player on screen that, given time to start its video, shows only the poster. */
async function expectPosterWithoutVideo() {
  const { el, settled } = mount({ token: PLAYER, 'api-base': apiBase });
  await settled;
  await el.updateComplete;
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(part(el, 'video')).to.equal(null);
  expect(part(el, 'poster')).to.exist;
}

describe('PLAYER_EMBED', () => {
  it('shows the persona, the poster, a start button and the watermark once ready', async () => {
    const { el, settled } = mount({ token: PLAYER, 'api-base': apiBase });
    const ready = await settled;
    expect(ready.type).to.equal('share-link-ready');
    expect(ready.detail.shareLink.token).to.equal(PLAYER);
    expect(ready.detail.persona.name).to.equal('Cara');
    await el.updateComplete;
    expect(el.getAttribute('state')).to.equal('ready');
    expect(el.getAttribute('variant')).to.equal('player');
    expect(el.state).to.equal('ready');
    expect(el.variant).to.equal('player');
    expect(el.shareLink?.token).to.equal(PLAYER);
    expect(el.persona?.name).to.equal('Cara');
    expect(el.error).to.equal(null);
    expect(part(el, 'name')!.textContent).to.equal('Cara');
    // The poster requested beside the link (docs/delivery.md), which the API answers with Cara's image.
    expect((part(el, 'poster') as HTMLImageElement).src).to.equal(`${apiBase}/v1/embed/${PLAYER}/poster`);
    const start = part(el, 'start-button')!;
    expect(start.tagName).to.equal('BUTTON');
    expect(start.textContent!.trim()).to.equal('Start conversation');
    const watermark = el.shadowRoot!.querySelector('[data-watermark]')!;
    expect(watermark).to.exist;
    expect(watermark.hasAttribute('part')).to.equal(false, 'the watermark is not a part');
    await expect(el).to.be.accessible();
  });

  it('reserves its final box while loading: no layout shift when the link arrives', async () => {
    const host = document.createElement('div');
    host.className = 'sized';
    host.setAttribute('data-width', '640');
    document.body.append(host);
    const sheet = new CSSStyleSheet();
    sheet.replaceSync('.sized { width: 640px }');
    document.adoptedStyleSheets = [sheet];
    try {
      const { el, settled } = mount({ token: 'sh_FakeToken12345678', 'api-base': fakeApi('ok-slow') }, host);
      await el.updateComplete;
      expect(el.getAttribute('state')).to.equal('loading');
      const loadingBox = el.getBoundingClientRect();
      expect(loadingBox.height).to.be.closeTo(360, 1);
      expect(part(el, 'player')!.getAttribute('aria-busy')).to.equal('true');
      await expect(el).to.be.accessible();
      await settled;
      await el.updateComplete;
      expect(el.getAttribute('state')).to.equal('ready');
      const readyBox = el.getBoundingClientRect();
      expect([readyBox.width, readyBox.height]).to.deep.equal([loadingBox.width, loadingBox.height]);
    } finally {
      document.adoptedStyleSheets = [];
      host.remove();
    }
  });

  it('omits the watermark only when the link says removeWatermark', async () => {
    const { el, settled } = mount({ token: 'sh_NoMark5HfJc4kL9pQx', 'api-base': apiBase });
    await settled;
    await el.updateComplete;
    expect(el.shareLink?.removeWatermark).to.equal(true);
    expect(el.shadowRoot!.querySelector('[data-watermark]')).to.equal(null);
  });

  it('renders a name made of markup as text, and runs none of it', async () => {
    const { el, settled } = mount({ token: 'sh_Markup6vN8mBwHfJc4', 'api-base': apiBase });
    await settled;
    await el.updateComplete;
    expect(part(el, 'name')!.textContent).to.equal('<img src=x onerror="window.__pwned=1"><b>Mallory</b>');
    expect(part(el, 'name')!.children.length).to.equal(0);
    expect(el.shadowRoot!.querySelectorAll('[onerror], script').length).to.equal(0);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('plays the idle video, muted and looped, only while on screen', async () => {
    const { el, settled } = mount({ token: PLAYER, 'api-base': apiBase });
    await settled;
    const video = await until(() => part(el, 'video') as HTMLVideoElement | null, 'the idle video');
    expect(video.src).to.equal(`${apiBase}/media/cara-idle.webm`);
    expect(video.muted).to.equal(true);
    expect(video.loop).to.equal(true);
    expect(video.hasAttribute('playsinline')).to.equal(true);

    // Push it off screen: the video goes, the poster stays.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync('share-link-embed { position: absolute; top: 5000px; width: 300px }');
    document.adoptedStyleSheets = [sheet];
    try {
      await until(() => part(el, 'video') === null, 'the video to leave once off screen');
      expect(part(el, 'poster')).to.exist;
    } finally {
      document.adoptedStyleSheets = [];
    }
    await until(() => part(el, 'video'), 'the video to return once on screen');
  });

  it('never plays the idle video under prefers-reduced-motion', async () => {
    if (await can('media emulation')) {
      await emulateMedia({ reducedMotion: 'reduce' });
      return expectPosterWithoutVideo();
    }
    // Firefox's and WebKit's drivers cannot set the preference: the page's matchMedia answers for it,
    // as the browser would for a visitor who asked (the element asks matchMedia, as it does in Chromium).
    const own = window.matchMedia;
    window.matchMedia = (query: string) =>
      query === '(prefers-reduced-motion: reduce)'
        ? { ...own.call(window, 'all'), matches: true }
        : own.call(window, query);
    try {
      await expectPosterWithoutVideo();
    } finally {
      window.matchMedia = own;
    }
  });

  it("shows the persona's initial when the avatar has no media at all", async () => {
    const { el, settled } = mount({ token: 'sh_FakeToken12345678', 'api-base': fakeApi('ok') });
    await settled;
    await el.updateComplete;
    expect(part(el, 'poster')!.textContent).to.equal('F');
    expect(part(el, 'video')).to.equal(null);
    expect(el.state).to.equal('ready');
  });

  it('never plays the idle video when the visitor asks to save data', async () => {
    // Chromium reads Save-Data from navigator.connection; Firefox and WebKit have none, so no visitor
    // can ask there. The element reads the same property wherever a browser gives it one.
    const page = navigator as Navigator & { connection?: object };
    const own = page.connection === undefined;
    const connection = page.connection ?? {};
    if (own) Object.defineProperty(navigator, 'connection', { configurable: true, value: connection });
    Object.defineProperty(connection, 'saveData', { configurable: true, get: () => true });
    try {
      await expectPosterWithoutVideo();
    } finally {
      Reflect.deleteProperty(connection, 'saveData');
      if (own) Reflect.deleteProperty(navigator, 'connection');
    }
  });

  it('falls back to the initial when the poster URL is broken, and drops a broken video', async () => {
    const { el, settled } = mount({ token: 'sh_FakeToken12345678', 'api-base': fakeApi('broken-media') });
    await settled;
    await until(() => part(el, 'poster')?.tagName === 'DIV', 'the fallback poster');
    await until(
      () => part(el, 'video') === null && el.shadowRoot!.querySelector('video') === null,
      'the broken video to go',
    );
    expect(el.state).to.equal('ready');
    expect(el.error).to.equal(null);
  });

  it('lets the page style parts and custom properties, never the watermark', async () => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(`
      share-link-embed { --share-link-embed-aspect-ratio: 1 / 1; width: 300px; }
      share-link-embed::part(start-button) { background: rgb(1, 2, 3); }
      share-link-embed::part(watermark) { display: none; }
      share-link-embed [data-watermark] { display: none; }`);
    document.adoptedStyleSheets = [sheet];
    try {
      const { el, settled } = mount({ token: PLAYER, 'api-base': apiBase });
      await settled;
      await el.updateComplete;
      expect(getComputedStyle(part(el, 'start-button')!).backgroundColor).to.equal('rgb(1, 2, 3)');
      const box = part(el, 'player')!.getBoundingClientRect();
      expect(box.height).to.be.closeTo(box.width, 1);
      const watermark = el.shadowRoot!.querySelector('[data-watermark]')!;
      expect(getComputedStyle(watermark).display).to.not.equal('none');
    } finally {
      document.adoptedStyleSheets = [];
    }
  });

  it('uses no inline style attributes anywhere', async () => {
    const { el, settled } = mount({ token: PLAYER, 'api-base': apiBase });
    await settled;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelectorAll('[style]').length).to.equal(0);
    expect(el.hasAttribute('style')).to.equal(false);
  });

  it('follows the dark colour scheme', async () => {
    if (!(await can('media emulation')) && !(await can('a frame that prefers dark'))) {
      // WebKit: neither its driver nor a frame sets the preference; what the browser would apply under it.
      const { el } = mount({ token: 'sh_FakeToken12345678', 'api-base': fakeApi('ok-slow') });
      await el.updateComplete;
      expect(getComputedStyle(part(el, 'player')!).backgroundColor).to.equal('rgb(238, 240, 246)');
      const dark = stylesUnder(el.shadowRoot!, 'prefers-color-scheme: dark', el);
      expect(dark.map((style) => style.getPropertyValue('--_bg').trim())).to.deep.equal([
        'var(--share-link-embed-background, #1d1e29)',
      ]);
      return;
    }
    if (!(await can('media emulation'))) {
      // Firefox's driver has no media emulation, but a frame whose element says `color-scheme:
      // dark` prefers dark (CSS Color Adjustment), and Firefox follows it.
      const frame = await darkFrame(
        `<script type="module" src="/src/index.ts"></script><share-link-embed token="sh_FakeToken12345678" api-base="${fakeApi('ok-slow')}"></share-link-embed>`,
      );
      const player = await until(
        () => frame.document.querySelector('share-link-embed')?.shadowRoot?.querySelector('[part~="player"]'),
        'the player in the frame',
      );
      expect(frame.getComputedStyle(player).backgroundColor).to.equal('rgb(29, 30, 41)');
      return;
    }
    await emulateMedia({ colorScheme: 'dark' });
    const { el } = mount({ token: 'sh_FakeToken12345678', 'api-base': fakeApi('ok-slow') });
    await el.updateComplete;
    expect(getComputedStyle(part(el, 'player')!).backgroundColor).to.equal('rgb(29, 30, 41)');
    await expect(el).to.be.accessible();
  });
});
