import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import {
  checkShareLink,
  isExpired,
  isOriginAllowed,
  looksLikePublicSuffix,
  parseAllowlistEntry,
  type ShareLinkRules,
} from '../../src/policy.ts';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const link = (overrides: Partial<ShareLinkRules> = {}): ShareLinkRules => ({
  type: 'PLAYER_EMBED',
  enabled: true,
  expiresAt: null,
  usageLimit: null,
  usageCount: 0,
  allowedOrigins: [],
  allowAllOrigins: true,
  ...overrides,
});
const at = (origin: string | null, now = NOW) => ({ origin, now, embedding: true });

describe('checkShareLink', () => {
  it('passes a working link', () => {
    expect(checkShareLink(link(), at('https://a.example'))).to.equal(null);
  });

  it('refuses a disabled link', () => {
    expect(checkShareLink(link({ enabled: false }), at('https://a.example'))).to.equal('disabled');
  });

  it('expires at the exact millisecond of expiresAt, by the clock it is given', () => {
    const expiring = link({ expiresAt: '2026-06-01T12:00:00.000Z' });
    expect(checkShareLink(expiring, at('https://a.example', NOW - 1))).to.equal(null);
    expect(checkShareLink(expiring, at('https://a.example', NOW))).to.equal('expired');
    expect(checkShareLink(expiring, at('https://a.example', NOW + 1))).to.equal('expired');
  });

  it('treats an unparseable expiry as expired and null as never', () => {
    expect(isExpired('soon', NOW)).to.equal(true);
    expect(isExpired(null, Number.MAX_SAFE_INTEGER)).to.equal(false);
    expect(isExpired('2026-06-01T14:00:00+02:00', NOW)).to.equal(true, 'offsets are honoured');
  });

  it('reaches the usage limit when the count equals it', () => {
    expect(checkShareLink(link({ usageLimit: 10, usageCount: 9 }), at(null))).to.equal(null);
    expect(checkShareLink(link({ usageLimit: 10, usageCount: 10 }), at(null))).to.equal('usage-limit-reached');
    expect(checkShareLink(link({ usageLimit: 0, usageCount: 0 }), at(null))).to.equal('usage-limit-reached');
    expect(checkShareLink(link({ usageLimit: null, usageCount: 1e9 }), at(null))).to.equal(null);
  });

  it('refuses LINK links only when embedding', () => {
    expect(checkShareLink(link({ type: 'LINK' }), at(null))).to.equal('not-embeddable');
    expect(checkShareLink(link({ type: 'LINK' }), { origin: null, now: NOW })).to.equal(null);
    expect(checkShareLink(link({ type: 'ORB_EMBED' }), at(null))).to.equal(null);
  });

  it('on its share page (embedding: false), a LINK link skips the origin rule, and only a LINK link', () => {
    const opened = { origin: null, now: NOW, embedding: false };
    const restricted = { allowAllOrigins: false, allowedOrigins: ['https://shop.example'] };
    expect(checkShareLink(link({ type: 'LINK', ...restricted }), opened)).to.equal(null);
    expect(checkShareLink(link({ type: 'LINK', ...restricted }), { origin: null, now: NOW })).to.equal(
      'origin-not-allowed',
      'the API, for any other page',
    );
    expect(checkShareLink(link({ type: 'LINK', ...restricted }), at('https://elsewhere.example'))).to.equal(
      'origin-not-allowed',
    );
    expect(checkShareLink(link({ type: 'PLAYER_EMBED', ...restricted }), opened)).to.equal('origin-not-allowed');
    expect(checkShareLink(link({ type: 'ORB_EMBED', ...restricted }), opened)).to.equal('origin-not-allowed');
    expect(checkShareLink(link({ type: 'LINK', ...restricted, enabled: false }), opened)).to.equal('disabled');
    expect(checkShareLink(link({ type: 'LINK', ...restricted, expiresAt: '2020-01-01T00:00:00Z' }), opened)).to.equal(
      'expired',
    );
    expect(checkShareLink(link({ type: 'LINK', ...restricted, usageLimit: 1, usageCount: 1 }), opened)).to.equal(
      'usage-limit-reached',
    );
  });

  it("applies the rules in the contract's order: the first failure wins", () => {
    const everythingWrong = link({
      type: 'LINK',
      enabled: false,
      expiresAt: '2020-01-01T00:00:00Z',
      usageLimit: 1,
      usageCount: 1,
      allowAllOrigins: false,
      allowedOrigins: ['https://elsewhere.example'],
    });
    expect(checkShareLink(everythingWrong, at('https://a.example'))).to.equal('origin-not-allowed');
    expect(checkShareLink({ ...everythingWrong, allowAllOrigins: true }, at('https://a.example'))).to.equal('disabled');
    expect(
      checkShareLink({ ...everythingWrong, allowAllOrigins: true, enabled: true }, at('https://a.example')),
    ).to.equal('expired');
    expect(
      checkShareLink(
        { ...everythingWrong, allowAllOrigins: true, enabled: true, expiresAt: null },
        at('https://a.example'),
      ),
    ).to.equal('usage-limit-reached');
    expect(
      checkShareLink(
        { ...everythingWrong, allowAllOrigins: true, enabled: true, expiresAt: null, usageLimit: null },
        at('https://a.example'),
      ),
    ).to.equal('not-embeddable');
  });

  it('ignores allowedOrigins when allowAllOrigins is true, even for the opaque origin', () => {
    expect(checkShareLink(link({ allowedOrigins: ['https://x.example'] }), at('null'))).to.equal(null);
    expect(checkShareLink(link(), at(null))).to.equal(null);
  });
});

