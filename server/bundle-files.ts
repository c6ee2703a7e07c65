/**
 * The built bundles as the API delivers them (docs/delivery.md): which files of the build a page
 * may load, their precompressed copies beside them (Brotli `.br`, gzip `.gz`), and the build's
 * manifest, `integrity.json`: its version and the Subresource Integrity hash of every such file.
 * The build writes them (vite.config.ts); the asset routes serve them (server/routes/assets.ts).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/** The two bundles and their lazy chunks (`share-link-embed-<name>-<hash>.js`): what a page may load. */
export const BUNDLE_FILE = /^share-link-embed(?:\.iife|-[\w-]+)?\.js$/;

/** The encodings the build precompresses, by `Content-Encoding`, with their file suffixes. */
export const PRECOMPRESSED = { br: '.br', gzip: '.gz' } as const;

/** The manifest's file name, beside the bundles. */
export const MANIFEST = 'integrity.json';

/** A version in a versioned URL: the package's semver (`1.2.3`, `1.2.3-beta.1`, `1.2.3+build.5`). */
export const VERSION = /^\d{1,9}\.\d{1,9}\.\d{1,9}(?:-[\w.]{1,64})?(?:\+[\w.]{1,64})?$/;

export interface BuildManifest {
  /** The package version the build was made from: the `{version}` of `/v/{version}/…`. */
  version: string;
  /** `sha384-…` (base64) of each file a page may load, by file name. */
  files: Record<string, string>;
}

/** The Subresource Integrity value of `bytes`: `sha384-` and the base64 digest. */
export const integrityOf = (bytes: Buffer): string => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/** Writes `path`'s Brotli and gzip copies beside it, at the highest levels (once, at build, not per request). */
export async function precompress(path: string, bytes: Buffer = readFileSync(path)): Promise<void> {
  const [br, gz] = await Promise.all([
    brotli(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
    gzipped(bytes, { level: 9 }),
  ]);
  writeFileSync(path + PRECOMPRESSED.br, br);
  writeFileSync(path + PRECOMPRESSED.gzip, gz);
}

/** Precompresses every bundle and chunk in `dir` (`precompress`), and writes `integrity.json`. Returns the manifest. */
export async function writeDeliveryFiles(dir: string, version: string): Promise<BuildManifest> {
  if (!VERSION.test(version)) throw new Error(`"${version}" is not a version a URL can carry (x.y.z)`);
  const names = readdirSync(dir)
    .filter((name) => BUNDLE_FILE.test(name))
    .sort();
  const files: Record<string, string> = {};
  await Promise.all(
    names.map(async (name) => {
      const bytes = readFileSync(join(dir, name));
      files[name] = integrityOf(bytes);
      await precompress(join(dir, name), bytes);
    }),
  );
  const manifest: BuildManifest = { version, files: Object.fromEntries(names.map((name) => [name, files[name]!])) };
  writeFileSync(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** The manifest of the build in `dir`, or `null` when there is none (not built) or it is unreadable. */
export function readBuildManifest(dir: string): BuildManifest | null {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as BuildManifest;
    return typeof manifest.version === 'string' && VERSION.test(manifest.version) ? manifest : null;
  } catch {
    return null;
  }
}
