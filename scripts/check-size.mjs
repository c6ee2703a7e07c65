/**
 * Fails when a browser bundle or a lazy chunk grows past its budget (gzip -9, everything included:
 * Lit, valibot, styles, translations; the vendor SDKs in their adapters' chunks). Run after
 * `vite build`.
 *
 * The performance issue's target is 12 KB (12,288 bytes) per bundle; the bundles are not there yet
 * (see README, Performance). Until they are, each budget sits just above the size reached, so any
 * growth fails the tests; lower it whenever a change makes the bundle smaller.
 *
 * The bundles grew by about 600 bytes with conversations (issue 10): the two new error reasons in
 * five languages (about 300), the cancelable start, the lazy loader and the end reasons. Everything
 * else of the conversations is in the lazy chunks below, loaded only after start.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export const TARGET = 12 * 1024;
// Raised by about 1.25 KB for issue 9: the watermark's controller (its own layer, restored when
// removed), the rate-limited state with its one retry after Retry-After, and its five translations.
export const BUDGETS = {
  'dist/share-link-embed.js': 19_500,
  'dist/share-link-embed.iife.js': 19_400,
};
/** Lazy chunks, by name (`share-link-embed-<name>-<hash>.js`): loaded only after start. */
export const CHUNK_BUDGETS = {
  conversation: 5_600,
  shared: 2_300,
  scripted: 2_000,
  anam: 28_500,
  elevenlabs: 156_000,
};

const gzipSize = (file) => gzipSync(readFileSync(new URL(`../${file}`, import.meta.url)), { level: 9 }).length;

let failed = false;
for (const [file, budget] of Object.entries(BUDGETS)) {
  const gzip = gzipSize(file);
  const verdict = gzip <= budget ? 'ok' : 'OVER BUDGET';
  console.log(`${file}: ${gzip} bytes gzip (budget ${budget}, target ${TARGET}) ${verdict}`);
  if (gzip > budget) failed = true;
}

const chunks = readdirSync(new URL('../dist/', import.meta.url)).filter((file) => /^share-link-embed-[\w-]+\.js$/.test(file));
for (const [name, budget] of Object.entries(CHUNK_BUDGETS)) {
  const found = chunks.filter((file) => file.startsWith(`share-link-embed-${name}-`));
  if (found.length !== 1) {
    console.log(`lazy chunk ${name}: expected one file, found ${found.length} (${found.join(', ')}) FAILED`);
    failed = true;
    continue;
  }
  const gzip = gzipSize(`dist/${found[0]}`);
  const verdict = gzip <= budget ? 'ok' : 'OVER BUDGET';
  console.log(`lazy chunk ${name} (after start only): ${gzip} bytes gzip (budget ${budget}) ${verdict}`);
  if (gzip > budget) failed = true;
}
const unknown = chunks.filter((file) => !Object.keys(CHUNK_BUDGETS).some((name) => file.startsWith(`share-link-embed-${name}-`)));
if (unknown.length) {
  console.log(`lazy chunks without a budget: ${unknown.join(', ')} FAILED`);
  failed = true;
}
if (failed) {
  console.error('A bundle or chunk grew over its budget: find what added the bytes (node bench/sizes.mjs <file>) before raising it.');
  process.exit(1);
}
