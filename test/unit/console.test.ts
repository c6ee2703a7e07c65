/** The console's pure parts: places, snippets, what a save sends, analytics shapes, origins, the key. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { daySeries, originRanking, reasonTotals, totalsOf } from '../../console/analytics/series.ts';
import { lastDays } from '../../console/format.ts';
import { sessionKeyStore } from '../../console/key.ts';
import {
  changesBetween,
  draftOf,
  formFieldOf,
  newLinkDraft,
  offeredFields,
  parseCount,
} from '../../console/links/draft.ts';
import { checkEntries, describeEntry } from '../../console/links/origin-checks.ts';
import { snippetsFor } from '../../console/links/snippets.ts';
import { embedSnippet } from '../../src/snippets.ts';
import { linkStatus } from '../../console/links/status.ts';
import { parseRoute, routeHash, type Route } from '../../console/route.ts';
import { pageInfo, type AnalyticsRow, type ManagedLink } from '../../console/types.ts';
import { allowlistEntryProblem } from '../../server/allowlist.ts';

const LINK: ManagedLink = {
  id: '00000000-0000-4000-8000-000000000001',
  token: 'sh_2kL9pQxYzR4vN8mBwHfJc',
  type: 'PLAYER_EMBED',
  expiresAt: null,
  usageLimit: null,
  usageCount: 3,
  allowedOrigins: ['https://shop.example'],
  allowAllOrigins: false,
  removeWatermark: false,
  enabled: true,
  isPrimary: false,
  createdAt: '2026-04-20T10:00:00.000Z',
  personaId: '3f6c2a91-8d4e-4b7a-a1c5-2e9f0b8d7c61',
  personaName: 'Cara',
  shareUrl: null,
};

describe('console places', () => {
  const routes: Route[] = [
    { view: 'links', search: '', page: 1 },
    { view: 'links', search: 'cara & leo', page: 3 },
    { view: 'new-link' },
    { view: 'link', id: LINK.id },
    { view: 'analytics', from: '2026-05-01', to: '2026-05-31', shareLinkId: LINK.id },
    { view: 'analytics', from: null, to: null, shareLinkId: null },
    { view: 'conversations', shareLinkId: null, page: 2 },
    { view: 'conversation', id: 'c0ffee00-0000-4000-8000-000000000000' },
    { view: 'webhooks' },
  ];
  for (const route of routes)
    it(`reads back ${routeHash(route)}`, () => assert.deepEqual(parseRoute(routeHash(route)), route));

  it('lands on the links for anything it does not know, and drops what is malformed', () => {
    assert.deepEqual(parseRoute(''), { view: 'links', search: '', page: 1 });
    assert.deepEqual(parseRoute('#/nowhere'), { view: 'links', search: '', page: 1 });
    assert.deepEqual(parseRoute('#/links?page=-4'), { view: 'links', search: '', page: 1 });
    assert.deepEqual(parseRoute('#/analytics?from=yesterday&link=<x>'), {
      view: 'analytics',
      from: null,
      to: null,
      shareLinkId: null,
    });
    assert.deepEqual(parseRoute('#/links/a%20b'), { view: 'links', search: '', page: 1 });
  });
});

describe('console snippets', () => {
  const bundles = { apiBase: 'https://embed.example.com/', manifest: null };
  const manifest = {
    version: '0.1.0',
    files: {
      'share-link-embed.js': 'sha384-module',
      'share-link-embed.iife.js': 'sha384-classic',
      'share-link-embed-orb-abc.js': 'sha384-orb',
    },
  };

  it('writes the script tag, the one-liner and npm for an embed link, against the API', () => {
    const snippets = snippetsFor(LINK, bundles);
    assert.deepEqual(
      snippets.map((snippet) => snippet.id),
      ['module', 'classic', 'npm'],
    );
    assert.equal(
      snippets[0]!.code,
      '<script type="module" src="https://embed.example.com/share-link-embed.js"></script>\n' +
        '<share-link-embed token="sh_2kL9pQxYzR4vN8mBwHfJc"></share-link-embed>',
    );
    assert.match(snippets[1]!.code, /share-link-embed\.iife\.js" data-token="sh_2kL9pQxYzR4vN8mBwHfJc" async/);
    assert.match(snippets[2]!.code, /api-base="https:\/\/embed\.example\.com"/);
  });

  it('puts the version pinned with its hashes first when the build has them, as src/snippets.ts writes it', () => {
    const [pinned] = snippetsFor(LINK, { ...bundles, manifest });
    assert.equal(pinned!.id, 'pinned');
    assert.equal(
      pinned!.code,
      embedSnippet({
        base: 'https://embed.example.com',
        manifest,
        token: LINK.token,
        kind: 'module',
        variant: 'player',
      }),
    );
    assert.match(
      pinned!.code,
      /src="https:\/\/embed\.example\.com\/v\/0\.1\.0\/share-link-embed\.js" integrity="sha384-module" crossorigin="anonymous"/,
    );
    const [orb] = snippetsFor({ ...LINK, type: 'ORB_EMBED' }, { ...bundles, manifest });
    assert.match(
      orb!.code,
      /share-link-embed\.iife\.js" integrity="sha384-classic" crossorigin="anonymous" data-token=/,
    );
    assert.doesNotMatch(orb!.code, /as="image"/, 'an orb shows no poster until it opens');
    assert.match(orb!.code, /<link rel="preload" as="fetch" href="[^"]+\/v1\/embed\/sh_\w+" crossorigin>/);
  });

  it('puts the share URL first for a LINK link', () => {
    const link = { ...LINK, type: 'LINK' as const, shareUrl: 'https://embed.example.com/s/sh_2kL9pQxYzR4vN8mBwHfJc' };
    const snippets = snippetsFor(link, bundles);
    assert.deepEqual(snippets[0], { id: 'share-url', title: snippets[0]!.title, code: link.shareUrl });
  });

  it('escapes what it puts into attributes', () => {
    const code = snippetsFor(LINK, { apiBase: 'https://x.example/"><script>', manifest: null })[0]!.code;
    assert.doesNotMatch(code, /"><script>/);
    assert.ok(code.includes('x.example/&quot;>&lt;script>/share-link-embed.js'), code);
  });
});

describe('console link drafts', () => {
  it('sends only what changed', () => {
    const original = draftOf(LINK);
    const draft = { ...original, enabled: false, allowedOrigins: ['https://shop.example', 'https://b.example'] };
    assert.deepEqual(changesBetween(original, draft), {
      enabled: false,
      allowedOrigins: ['https://shop.example', 'https://b.example'],
    });
    assert.deepEqual(changesBetween(original, draftOf(LINK)), {});
  });

  it('offers a newer field only when the API’s links carry it, and never sends one it does not', () => {
    assert.deepEqual([...offeredFields(LINK)], []);
    assert.equal('startsPerMinute' in draftOf(LINK), false);
    const newer = { ...LINK, recordTranscripts: false, startsPerMinute: 60, challenge: 'none' as const };
    assert.deepEqual([...offeredFields(newer)], ['recordTranscripts', 'startsPerMinute', 'challenge']);
    assert.deepEqual(newLinkDraft(offeredFields(newer)), {
      type: 'PLAYER_EMBED',
      enabled: true,
      isPrimary: false,
      expiresAt: null,
      usageLimit: null,
      allowAllOrigins: false,
      allowedOrigins: [],
      removeWatermark: false,
      recordTranscripts: false,
      startsPerMinute: 60,
      challenge: 'none',
    });
  });

  it('reads counts and API field names', () => {
    assert.equal(parseCount(''), null);
    assert.equal(parseCount('12'), 12);
    assert.equal(parseCount('-1'), 'invalid');
    assert.equal(parseCount('1.5'), 'invalid');
    assert.equal(formFieldOf('allowedOrigins.3'), 'allowedOrigins');
  });

  it('tells a link’s state by the policy, at a given time', () => {
    const now = Date.parse('2026-06-01T12:00:00Z');
    assert.equal(linkStatus(LINK, now).label, 'Active');
    assert.equal(linkStatus({ ...LINK, expiresAt: '2026-06-01T12:00:00Z' }, now).label, 'Expired');
    assert.equal(linkStatus({ ...LINK, usageLimit: 3 }, now).label, 'Used up');
    assert.equal(linkStatus({ ...LINK, allowedOrigins: [] }, now).label, 'No origin allowed');
  });
});

describe('console origins editor', () => {
  it('gives the API’s own verdict on each entry, and what an accepted one admits', () => {
    const checks = checkEntries([
      'https://shop.example',
      'https://*.shop.example',
      'https://shop.example/',
      'https://*.co.uk',
      'HTTPS://SHOP.EXAMPLE:443',
    ]);
    assert.deepEqual(
      checks.map((check) => check.problem),
      [null, null, allowlistEntryProblem('https://shop.example/'), allowlistEntryProblem('https://*.co.uk'), null],
    );
    assert.equal(checks[0]!.note, 'Pages on https://shop.example');
    assert.match(checks[1]!.note!, /every subdomain of shop\.example .*not shop\.example itself/);
    assert.equal(checks[4]!.note, 'The same origin as entry 1');
    assert.equal(describeEntry('nonsense'), null);
  });
});

describe('server/allowlist.ts explains refused entries', () => {
  const cases: [string, RegExp][] = [
    ['shop.example', /has no scheme: write "https:\/\/shop\.example"/],
    ['https://shop.example/', /ends with "\/"/],
    ['https://shop.example/a', /has a path \("\/a"\)/],
    ['https://shop.example?x=1', /has a query/],
    ['https://shop.example#top', /has a fragment/],
    ['ftp://shop.example', /uses "ftp:"/],
    ['https://user@shop.example', /user name or password/],
    ['https://x.*.example', /"\*" that is not a whole first label/],
    ['https://shop.example.', /trailing dot/],
    ['https://*.192.168.0.1', /wildcard over an IP address/],
    ['https://shop.example:99999', /port "99999"/],
    ['https://*.com', /public suffix "com"/],
    ['https://*.github.io', /public suffix "github\.io"/],
    ['', /is empty/],
    [' https://shop.example', /spaces around it/],
  ];
  for (const [entry, why] of cases)
    it(`${JSON.stringify(entry)}: ${why.source}`, () => assert.match(allowlistEntryProblem(entry) ?? 'accepted', why));
  it('accepts origins and safe wildcards', () => {
    for (const entry of [
      'https://shop.example',
      'http://localhost:5173',
      'https://*.shop.example',
      'http://[::1]:8080',
    ])
      assert.equal(allowlistEntryProblem(entry), null, entry);
  });
});

describe('console analytics shapes', () => {
  const row = (key: string, views: number, refused: Record<string, number> = {}): AnalyticsRow => ({
    key,
    views,
    starts: Math.floor(views / 2),
    refused,
    conversations: 1,
    conversationSeconds: 30,
  });

  it('totals, day series in day order, reasons largest first', () => {
    const days = [
      row('2026-05-02', 5, { 'origin-not-allowed': 2, 'rate-limited': 1 }),
      row('2026-05-01', 3, { 'origin-not-allowed': 4 }),
    ];
    assert.deepEqual(totalsOf(days), {
      views: 8,
      starts: 3,
      refused: 7,
      refusedByOrigin: 6,
      conversations: 2,
      conversationSeconds: 60,
    });
    const series = daySeries(days);
    assert.deepEqual(series.x, [Date.parse('2026-05-01T00:00:00Z') / 1000, Date.parse('2026-05-02T00:00:00Z') / 1000]);
    assert.deepEqual(series.refusedByOrigin, [4, 2]);
    assert.deepEqual(reasonTotals(days), [
      { reason: 'origin-not-allowed', count: 6 },
      { reason: 'rate-limited', count: 1 },
    ]);
  });

  it('puts origins refused as not allowed first, and marks those never allowed', () => {
    const ranked = originRanking([
      row('https://shop.example', 50),
      row('https://new.example', 0, { 'origin-not-allowed': 9 }),
      row('https://both.example', 4, { 'origin-not-allowed': 1 }),
    ]);
    assert.deepEqual(
      ranked.map((each) => [each.key, each.refusedOnly]),
      [
        ['https://new.example', true],
        ['https://both.example', false],
        ['https://shop.example', false],
      ],
    );
  });

  it('ranges of whole UTC days, and pages of the seeds’ shape', () => {
    assert.deepEqual(lastDays(7, Date.parse('2026-06-01T23:59:00Z')), { from: '2026-05-26', to: '2026-06-01' });
    assert.deepEqual(pageInfo({ total: 41, perPage: 20, currentPage: 2, lastPage: 3 }), {
      page: 2,
      pages: 3,
      total: 41,
    });
    assert.deepEqual(pageInfo({ total: 0, perPage: 20 }), { page: 1, pages: 1, total: 0 });
  });
});

describe('console key', () => {
  const storage = () => {
    const items = new Map<string, string>();
    return {
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: string) => void items.set(key, value),
      removeItem: (key: string) => void items.delete(key),
      items,
    } as unknown as Storage & { items: Map<string, string> };
  };

  it('keeps the key for the tab, or in memory only, and forgets it on sign-out', () => {
    const tab = storage();
    const keys = sessionKeyStore(tab);
    keys.set('secret-key-1234567', true);
    assert.equal(sessionKeyStore(tab).get(), 'secret-key-1234567', 'a reload of the tab finds it');
    keys.set('other-key-12345678', false);
    assert.equal(keys.get(), 'other-key-12345678');
    assert.equal(sessionKeyStore(tab).get(), null, 'not kept beyond this page');
    keys.clear();
    assert.equal(keys.get(), null);
    assert.equal(sessionKeyStore(null).get(), null, 'no storage: memory only');
  });
});
