/**
 * `npm start`: the demo page and the reference API (seeded with the demo fixtures, in memory) on one
 * origin, http://127.0.0.1:5173. `npm run build`: the two self-contained browser bundles in dist/.
 */
import { getRequestListener } from '@hono/node-server';
import { transform } from 'esbuild';
import { build as viteBuild, defineConfig, type Plugin, type Rolldown } from 'vite';
import type { Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createAnalytics } from './server/analytics.ts';
import { FIXTURES_DIR, createApi } from './server/app.ts';
import { engineConfigFromEnv } from './server/engines.ts';
import { generateSessionSecret } from './server/session-token.ts';
import { DEMO_DATA_FILE, DIST_DIR } from './server/paths.ts';
import { precompress, writeDeliveryFiles } from './server/bundle-files.ts';
import { EmbeddedStore, loadDataFile } from './server/store/index.ts';
import { createWebhookDispatcher, shownWebhookUrl, webhookConfigFromEnv } from './server/webhooks.ts';
import { DEMO_API_KEY } from './demo/config.ts';
import { CONVERSATION_PAGE_ENTRY } from './server/conversation-page.ts';
import { FALLBACK_LANGUAGE, LANGUAGES } from './src/i18n/languages.ts';

function referenceApi(): Plugin {
  return {
    name: 'share-link-reference-api',
    async configureServer(server) {
      const store = new EmbeddedStore(await loadDataFile(DEMO_DATA_FILE));
      // The operator's side (docs/operators.md): analytics for the console's charts, and webhooks
      // when SHARE_LINK_WEBHOOK_URL and SHARE_LINK_WEBHOOK_SECRET are set.
      const analytics = createAnalytics({ store });
      analytics.start();
      const webhookConfig = webhookConfigFromEnv(process.env);
      const dispatcher = webhookConfig && createWebhookDispatcher({ store, config: webhookConfig });
      dispatcher?.start();
      const api = createApi({
        store,
        apiKey: DEMO_API_KEY,
        staticRoot: FIXTURES_DIR,
        bundleDir: DIST_DIR,
        sessionSecret: generateSessionSecret(),
        engines: engineConfigFromEnv(),
        analytics,
        webhooks: dispatcher ? { dispatcher, url: shownWebhookUrl(webhookConfig.url) } : undefined,
      });
      const listener = getRequestListener(api.app.fetch);
      // The API's paths: endpoints, media, share pages (/s/...), conversation pages (/c/...), its
      // own apps (the console) and their scripts (/pages/...), the bundles they load from this
      // origin, versioned (/v/{version}/...) or not, and the build's integrity.json.
      const apiPath =
        /^\/(v1\/|media\/|s\/|c\/|pages\/|console(\/|\?|$)|v\/[\w.+-]+\/|integrity\.json(\?|$)|share-link-embed[-.\w]*\.js(\.map)?(\?|$))/;
      server.middlewares.use((req, res, next) => {
        if (apiPath.test(req.url ?? '')) void listener(req, res);
        else next();
      });
      // The API's WebSockets (the scripted engine, conversation channels and pages) beside Vite's
      // own hot-reload socket (other paths are Vite's).
      if (server.httpServer) {
        api.serve(server.httpServer as Server);
        server.httpServer.once('close', () => void api.close());
      }
      server.httpServer?.once('close', () => {
        void dispatcher?.stop();
        void analytics.close();
      });
      server.httpServer?.once('listening', () => {
        server.config.logger.info(
          `  reference API: /v1 on the same origin (demo fixtures, in memory; management key "${DEMO_API_KEY}")`,
        );
        const address = server.httpServer?.address();
        const port = typeof address === 'object' && address ? address.port : 5173;
        server.config.logger.info(
          `  console: http://127.0.0.1:${port}/console (management key "${DEMO_API_KEY}"): links, analytics, webhooks`,
        );
        server.config.logger.info(
          '  second origin: open http://localhost:5173/ to see origin-restricted links refused',
        );
      });
    },
  };
}

/**
 * Minifies the widget's one stylesheet (the css`` template in src/styles.ts) at build time: Lit
 * ships template text as written, and every byte of the bundle lands on someone else's page.
 */
function minifyStyles(): Plugin {
  return {
    name: 'share-link-minify-styles',
    apply: 'build',
    // Before TypeScript is stripped, so the `/* css */` marker is still there.
    enforce: 'pre',
    async transform(code, id) {
      if (!/\/src\/(styles|conversation\/styles|render\/orb-styles)\.ts$/.test(id)) return null;
      const template = /(css|\/\* css \*\/ )`([^`]*)`/.exec(code);
      if (!template) throw new Error(`${id}: expected one css\`\` template`);
      if (template[2]!.includes('${')) throw new Error(`${id}: the stylesheet must not interpolate`);
      const { code: minified, warnings } = await transform(template[2]!, { loader: 'css', minify: true });
      // What esbuild doubts (a typo, an unknown property) fails the build: no linter reads these strings.
      if (warnings.length) throw new Error(`${id}: ${warnings.map((warning) => warning.text).join('; ')}`);
      // esbuild keeps the space before a custom property's value and a var()'s fallback; neither matters.
      const tight = minified
        .trim()
        .replace(/(--[\w-]+): /g, '$1:')
        .replace(/var\((--[\w-]+), /g, 'var($1,');
      return { code: code.replace(template[0], `${template[1]}\`${tight}\``), map: null };
    },
  };
}

