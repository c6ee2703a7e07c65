/** The templates are functions of plain state: drawn here with no element and no network. */
import { expect } from '@open-wc/testing';
import { html, nothing, render } from 'lit';
import { MESSAGES } from '../../src/i18n/messages.ts';
import { renderOrb } from '../../src/render/orb.ts';
import { initialOf, renderFramed, renderMessage, renderPlayer } from '../../src/render/player.ts';
import type { OrbActions, Presentation, ShownView } from '../../src/render/view.ts';
import { validEmbedBody } from '../support/fake-api.ts';

const body = validEmbedBody('sh_RenderToken1234', {
  avatar: { imageUrl: 'https://cdn.example/a.png', videoUrl: 'https://cdn.example/a.webm' },
});
const ready = { state: 'ready', shareLink: body.shareLink, persona: body.persona, error: null } as unknown as ShownView;
const presentation: Presentation = {
  messages: MESSAGES.en,
  playIdleVideo: false,
  posterFailed: false,
  videoFailed: false,
  stream: null,
  pagePoster: false,
};
const calls: string[] = [];
const actions: OrbActions = {
  start: () => calls.push('start'),
  intent: () => calls.push('intent'),
  end: () => calls.push('end'),
  retry: () => calls.push('retry'),
  posterFailed: () => calls.push('posterFailed'),
  videoFailed: () => calls.push('videoFailed'),
  toggle: () => calls.push('toggle'),
  close: () => calls.push('close'),
};

function draw(template: unknown): HTMLElement {
  const container = document.createElement('div');
  render(template, container);
  return container;
}

