/** The snippets the demo and the console hand to site owners (src/snippets.ts, docs/delivery.md). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { embedSnippet, importMap, versionedBase, type BuildManifest } from '../../src/snippets.ts';

const manifest: BuildManifest = {
  version: '1.2.3',
  files: {
    'share-link-embed-orb-AbC123xY.js': 'sha384-orb',
    'share-link-embed-conversation-Zz9.js': 'sha384-conversation',
    'share-link-embed.iife.js': 'sha384-classic',
    'share-link-embed.js': 'sha384-module',
  },
};
const base = 'https://embed.example.com';
const token = 'sh_2kL9pQxYzR4vN8mBwHfJc';

describe('embed snippets', () => {
  it('a module player: its poster in the page, the code and the lookup behind it, its box reserved, the import map, the pinned bundle', () => {
    assert.equal(
      embedSnippet({ base, manifest, token, kind: 'module' }),
      [
        '<link rel="preconnect" href="https://embed.example.com" crossorigin>',
        `<link rel="preload" as="fetch" href="https://embed.example.com/v1/embed/${token}" crossorigin fetchpriority="low">`,
        '<style>share-link-embed:not(:defined){display:block;aspect-ratio:16/9}share-link-embed>img[slot=poster]{display:block;width:100%;height:100%;object-fit:cover;border-radius:var(--share-link-embed-radius,12px)}</style>',
        '<script type="importmap">{"integrity":{"https://embed.example.com/v/1.2.3/share-link-embed-orb-AbC123xY.js":"sha384-orb","https://embed.example.com/v/1.2.3/share-link-embed-conversation-Zz9.js":"sha384-conversation"}}</script>',
        '<script type="module" src="https://embed.example.com/v/1.2.3/share-link-embed.js" integrity="sha384-module" crossorigin="anonymous" fetchpriority="low"></script>',
        `<share-link-embed token="${token}"><img slot="poster" src="https://embed.example.com/v1/embed/${token}/poster" alt="" fetchpriority="high" referrerpolicy="strict-origin"></share-link-embed>`,
      ].join('\n'),
    );
  });

  it('a player from the one-liner: no element in the page to hold an image, so its poster is preloaded instead', () => {
    const oneLiner = embedSnippet({ base, manifest, token, kind: 'one-liner' });
    assert.match(
      oneLiner,
      new RegExp(
        `<link rel="preload" as="image" href="https://embed\\.example\\.com/v1/embed/${token}/poster" fetchpriority="high" referrerpolicy="strict-origin">`,
      ),
    );
    assert.doesNotMatch(oneLiner, /slot="poster"|fetchpriority="low"|<style>/);
  });

  it('a classic orb: the lookup preloaded, no poster (a closed orb shows no image); the one-liner carries its api-base', () => {
    const classic = embedSnippet({ base, manifest, token, kind: 'classic', variant: 'orb' });
    assert.doesNotMatch(classic, /as="image"|poster|fetchpriority/);
    assert.match(
      classic,
      new RegExp(`<link rel="preload" as="fetch" href="https://embed\\.example\\.com/v1/embed/${token}" crossorigin>`),
    );
    assert.match(
      classic,
      /<script src="https:\/\/embed\.example\.com\/v\/1\.2\.3\/share-link-embed\.iife\.js" integrity="sha384-classic" crossorigin="anonymous" defer><\/script>/,
    );
    const oneLiner = embedSnippet({
      base,
      manifest,
      token,
      kind: 'one-liner',
      variant: 'orb',
      apiBase: 'https://api.example.com/',
    });
    assert.match(
      oneLiner,
      /data-token="sh_2kL9pQxYzR4vN8mBwHfJc" data-api-base="https:\/\/api\.example\.com\/" async><\/script>$/,
    );
    assert.doesNotMatch(oneLiner, /<share-link-embed /);
  });

  it('a player whose API lives elsewhere: its poster and preconnect name the API, the bundles their own origin', () => {
    const snippet = embedSnippet({
      base: 'https://cdn.example.net/embed/',
      manifest,
      token,
      kind: 'module',
      apiBase: 'https://api.example.com/x/',
    });
    assert.match(snippet, /href="https:\/\/api\.example\.com" crossorigin/);
    assert.match(snippet, new RegExp(`src="https://api\\.example\\.com/x/v1/embed/${token}/poster"`));
    assert.match(snippet, /src="https:\/\/cdn\.example\.net\/embed\/v\/1\.2\.3\/share-link-embed\.js"/);
    assert.match(snippet, /api-base="https:\/\/api\.example\.com\/x\/"/);
  });

  it('escapes what it writes into HTML, and never lets JSON close the import map', () => {
    const hostile = {
      version: '1.0.0',
      files: { 'share-link-embed.js': 'sha384-"><script>', 'share-link-embed-x-1.js': '</script><b>' },
    };
    const snippet = embedSnippet({ base, manifest: hostile, token, kind: 'module', variant: 'orb' });
    assert.doesNotMatch(snippet, /"><script>|<\/script><b>/);
    assert.match(importMap(base, hostile), /\\u003c\/script>\\u003cb>/);
  });

  it('refuses a manifest without the bundle it needs', () => {
    assert.throws(
      () => embedSnippet({ base, manifest: { version: '1.0.0', files: {} }, token, kind: 'classic' }),
      /has no share-link-embed\.iife\.js/,
    );
  });

  it('versioned base: the version under the base URL', () => {
    assert.equal(versionedBase('https://a.example/cdn', manifest), 'https://a.example/cdn/v/1.2.3/');
  });
});