const ROOT = fileURLToPath(new URL('.', import.meta.url));
/** ES2022: native #private fields (no WeakMap helpers), and no `static {}` blocks in src/ (Safari 15 runs it). */
const TARGET = 'es2022';
/** A lazy chunk, its map, or a precompressed copy (see `deliveryFiles`). */
const CHUNK_FILE = /^share-link-embed-[\w-]+\.js(\.map|\.br|\.gz)?$/;

/**
 * The lazy chunks, beside the bundles in dist/, each `share-link-embed-<name>-<hash>.js`: the
 * conversation's controller (and one chunk per engine's adapter, each with its SDK, and what they
 * share), the proof-of-work solver (`challenge`), the orb, and one per language of the registry (src/i18n/languages.ts), named by its code;
 * English is built in, but for its error messages (`errors`). They are built first, as ES modules
 * of their own that import nothing from the bundles, because the classic (IIFE) bundle can neither
 * split nor export. Both bundles then load them by absolute URL, resolved against their own URL:
 * every `import('./x.js')` in src/ must target one of LAZY_ENTRIES, and is rewritten to that.
 */
const LAZY_GROUPS: Record<string, string>[] = [
  // Built apart from the others, so that no module they share becomes a chunk of its own: an orb
  // or a language is then one file, never two.
  { conversation: 'src/conversation/controller.ts' },
  // Proofs of work (docs/security.md): the solver and its worker, for links that ask for one.
  { challenge: 'src/challenge/prove.ts' },
  {
    ...Object.fromEntries(
      Object.keys(LANGUAGES).map((code) =>
        code === FALLBACK_LANGUAGE ? ['errors', 'src/i18n/en-errors.ts'] : [code, `src/i18n/${code}.ts`],
      ),
    ),
    orb: 'src/render/orb.ts',
  },
];
const LAZY_ENTRIES: Record<string, string> = Object.assign({}, ...LAZY_GROUPS);

