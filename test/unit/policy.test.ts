import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
    assert.equal(checkShareLink(link(), at('https://a.example')), null);
  });

  it('refuses a disabled link', () => {
    assert.equal(checkShareLink(link({ enabled: false }), at('https://a.example')), 'disabled');
  });

  it('expires at the exact millisecond of expiresAt, by the clock it is given', () => {
    const expiring = link({ expiresAt: '2026-06-01T12:00:00.000Z' });
    assert.equal(checkShareLink(expiring, at('https://a.example', NOW - 1)), null);
    assert.equal(checkShareLink(expiring, at('https://a.example', NOW)), 'expired');
    assert.equal(checkShareLink(expiring, at('https://a.example', NOW + 1)), 'expired');
  });

  it('treats an unparseable expiry as expired and null as never', () => {
    assert.equal(isExpired('soon', NOW), true);
    assert.equal(isExpired(null, Number.MAX_SAFE_INTEGER), false);
    assert.equal(isExpired('2026-06-01T14:00:00+02:00', NOW), true, 'offsets are honoured');
  });

  it('reaches the usage limit when the count equals it', () => {
    assert.equal(checkShareLink(link({ usageLimit: 10, usageCount: 9 }), at(null)), null);
    assert.equal(checkShareLink(link({ usageLimit: 10, usageCount: 10 }), at(null)), 'usage-limit-reached');
    assert.equal(checkShareLink(link({ usageLimit: 0, usageCount: 0 }), at(null)), 'usage-limit-reached');
    assert.equal(checkShareLink(link({ usageLimit: null, usageCount: 1e9 }), at(null)), null);
  });

  it('refuses LINK links only when embedding', () => {
    assert.equal(checkShareLink(link({ type: 'LINK' }), at(null)), 'not-embeddable');
    assert.equal(checkShareLink(link({ type: 'LINK' }), { origin: null, now: NOW }), null);
    assert.equal(checkShareLink(link({ type: 'ORB_EMBED' }), at(null)), null);
  });

  it('on its share page (embedding: false), a LINK link skips the origin rule, and only a LINK link', () => {
    const opened = { origin: null, now: NOW, embedding: false };
    const restricted = { allowAllOrigins: false, allowedOrigins: ['https://shop.example'] };
    assert.equal(checkShareLink(link({ type: 'LINK', ...restricted }), opened), null);
    assert.equal(
      checkShareLink(link({ type: 'LINK', ...restricted }), { origin: null, now: NOW }),
      'origin-not-allowed',
      'the API, for any other page',
    );
    assert.equal(
      checkShareLink(link({ type: 'LINK', ...restricted }), at('https://elsewhere.example')),
      'origin-not-allowed',
    );
    assert.equal(checkShareLink(link({ type: 'PLAYER_EMBED', ...restricted }), opened), 'origin-not-allowed');
    assert.equal(checkShareLink(link({ type: 'ORB_EMBED', ...restricted }), opened), 'origin-not-allowed');
    assert.equal(checkShareLink(link({ type: 'LINK', ...restricted, enabled: false }), opened), 'disabled');
    assert.equal(
      checkShareLink(link({ type: 'LINK', ...restricted, expiresAt: '2020-01-01T00:00:00Z' }), opened),
      'expired',
    );
    assert.equal(
      checkShareLink(link({ type: 'LINK', ...restricted, usageLimit: 1, usageCount: 1 }), opened),
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
    assert.equal(checkShareLink(everythingWrong, at('https://a.example')), 'origin-not-allowed');
    assert.equal(checkShareLink({ ...everythingWrong, allowAllOrigins: true }, at('https://a.example')), 'disabled');
    assert.equal(
      checkShareLink({ ...everythingWrong, allowAllOrigins: true, enabled: true }, at('https://a.example')),
      'expired',
    );
    assert.equal(
      checkShareLink(
        { ...everythingWrong, allowAllOrigins: true, enabled: true, expiresAt: null },
        at('https://a.example'),
      ),
      'usage-limit-reached',
    );
    assert.equal(
      checkShareLink(
        { ...everythingWrong, allowAllOrigins: true, enabled: true, expiresAt: null, usageLimit: null },
        at('https://a.example'),
      ),
      'not-embeddable',
    );
  });

  it('ignores allowedOrigins when allowAllOrigins is true, even for the opaque origin', () => {
    assert.equal(checkShareLink(link({ allowedOrigins: ['https://x.example'] }), at('null')), null);
    assert.equal(checkShareLink(link(), at(null)), null);
  });
});