describe('isOriginAllowed', () => {
  const allow = (origin: string | null, ...entries: string[]) => isOriginAllowed(origin, entries);

  it('matches an exact origin after normalising case and default ports', () => {
    expect(allow('https://shop.example', 'https://shop.example')).to.equal(true);
    expect(allow('https://shop.example', 'HTTPS://Shop.EXAMPLE')).to.equal(true);
    expect(allow('https://shop.example', 'https://shop.example:443')).to.equal(true);
    expect(allow('http://shop.example', 'http://shop.example:80')).to.equal(true);
    expect(allow('https://shop.example:8443', 'https://shop.example:8443')).to.equal(true);
    expect(allow('http://[::1]:8000', 'http://[::1]:8000')).to.equal(true);
    expect(allow('http://127.0.0.1:5173', 'http://127.0.0.1:5173')).to.equal(true);
  });

  it('refuses another scheme, port or host', () => {
    expect(allow('http://shop.example', 'https://shop.example')).to.equal(false);
    expect(allow('https://shop.example:444', 'https://shop.example')).to.equal(false);
    expect(allow('https://shop.example', 'https://shop.example:444')).to.equal(false);
    expect(allow('https://www.shop.example', 'https://shop.example')).to.equal(false);
  });

  it('matches a wildcard on any subdomain at any depth, never the apex', () => {
    const wildcard = 'https://*.shop.example';
    expect(allow('https://eu.shop.example', wildcard)).to.equal(true);
    expect(allow('https://a.b.c.shop.example', wildcard)).to.equal(true);
    expect(allow('https://shop.example', wildcard)).to.equal(false);
    expect(allow('https://evilshop.example', wildcard)).to.equal(false);
    expect(allow('https://eu.shop.example.evil.com', wildcard)).to.equal(false);
    expect(allow('http://eu.shop.example', wildcard)).to.equal(false);
    expect(allow('https://eu.shop.example:8443', wildcard)).to.equal(false);
    expect(allow('https://eu.shop.example:8443', 'https://*.shop.example:8443')).to.equal(true);
  });

  it('lets the opaque origin and no origin match nothing', () => {
    expect(allow('null', 'null')).to.equal(false);
    expect(allow(null, 'https://shop.example')).to.equal(false);
    expect(allow('file://', 'file://')).to.equal(false);
  });

  it('makes invalid entries match nothing', () => {
    for (const entry of [
      '',
      'shop.example',
      'https://shop.example/',
      'https://shop.example/path',
      'https://shop.example?x',
      'https://user@shop.example',
      'https://shop.example.',
      'https://shop%2eexample',
      'https://*',
      'https://*.',
      'https://a.*.example',
      'ftp://shop.example',
      'https://*.127.0.0.1',
      'https://sh op.example',
      'https://shop..example',
      'javascript://shop.example',
    ]) {
      expect(parseAllowlistEntry(entry), entry).to.equal(null);
      expect(allow('https://shop.example', entry), entry).to.equal(false);
      expect(allow('https://www.shop.example', entry), entry).to.equal(false);
    }
  });

  it('makes wildcards over public suffixes match nothing', () => {
    expect(allow('https://shop.com', 'https://*.com')).to.equal(false);
    expect(allow('https://shop.co.uk', 'https://*.co.uk')).to.equal(false);
    expect(allow('https://www.shop.co.uk', 'https://*.shop.co.uk')).to.equal(true);
  });

  it('refuses page origins that are not plain origins', () => {
    for (const origin of [
      'https://shop.example/',
      'https://shop.example/x',
      'https://u:p@shop.example',
      'https://shop.example.',
      'shop.example',
      '',
      'https://shop.example\\@evil.com',
    ]) {
      expect(allow(origin, 'https://shop.example', 'https://*.shop.example'), origin).to.equal(false);
    }
  });

  it('knows the common public-suffix shapes without the full list', () => {
    expect(looksLikePublicSuffix('com')).to.equal(true);
    expect(looksLikePublicSuffix('co.uk')).to.equal(true);
    expect(looksLikePublicSuffix('com.au')).to.equal(true);
    expect(looksLikePublicSuffix('shop.example')).to.equal(false);
  });

  it('uses the public-suffix knowledge it is given', () => {
    expect(isOriginAllowed('https://me.github.io', ['https://*.github.io'])).to.equal(true);
    expect(
      isOriginAllowed('https://me.github.io', ['https://*.github.io'], (domain) => domain === 'github.io'),
    ).to.equal(false);
  });
});

