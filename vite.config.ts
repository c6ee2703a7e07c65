/**
 * `npm start`: the demo page and the reference API (seeded with the demo fixtures, in memory) on one
 * origin, http://127.0.0.1:5173. `npm run build`: the two self-contained browser bundles in dist/.
 */
import { getRequestListener } from '@hono/node-server';
import { transform } from 'esbuild';
import { build as viteBuild, defineConfig, type Plugin, type Rolldown } from 'vite';
import type { Server } from 'node:http';
import { readdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { FIXTURES_DIR, createApp } from './server/app.ts';
import { engineConfigFromEnv } from './server/engines.ts';
import { attachScriptedEngine } from './server/scripted-engine.ts';
import { generateSessionSecret, verifySessionToken } from './server/session-token.ts';
import { DEMO_DATA_FILE, DIST_DIR } from './server/paths.ts';
import { EmbeddedStore, loadDataFile } from './server/store.ts';
import { DEMO_API_KEY } from './demo/config.ts';

function referenceApi(): Plugin {
  return {
    name: 'share-link-reference-api',
    async configureServer(server) {
      const store = new EmbeddedStore(await loadDataFile(DEMO_DATA_FILE));
      const sessionSecret = generateSessionSecret();
      const app = createApp({ store, apiKey: DEMO_API_KEY, staticRoot: FIXTURES_DIR, bundleDir: DIST_DIR, sessionSecret, engines: engineConfigFromEnv() });
      const listener = getRequestListener(app.fetch);
      // The API's paths: endpoints, media, share pages (/s/...) and the bundles they load from this origin.
      const apiPath = /^\/(v1\/|media\/|s\/|share-link-embed[-.\w]*\.js(\.map)?(\?|$))/;
      server.middlewares.use((req, res, next) => {
        if (apiPath.test(req.url ?? '')) void listener(req, res);
        else next();
      });
      // The scripted demo engine's WebSocket beside Vite's own hot-reload socket (other paths are Vite's).
      if (server.httpServer) {
        const engine = attachScriptedEngine(server.httpServer as Server, { verifySession: (token) => verifySessionToken(token, sessionSecret).valid });
        server.httpServer.once('close', () => void engine.close());
      }
      server.httpServer?.once('listening', () => {
        server.config.logger.info(`  reference API: /v1 on the same origin (demo fixtures, in memory; management key "${DEMO_API_KEY}")`);
        server.config.logger.info('  second origin: open http://localhost:5173/ to see origin-restricted links refused');
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
      if (!id.endsWith('/src/styles.ts') && !id.endsWith('/src/conversation/styles.ts')) return null;
      const template = /(css|\/\* css \*\/ )`([^`]*)`/.exec(code);
      if (!template) throw new Error(`${id}: expected one css\`\` template`);
      if (template[2]!.includes('${')) throw new Error(`${id}: the stylesheet must not interpolate`);
      const { code: minified } = await transform(template[2]!, { loader: 'css', minify: true });
      return { code: code.replace(template[0], `${template[1]}\`${minified.trim()}\``), map: null };
    },
  };
}

const ROOT = fileURLToPath(new URL('.', import.meta.url));
const CHUNK_FILE = /^share-link-embed-[\w-]+\.js(\.map)?$/;

/**
 * The conversation's lazy chunks, beside the bundles in dist/: `share-link-embed-conversation-*.js`
 * (the controller), one per engine's adapter (`-scripted-`, `-anam-`, `-elevenlabs-`, each with
 * its SDK) and what they share. They are built first, as ES modules of their own that import
 * nothing from the bundles, because the classic (IIFE) bundle can neither split nor export. Both
 * bundles then load the controller by absolute URL, resolved against their own URL: the one
 * `import('./controller.js')` of src/conversation/load.ts is rewritten to that.
 */
function conversationChunks(): Plugin {
  let controllerFile: Promise<string> | undefined;
  return {
    name: 'share-link-conversation-chunks',
    apply: 'build',
    buildStart() {
      controllerFile ??= buildChunks();
    },
    async transform(code, id) {
      if (!id.endsWith('/src/conversation/load.ts')) return null;
      const loader = /import\((['"])\.\/controller\.js\1\)/;
      if (!loader.test(code)) throw new Error(`${id}: expected import('./controller.js')`);
      const file = JSON.stringify(await controllerFile!);
      return { code: `import { BUNDLE_URL } from '../bundle-url.ts';\n${code.replace(loader, `import(/* @vite-ignore */ new URL(${file}, BUNDLE_URL).href)`)}`, map: null };
    },
  };
}

async function buildChunks(): Promise<string> {
  const outDir = `${ROOT}dist`;
  for (const name of await readdir(outDir).catch(() => [] as string[])) {
    if (CHUNK_FILE.test(name)) await rm(`${outDir}/${name}`);
  }
  const result = await viteBuild({
    root: ROOT,
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    plugins: [minifyStyles()],
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2021',
      sourcemap: true,
      minify: true,
      rolldownOptions: {
        input: { conversation: `${ROOT}src/conversation/controller.ts` },
        preserveEntrySignatures: 'exports-only',
        output: {
          format: 'es',
          entryFileNames: 'share-link-embed-[name]-[hash].js',
          // Adapters keep their names; code they share (valibot) is `shared`.
          chunkFileNames: (chunk) => (chunk.isDynamicEntry ? 'share-link-embed-[name]-[hash].js' : 'share-link-embed-shared-[hash].js'),
        },
      },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const entry = outputs.flatMap((output) => output.output).find((file) => file.type === 'chunk' && file.isEntry);
  if (!entry) throw new Error('the conversation chunk was not built');
  return entry.fileName;
}

export default defineConfig({
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  plugins: [referenceApi(), minifyStyles(), conversationChunks()],
  build: {
    outDir: 'dist',
    target: 'es2021',
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
