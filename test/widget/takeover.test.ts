/**
 * The conversation channel and a person's takeover in the element (docs/conversations.md), against
 * the reference API over real WebSockets: the scripted engine on the demo data, and Anam and
 * ElevenLabs (their SDKs stood in, their clouds faked on loopback) on the engines' data. The
 * person's side is driven through the API's own conversation service (server commands).
 */
import { expect } from '@open-wc/testing';
import { startSession } from '../../src/api.ts';
import { ConversationChannel, channelUrl } from '../../src/conversation/channel.ts';
import type { ShareLinkEmbed } from '../../src/share-link-embed.ts';
import { standIn as anamStandIn } from '../support/stand-ins/anam-js-sdk.ts';
import { standIn as elevenLabsStandIn } from '../support/stand-ins/elevenlabs-client.ts';
import { serverCommand } from '../support/browser.ts';
import { leftRunning, spyOnConversations, type Opened } from '../support/conversation-spy.ts';
import { mount, nextEvent, part, press, until } from '../support/embed.ts';

/** WebKitGTK says each persona line aloud in real time (see conversation.test.ts): a conversation takes that long. */
const SPOKEN_LINES_MS = 30_000;

let opened: Opened;
let restore: () => void;
before(() => ({ opened, restore } = spyOnConversations()));
after(() => restore());

interface Person {
  capability: string;
  page: string;
  vendors: boolean;
}

const status = (el: ShareLinkEmbed) =>
  (el.shadowRoot!.querySelector('.convo') as HTMLElement | null)?.dataset['status'];
const statusText = (el: ShareLinkEmbed) => el.shadowRoot!.querySelector('.convo .status')?.textContent?.trim();
const captions = (el: ShareLinkEmbed) => part(el, 'captions')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const channelFrames = () =>
  opened.sent.filter((frame) => {
    const type = (frame as { type?: string }).type;
    return type === 'turn' || type === 'end';
  }) as { type: string; role?: string; text?: string; reason?: string }[];
function type(el: ShareLinkEmbed, text: string) {
  const input = el.shadowRoot!.querySelector('.compose input') as HTMLInputElement;
  input.value = text;
  (input.form as HTMLFormElement).requestSubmit();
}
/** Polls an asynchronous check (a server command) until it holds. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const conversationIdOf = (sessionToken: string) =>
  JSON.parse(atob(sessionToken.slice(3).split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))).jti as string;

/** A player of `token` on `apiBase`, started; resolves once the engine listens, with its conversation's id. */
async function talking(token: string, apiBase: string, attributes: Record<string, string> = {}) {
  const mounted = mount({ token, 'api-base': apiBase, ...attributes });
  expect((await mounted.settled).type).to.equal('share-link-ready');
  const messages: { role: string; text: string }[] = [];
  mounted.el.addEventListener('share-link-message', (event) => messages.push((event as CustomEvent).detail));
  const started = nextEvent(mounted.el, 'share-link-start');
  await press(part(mounted.el, 'start-button')!);
  const id = conversationIdOf((await started).detail.sessionToken);
  await until(() => status(mounted.el) === 'listening', 'the engine listening', SPOKEN_LINES_MS);
  return { ...mounted, id, messages };
}

async function person(id: string, mode = 'takeover', vendors = false): Promise<Person> {
  const { capability } = await serverCommand<{ capability: string }>('conversation-share', { id, mode, vendors });
  return { capability, page: crypto.randomUUID(), vendors };
}
const takeOver = (p: Person) => serverCommand<string>('conversation-takeover', p);
const say = (p: Person, text: string) => serverCommand<string>('conversation-say', { ...p, text });
const handBack = (p: Person) => serverCommand<string>('conversation-handback', p);
const recordOf = (id: string, vendors = false) =>
  serverCommand<{ turns: number; endReason: string | null; transcript: { role: string; text: string }[] }>(
    'conversation-record',
    { id, vendors },
  );

