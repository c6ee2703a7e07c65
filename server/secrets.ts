/**
 * Where the CLI finds its secrets: the management key and the session-token secret. Flags show in
 * `ps`, so each also comes from the environment, and the key from a file.
 */
import { readFile } from 'node:fs/promises';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface KeySources {
  /** `--api-key` */
  flag?: string | undefined;
  /** `--api-key-file` */
  file?: string | undefined;
  /** `SHARE_LINK_API_KEY` */
  env?: string | undefined;
}

export const MIN_KEY_LENGTH = 16;

/**
 * What a management key may hold: what a Bearer token may (RFC 6750's token68: letters, digits,
 * `-._~+/`, then `=` padding), since it is sent as one and any other header is refused unread.
 */
export const MANAGEMENT_KEY = /^[A-Za-z0-9._~+/-]+=*$/;

/**
 * The management key: `--api-key`, else `--api-key-file` (its first line), else `SHARE_LINK_API_KEY`;
 * `null` when none is given. An empty key, one a Bearer token cannot carry, or one under
 * `MIN_KEY_LENGTH` characters (a short key is guessed, whatever the wrong-key limits) is refused.
 */
export async function readManagementKey({ flag, file, env }: KeySources): Promise<string | null> {
  if (flag !== undefined && file !== undefined)
    throw new ConfigError('give the management key once: --api-key or --api-key-file, not both');
  let key: string | undefined;
  let source: string;
  if (flag !== undefined) {
    key = flag;
    source = '--api-key';
  } else if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read the management key from --api-key-file ${file}: ${(error as Error).message}`);
    }
    key = text.split(/\r?\n/)[0]!.trim();
    source = `--api-key-file ${file}`;
  } else if (env !== undefined) {
    key = env;
    source = 'SHARE_LINK_API_KEY';
  } else {
    return null;
  }
  if (key.trim() === '')
    throw new ConfigError(
      `the management key from ${source} is empty; give a key of ${MIN_KEY_LENGTH} characters or more`,
    );
  if (!MANAGEMENT_KEY.test(key))
    throw new ConfigError(
      `the management key from ${source} may hold only letters, digits and -._~+/ (then = padding), as a Bearer token does (e.g. openssl rand -base64 24)`,
    );
  if (key.length < MIN_KEY_LENGTH)
    throw new ConfigError(
      `the management key from ${source} has only ${key.length} characters; give one of ${MIN_KEY_LENGTH} or more (e.g. openssl rand -base64 24)`,
    );
  return key;
}

/** In bytes (UTF-8): the HMAC key's length. A shorter secret is recovered from one token by brute force. */
export const MIN_SECRET_BYTES = 32;

const SECRET_HINT = `give one of ${MIN_SECRET_BYTES} bytes or more (e.g. openssl rand -base64 32)`;

/**
 * The session-token secret: `--session-secret`, else `SHARE_LINK_SESSION_SECRET`, else `null`. An
 * empty one, or one under `MIN_SECRET_BYTES`, is refused. `required` (PostgreSQL: every process on
 * the database must sign and verify with one secret) refuses none too.
 */
export function readSessionSecret(
  flag: string | undefined,
  env: string | undefined,
  { required }: { required: string | null } = { required: null },
): string | null {
  const [secret, source] =
    flag !== undefined
      ? [flag, '--session-secret']
      : env !== undefined
        ? [env, 'SHARE_LINK_SESSION_SECRET']
        : [null, ''];
  if (secret === null) {
    if (required)
      throw new ConfigError(`${required} needs a session secret: set SHARE_LINK_SESSION_SECRET; ${SECRET_HINT}`);
    return null;
  }
  if (secret.trim() === '') throw new ConfigError(`the session secret from ${source} is empty; ${SECRET_HINT}`);
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes < MIN_SECRET_BYTES)
    throw new ConfigError(`the session secret from ${source} has only ${bytes} bytes; ${SECRET_HINT}`);
  return secret;
}

/** `--public-url`: an http(s) URL without query, fragment or credentials; a path is kept as a prefix. */
export function parsePublicUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`--public-url "${value}" is not a URL (e.g. https://embed.example.com)`);
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.search ||
    url.hash ||
    url.username ||
    url.password
  ) {
    throw new ConfigError(
      `--public-url "${value}" must be an http: or https: URL without query, fragment or credentials`,
    );
  }
  return url.href.replace(/\/+$/, '');
}
