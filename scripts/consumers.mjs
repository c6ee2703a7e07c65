/**
 * Before the consumer tests (`npm run test:package`): installs the fixtures' dependencies once
 * (test/consumers, `npm ci`, again only when its package-lock.json changes), builds the package,
 * packs it with `npm pack` as the registry would receive it, and unpacks the tarball into
 * test/consumers/node_modules/share-link-embed, where the fixtures import it like any app.
 *
 * It records what the build did to the work tree (.tmp/pack/build-report.json): the tests check
 * that a build changes no tracked file and leaves nothing new behind.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONSUMERS = join(ROOT, 'test/consumers');
const PACK_DIR = join(ROOT, '.tmp/pack');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (command, args, cwd = ROOT) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function step(label, action) {
  try {
    return action();
  } catch (error) {
    console.error(`consumers: ${label} failed\n${error.stdout ?? ''}${error.stderr ?? error.message}`);
    process.exit(1);
  }
}

// 1. The fixtures' dependencies, from their lock file; skipped while the lock is unchanged.
const lockHash = createHash('sha256')
  .update(readFileSync(join(CONSUMERS, 'package-lock.json')))
  .digest('hex');
const stamp = join(CONSUMERS, 'node_modules/.installed-from-lock');
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lockHash) {
  console.log("consumers: installing the fixtures' dependencies (npm ci in test/consumers, once per lock file)");
  step('npm ci in test/consumers', () => run(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], CONSUMERS));
  writeFileSync(stamp, lockHash);
}

// 2. The build, watched: what git sees before and after.
const treeState = () => {
  const status = run('git', ['status', '--porcelain', '--untracked-files=all']);
  const diff = run('git', ['diff', 'HEAD', '--binary']);
  return { status, diffHash: createHash('sha256').update(diff).digest('hex') };
};
const before = treeState();
step('npm run build', () => run(npm, ['run', 'build', '--silent']));
const after = treeState();

// 3. The tarball, unpacked where an install would put it.
rmSync(PACK_DIR, { recursive: true, force: true });
mkdirSync(PACK_DIR, { recursive: true });
const [packed] = JSON.parse(step('npm pack', () => run(npm, ['pack', '--json', '--pack-destination', PACK_DIR])));
const tarball = join(PACK_DIR, packed.filename);
const installed = join(CONSUMERS, 'node_modules/share-link-embed');
rmSync(installed, { recursive: true, force: true });
mkdirSync(installed, { recursive: true });
step('unpacking the tarball', () => run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']));

writeFileSync(
  join(PACK_DIR, 'build-report.json'),
  JSON.stringify(
    {
      tarball,
      files: packed.files.map((file) => ({ path: file.path, size: file.size })),
      unpackedSize: packed.unpackedSize,
      before,
      after,
    },
    null,
    2,
  ),
);
console.log(
  `consumers: ${packed.filename}, ${packed.files.length} files, ${(packed.size / 1024).toFixed(1)} KB packed, unpacked into test/consumers/node_modules`,
);
