/**
 * Conversations the element runs, against the reference API and its scripted engine over a real
 * WebSocket, with Chromium's fake microphone (see web-test-runner.config.mjs).
 */
import { expect } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import type { ShareLinkEmbed } from '../../src/share-link-embed.ts';
import { can, fakeApi, newRun, serverCommand, stylesUnder } from '../support/browser.ts';
import { leftRunning, spyOnConversations, type Opened } from '../support/conversation-spy.ts';
import { mount, nextEvent, part, press, until } from '../support/embed.ts';

/** Time enough for a conversation's lines to be said aloud (see `startConversation`). */
const SPOKEN_LINES_MS = 30_000;

let apiBase: string;
let opened: Opened;
let restore: () => void;
before(async () => {
  apiBase = await serverCommand<string>('api-base');
  ({ opened, restore } = spyOnConversations());
});
after(() => restore());
afterEach(async () => {
  opened.refuseMicrophone = false;
  if (await can('media emulation')) await emulateMedia({ reducedMotion: 'no-preference' });
});

/** A ready player for a new link of Cara, whose engine is the scripted one. */
async function readyEmbed(attributes: Record<string, string> = {}) {
  const link = await serverCommand<{ token: string }>('api-create-link', {});
  const mounted = mount({ token: link.token, 'api-base': apiBase, ...attributes });
  expect((await mounted.settled).type).to.equal('share-link-ready');
  await mounted.el.updateComplete;
  return mounted;
}

const messagesOf = (el: Element) => {
  const messages: { role: string; text: string }[] = [];
  el.addEventListener('share-link-message', (event) => messages.push((event as CustomEvent).detail));
  return messages;
};
const status = (el: ShareLinkEmbed) =>
  (el.shadowRoot!.querySelector('.convo') as HTMLElement | null)?.dataset['status'];
const captions = (el: ShareLinkEmbed) => part(el, 'captions')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

/**
 * Presses start as a visitor does (see `press`) and waits for the greeting. WebKitGTK says each
 * line aloud in real time (the greeting takes about 8 s), where Chromium and Firefox here have no
 * voice and report a line spoken at once: a conversation takes as long as its lines take to say.
 */
async function startConversation(el: ShareLinkEmbed) {
  await press(part(el, 'start-button')!);
  // The greeting first: the player shows listening as soon as the engine's socket opens, before the
  // engine's first frame, and a slow machine can see that moment.
  await until(() => /scripted demo persona/.test(captions(el)), 'the greeting in the captions', SPOKEN_LINES_MS);
  await until(() => status(el) === 'listening', 'the engine listening after its greeting', SPOKEN_LINES_MS);
}

function type(el: ShareLinkEmbed, text: string) {
  const input = el.shadowRoot!.querySelector('.compose input') as HTMLInputElement;
  input.value = text;
  (input.form as HTMLFormElement).requestSubmit();
}

async function expectNothingRunning() {
  await until(() => leftRunning(opened).length === 0, `nothing left running (${leftRunning(opened).join(', ')})`);
  for (let tries = 0; (await serverCommand<number>('engine-connections')) !== 0; tries++) {
    if (tries > 50) throw new Error('a socket is left open on the engine');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a page that takes over', () => {
  // First in this file, so no test before it has loaded the conversation chunk.
  it('calls preventDefault() on share-link-start: no conversation code, no microphone, no socket', async () => {
    const { el } = await readyEmbed();
    el.addEventListener('share-link-start', (event) => event.preventDefault());
    const ended = nextEvent(el, 'share-link-end');
    await el.start();
    await el.updateComplete;
    expect(el.state).to.equal('live');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const loaded = performance.getEntriesByType('resource').map((entry) => entry.name);
    expect(loaded.filter((name) => /\/conversation\/(controller|adapters\/)/.test(name))).to.deep.equal([]);
    expect(opened.microphoneRequests).to.equal(0);
    expect(opened.sockets).to.have.length(0);
    expect(part(el, 'captions')).to.equal(null);
    part(el, 'end-button')!.click();
    expect((await ended).detail.reason).to.equal('visitor');
    expect(el.state).to.equal('ready');
  });
});

