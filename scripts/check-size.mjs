/**
 * Fails when what loads before `share-link-ready` (the critical path) or any lazy chunk grows past
 * its budget. Sizes are the bytes on the wire: each file's gzip copy as the API serves it (the
 * build precompresses every bundle and chunk at gzip -9 and Brotli 11, docs/delivery.md); Brotli,
 * which browsers get, is printed beside it. Run after `vite build`.
 *
 * The critical path of the ES module is its entry plus every file the entry imports statically,
 * transitively; the classic script's is the script and the ES chunks it imports statically, the
 * same way. Dynamic `import()`s are lazy chunks: each has its own budget. `npm run bench` measures
 * the same thing from the browser's network (bench/results.md, "Critical path").
 *
 * Whatever its budget, no critical path may exceed WIRE_LIMIT (15.5 KB) compressed. The
 * performance issue's target is 12 KB (12,288 bytes) of critical path per bundle; the bundles are
 * not there yet (see docs/performance.md, "What remains"). Until they are, each budget sits just
 * above the size reached, so any growth fails the tests; lower it whenever a change makes things smaller.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';

export const TARGET = 12 * 1024;
/** No critical path may be larger on the wire, compressed (delivery: 15.5 KB). */
export const WIRE_LIMIT = 15.5 * 1024;

/** Critical path budgets, by entry file. */
export const CRITICAL_PATH_BUDGETS = {
  // 15,170 / 15,145 B before delivery; the poster requested beside the link (its URL, high priority
  // in the first viewport, its referrer policy: about 100 B), the warm-up on intent (pointerenter and
  // focus on the start button, an orb opening: about 50 B) and the poster's URL in the template
  // cost 170 B (docs/delivery.md, "What it costs"). The protections (docs/security.md) then 292 B
  // and 290 B: the `embed-token` attribute and its query parameter, three error reasons, the link's
  // `challenge`, and the intent that loads the lazy challenge chunk and sends its proof with the start
  // (the solver and its worker are that chunk). Not yet paid back by a saving elsewhere. Then 15 B
  // for the lookup's preload: the element asks in the preload's credentials mode (another origin)
  // or `omit` (its own), which took 0.5 s off the player's LCP under slow 4G (docs/performance.md).
  // Then 160 B for the poster in the page (docs/delivery.md): the `poster` slot in the loading box
  // and the player, and adopting the page's image for the link (its URL, its decoding).
  'share-link-embed.js': 15_830,
  'share-link-embed.iife.js': 15_800,
};
/**
 * Lazy chunk budgets: the first pattern that matches the file name wins. A chunk that needs more
 * than the default (a vendor SDK inside an engine adapter, say) gets its own line here, with a
 * reason beside it.
 */
export const CHUNK_BUDGETS = [
  // English error messages, loaded when an error is first shown (other languages carry their own).
  [/^share-link-embed-errors-/, 600],
  // The orb's behaviour, renderer and stylesheet, loaded once a link says ORB_EMBED.
  [/^share-link-embed-orb-/, 2_100],
  // Each language of src/i18n/languages.ts but English, named by its code: all of a language's
  // words, its error messages and its conversation's included, with a person's takeover and the
  // protections' reasons (940–1,081 B; Japanese is the largest, its characters compress least).
  // Loaded only by visitors of that language, beside the link, never before it.
  [/^share-link-embed-[a-z]{2,3}-[\w-]{8}\.js$/, 1_150],
  // Proofs of work: the solver (SHA-256 included) and its blob: worker, loaded on intent for links that ask for one.
  [/^share-link-embed-challenge-/, 2_100],
  // Engine adapters bundle their vendor's SDK; they load only after start, for that engine's personas.
  [/^share-link-embed-anam-/, 28_500], // @anam-ai/js-sdk 4.27
  [/^share-link-embed-elevenlabs-/, 156_000], // @elevenlabs/client 1.25 with LiveKit's WebRTC client
  [/.*/, 8_192],
];

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

/** The size of a file's served copy in `encoding` (its precompressed file), else of compressing it now. */
const servedSize = (file, suffix, compress) => {
  const copy = join(DIST, file + suffix);
  return (existsSync(copy) ? readFileSync(copy) : compress(readFileSync(join(DIST, file)))).length;
};
export const gzipSize = (file) => servedSize(file, '.gz', (bytes) => gzipSync(bytes, { level: 9 }));
export const brotliSize = (file) => servedSize(file, '.br', (bytes) => brotliCompressSync(bytes));

/** The chunks a file imports statically (not `import()`), by file name. */
export function staticImports(file) {
  const code = readFileSync(join(DIST, file), 'utf8');
  const found = new Set();
  for (const match of code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{}\s,]*?from\s*)?["']\.\/([^"']+)["']/g))
    found.add(match[1]);
  return [...found];
}

/** The entry and everything it needs before it can run. */
export function criticalPath(entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    staticImports(file).forEach(visit);
  };
  visit(entry);
  return [...seen];
}

/**
 * Every chunk the entries can load, now or later: the files whose names appear in their code or in
 * the code of a chunk they reach. (dist/ is not emptied between builds, so it may hold stale files.)
 */
export function lazyChunks(entries) {
  const all = readdirSync(DIST).filter((file) => file.endsWith('.js'));
  const reached = new Set(entries);
  const queue = [...entries];
  while (queue.length) {
    const code = readFileSync(join(DIST, queue.pop()), 'utf8');
    for (const file of all) {
      if (!reached.has(file) && code.includes(file)) {
        reached.add(file);
        queue.push(file);
      }
    }
  }
  return [...reached].filter((file) => !entries.includes(file));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!existsSync(DIST)) {
    console.error('dist/ is missing: run `vite build` first.');
    process.exit(1);
  }
  let failed = false;
  const onPath = new Set();
  for (const [entry, budget] of Object.entries(CRITICAL_PATH_BUDGETS)) {
    const files = criticalPath(entry);
    files.forEach((file) => onPath.add(file));
    const total = files.reduce((sum, file) => sum + gzipSize(file), 0);
    const brotli = files.reduce((sum, file) => sum + brotliSize(file), 0);
    const within = total <= budget && total <= WIRE_LIMIT;
    if (!within) failed = true;
    console.log(
      `critical path of ${entry}: ${total} bytes gzip, ${brotli} Brotli (${files.map((file) => `${file} ${gzipSize(file)}`).join(' + ')}; budget ${budget}, at most ${WIRE_LIMIT}, target ${TARGET}) ${within ? 'ok' : 'OVER BUDGET'}`,
    );
  }
  const chunks = lazyChunks(Object.keys(CRITICAL_PATH_BUDGETS)).filter((file) => !onPath.has(file));
  for (const file of chunks) {
    const [pattern, budget] = CHUNK_BUDGETS.find(([pattern]) => pattern.test(file));
    const size = gzipSize(file);
    const verdict = size <= budget ? 'ok' : 'OVER BUDGET';
    if (size > budget) failed = true;
    console.log(
      `lazy chunk ${file}: ${size} bytes gzip (budget ${budget}${pattern.source === '.*' ? ', the default' : ''}) ${verdict}`,
    );
  }
  if (!chunks.length) console.log('lazy chunks: none');
  if (failed) {
    console.error(
      'Over budget: find what added the bytes (node bench/sizes.mjs dist/<file>) before raising a budget in scripts/check-size.mjs.',
    );
    process.exit(1);
  }
}
