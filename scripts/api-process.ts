/**
 * Runs the reference API the way a user does (`npm run api`'s CLI), on a free port of 127.0.0.1,
 * and resolves once it prints `listening on`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEMO_DATA = join(ROOT, 'server/fixtures/demo.json');
export const API_KEY = 'test-key';

/**
 * Extra arguments for every API process that tests or the benchmark put under load (hundreds of
 * starts from one address). Abuse limits are already off for them: `startApi` passes `--no-limits`
 * unless a test asks for `limits: true`.
 */
export const LOAD_TEST_ARGS: string[] = [];

export interface RunningApi {
  base: string;
  process: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

export interface StartOptions {
  /** The data file (default: the demo fixtures); `null` for none (a database not to seed). */
  data?: string | null;
  persist?: boolean;
  /** Runs the API on PostgreSQL. */
  databaseUrl?: string;
  /** `null`: no `--api-key` flag at all. */
  apiKey?: string | null;
  /** Abuse limits; off (`--no-limits`) unless a test is about them, since most tests hammer the API. */
  limits?: boolean;
  host?: string;
  env?: Record<string, string>;
  extra?: string[];
  /**
   * Standard output to this file instead of a pipe to this process: for load tests with request
   * logs on, whose lines this process should neither hold nor spend its CPU reading.
   */
  stdoutFile?: string;
}

export async function startApi(args: StartOptions = {}): Promise<RunningApi> {
  const apiKey = args.apiKey === undefined ? API_KEY : args.apiKey;
  const argv = [
    '--import',
    'tsx',
    join(ROOT, 'server/cli.ts'),
    '--host',
    args.host ?? '127.0.0.1',
    '--port',
    '0',
    ...(args.data === null ? [] : ['--data', args.data ?? DEMO_DATA]),
    ...(args.databaseUrl ? ['--database-url', args.databaseUrl] : []),
    ...(apiKey === null ? [] : ['--api-key', apiKey]),
    ...(args.persist ? ['--persist'] : []),
    ...(args.limits ? [] : ['--no-limits']),
    ...(args.extra ?? []),
  ];
  const { stdoutFile } = args;
  const child = spawn(process.execPath, argv, {
    cwd: ROOT,
    stdio: ['ignore', stdoutFile ? openSync(stdoutFile, 'w') : 'pipe', 'pipe'],
    env: { ...process.env, ...args.env },
  });
  let piped = '';
  child.stdout?.on('data', (chunk) => (piped += chunk));
  child.stderr!.on('data', (chunk) => (piped += chunk));
  const output = () => (stdoutFile ? readFileSync(stdoutFile, 'utf8') : '') + piped;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`API did not start:\n${output()}`)), 20_000);
    const poll = stdoutFile ? setInterval(() => check(), 50) : undefined;
    const check = () => {
      const match = /listening on (http:\/\/\S+)/.exec(output());
      if (match) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve(match[1]!);
      }
    };
    child.stdout?.on('data', check);
    exited.then((code) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`API exited with ${code}:\n${output()}`));
    });
  });
  return {
    base,
    process: child,
    output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs the CLI to completion (for start-up failures); resolves with its exit code and output. */
export function runApiToExit(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/cli.ts'), '--port', '0', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** A private copy of the demo data, for tests that write. */
export async function copyOfDemoData(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'share-link-api-'));
  const file = join(dir, 'data.json');
  await copyFile(DEMO_DATA, file);
  return file;
}

/** Leo, a persona of the demo fixtures. */
export const LEO = '9b2e7d14-5a3c-4f86-b0d9-6c1a8e4f2b37';

/** Creates a share link through a running API's management endpoint: Leo's, open to every origin unless `body` says otherwise. */
export async function createLink(
  api: { base: string },
  body: Record<string, unknown>,
): Promise<{ id: string; token: string }> {
  const response = await fetch(`${api.base}/v1/share-links`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ personaId: LEO, allowAllOrigins: true, ...body }),
  });
  if (response.status !== 201) throw new Error(`creating a link answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { id: string; token: string };
}