describe('isOriginAllowed', () => {
  const allow = (origin: string | null, ...entries: string[]) => isOriginAllowed(origin, entries);

  it('matches an exact origin after normalising case and default ports', () => {
    assert.equal(allow('https://shop.example', 'https://shop.example'), true);
    assert.equal(allow('https://shop.example', 'HTTPS://Shop.EXAMPLE'), true);
    assert.equal(allow('https://shop.example', 'https://shop.example:443'), true);
    assert.equal(allow('http://shop.example', 'http://shop.example:80'), true);
    assert.equal(allow('https://shop.example:8443', 'https://shop.example:8443'), true);
    assert.equal(allow('http://[::1]:8000', 'http://[::1]:8000'), true);
    assert.equal(allow('http://127.0.0.1:5173', 'http://127.0.0.1:5173'), true);
  });

  it('refuses another scheme, port or host', () => {
    assert.equal(allow('http://shop.example', 'https://shop.example'), false);
    assert.equal(allow('https://shop.example:444', 'https://shop.example'), false);
    assert.equal(allow('https://shop.example', 'https://shop.example:444'), false);
    assert.equal(allow('https://www.shop.example', 'https://shop.example'), false);
  });

  it('matches a wildcard on any subdomain at any depth, never the apex', () => {
    const wildcard = 'https://*.shop.example';
    assert.equal(allow('https://eu.shop.example', wildcard), true);
    assert.equal(allow('https://a.b.c.shop.example', wildcard), true);
    assert.equal(allow('https://shop.example', wildcard), false);
    assert.equal(allow('https://evilshop.example', wildcard), false);
    assert.equal(allow('https://eu.shop.example.evil.com', wildcard), false);
    assert.equal(allow('http://eu.shop.example', wildcard), false);
    assert.equal(allow('https://eu.shop.example:8443', wildcard), false);
    assert.equal(allow('https://eu.shop.example:8443', 'https://*.shop.example:8443'), true);
  });

  it('lets the opaque origin and no origin match nothing', () => {
    assert.equal(allow('null', 'null'), false);
    assert.equal(allow(null, 'https://shop.example'), false);
    assert.equal(allow('file://', 'file://'), false);
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
      assert.equal(parseAllowlistEntry(entry), null, entry);
      assert.equal(allow('https://shop.example', entry), false, entry);
      assert.equal(allow('https://www.shop.example', entry), false, entry);
    }
  });

  it('makes wildcards over public suffixes match nothing', () => {
    assert.equal(allow('https://shop.com', 'https://*.com'), false);
    assert.equal(allow('https://shop.co.uk', 'https://*.co.uk'), false);
    assert.equal(allow('https://www.shop.co.uk', 'https://*.shop.co.uk'), true);
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
      assert.equal(allow(origin, 'https://shop.example', 'https://*.shop.example'), false, origin);
    }
  });

  it('knows the common public-suffix shapes without the full list', () => {
    assert.equal(looksLikePublicSuffix('com'), true);
    assert.equal(looksLikePublicSuffix('co.uk'), true);
    assert.equal(looksLikePublicSuffix('com.au'), true);
    assert.equal(looksLikePublicSuffix('shop.example'), false);
  });

  it('uses the public-suffix knowledge it is given', () => {
    assert.equal(isOriginAllowed('https://me.github.io', ['https://*.github.io']), true);
    assert.equal(
      isOriginAllowed('https://me.github.io', ['https://*.github.io'], (domain) => domain === 'github.io'),
      false,
    );
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
