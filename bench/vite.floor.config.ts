// Builds the benchmark's floor element the same way as the widget: one minified ES module.
import { defineConfig } from 'vite';

export default defineConfig({
  logLevel: 'warn',
  build: {
    outDir: 'bench/.out',
    emptyOutDir: true,
    target: 'es2021',
    rolldownOptions: { output: { minify: true } },
    lib: { entry: 'bench/floor.ts', formats: ['es'], fileName: () => 'floor.js' },
  },
});
