/**
 * The element against a link's protections (docs/security.md), with the reference API: a signed
 * embed's `embed-token` sent on the lookup and the start, and a proof of work solved from the
 * visitor's intent and sent with the start.
 */
import { expect } from '@open-wc/testing';
import { signEmbedToken } from '../../src/helpers.ts';
import type { ShareLinkEmbed } from '../../src/share-link-embed.ts';
import { serverCommand } from '../support/browser.ts';
import { mount, part } from '../support/embed.ts';

interface Seen {
  method: string;
  path: string;
  query: string;
  challenge: boolean;
}

let apiBase: string;
before(async () => {
  apiBase = await serverCommand<string>('api-base');
});

const seenSince = async (since: number) =>
  (await serverCommand<{ total: number; requests: Seen[] }>('api-requests', { since })).requests;
const seenCount = async () => (await serverCommand<{ total: number }>('api-requests', { since: 0 })).total;

const started = (el: ShareLinkEmbed) =>
  new Promise<CustomEvent>((resolve) => {
    el.addEventListener('share-link-start', (event) => resolve(event), { once: true });
    el.addEventListener('share-link-error', (event) => resolve(event), { once: true });
  });

describe('signed embeds', () => {
  it('sends embed-token on the lookup and the start; a used one is refused, a fresh one and reload() recover', async function () {
    this.timeout(20_000);
    const link = await serverCommand<{ id: string; token: string }>('api-create-link', { requireSignedEmbed: true });
    const key = await serverCommand<string>('api-signing-key', { id: link.id });
    const sign = () => signEmbedToken(key, { token: link.token, origin: location.origin });
    const since = await seenCount();
    const embedToken = await sign();
    const { el, settled } = mount({ token: link.token, 'api-base': apiBase, 'embed-token': embedToken });
    const loaded = await settled;
    expect(loaded.type, JSON.stringify(loaded.detail)).to.equal('share-link-ready');
    const starting = started(el);
    part(el, 'start-button')!.click();
    const granted = await starting;
    expect(granted.type).to.equal('share-link-start');
    const seen = await seenSince(since);
    // The poster is requested beside the link (docs/delivery.md), under the same rules: with the token too.
    expect(seen.map(({ method, path }) => `${method} ${path.replace(link.token, '{token}')}`).sort()).to.deep.equal([
      'GET /v1/embed/{token}',
      'GET /v1/embed/{token}/poster',
      'POST /v1/embed/{token}/sessions',
    ]);
    for (const request of seen) expect(request.query).to.equal(`?embedToken=${embedToken}`);
    el.end();
    await el.updateComplete;
    // One embed token starts one session: the page gives a fresh one for the next.
    const refused = started(el);
    part(el, 'start-button')!.click();
    const event = await refused;
    expect(event.type).to.equal('share-link-error');
    expect(event.detail.reason).to.equal('signature-invalid');
    expect(event.detail.message).to.match(/started a session already: sign a new one for each start/);
    el.setAttribute('embed-token', await sign());
    el.reload();
    await el.updateComplete;
    await new Promise((resolve) => el.addEventListener('share-link-ready', resolve, { once: true }));
    const again = started(el);
    part(el, 'start-button')!.click();
    expect((await again).type).to.equal('share-link-start');
    el.remove();
  });
});

describe('proofs of work', () => {
  it('are fetched and solved from the pointer entering start, before the click, and sent with the start', async function () {
    this.timeout(30_000);
    const link = await serverCommand<{ id: string; token: string }>('api-create-link', { challenge: 'proof-of-work' });
    const { el, settled } = mount({ token: link.token, 'api-base': apiBase });
    const ready = await settled;
    expect(ready.detail.shareLink.challenge).to.equal('proof-of-work');
    const since = await seenCount();
    const button = part(el, 'start-button')!;
    button.dispatchEvent(new PointerEvent('pointerenter'));
    let seen: Seen[] = [];
    for (let i = 0; i < 100 && !seen.length; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen = await seenSince(since);
    }
    expect(seen.map(({ method, path }) => `${method} ${path.replace(link.token, '{token}')}`)).to.deep.equal([
      'GET /v1/embed/{token}/challenge',
    ]);
    const starting = started(el);
    button.click();
    const granted = await starting;
    expect(granted.type, JSON.stringify(granted.detail)).to.equal('share-link-start');
    const start = (await seenSince(since)).find((request) => request.method === 'POST');
    expect(start?.challenge, 'the start carries the solution').to.equal(true);
    el.remove();
  });

  it('are solved at the click when no intent came first (a keyboard-less script, say)', async function () {
    this.timeout(30_000);
    const link = await serverCommand<{ id: string; token: string }>('api-create-link', { challenge: 'proof-of-work' });
    const { el, settled } = mount({ token: link.token, 'api-base': apiBase });
    await settled;
    const starting = started(el);
    await el.start();
    expect((await starting).type).to.equal('share-link-start');
    el.remove();
  });
});