describe('properties', () => {
  const hostChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789.-'.split(''));
  const affix = fc.string({ unit: hostChars, maxLength: 12 });

  it('never allows an origin made by adding a prefix or suffix to an allowed host', () => {
    fc.assert(
      fc.property(affix, affix, (prefix, suffix) => {
        fc.pre(prefix !== '' || suffix !== '');
        return !isOriginAllowed(`https://${prefix}example.com${suffix}`, ['https://example.com']);
      }),
      { numRuns: 2000 },
    );
  });

  it('never lets a wildcard match a host that only ends with the domain without a dot, or has a suffix', () => {
    fc.assert(
      fc.property(affix, affix, (prefix, suffix) => {
        fc.pre(suffix !== '' || !prefix.endsWith('.'));
        return !isOriginAllowed(`https://${prefix}example.com${suffix}`, ['https://*.example.com']);
      }),
      { numRuns: 2000 },
    );
  });

  it('allows every proper subdomain of a wildcard', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 4 }), (labels) =>
        isOriginAllowed(`https://${labels.join('.')}.example.com`, ['https://*.example.com']),
      ),
    );
  });

  it('never throws on any string, as origin or as entry', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.webUrl()),
        fc.array(fc.oneof(fc.string(), fc.webUrl(), fc.string({ unit: 'binary' }))),
        (origin, entries) => {
          const result = isOriginAllowed(origin, entries);
          return typeof result === 'boolean';
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("agrees with the browser's own origin serialisation for generated URLs", () => {
    fc.assert(
      fc.property(fc.webUrl({ validSchemes: ['https', 'http'] }), (url) => {
        const { origin } = new URL(url);
        fc.pre(!origin.endsWith('.') && !/\.\.|\/\/\./.test(origin));
        return isOriginAllowed(origin, [origin]);
      }),
      { numRuns: 1000 },
    );
  });
});
