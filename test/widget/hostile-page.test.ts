/** Pages we do not control: polluted prototypes and wrapped globals must not break the widget. */
import { expect } from '@open-wc/testing';
import { resolve } from '../../src/api.ts';
import { serverCommand } from '../support/browser.ts';
import { mount } from '../support/embed.ts';

let apiBase: string;
before(async () => {
  apiBase = await serverCommand<string>('api-base');
});

describe('polluted prototypes', () => {
  const added: [object, string][] = [];
  const pollute = (target: object, key: string, value: unknown) => {
    Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
    added.push([target, key]);
  };
  afterEach(() => {
    for (const [target, key] of added.splice(0)) Reflect.deleteProperty(target, key);
  });

  it('validates and shows a link when Object.prototype has enumerable additions', async () => {
    pollute(Object.prototype, 'polluted', 'yes');
    pollute(Object.prototype, 'enabled', false);
    const link = await resolve('sh_2kL9pQxYzR4vN8mBwHfJc', { apiBase });
    expect(link.shareLink.enabled).to.equal(true);
    const { settled } = mount({ token: 'sh_2kL9pQxYzR4vN8mBwHfJc', 'api-base': apiBase });
    expect((await settled).type).to.equal('share-link-ready');
  });

  it('works when Array.prototype has enumerable additions and a toJSON', async () => {
    pollute(Array.prototype, 'extra', () => 'extra');
    pollute(Array.prototype, 'toJSON', () => 'not an array');
    const { settled } = mount({ token: 'sh_OriginOk8mBwHfJc4k', 'api-base': apiBase });
    // The link lists origins, so the widget's own origin check walks an array.
    expect((await settled).detail.reason).to.equal('origin-not-allowed');
    const { settled: ready } = mount({ token: 'sh_2kL9pQxYzR4vN8mBwHfJc', 'api-base': apiBase });
    expect((await ready).type).to.equal('share-link-ready');
  });
});
