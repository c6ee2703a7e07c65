import { fileURLToPath } from 'node:url';

/** The folder of the demo fixtures: `demo.json` and the avatars under `media/`. */
export const FIXTURES_DIR = fileURLToPath(new URL('./fixtures', import.meta.url));
export const DEMO_DATA_FILE = `${FIXTURES_DIR}/demo.json`;

/** The built browser bundles, when `npm run build` has made them. */
export const DIST_DIR = fileURLToPath(new URL('../dist', import.meta.url));
