/**
 * `npm start`: the demo page and the reference API (seeded with the demo fixtures, in memory) on one
 * origin, http://127.0.0.1:5173. `npm run build`: the two self-contained browser bundles in dist/.
 */
import { getRequestListener } from '@hono/node-server';
import { transform } from 'esbuild';
import { defineConfig, type Plugin } from 'vite';
import { FIXTURES_DIR, createApp } from './server/app.ts';
import { DEMO_DATA_FILE } from './server/paths.ts';
import { EmbeddedStore, loadDataFile } from './server/store.ts';
import { DEMO_API_KEY } from './demo/config.ts';

function referenceApi(): Plugin {
  return {
    name: 'share-link-reference-api',
    async configureServer(server) {
      const store = new EmbeddedStore(await loadDataFile(DEMO_DATA_FILE));
      const app = createApp({ store, apiKey: DEMO_API_KEY, staticRoot: FIXTURES_DIR });
      const listener = getRequestListener(app.fetch);
      server.middlewares.use((req, res, next) => {
        if (req.url?.startsWith('/v1/') || req.url?.startsWith('/media/')) void listener(req, res);
        else next();
      });
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
    async transform(code, id) {
      if (!id.endsWith('/src/styles.ts')) return null;
      const template = /css`([^`]*)`/.exec(code);
      if (!template) throw new Error('src/styles.ts: expected one css`` template');
      if (template[1]!.includes('${')) throw new Error('src/styles.ts: the stylesheet must not interpolate');
      const { code: minified } = await transform(template[1]!, { loader: 'css', minify: true });
      return { code: code.replace(template[0], `css\`${minified.trim()}\``), map: null };
    },
  };
}

export default defineConfig({
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  plugins: [referenceApi(), minifyStyles()],
  build: {
    outDir: 'dist',
    target: 'es2021',
    sourcemap: true,
    emptyOutDir: false,
    rolldownOptions: {
      // The classic (IIFE) bundle has no import.meta; it finds its origin through document.currentScript.
      checks: { emptyImportMeta: false },
      // Library mode leaves ES output unminified for other bundlers; these files go straight to browsers.
      output: { minify: true },
    },
    lib: {
      entry: 'src/bundle.ts',
      name: 'ShareLinkEmbed',
      formats: ['es', 'iife'],
      fileName: (format) => (format === 'es' ? 'share-link-embed.js' : 'share-link-embed.iife.js'),
    },
  },
});