describe('renderers', () => {
  beforeEach(() => (calls.length = 0));

  it('draws each player state', () => {
    const states = {
      ready: draw(renderPlayer(ready, presentation, actions)),
      starting: draw(renderPlayer({ ...ready, state: 'starting' }, presentation, actions)),
      live: draw(renderPlayer({ ...ready, state: 'live', sessionToken: 'st_RenderSession' }, presentation, actions)),
    };
    expect(states.ready.querySelector('[part="start-button"]')!.textContent!.trim()).to.equal('Start conversation');
    expect(states.starting.querySelector('[part="start-button"]')!.getAttribute('aria-disabled')).to.equal('true');
    expect(states.live.querySelector('[part="end-button"]')).to.exist;
    expect(states.live.querySelector('.live')!.textContent).to.equal('Live');
    (states.ready.querySelector('[part="start-button"]') as HTMLElement).click();
    (states.live.querySelector('[part="end-button"]') as HTMLElement).click();
    expect(calls).to.deep.equal(['start', 'end']);
  });

  it('draws the idle video only when allowed, and a live stream over it', () => {
    expect(draw(renderPlayer(ready, presentation, actions)).querySelector('video')).to.equal(null);
    const idle = draw(renderPlayer(ready, { ...presentation, playIdleVideo: true }, actions)).querySelector('video')!;
    expect(idle.getAttribute('src')).to.equal('https://cdn.example/a.webm');
    expect(
      draw(renderPlayer(ready, { ...presentation, playIdleVideo: true, videoFailed: true }, actions)).querySelector(
        'video',
      ),
    ).to.equal(null);
    const stream = new MediaStream();
    const live = draw(
      renderPlayer({ ...ready, state: 'live', sessionToken: 'st_RenderSession' }, { ...presentation, stream }, actions),
    ).querySelector('video')!;
    expect(live.srcObject).to.equal(stream);
    expect(live.hasAttribute('src')).to.equal(false);
  });

  it('draws loading as one box with no text to lay out, named for assistive technology', () => {
    const loading = draw(
      renderMessage({ state: 'loading', shareLink: null, persona: null, error: null }, MESSAGES.de, actions),
    );
    const box = loading.querySelector('[part~="player"]')!;
    expect(box.getAttribute('aria-busy')).to.equal('true');
    expect(box.getAttribute('role')).to.equal('progressbar');
    expect(box.getAttribute('aria-label')).to.equal(MESSAGES.de.loading);
    expect(box.childElementCount).to.equal(0);
    expect(loading.textContent!.trim()).to.equal('');
  });

  it("draws the page's own poster in a slot while loading and as the player's, never in an error", () => {
    const loadingView = { state: 'loading', shareLink: null, persona: null, error: null } as const;
    const slotIn = (root: HTMLElement) => root.querySelector('slot[name="poster"]');
    expect(slotIn(draw(renderMessage(loadingView, MESSAGES.en, actions)))).to.equal(null);
    expect(slotIn(draw(renderMessage(loadingView, MESSAGES.en, actions, true)))).to.exist;
    const player = draw(renderPlayer(ready, { ...presentation, pagePoster: true }, actions));
    expect(slotIn(player)).to.exist;
    expect(player.querySelector('img[part~="poster"]'), 'no poster of its own').to.equal(null);
    const error = { reason: 'disabled', message: '' } as const;
    const refused = renderPlayer(
      { ...ready, state: 'error', error } as never,
      { ...presentation, pagePoster: true },
      actions,
    );
    expect(slotIn(draw(refused))).to.equal(null);
  });

  it('draws the error box, and a retry only where it helps', () => {
    const network = draw(
      renderMessage(
        { state: 'error', shareLink: null, persona: null, error: { reason: 'network', message: '' } },
        MESSAGES.fr,
        actions,
      ),
    );
    expect(network.querySelector('[part="message"]')!.textContent).to.equal(MESSAGES.fr.errors.network);
    (network.querySelector('button') as HTMLElement).click();
    expect(calls).to.deep.equal(['retry']);
    const expired = draw(
      renderMessage(
        { state: 'error', shareLink: null, persona: null, error: { reason: 'expired', message: '' } },
        MESSAGES.en,
        actions,
      ),
    );
    expect(expired.querySelector('button')).to.equal(null);
  });

  it('leaves the watermark to its controller: no template draws it inside a part', () => {
    // It goes into the frame beside the player (see watermark.ts and test/widget/watermark.test.ts).
    expect(draw(renderPlayer(ready, presentation, actions)).querySelector('[data-watermark]')).to.equal(null);
    expect(
      draw(
        renderMessage({ ...ready, state: 'error', error: { reason: 'expired', message: '' } }, MESSAGES.en, actions),
      ).querySelector('[data-watermark]'),
    ).to.equal(null);
    const framed = draw(renderFramed(renderPlayer(ready, presentation, actions)));
    expect(framed.querySelector('[data-watermark-frame]')!.hasAttribute('part')).to.equal(false);
    const orb = draw(
      renderOrb(
        { html, nothing },
        ready,
        { ...presentation, open: true, everOpened: true },
        actions,
        renderPlayer(ready, presentation, actions),
      ),
    );
    expect(orb.querySelector('[data-watermark-frame] > [part="panel"]')).to.exist;
  });

  it('draws a closed orb with the initial and no media, and the panel once opened', () => {
    const closed = draw(
      renderOrb({ html, nothing }, ready, { ...presentation, open: false, everOpened: false }, actions, nothing),
    );
    expect(closed.querySelector('img, video, [part="panel"]')).to.equal(null);
    expect(closed.querySelector('[part="orb"]')!.textContent!.trim()).to.equal('F');
    expect(closed.querySelector('[part="orb"]')!.hasAttribute('aria-controls')).to.equal(false);
    const open = draw(
      renderOrb(
        { html, nothing },
        ready,
        { ...presentation, open: true, everOpened: true },
        actions,
        renderPlayer(ready, presentation, actions),
      ),
    );
    expect(open.querySelector('[part="panel"]')!.hasAttribute('hidden')).to.equal(false);
    expect(open.querySelector('[part="orb"]')!.getAttribute('aria-controls')).to.equal('panel');
    open.querySelector<HTMLElement>('[part="close-button"]')!.click();
    open.querySelector<HTMLElement>('[part="orb"]')!.click();
    expect(calls).to.deep.equal(['close', 'toggle']);
  });

  it('takes the initial from letters and digits only', () => {
    expect(initialOf('<b>mallory</b>')).to.equal('B');
    expect(initialOf('  éva')).to.equal('É');
    expect(initialOf('日本')).to.equal('日');
    expect(initialOf('')).to.equal('·');
  });
});
