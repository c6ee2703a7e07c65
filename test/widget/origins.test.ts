import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { isOriginAllowed, looksLikePublicSuffix } from '../../src/policy.ts';
import { ALLOWLIST, ORIGIN_CASES, allowlistCasesFor } from '../support/adversarial-origins.ts';
import { fakeApi } from '../support/browser.ts';
import { mount } from '../support/embed.ts';

describe('adversarial origins: the policy', () => {
  it('has at least 40 cases', () => expect(ORIGIN_CASES.length).to.be.at.least(40));

  for (const { origin, allowed, why } of ORIGIN_CASES) {
    it(`${allowed ? 'allows' : 'refuses'} ${JSON.stringify(origin)}: ${why}`, () => {
      expect(isOriginAllowed(origin, ALLOWLIST)).to.equal(allowed);
    });
  }
});

describe('adversarial origins: properties over generated domains', () => {
  const notPublicSuffix = fc.domain().filter((domain) => !looksLikePublicSuffix(domain));

  it('a wildcard allows every subdomain and never its apex', () => {
    fc.assert(
      fc.property(
        notPublicSuffix,
        fc.stringMatching(/^[a-z0-9]{1,10}$/),
        (domain, label) =>
          isOriginAllowed(`https://${label}.${domain}`, [`https://*.${domain}`]) &&
          !isOriginAllowed(`https://${domain}`, [`https://*.${domain}`]),
      ),
      { numRuns: 500 },
    );
  });

  it('an exact entry never allows a different domain that contains it', () => {
    fc.assert(
      fc.property(fc.domain(), fc.domain(), (allowed, other) => {
        fc.pre(allowed !== other);
        return (
          !isOriginAllowed(`https://${allowed}.${other}`, [`https://${allowed}`]) &&
          !isOriginAllowed(`https://${other}.${allowed}`, [`https://${allowed}`]) &&
          !isOriginAllowed(`https://${other}`, [`https://${allowed}`])
        );
      }),
      { numRuns: 500 },
    );
  });

  it('a generated URL never passes as an origin unless it is one', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const { origin } = new URL(url);
        return url === origin || url === `${origin}/` ? true : !isOriginAllowed(url, [origin]);
      }),
      { numRuns: 500 },
    );
  });
});

describe('adversarial allowlists: the widget on this page', () => {
  for (const { allowedOrigins, allowed, why } of allowlistCasesFor(location.origin)) {
    it(`${allowed ? 'shows' : 'refuses'} a link listing ${JSON.stringify(allowedOrigins)}: ${why}`, async () => {
      const run = btoa(JSON.stringify(allowedOrigins)).replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '');
      const { el, settled } = mount({ token: 'sh_FakeToken12345678', 'api-base': fakeApi('allowlist', run) });
      const event = await settled;
      expect(event.type === 'share-link-ready', event.detail?.message).to.equal(allowed);
      if (!allowed) expect(el.error?.reason).to.equal('origin-not-allowed');
    });
  }
});
