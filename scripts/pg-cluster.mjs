/**
 * A throwaway PostgreSQL cluster in a temporary folder, on a free port of 127.0.0.1, for the tests,
 * the benchmark and CI. It starts in about a second and is removed when the process that started it
 * exits, however it exits: an `exit` hook stops it, and a small watchdog stops it after a crash or
 * a `kill -9` of that process.
 *
 *   node scripts/pg-cluster.mjs           starts one, prints its DATABASE_URL, stops it on Ctrl-C
 *   node scripts/pg-cluster.mjs --check   exits 1 with one line on how to install PostgreSQL
 *
 * `initdb` refuses to run as root, so as root the cluster belongs to the `postgres` user
 * (`runuser -u postgres --`); otherwise to the current user.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const INSTALL_HINT =
  'No PostgreSQL found: install it (Debian/Ubuntu: `apt-get install -y --no-upgrade postgresql`) or set PG_BIN to the folder holding initdb and pg_ctl.';

/** The folder holding `initdb` and `pg_ctl`: PG_BIN, else the newest /usr/lib/postgresql/<version>/bin, else PATH. */
export function findPostgresBin() {
  const configured = process.env.PG_BIN;
  if (configured) return existsSync(join(configured, 'initdb')) ? configured : null;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root).filter((version) => existsSync(join(root, version, 'bin/initdb')))
    : [];
  versions.sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  if (versions[0]) return join(root, versions[0], 'bin');
  for (const folder of (process.env.PATH ?? '').split(':')) {
    if (folder && existsSync(join(folder, 'initdb')) && existsSync(join(folder, 'pg_ctl'))) return folder;
  }
  return null;
}

const isRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL program as the cluster's owner. */
function asOwner(bin, program, args) {
  const path = join(bin, program);
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a cluster. `settings` are extra server settings (`-c name=value`); `fast: true` turns off
 * fsync, which tests may do (they test this project, not PostgreSQL's crash safety) and the
 * benchmark must not.
 *
 * @param {{ fast?: boolean, settings?: Record<string, string | number> }} [options]
 */
export async function startCluster(options = {}) {
  const bin = findPostgresBin();
  if (!bin) throw new Error(INSTALL_HINT);
  const dir = mkdtempSync(join(tmpdir(), 'share-link-pg-'));
  const data = join(dir, 'data');
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const [initdb, initdbArgs] = asOwner(bin, 'initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--no-sync',
    '--no-instructions',
  ]);
  await run(initdb, initdbArgs).catch((error) => {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${error.stderr || error.message}`);
  });

  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dir,
    max_connections: 200,
    ...(options.fast ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {}),
    ...options.settings,
  };
  let port = 0;
  const pgCtl = (args) => {
    const [command, commandArgs] = asOwner(bin, 'pg_ctl', ['-D', data, ...args]);
    return run(command, commandArgs);
  };
  const startServer = async () => {
    const serverOptions = [
      `-p ${port}`,
      ...Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`),
    ].join(' ');
    await pgCtl(['-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', serverOptions, 'start']);
  };
  // Another process may take the free port between the probe and the server's bind: try a few.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await startServer();
      break;
    } catch (error) {
      if (attempt >= 5) {
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`pg_ctl start failed: ${error.stderr || error.message}`);
      }
    }
  }

  const stopCommand = asOwner(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
  // The watchdog outlives a crashed or killed parent and cleans up after it.
  const watchdog = spawn(
    'sh',
    [
      '-c',
      'while kill -0 "$1" 2>/dev/null; do sleep 1; done; shift; "$@" >/dev/null 2>&1; rm -rf "$DIR"',
      'pg-cluster-watchdog',
      String(process.pid),
      stopCommand[0],
      ...stopCommand[1],
    ],
    { detached: true, stdio: 'ignore', env: { ...process.env, DIR: dir } },
  );
  watchdog.unref();

  let removed = false;
  const removeSync = () => {
    if (removed) return;
    removed = true;
    try {
      execFileSync(stopCommand[0], stopCommand[1], { stdio: 'ignore' });
    } catch {
      // Already stopped.
    }
    rmSync(dir, { recursive: true, force: true });
    try {
      watchdog.kill();
    } catch {
      // Already gone.
    }
  };
  process.once('exit', removeSync);

  return {
    host: '127.0.0.1',
    port,
    /** The URL of its `postgres` database (user `postgres`, no password). */
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    /** The URL of another database of this cluster. */
    urlOf: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    /** Creates a database and resolves with its URL. */
    async createDatabase(name) {
      await run(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name]);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    /** Stops the server (fast shutdown: open connections are cut), keeping its data. */
    async stopServer() {
      await pgCtl(['-m', 'fast', '-w', 'stop']);
    },
    /** Starts the server again on the same port, after `stopServer`. */
    startServer,
    /** Freezes the server and its backends (SIGSTOP): connections stay open and nothing answers, as on a hung host. */
    freeze: () => signalServer(data, 'SIGSTOP'),
    /** Lets a frozen server run again (SIGCONT). */
    thaw: () => signalServer(data, 'SIGCONT'),
    /** Stops the server and removes the cluster. */
    async stop() {
      process.removeListener('exit', removeSync);
      removeSync();
    },
  };
}

/** Signals the postmaster of `data` and every process it started. */
function signalServer(data, signal) {
  const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(postmaster)])
    .toString()
    .split('\n')
    .map(Number)
    .filter(Boolean);
  for (const pid of [postmaster, ...children]) process.kill(pid, signal);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!findPostgresBin()) {
    console.error(process.env.PG_BIN ? `PG_BIN=${process.env.PG_BIN} holds no initdb. ${INSTALL_HINT}` : INSTALL_HINT);
    process.exit(1);
  }
  if (!process.argv.includes('--check')) {
    const cluster = await startCluster();
    console.log(`DATABASE_URL=${cluster.url}`);
    console.log('(a throwaway cluster; Ctrl-C stops and removes it)');
    const stop = () => cluster.stop().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    setInterval(() => undefined, 1 << 30);
  }
}