describe('a person takes over a scripted conversation', function () {
  this.timeout(3 * SPOKEN_LINES_MS);
  let apiBase: string;
  before(async () => (apiBase = await serverCommand<string>('api-base')));

  it('the visitor is told, writes to the person, reads them as captions, and has the persona back after', async () => {
    const link = await serverCommand<{ token: string }>('api-create-link', { recordTranscripts: true });
    const { el, id, messages, warnings } = await talking(link.token, apiBase);
    await until(() => /scripted demo persona/.test(captions(el)), 'the greeting', SPOKEN_LINES_MS);
    const channel = opened.sockets.find((socket) => new URL(socket.url).pathname === '/v1/channel');
    expect(channel?.readyState).to.equal(WebSocket.OPEN);

    const sam = await person(id);
    expect(await takeOver(sam)).to.equal('ok');
    await until(() => status(el) === 'person', 'the person holding it');
    expect(statusText(el)).to.equal('With a person');
    expect(captions(el)).to.contain('A person from the team joined the conversation.');
    // Told in the captions' live region, which screen readers read.
    const log = part(el, 'captions')!;
    expect(log.getAttribute('role')).to.equal('log');
    expect(log.getAttribute('aria-live')).to.equal('polite');
    expect(log.querySelector('.note')?.textContent).to.equal('A person from the team joined the conversation.');
    await expect(el).to.be.accessible();

    expect(await say(sam, 'Hi, I am Sam from the team.')).to.equal('ok');
    await until(() => /Team: Hi, I am Sam from the team\./.test(captions(el)), 'the person’s message');
    expect(messages.at(-1)).to.deep.equal({ role: 'operator', text: 'Hi, I am Sam from the team.' });

    type(el, 'Hello Sam');
    await until(() => /You: Hello Sam/.test(captions(el)), 'the visitor’s own line');
    expect(channelFrames().at(-1)).to.deep.equal({ type: 'turn', role: 'visitor', text: 'Hello Sam' });
    expect(
      opened.sent.some(
        (frame) => (frame as { text?: string }).text === 'Hello Sam' && (frame as { type: string }).type === 'message',
      ),
    ).to.equal(false, 'not sent to the engine');
    await eventually(async () => (await recordOf(id)).transcript.some((turn) => turn.text === 'Hello Sam'), 'recorded');

    expect(await handBack(sam)).to.equal('ok');
    await until(() => /The person left the conversation\./.test(captions(el)), 'the person leaving');
    await until(() => /I'm back/.test(captions(el)), 'the persona back', SPOKEN_LINES_MS);
    await until(() => status(el) === 'listening', 'listening again', SPOKEN_LINES_MS);
    type(el, 'And now?');
    await until(() => /Good question!/.test(captions(el)), 'the persona answering again', SPOKEN_LINES_MS);
    el.end();
    await nextEvent(el, 'share-link-end');
    await eventually(async () => (await recordOf(id)).endReason === 'visitor', 'the end recorded');
    expect(warnings).to.deep.equal([]);
    await until(() => leftRunning(opened).length === 0, `nothing running: ${leftRunning(opened).join(', ')}`);
  });

  it('in the visitor’s language', async () => {
    const link = await serverCommand<{ token: string }>('api-create-link', {});
    const { el, id } = await talking(link.token, apiBase, { lang: 'de' });
    const sam = await person(id);
    await takeOver(sam);
    await until(
      () => captions(el).includes('Eine Person aus dem Team ist dem Gespräch beigetreten.'),
      'the German note',
    );
    expect(statusText(el)).to.equal('Mit einer Person');
    await say(sam, 'Hallo');
    await until(() => /Team: Hallo/.test(captions(el)), 'the message');
    await handBack(sam);
    await until(() => captions(el).includes('Die Person hat das Gespräch verlassen.'), 'the German note');
    el.end();
    await nextEvent(el, 'share-link-end');
  });

  it('the person’s takeover URL expires while they hold it: the visitor is told they left, and it ends', async () => {
    const link = await serverCommand<{ token: string }>('api-create-link', {});
    const { el, id, warnings } = await talking(link.token, apiBase);
    const sam = await person(id, 'takeover');
    await takeOver(sam);
    await until(() => status(el) === 'person', 'held');
    const ended = nextEvent(el, 'share-link-end');
    await serverCommand('api-clock-offset', { offsetMs: 3_600_000 });
    try {
      await serverCommand('conversation-tick');
      expect((await ended).detail.reason).to.equal('engine');
    } finally {
      await serverCommand('api-clock-offset', { offsetMs: 0 });
    }
    expect(el.state).to.equal('ready');
    expect((await recordOf(id)).endReason).to.equal('operator');
    expect(warnings).to.deep.equal([]);
    await until(() => leftRunning(opened).length === 0, `nothing running: ${leftRunning(opened).join(', ')}`);
  });
});

describe('a person takes over a vendor’s conversation', function () {
  this.timeout(2 * SPOKEN_LINES_MS);
  let apiBase: string;
  before(async () => {
    apiBase = await serverCommand<string>('vendors-api-base');
    // The engines' links record transcripts for these tests.
    for (const id of ['00000000-0000-4000-8000-000000000101', '00000000-0000-4000-8000-000000000102'])
      await serverCommand('vendors-api-update-link', { id, changes: { recordTranscripts: true } });
  });

  it('Anam: the captions it shows are recorded; held, the persona is cut and silent and hears nothing', async () => {
    const { el, id } = await talking('sh_AnamEngine0000001', apiBase);
    const client = anamStandIn.clients.at(-1)!;
    client.emit('MESSAGE_STREAM_EVENT_RECEIVED', {
      id: 'p1',
      role: 'persona',
      content: 'Welcome to the shop.',
      endOfSpeech: true,
    });
    client.emit('MESSAGE_STREAM_EVENT_RECEIVED', { id: 'u1', role: 'user', content: 'I need help', endOfSpeech: true });
    await eventually(async () => (await recordOf(id, true)).turns === 2, 'the captions recorded', 5000);
    expect((await recordOf(id, true)).transcript.map((turn) => [turn.role, turn.text])).to.deep.equal([
      ['persona', 'Welcome to the shop.'],
      ['visitor', 'I need help'],
    ]);

    const sam = await person(id, 'takeover', true);
    await takeOver(sam);
    await until(() => status(el) === 'person', 'held');
    expect(client.calls.map(([name]) => name)).to.include.members(['interruptPersona', 'muteInputAudio']);
    expect(client.voice.every((track) => !track.enabled)).to.equal(true, 'the persona is silent');
    // What the persona's SDK still says while held is not shown.
    client.emit('MESSAGE_STREAM_EVENT_RECEIVED', {
      id: 'p2',
      role: 'persona',
      content: 'Ignore me',
      endOfSpeech: true,
    });
    type(el, 'Is anyone there?');
    await until(() => /You: Is anyone there\?/.test(captions(el)), 'the line');
    expect(client.calls.some(([name, text]) => name === 'sendUserMessage' && text === 'Is anyone there?')).to.equal(
      false,
    );
    expect(captions(el)).not.to.contain('Ignore me');

    await handBack(sam);
    await until(() => status(el) !== 'person', 'handed back');
    expect(client.voice.every((track) => track.enabled)).to.equal(true, 'the persona is heard again');
    expect(client.calls.at(-1)?.[0]).to.equal('unmuteInputAudio');
    el.end();
    await nextEvent(el, 'share-link-end');
    await until(() => leftRunning(opened).length === 0, `nothing running: ${leftRunning(opened).join(', ')}`);
  });

  it('a caption shown before the channel has connected is kept with its text, once the API says it records', async () => {
    const { sessionToken } = await startSession('sh_AnamEngine0000001', { apiBase });
    const id = conversationIdOf(sessionToken);
    const told: boolean[] = [];
    const channel = new ConversationChannel(channelUrl(apiBase, sessionToken), {
      state: (recording) => told.push(recording),
      message: () => undefined,
      ended: () => undefined,
    });
    // Before the socket has even opened: the API has not yet said whether it records this link.
    channel.turn('persona', 'Welcome, before the channel connected.');
    await eventually(async () => (await recordOf(id, true)).turns === 1, 'the turn counted');
    expect(told).to.deep.equal([true]);
    expect((await recordOf(id, true)).transcript.map((turn) => turn.text)).to.deep.equal([
      'Welcome, before the channel connected.',
    ]);
    expect(channel.end('visitor')).to.equal(null);
  });

  it('a caption shown before the channel has connected never goes up with its text where the API keeps none', async () => {
    const reference = await serverCommand<string>('api-base');
    const link = await serverCommand<{ token: string }>('api-create-link', {});
    const { sessionToken } = await startSession(link.token, { apiBase: reference });
    const id = conversationIdOf(sessionToken);
    const sent = opened.sent.length;
    const channel = new ConversationChannel(channelUrl(reference, sessionToken), {
      state: () => undefined,
      message: () => undefined,
      ended: () => undefined,
    });
    channel.turn('visitor', 'Something private, said before the channel connected.');
    await eventually(async () => (await recordOf(id)).turns === 1, 'the turn counted');
    expect(opened.sent.slice(sent)).to.deep.equal([{ type: 'turn', role: 'visitor' }]);
    expect((await recordOf(id)).transcript).to.deep.equal([]);
    channel.end('visitor');
  });

  it('ElevenLabs: held, the agent is not heard and hears nothing; handed back, both again', async () => {
    const { el, id } = await talking('sh_ElevenEngine000001', apiBase);
    const conversation = elevenLabsStandIn.conversations.at(-1)!;
    const sam = await person(id, 'auto', true);
    await takeOver(sam);
    await until(() => status(el) === 'person', 'held');
    expect(conversation.calls).to.deep.include.members([
      ['setVolume', 0],
      ['setMicMuted', true],
    ]);
    await handBack(sam);
    await until(() => status(el) !== 'person', 'handed back');
    expect(conversation.calls.slice(-2)).to.deep.equal([
      ['setVolume', 1],
      ['setMicMuted', false],
    ]);
    el.end();
    await nextEvent(el, 'share-link-end');
  });
});
