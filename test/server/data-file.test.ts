/**
 * `--persist` when the disk misbehaves, through the real CLI process: durable or nothing (a change
 * that cannot be written is undone and answered 503, and memory and file agree), and the data file
 * treated with care (mode, owner, symlinks, stale temporary files).
 *
 * Full and read-only disks are real: small tmpfs mounts, which need root (CI runs as root).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import {
  copyFile,
  chmod,
  chown,
  lstat,
  mkdir,
  mkdtemp,
  open,
  readFile,
  readdir,
  readlink,
  rmdir,
  stat,
  symlink,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  API_KEY,
  DEMO_DATA,
  LOAD_TEST_ARGS,
  copyOfDemoData,
  runApiToExit,
  startApi,
  type RunningApi,
} from '../../scripts/api-process.ts';

const run = promisify(execFile);
const auth = { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' };
const LEO = '9b2e7d14-5a3c-4f86-b0d9-6c1a8e4f2b37';

const running: RunningApi[] = [];
const mounts: string[] = [];
after(async () => {
  await Promise.all(running.map((api) => api.stop('SIGKILL')));
  for (const dir of mounts) {
    await run('umount', ['-l', dir]).catch(() => undefined);
    await rmdir(dir).catch(() => undefined);
  }
});

async function launch(data: string) {
  const api = await startApi({ data, persist: true, extra: LOAD_TEST_ARGS });
  running.push(api);
  return api;
}

/** A small tmpfs holding a copy of the demo data; resolves with the data file's path. */
async function dataOnTmpfs(size = '256k'): Promise<{ dir: string; data: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'share-link-tmpfs-'));
  await run('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir]).catch((error) => {
    throw new Error(`these tests mount a small tmpfs and must run as root: ${error.stderr || error.message}`);
  });
  mounts.push(dir);
  const data = join(dir, 'data.json');
  await copyFile(DEMO_DATA, data);
  return { dir, data };
}

const remount = (dir: string, mode: 'ro' | 'rw') => run('mount', ['-o', `remount,${mode}`, dir]);