describe('a scripted conversation in the player', function () {
  this.timeout(2 * SPOKEN_LINES_MS);
  it('greets, takes a typed turn, mutes, ends, and leaves nothing running', async () => {
    const { el, warnings } = await readyEmbed();
    const messages = messagesOf(el);
    const started = nextEvent(el, 'share-link-start');
    await startConversation(el);
    expect((await started).defaultPrevented).to.equal(false);
    expect(el.state).to.equal('live');
    expect(messages[0]?.role).to.equal('persona');
    expect(messages[0]?.text).to.match(/^Hello! I'm a scripted demo persona/);
    expect(part(el, 'captions')!.getAttribute('aria-live')).to.equal('polite');
    expect(opened.microphoneRequests).to.equal(1);
    await expect(el).to.be.accessible();

    // The fake microphone beeps, so voice turns may come between these; the typed turn is found by its text.
    type(el, 'Hello Cara');
    await until(() => captions(el).includes('You: Hello Cara'), 'the typed message in the captions');
    await until(
      () => messages.some((message) => message.role === 'persona' && /Hello Cara/.test(message.text)),
      'the reply to the typed message',
      SPOKEN_LINES_MS,
    );
    const typed = messages.findIndex((message) => message.role === 'visitor');
    expect(messages[typed]).to.deep.equal({ role: 'visitor', text: 'Hello Cara' });
    expect(messages.findIndex((message) => /You wrote: "Hello Cara"/.test(message.text))).to.be.above(typed);

    const mute = part(el, 'mute-button')!;
    expect(mute.getAttribute('aria-pressed')).to.equal('false');
    mute.click();
    await el.updateComplete;
    expect(mute.getAttribute('aria-pressed')).to.equal('true');
    const microphone = opened.streams.at(-1)!.getAudioTracks()[0]!;
    expect(microphone.enabled).to.equal(false);
    await expect(el).to.be.accessible();
    mute.click();
    await el.updateComplete;
    expect(microphone.enabled).to.equal(true);

    const ended = nextEvent(el, 'share-link-end');
    part(el, 'end-button')!.click();
    const end = await ended;
    expect(end.detail.reason).to.equal('visitor');
    expect(end.detail.sessionToken).to.match(/^st_/);
    await el.updateComplete;
    expect(el.state).to.equal('ready');
    expect(part(el, 'captions')).to.equal(null);
    expect(part(el, 'start-button')).to.exist;
    await expectNothingRunning();
    expect(warnings).to.deep.equal([]);
  });

  it('takes a voice turn: the fake microphone speaks, muting ends the turn, the engine answers', async () => {
    const { el } = await readyEmbed();
    const messages = messagesOf(el);
    const sentBefore = opened.sent.length;
    await startConversation(el);
    await until(
      () =>
        opened.sent.slice(sentBefore).some((frame) => JSON.stringify(frame) === '{"type":"activity","speaking":true}'),
      () =>
        `voice activity reported (audio contexts ${opened.contexts.map((context) => context.state)}; sent ${JSON.stringify(opened.sent.slice(sentBefore))}; ${status(el)})`,
    );
    part(el, 'mute-button')!.click();
    await until(
      () => messages.some((message) => message.role === 'persona' && /I heard you speak/.test(message.text)),
      'the answer to the voice turn',
      SPOKEN_LINES_MS,
    );
    el.end();
    await nextEvent(el, 'share-link-end');
    await expectNothingRunning();
  });

  it('ends when the engine ends it (the persona says goodbye)', async () => {
    const { el } = await readyEmbed();
    await startConversation(el);
    const ended = nextEvent(el, 'share-link-end');
    type(el, 'bye');
    expect((await ended).detail.reason).to.equal('engine');
    await el.updateComplete;
    expect(el.state).to.equal('ready');
    await expectNothingRunning();
  });

  it('releases everything when the element is removed mid-conversation', async () => {
    const { el } = await readyEmbed();
    await startConversation(el);
    const ended = nextEvent(el, 'share-link-end');
    el.remove();
    expect((await ended).detail.reason).to.equal('removed');
    await expectNothingRunning();
  });

  it('releases everything when ended while it is still connecting', async () => {
    const { el } = await readyEmbed();
    const ended = nextEvent(el, 'share-link-end');
    const started = nextEvent(el, 'share-link-start');
    part(el, 'start-button')!.click();
    await started;
    el.end();
    expect((await ended).detail.reason).to.equal('visitor');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await expectNothingRunning();
    expect(el.state).to.equal('ready');
  });

  it('is accessible while the browser asks for the microphone', async () => {
    let answer!: () => void;
    opened.microphonePrompt = new Promise((resolve) => (answer = resolve));
    try {
      const { el } = await readyEmbed();
      part(el, 'start-button')!.click();
      await until(() => status(el) === 'microphone', 'waiting for the microphone');
      expect(el.shadowRoot!.querySelector('.status')!.textContent!.trim()).to.equal('Allow the microphone…');
      expect((el.shadowRoot!.querySelector('.compose input') as HTMLInputElement).disabled).to.equal(true);
      await expect(el).to.be.accessible();
      answer();
      await until(() => status(el) === 'listening', 'listening once granted', SPOKEN_LINES_MS);
      el.end();
      await nextEvent(el, 'share-link-end');
    } finally {
      opened.microphonePrompt = null;
      answer();
    }
  });

  it("speaks the visitor's language in its controls", async () => {
    const { el } = await readyEmbed({ lang: 'de' });
    await startConversation(el);
    // The fake microphone keeps taking turns: wait for a listening moment.
    await until(
      () => el.shadowRoot!.querySelector('.status')!.textContent!.trim() === 'Hört zu',
      '"Hört zu"',
      SPOKEN_LINES_MS,
    );
    expect(part(el, 'mute-button')!.getAttribute('aria-label')).to.equal('Mikrofon stummschalten');
    expect(part(el, 'end-button')!.getAttribute('aria-label')).to.equal('Gespräch beenden');
    el.end();
    await nextEvent(el, 'share-link-end');
  });

  it('reports each line spoken when the browser has no voice and never says whether it spoke', async () => {
    // As Firefox without a voice does after its first line: the utterance is dropped without an event.
    const synth = window.speechSynthesis;
    Object.assign(synth, { speak: () => undefined, getVoices: () => [] });
    try {
      const { el } = await readyEmbed();
      const sentBefore = opened.sent.length;
      await press(part(el, 'start-button')!);
      await until(() => /scripted demo persona/.test(captions(el)), 'the greeting in the captions');
      await until(
        () => opened.sent.slice(sentBefore).some((frame) => JSON.stringify(frame) === '{"type":"spoken"}'),
        'the greeting reported spoken',
      );
      el.end();
      await nextEvent(el, 'share-link-end');
    } finally {
      Reflect.deleteProperty(synth, 'speak');
      Reflect.deleteProperty(synth, 'getVoices');
    }
  });

  it('animates listening only without prefers-reduced-motion', async () => {
    const { el } = await readyEmbed();
    await startConversation(el);
    const dot = el.shadowRoot!.querySelector('.status i')!;
    expect(getComputedStyle(dot).animationName).to.equal('pulse');
    if (await can('media emulation')) {
      await emulateMedia({ reducedMotion: 'reduce' });
      expect(getComputedStyle(dot).animationName).to.equal('none');
    } else {
      // Firefox's and WebKit's drivers cannot set the preference: what the browser would apply under it.
      const reduced = stylesUnder(el.shadowRoot!, 'prefers-reduced-motion: reduce', dot);
      expect(reduced.map((style) => [style.animationName, style.getPropertyPriority('animation-name')])).to.deep.equal([
        ['none', 'important'],
      ]);
    }
    el.end();
    await nextEvent(el, 'share-link-end');
  });
});

describe('conversations that cannot run', function () {
  this.timeout(2 * SPOKEN_LINES_MS);
  it('a refused microphone is microphone-denied: translated, one warning, retry, nothing running', async () => {
    opened.refuseMicrophone = true;
    const { el, warnings } = await readyEmbed({ lang: 'de' });
    const ended = nextEvent(el, 'share-link-end');
    const failed = nextEvent(el, 'share-link-error');
    part(el, 'start-button')!.click();
    expect((await ended).detail.reason).to.equal('error');
    expect((await failed).detail.reason).to.equal('microphone-denied');
    await el.updateComplete;
    expect(el.state).to.equal('error');
    expect(el.error?.reason).to.equal('microphone-denied');
    expect(part(el, 'message')!.textContent).to.equal(
      'Das Mikrofon ist blockiert. Erlauben Sie es und versuchen Sie es erneut.',
    );
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/microphone was refused.*NotAllowedError/);
    await expect(el).to.be.accessible();
    await expectNothingRunning();

    // Once the visitor allows it, "Try again" leads back to a conversation.
    opened.refuseMicrophone = false;
    (el.shadowRoot!.querySelector('.message .button') as HTMLButtonElement).click();
    await until(() => el.state === 'ready', 'ready again');
    await el.updateComplete;
    await startConversation(el);
    el.end();
    await nextEvent(el, 'share-link-end');
  });

  // A session answer whose engine is not one the contract names fails validation like any bad body:
  // bad-response, before any engine code loads (src/schema.ts parseSessionResponse).
  const malformed: [string, RegExp][] = [
    ['engine-unknown', /engine\.kind: must be anam, elevenlabs or scripted/],
    ['engine-javascript-url', /engine\.url: must be a ws:, wss:, http: or https: URL/],
  ];
  for (const [scenario, cause] of malformed) {
    it(`${scenario}: bad-response, with the cause in one warning, nothing run`, async () => {
      const { el, warnings, settled } = mount({
        token: 'sh_FakeToken12345678',
        'api-base': fakeApi(scenario, newRun()),
      });
      await settled;
      const failed = nextEvent(el, 'share-link-error');
      await el.start();
      expect((await failed).detail.reason).to.equal('bad-response');
      await el.updateComplete;
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.match(cause);
      expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
      await expectNothingRunning();
    });
  }

  it('engine-unreachable: conversation-failed, with the cause in one warning', async () => {
    const { el, warnings, settled } = mount({
      token: 'sh_FakeToken12345678',
      'api-base': fakeApi('engine-unreachable', newRun()),
    });
    await settled;
    const failed = nextEvent(el, 'share-link-error');
    await el.start();
    expect((await failed).detail.reason).to.equal('conversation-failed');
    await el.updateComplete;
    expect(part(el, 'message')!.textContent).to.equal('The conversation stopped. Try again.');
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(
      /could not connect to the scripted engine: the scripted engine refused the connection \(ws:\/\/127\.0\.0\.1:9\/v1\/engines\/scripted\)/,
    );
    await expectNothingRunning();
  });
});
