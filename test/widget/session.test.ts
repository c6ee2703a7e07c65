import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { fakeApi, newRun, serverCommand } from '../support/browser.ts';
import { mount, nextEvent, part } from '../support/embed.ts';

let apiBase: string;
before(async () => {
  apiBase = await serverCommand<string>('api-base');
});

type Link = { id: string; token: string; usageCount: number };
const createLink = (fields: Record<string, unknown> = {}) => serverCommand<Link>('api-create-link', fields);
const storedLink = (token: string) => serverCommand<Link>('api-link', { token });
const sessionRequests = async (since: number) =>
  (await serverCommand<{ requests: { method: string; path: string }[] }>('api-requests', { since })).requests.filter(
    (request) => request.method === 'POST',
  );
const requestTotal = async () => (await serverCommand<{ total: number }>('api-requests', { since: 0 })).total;

async function readyEmbed(fields: Record<string, unknown> = {}) {
  const link = await createLink(fields);
  const mounted = mount({ token: link.token, 'api-base': apiBase });
  expect((await mounted.settled).type).to.equal('share-link-ready');
  await mounted.el.updateComplete;
  return { ...mounted, link };
}

describe('starting a conversation', () => {
  it('asks the API for a session, goes starting → live, and fires share-link-start', async () => {
    const { el, link } = await readyEmbed({ usageLimit: 5 });
    const started = nextEvent(el, 'share-link-start');
    part(el, 'start-button')!.click();
    await el.updateComplete;
    expect(el.getAttribute('state')).to.equal('starting');
    expect(part(el, 'start-button')!.getAttribute('aria-disabled')).to.equal('true');
    expect(part(el, 'start-button')!.textContent!.trim()).to.equal('Connecting…');
    const event = await started;
    await el.updateComplete;
    expect(el.getAttribute('state')).to.equal('live');
    expect(event.detail.sessionToken).to.match(/^st_/);
    expect(Date.parse(event.detail.expiresAt)).to.be.above(Date.now());
    expect(event.detail.shareLink.token).to.equal(link.token);
    expect(event.detail.shareLink.usageCount).to.equal(1);
    expect(event.detail.persona.name).to.equal('Cara');
    expect((await storedLink(link.token)).usageCount).to.equal(1);
    // The element's own end button (text), or the running conversation's (an icon with a label).
    const end = part(el, 'end-button')!;
    expect(end.getAttribute('aria-label') ?? end.textContent!.trim()).to.equal('End conversation');
    await expect(el).to.be.accessible();
  });

  it('starts one session however often the button is pressed while starting', async () => {
    const { el, link } = await readyEmbed();
    const since = await requestTotal();
    const button = part(el, 'start-button')!;
    button.click();
    button.click();
    void el.start();
    await nextEvent(el, 'share-link-start');
    button.click();
    await el.start();
    expect(await sessionRequests(since)).to.have.length(1);
    expect((await storedLink(link.token)).usageCount).to.equal(1);
  });

  it('starts from the keyboard', async () => {
    const { el } = await readyEmbed();
    part(el, 'start-button')!.focus();
    const started = nextEvent(el, 'share-link-start');
    await sendKeys({ press: 'Enter' });
    await started;
    expect(el.state).to.equal('live');
  });

  it('turns a refusal by the API into its error state (the link ran out meanwhile)', async () => {
    const { el, link, warnings } = await readyEmbed({ usageLimit: 1 });
    await serverCommand('api-update-link', { id: link.id, changes: { usageCount: 1 } });
    const failed = nextEvent(el, 'share-link-error');
    await el.start();
    expect((await failed).detail.reason).to.equal('usage-limit-reached');
    expect(el.state).to.equal('error');
    expect(warnings).to.have.length(1);
  });

  it('does not ask the API when the link has expired since it was shown', async () => {
    const { el } = await readyEmbed({ expiresAt: new Date(Date.now() + 1500).toISOString() });
    const since = await requestTotal();
    // Freeze the expiry timer's view of time by starting just after the deadline.
    await new Promise((resolve) => setTimeout(resolve, 1600));
    await el.start();
    expect(el.error?.reason).to.equal('expired');
    expect(await sessionRequests(since)).to.have.length(0);
  });

  it("shows an attached MediaStream in the player's video, and ends back to ready", async () => {
    const { el } = await readyEmbed();
    await el.start();
    const canvas = document.createElement('canvas');
    const stream = canvas.captureStream(5);
    el.attachMediaStream(stream);
    await el.updateComplete;
    const video = part(el, 'video') as HTMLVideoElement;
    expect(video.srcObject).to.equal(stream);
    expect(() => el.attachMediaStream('nope' as unknown as MediaStream)).to.throw(TypeError);

    const ended = nextEvent(el, 'share-link-end');
    part(el, 'end-button')!.click();
    expect((await ended).detail.sessionToken).to.match(/^st_/);
    await el.updateComplete;
    expect(el.state).to.equal('ready');
    expect((part(el, 'video') as HTMLVideoElement | null)?.srcObject ?? null).to.equal(null);
    stream.getTracks().forEach((track) => track.stop());
  });

  it('is accessible while starting', async () => {
    const { el, settled } = mount({ token: 'sh_FakeToken12345678', 'api-base': fakeApi('slow-session', newRun()) });
    await settled;
    void el.start();
    await el.updateComplete;
    expect(el.state).to.equal('starting');
    await expect(el).to.be.accessible();
    expect(el.state, 'still starting after the audit').to.equal('starting');
  });

  it('ignores start() unless ready', async () => {
    const { el, settled } = mount({ token: 'sh_Disabled4vN8mBwHfJ', 'api-base': apiBase });
    await settled;
    const since = await requestTotal();
    await el.start();
    expect(await sessionRequests(since)).to.have.length(0);
    expect(el.state).to.equal('error');
  });
});
