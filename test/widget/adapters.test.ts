/**
 * The Anam and ElevenLabs adapters, run by the element, against stand-ins of their SDKs that
 * follow the published API (test/support/stand-ins/, typed against the real SDKs' definitions).
 * The API's answers come from the fake API's `engine-anam` and `engine-elevenlabs` scenarios.
 */
import { expect } from '@open-wc/testing';
import type { ShareLinkEmbed } from '../../src/share-link-embed.ts';
// The same modules the adapters get for the SDKs' specifiers (see sdkStandInsPlugin).
import { standIn as anamStandIn } from '../support/stand-ins/anam-js-sdk.ts';
import { standIn as elevenLabsStandIn } from '../support/stand-ins/elevenlabs-client.ts';
import { fakeApi, newRun } from '../support/browser.ts';
import { leftRunning, spyOnConversations, type Opened } from '../support/conversation-spy.ts';
import { mount, nextEvent, part, until } from '../support/embed.ts';

const anam = () => anamStandIn;
const elevenLabs = () => elevenLabsStandIn;

let opened: Opened;
let restore: () => void;
before(() => ({ opened, restore } = spyOnConversations()));
after(() => restore());

async function started(scenario: string, run = newRun()) {
  const mounted = mount({ token: 'sh_FakeToken12345678', 'api-base': fakeApi(scenario, run) });
  await mounted.settled;
  const messages: { role: string; text: string }[] = [];
  mounted.el.addEventListener('share-link-message', (event) => messages.push((event as CustomEvent).detail));
  part(mounted.el, 'start-button')!.click();
  return { ...mounted, messages };
}
const status = (el: ShareLinkEmbed) =>
  (el.shadowRoot!.querySelector('.convo') as HTMLElement | null)?.dataset['status'];
const captions = (el: ShareLinkEmbed) => part(el, 'captions')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
function type(el: ShareLinkEmbed, text: string) {
  const input = el.shadowRoot!.querySelector('.compose input') as HTMLInputElement;
  input.value = text;
  (input.form as HTMLFormElement).requestSubmit();
}

describe('the Anam adapter', () => {
  it("creates the client with the minted session token and streams into the player's video", async () => {
    const before = anam().clients.length;
    const { el } = await started('engine-anam');
    await until(() => status(el) === 'listening', 'connected');
    const client = anam().clients.at(-1)!;
    expect(anam().clients.length).to.equal(before + 1);
    expect(client.sessionToken).to.equal('anam-session-token-from-the-api');
    // Its input is the microphone the visitor granted, the one the element asked for.
    expect(client.inputStream).to.equal(opened.streams.at(-1));
    await el.updateComplete;
    const video = part(el, 'video') as HTMLVideoElement;
    const shown = video.srcObject as MediaStream;
    expect(shown.getVideoTracks()).to.have.length(1);
    expect(shown.getAudioTracks()).to.have.length(1);
    expect(video.muted).to.equal(false);
    await expect(el).to.be.accessible();
    el.end();
    await nextEvent(el, 'share-link-end');
  });

  it('turns streamed messages into captions, speaking/listening and share-link-message (axe while connecting and speaking)', async () => {
    let connect!: () => void;
    anam().connecting = new Promise((resolve) => (connect = resolve));
    const { el, messages } = await started('engine-anam');
    await until(() => status(el) === 'connecting', 'connecting');
    await expect(el).to.be.accessible();
    connect();
    anam().connecting = null;
    await until(() => status(el) === 'listening', 'connected');
    const client = anam().clients.at(-1)!;
    const say = (id: string, role: string, content: string, endOfSpeech: boolean) =>
      client.emit('MESSAGE_STREAM_EVENT_RECEIVED', { id, role, content, endOfSpeech, interrupted: false });
    say('m1', 'persona', 'Hello, ', false);
    await el.updateComplete;
    expect(status(el)).to.equal('speaking');
    expect(captions(el)).to.equal('Fake Persona: Hello,');
    await expect(el).to.be.accessible();
    say('m1', 'persona', 'I am Anam.', true);
    await el.updateComplete;
    expect(status(el)).to.equal('listening');
    expect(captions(el)).to.equal('Fake Persona: Hello, I am Anam.');
    say('m2', 'user', 'Hi there', true);
    await el.updateComplete;
    expect(messages).to.deep.equal([
      { role: 'persona', text: 'Hello, I am Anam.' },
      { role: 'visitor', text: 'Hi there' },
    ]);
    el.end();
    await nextEvent(el, 'share-link-end');
  });

  it('sends typed messages, mutes the input audio, and stops streaming at the end', async () => {
    const { el } = await started('engine-anam');
    await until(() => status(el) === 'listening', 'connected');
    const client = anam().clients.at(-1)!;
    type(el, 'What can you do?');
    part(el, 'mute-button')!.click();
    part(el, 'mute-button')!.click();
    const ended = nextEvent(el, 'share-link-end');
    part(el, 'end-button')!.click();
    expect((await ended).detail.reason).to.equal('visitor');
    expect(client.calls.map(([name]) => name).filter((name) => !/Listener/.test(name))).to.deep.equal([
      'stream',
      'sendUserMessage',
      'muteInputAudio',
      'unmuteInputAudio',
      'stopStreaming',
    ]);
    expect(client.calls.find(([name]) => name === 'sendUserMessage')).to.deep.equal([
      'sendUserMessage',
      'What can you do?',
    ]);
    await el.updateComplete;
    expect(part(el, 'video')).to.equal(null);
    await until(() => leftRunning(opened).length === 0, `nothing running: ${leftRunning(opened).join(', ')}`);
  });

  it('a connection Anam closes with an error is conversation-failed; a normal close ends it', async () => {
    const first = await started('engine-anam');
    await until(() => status(first.el) === 'listening', 'connected');
    const failed = nextEvent(first.el, 'share-link-error');
    anam().clients.at(-1)!.emit('CONNECTION_CLOSED', 'CONNECTION_CLOSED_CODE_WEBRTC_FAILURE', 'ICE failed');
    expect((await failed).detail.reason).to.equal('conversation-failed');
    expect(first.warnings[0]).to.match(
      /Anam closed the connection \(CONNECTION_CLOSED_CODE_WEBRTC_FAILURE: ICE failed\)/,
    );

    const second = await started('engine-anam');
    await until(() => status(second.el) === 'listening', 'connected');
    const ended = nextEvent(second.el, 'share-link-end');
    anam().clients.at(-1)!.emit('CONNECTION_CLOSED', 'CONNECTION_CLOSED_CODE_NORMAL');
    expect((await ended).detail.reason).to.equal('engine');
    // The fake API has no conversation channel: the one warning says what it could not record.
    expect(second.warnings).to.have.length(1);
    expect(second.warnings[0]).to.match(
      /conversation channel to ws:\/\/.*\/v1\/channel was lost: its end could not be recorded/,
    );
  });

  it('a stream that fails to start is conversation-failed, and the microphone is released', async () => {
    anam().failStream = 'Anam is at capacity';
    try {
      const { el, warnings } = await started('engine-anam');
      await nextEvent(el, 'share-link-error');
      expect(el.error?.reason).to.equal('conversation-failed');
      expect(warnings[0]).to.match(/could not connect to the anam engine: Anam is at capacity/);
      await until(() => leftRunning(opened).length === 0, `nothing running: ${leftRunning(opened).join(', ')}`);
    } finally {
      anam().failStream = '';
    }
  });
});