/** Fills the file system until it refuses another byte; resolves with the filler's path. */
async function fillDisk(dir: string): Promise<string> {
  const filler = join(dir, 'filler');
  const handle = await open(filler, 'w');
  try {
    for (const size of [65536, 4096, 1]) {
      try {
        for (;;) await handle.write(Buffer.alloc(size, 1));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    await handle.close();
  }
  return filler;
}

const request = async (
  api: RunningApi,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = auth,
) => {
  const response = await fetch(`${api.base}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    body: response.status === 204 ? null : ((await response.json()) as Record<string, unknown>),
  };
};
const start = (api: RunningApi, token: string) =>
  request(api, 'POST', `/v1/embed/${token}/sessions`, undefined, { Origin: 'https://page.example' });
const createLink = async (api: RunningApi, fields: Record<string, unknown> = {}) => {
  const { status, body } = await request(api, 'POST', '/v1/share-links', {
    personaId: LEO,
    allowAllOrigins: true,
    ...fields,
  });
  assert.equal(status, 201);
  return body as { id: string; token: string };
};
const onDisk = async (data: string, id: string) =>
  (
    JSON.parse(await readFile(data, 'utf8')) as { shareLinks: { id: string; usageCount: number; enabled: boolean }[] }
  ).shareLinks.find((link) => link.id === id);
const temporaryFiles = async (dir: string) => (await readdir(dir)).filter((name) => name.includes('.tmp-'));

describe('durable or nothing', () => {
  it('on a full disk, starts, creates, patches and deletes answer 503 and change nothing, in memory or on disk', async () => {
    const { dir, data } = await dataOnTmpfs();
    const api = await launch(data);
    const link = await createLink(api, { usageLimit: 3 });
    const filler = await fillDisk(dir);
    const fileBefore = await readFile(data, 'utf8');

    for (let attempt = 0; attempt < 3; attempt++) {
      assert.deepEqual(await start(api, link.token), {
        status: 503,
        body: { error: 'server', message: 'The server failed; try again later.' },
      });
    }
    assert.equal((await request(api, 'PATCH', `/v1/share-links/${link.id}`, { enabled: false })).status, 503);
    assert.equal((await request(api, 'POST', '/v1/share-links', { personaId: LEO })).status, 503);
    assert.equal((await request(api, 'DELETE', `/v1/share-links/${link.id}`)).status, 503);

    const inMemory = (await request(api, 'GET', `/v1/share-links/${link.id}`)).body!;
    assert.equal(inMemory['usageCount'], 0, 'three refused starts used nothing up');
    assert.equal(inMemory['enabled'], true, 'the refused patch took no effect');
    assert.equal(
      ((await request(api, 'GET', '/v1/share-links')).body!['meta'] as { total: number }).total,
      13,
      'no link created, none deleted',
    );
    assert.equal(await readFile(data, 'utf8'), fileBefore);
    assert.deepEqual(await temporaryFiles(dir), [], 'no half-written temporary file left');

    await unlink(filler);
    const started = await start(api, link.token);
    assert.equal(started.status, 201);
    assert.equal(started.body!['usageCount'], 1);
    assert.equal((await onDisk(data, link.id))?.usageCount, 1, 'memory and disk agree');
  });

  it('on a file system that turns read-only, the same; writable again, it works again', async () => {
    const { dir, data } = await dataOnTmpfs();
    const api = await launch(data);
    const link = await createLink(api, { usageLimit: 3 });
    await remount(dir, 'ro');
    try {
      assert.equal((await start(api, link.token)).status, 503);
      assert.equal((await request(api, 'PATCH', `/v1/share-links/${link.id}`, { usageLimit: 1 })).status, 503);
      const inMemory = (await request(api, 'GET', `/v1/share-links/${link.id}`)).body!;
      assert.equal(inMemory['usageCount'], 0);
      assert.equal(inMemory['usageLimit'], 3);
    } finally {
      await remount(dir, 'rw');
    }
    assert.equal((await start(api, link.token)).status, 201);
    assert.equal((await onDisk(data, link.id))?.usageCount, 1);
  });

  it('refuses to start with --persist on a data file it cannot write: one line, exit 1', async () => {
    const readOnly = await dataOnTmpfs();
    await remount(readOnly.dir, 'ro');
    const full = await dataOnTmpfs();
    await fillDisk(full.dir);
    for (const [data, error] of [
      [readOnly.data, /EROFS|read-only/],
      [full.data, /ENOSPC|no space/],
    ] as const) {
      const { code, output } = await runApiToExit(['--data', data, '--persist']);
      assert.equal(code, 1);
      assert.equal(output.trim().split('\n').length, 1, output);
      assert.match(
        output,
        new RegExp(`^share-link-api: --persist: cannot write the data file ${data.replaceAll('.', '\\.')}: `),
      );
      assert.match(output, error);
    }
    // Without --persist the file is only read: the same files serve.
    const api = await startApi({ data: readOnly.data });
    running.push(api);
    assert.equal((await start(api, 'sh_2kL9pQxYzR4vN8mBwHfJc')).status, 201);
  });
});

describe('the data file, treated with care', () => {
  it('keeps its mode and owner through a persisted write', async () => {
    const data = await copyOfDemoData();
    await chmod(data, 0o600);
    await chown(data, 4321, 4322);
    const api = await launch(data);
    await createLink(api);
    const after = await stat(data);
    assert.equal(after.mode & 0o7777, 0o600);
    assert.deepEqual([after.uid, after.gid], [4321, 4322]);
    assert.match(await readFile(data, 'utf8'), /SECRET-PROMPT/, 'the secrets are still there');
    assert.deepEqual(await temporaryFiles(join(data, '..')), []);
  });

  it('writes the target of a symlink and leaves the link a link', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'share-link-symlink-'));
    await mkdir(join(dir, 'real'));
    await copyFile(DEMO_DATA, join(dir, 'real', 'data.json'));
    await chmod(join(dir, 'real', 'data.json'), 0o640);
    await symlink('real/data.json', join(dir, 'data.json'));
    const api = await launch(join(dir, 'data.json'));
    const link = await createLink(api);
    assert.ok((await lstat(join(dir, 'data.json'))).isSymbolicLink());
    assert.equal(await readlink(join(dir, 'data.json')), 'real/data.json');
    assert.ok(await onDisk(join(dir, 'real', 'data.json'), link.id), 'the target holds the change');
    assert.equal((await stat(join(dir, 'real', 'data.json'))).mode & 0o7777, 0o640);
    assert.deepEqual([...(await temporaryFiles(dir)), ...(await temporaryFiles(join(dir, 'real')))], []);
  });

  it('removes temporary files a killed process left behind, and only those', async () => {
    const data = await copyOfDemoData();
    const dir = join(data, '..');
    const deadPid = await new Promise<number>((resolve) => {
      const child = spawn('true');
      child.once('exit', () => resolve(child.pid!));
    });
    const stale = [`data.json.tmp-${deadPid}-1`, `data.json.tmp-${deadPid}-7`];
    for (const name of stale) await writeFile(join(dir, name), '{"personas": [', { mode: 0o600 });
    await writeFile(join(dir, 'other.json.tmp-1-1'), 'not ours');
    await launch(data);
    assert.deepEqual(await readdir(dir).then((names) => names.sort()), ['data.json', 'other.json.tmp-1-1']);
  });
});