function lazyChunks(): Plugin {
  let files: Promise<Map<string, string>> | undefined;
  const sources = new Map(Object.entries(LAZY_ENTRIES).map(([name, source]) => [`${ROOT}${source}`, name]));
  return {
    name: 'share-link-lazy-chunks',
    apply: 'build',
    buildStart() {
      files ??= buildChunks();
    },
    async transform(code, id) {
      if (!id.startsWith(`${ROOT}src/`) || !code.includes('import(')) return null;
      const built = await files!;
      let rewritten = false;
      const out = code.replace(/import\((['"])(\.{1,2}\/[^'"]+)\.js\1\)/g, (whole, _quote, path: string) => {
        const name = sources.get(fileURLToPath(new URL(`${path}.ts`, `file://${id}`)));
        // Left as it is, the import would point beside the bundle at a file that is not there.
        if (!name) throw new Error(`${id}: ${whole} is not a lazy chunk (vite.config.ts, LAZY_GROUPS)`);
        rewritten = true;
        return `import(new URL(${JSON.stringify(built.get(name))}, __LAZY_BUNDLE_URL__).href)`;
      });
      if (!rewritten) return null;
      const bundleUrl = JSON.stringify(fileURLToPath(new URL('src/bundle-url.ts', `file://${ROOT}`)));
      return { code: `import { BUNDLE_URL as __LAZY_BUNDLE_URL__ } from ${bundleUrl};\n${out}`, map: null };
    },
  };
}

/** Builds LAZY_ENTRIES, one build per group; returns each entry's file name. */
async function buildChunks(): Promise<Map<string, string>> {
  const outDir = `${ROOT}dist`;
  for (const name of await readdir(outDir).catch(() => [] as string[])) {
    if (CHUNK_FILE.test(name)) await rm(`${outDir}/${name}`);
  }
  const built = new Map<string, string>();
  for (const group of LAZY_GROUPS) {
    for (const [name, file] of await buildGroup(outDir, group)) built.set(name, file);
  }
  for (const name of Object.keys(LAZY_ENTRIES))
    if (!built.has(name)) throw new Error(`the lazy chunk ${name} was not built`);
  return built;
}

async function buildGroup(outDir: string, group: Record<string, string>): Promise<Map<string, string>> {
  const result = await viteBuild({
    root: ROOT,
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    plugins: [minifyStyles()],
    build: {
      outDir,
      emptyOutDir: false,
      target: TARGET,
      sourcemap: true,
      minify: true,
      // Every lazy chunk has its own byte budget in scripts/check-size.mjs (gzip, as served; 8 KB
      // unless listed), which fails `npm test` when one grows. Vite's single limit (500 kB before
      // compression) would only tell every `npm start` that the ElevenLabs adapter is large: its SDK
      // with LiveKit's WebRTC client, known, budgeted, and loaded only after start for that engine's
      // personas (docs/performance.md).
      chunkSizeWarningLimit: Number.POSITIVE_INFINITY,
      rolldownOptions: {
        input: Object.fromEntries(Object.entries(group).map(([name, source]) => [name, `${ROOT}${source}`])),
        preserveEntrySignatures: 'exports-only',
        output: {
          format: 'es',
          entryFileNames: 'share-link-embed-[name]-[hash].js',
          // Adapters keep their names; code they share (valibot) is `shared`.
          chunkFileNames: (chunk) =>
            chunk.isDynamicEntry ? 'share-link-embed-[name]-[hash].js' : 'share-link-embed-shared-[hash].js',
        },
      },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const built = new Map<string, string>();
  for (const file of outputs.flatMap((output) => output.output)) {
    if (file.type === 'chunk' && file.isEntry) built.set(file.name, file.fileName);
  }
  return built;
}

/**
 * After the bundles and chunks are written: their Brotli and gzip copies beside them, and
 * `dist/integrity.json` (their version and sha384 hashes) for versioned URLs and Subresource
 * Integrity (docs/delivery.md; server/bundle-files.ts).
 */
function deliveryFiles(): Plugin {
  const { version } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string };
  return {
    name: 'share-link-delivery-files',
    apply: 'build',
    async closeBundle() {
      await writeDeliveryFiles(`${ROOT}dist`, version);
    },
  };
}

/**
 * The API's own pages: apps of their own (Lit, split into chunks), which the widget never loads.
 * Built after the bundles into dist/pages/ as ES modules with hashed names and one Vite manifest
 * (dist/pages/manifest.json), from which the API finds each page's entry and serves the files at
 * /pages/ (server/pages.ts), precompressed like the bundles. One line per page, named as the API
 * names it; code that two pages share (Lit) becomes a chunk of its own, loaded once.
 */
const PAGE_ENTRIES: Record<string, string> = {
  // The operator's console, GET /console (docs/operators.md, "Console").
  console: 'console/main.ts',
  // A conversation's page, GET /c/{capability} (docs/conversations.md, "The conversation page").
  [CONVERSATION_PAGE_ENTRY]: 'pages/conversation/main.ts',
};

function pageApps(): Plugin {
  let built: Promise<void> | undefined;
  return {
    name: 'share-link-page-apps',
    apply: 'build',
    // After the bundles (the lib build may close once per format: the pages are built once).
    async closeBundle() {
      await (built ??= buildPages());
    },
  };
}

async function buildPages(): Promise<void> {
  const outDir = `${ROOT}dist/pages`;
  await viteBuild({
    root: ROOT,
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    build: {
      outDir,
      emptyOutDir: true,
      target: TARGET,
      sourcemap: true,
      minify: true,
      manifest: 'manifest.json',
      // Module preloads are links the pages' own scripts add: no polyfill, no inline script.
      modulePreload: { polyfill: false },
      rolldownOptions: {
        // Rolldown inlines a constant at every use: tldts' public-suffix table (one 50 KB string,
        // read in three places) would be copied three times into the link editor's chunk.
        optimization: { inlineConst: false },
        input: Object.fromEntries(Object.entries(PAGE_ENTRIES).map(([name, source]) => [name, `${ROOT}${source}`])),
        output: {
          format: 'es',
          entryFileNames: '[name]-[hash].js',
          // A view's chunk (console/analytics/view.ts) is named by its folder: analytics-<hash>.js.
          chunkFileNames: (chunk) =>
            /\/view\.ts$/.test(chunk.facadeModuleId ?? '')
              ? `${chunk.facadeModuleId!.split('/').at(-2)}-[hash].js`
              : '[name]-[hash].js',
        },
      },
    },
  });
  const scripts = (await readdir(outDir)).filter((name) => name.endsWith('.js'));
  await Promise.all(scripts.map((name) => precompress(`${outDir}/${name}`)));
}

export default defineConfig({
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  plugins: [referenceApi(), minifyStyles(), lazyChunks(), deliveryFiles(), pageApps()],
  build: {
    outDir: 'dist',
    target: TARGET,
    sourcemap: true,
    emptyOutDir: false,
    rolldownOptions: {
      // The classic (IIFE) bundle has no import.meta; it finds its origin through document.currentScript.
      checks: { emptyImportMeta: false },
      output: {
        // Library mode leaves ES output unminified for other bundlers; these files go straight to browsers.
        minify: true,
        // V8's explicit compile hint (Chrome 136+; others ignore it): compile every function of the
        // entry while the file streams in, on a background thread, instead of each one on the main
        // thread when first called, which delayed the link by several ms after its answer arrived
        // (bench/trace.ts). Only entries: lazy chunks hold code that most visits never run.
        postBanner: (chunk) => (chunk.isEntry ? '//# allFunctionsCalledOnLoad' : ''),
      },
    },
    lib: {
      entry: 'src/bundle.ts',
      name: 'ShareLinkEmbed',
      formats: ['es', 'iife'],
      fileName: (format) => (format === 'es' ? 'share-link-embed.js' : 'share-link-embed.iife.js'),
    },
  },
});