describe('the ElevenLabs adapter', () => {
  it('starts the session with the conversation token over WebRTC, on the granted microphone', async () => {
    const { el } = await started('engine-elevenlabs');
    await until(() => status(el) === 'listening', 'connected');
    const conversation = elevenLabs().conversations.at(-1)!;
    expect(conversation.options).to.include({
      conversationToken: 'elevenlabs-conversation-token',
      connectionType: 'webrtc',
    });
    const granted = opened.streams.at(-1)!.getAudioTracks()[0]!.getSettings().deviceId;
    expect((conversation.options as { inputDeviceId?: string }).inputDeviceId).to.equal(granted);
    await expect(el).to.be.accessible();
    el.end();
    await nextEvent(el, 'share-link-end');
  });

  it('maps messages, modes, mute, typed messages and the end', async () => {
    const { el, messages } = await started('engine-elevenlabs');
    await until(() => status(el) === 'listening', 'connected');
    const conversation = elevenLabs().conversations.at(-1)!;
    conversation.options.onModeChange?.({ mode: 'speaking' });
    conversation.options.onMessage?.({ message: 'Hi, how can I help?', role: 'agent', source: 'ai' });
    await el.updateComplete;
    expect(status(el)).to.equal('speaking');
    conversation.options.onMessage?.({ message: 'Tell me a joke', role: 'user', source: 'user' });
    expect(messages).to.deep.equal([
      { role: 'persona', text: 'Hi, how can I help?' },
      { role: 'visitor', text: 'Tell me a joke' },
    ]);
    conversation.options.onModeChange?.({ mode: 'listening' });
    await el.updateComplete;
    type(el, 'Typed question');
    part(el, 'mute-button')!.click();
    const ended = nextEvent(el, 'share-link-end');
    part(el, 'end-button')!.click();
    expect((await ended).detail.reason).to.equal('visitor');
    expect(conversation.calls).to.deep.equal([
      ['sendUserMessage', 'Typed question'],
      ['setMicMuted', true],
      ['endSession'],
    ]);
    await until(() => leftRunning(opened).length === 0, `nothing running: ${leftRunning(opened).join(', ')}`);
  });

  it('an agent that hangs up ends the conversation; a disconnection by error fails it', async () => {
    const first = await started('engine-elevenlabs');
    await until(() => status(first.el) === 'listening', 'connected');
    const ended = nextEvent(first.el, 'share-link-end');
    elevenLabs().conversations.at(-1)!.options.onDisconnect?.({ reason: 'agent' });
    expect((await ended).detail.reason).to.equal('engine');

    const second = await started('engine-elevenlabs');
    await until(() => status(second.el) === 'listening', 'connected');
    const failed = nextEvent(second.el, 'share-link-error');
    elevenLabs()
      .conversations.at(-1)!
      .options.onDisconnect?.({ reason: 'error', message: 'quota exceeded', context: { type: 'close' } });
    expect((await failed).detail.reason).to.equal('conversation-failed');
    expect(second.warnings[0]).to.match(/ElevenLabs disconnected: quota exceeded/);
  });
});

describe('the conversation channel, where its handshake is held unanswered', function () {
  this.timeout(20_000);
  it('gives the handshake up after 5 s and tries again later; the conversation goes on', async () => {
    const channels = () => opened.sockets.filter((socket) => socket.url.includes('/v1/channel'));
    const before = channels().length;
    const { el } = await started('engine-anam', `hold-upgrade-${newRun()}`);
    await until(() => status(el) === 'listening', 'connected');
    const held = await until(() => channels()[before], 'the channel opened');
    expect(held.readyState).to.equal(WebSocket.CONNECTING);
    // Given up within the handshake's time (and a margin), never left to block the host's other sockets.
    await until(() => held.readyState === WebSocket.CLOSED, 'the held handshake given up', 7000);
    expect(status(el)).to.equal('listening');
    el.end();
    await nextEvent(el, 'share-link-end');
    await until(() => channels().every((socket) => socket.readyState === WebSocket.CLOSED), 'every channel closed');
  });
});
