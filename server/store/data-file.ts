/**
 * The data file (`--data`): reading and validating it, and, with `--persist`, writing it back with
 * care. It holds system prompts, so a write keeps the file's mode and owner, never exposes the
 * text through a looser temporary file, follows a symlink to write its target (the link stays a
 * link), and is atomic: a temporary file beside the target, fsync, rename, fsync of the folder.
 */
import { constants } from 'node:fs';
import { open, readFile, readdir, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as v from 'valibot';
import { DataFileSchema, isStorableText, unstorablePath, type DataFile } from '../schemas.ts';

export class DataFileError extends Error {
  override name = 'DataFileError';
}

/** Validates a parsed data file, naming the first bad entry: `shareLinks[2] (sh_…): expiresAt: …`. */
export function validateDataFile(json: unknown): DataFile {
  const data = checkShapes(json);
  checkText(data);
  checkReferences(data);
  return data;
}

function checkShapes(json: unknown): DataFile {
  const result = v.safeParse(DataFileSchema, json);
  if (!result.success) {
    const issue = result.issues[0]!;
    const path = issue.path ?? [];
    const [collection, index, ...rest] = path.map((item) => String(item.key));
    let where = collection ?? 'the file';
    if (index !== undefined && collection) {
      const entry = (json as Record<string, unknown[]>)[collection]?.[Number(index)] as
        Record<string, unknown> | undefined;
      const label =
        typeof entry?.['token'] === 'string'
          ? entry['token']
          : typeof entry?.['name'] === 'string'
            ? entry['name']
            : undefined;
      where = `${collection}[${index}]${label ? ` (${JSON.stringify(label).slice(0, 80)})` : ''}`;
    }
    throw new DataFileError(`${where}${rest.length ? `: ${rest.join('.')}` : ''}: ${issue.message}`);
  }
  return result.output;
}

/** Every string and key, private persona fields included, is text both stores keep as it is (server/schemas.ts). */
function checkText(data: DataFile): void {
  for (const [collection, entries] of [
    ['personas', data.personas],
    ['shareLinks', data.shareLinks],
  ] as const) {
    entries.forEach((entry: { name?: string; token?: string }, index) => {
      const path = unstorablePath(entry);
      if (!path) return;
      const label = entry.token ?? entry.name;
      throw new DataFileError(
        `${collection}[${index}]${label && isStorableText(label) ? ` (${JSON.stringify(label).slice(0, 80)})` : ''}: ${path.join('.')}: holds U+0000 or a lone surrogate, which the stores cannot keep`,
      );
    });
  }
}

function checkReferences(data: DataFile): void {
  const personaIds = new Set<string>();
  data.personas.forEach((persona, index) => {
    if (personaIds.has(persona.id))
      throw new DataFileError(`personas[${index}] ("${persona.name}"): id ${persona.id} is used twice`);
    personaIds.add(persona.id);
  });
  const tokens = new Set<string>();
  const linkIds = new Set<string>();
  data.shareLinks.forEach((link, index) => {
    const where = `shareLinks[${index}] ("${link.token}")`;
    if (tokens.has(link.token)) throw new DataFileError(`${where}: token is used twice`);
    if (linkIds.has(link.id)) throw new DataFileError(`${where}: id ${link.id} is used twice`);
    if (!personaIds.has(link.personaId))
      throw new DataFileError(`${where}: personaId ${link.personaId} names no persona in the file`);
    tokens.add(link.token);
    linkIds.add(link.id);
  });
  const conversationIds = new Set<string>();
  data.conversations?.forEach((conversation, index) => {
    if (conversationIds.has(conversation.id))
      throw new DataFileError(`conversations[${index}]: id ${conversation.id} is used twice`);
    conversationIds.add(conversation.id);
  });
  data.conversationShares?.forEach((share, index) => {
    if (!conversationIds.has(share.conversationId))
      throw new DataFileError(
        `conversationShares[${index}]: conversationId ${share.conversationId} names no conversation in the file`,
      );
  });
}

/** Reads and validates a data file; every failure is a `DataFileError` with a readable message. */
export async function loadDataFile(file: string): Promise<DataFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new DataFileError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DataFileError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  return validateDataFile(json);
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Writes one data file back, atomically and with care (see the module comment). */
export class DataFileWriter {
  readonly #target: string;
  #serial = 0;

  private constructor(target: string) {
    this.#target = target;
  }

  /** The real file written (the symlink's target when the data file is a symlink). */
  get target(): string {
    return this.#target;
  }

  /**
   * Resolves symlinks, removes temporary files that a killed process left behind, and proves the
   * file can be written now (with `text`, the size of a real write), so that `--persist` on a
   * read-only file, folder or file system, or a full disk, stops the server at start instead of
   * failing every change later. The data file itself is not changed.
   */
  static async open(file: string, text: string): Promise<DataFileWriter> {
    const target = await realpath(file);
    const writer = new DataFileWriter(target);
    await writer.#removeStaleTemporaryFiles();
    // Root may write a 0444 file; everyone else is refused here, as `open` would refuse them.
    const handle = await open(target, constants.O_RDWR);
    await handle.close();
    const probe = writer.#temporaryPath();
    try {
      await writer.#writeTemporary(probe, text);
    } finally {
      await unlink(probe).catch(() => undefined);
    }
    return writer;
  }

  async write(text: string): Promise<void> {
    const temporary = this.#temporaryPath();
    try {
      await this.#writeTemporary(temporary, text);
      await rename(temporary, this.#target);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    // Make the rename itself durable; not every platform lets a directory be opened, hence best effort.
    const directory = await open(dirname(this.#target), 'r').catch(() => null);
    await directory?.sync().catch(() => undefined);
    await directory?.close();
  }

  #temporaryPath(): string {
    return `${this.#target}.tmp-${process.pid}-${++this.#serial}`;
  }

  /** Created 0600 (it is a copy of the secrets), then given the real file's mode and owner before it replaces it. */
  async #writeTemporary(temporary: string, text: string): Promise<void> {
    const current = await stat(this.#target);
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      if (current.uid !== process.getuid?.() || current.gid !== process.getgid?.()) {
        // Only root may give a file away; otherwise the file becomes ours, which is all we can do.
        await handle.chown(current.uid, current.gid).catch(() => undefined);
      }
      await handle.chmod(current.mode & 0o7777);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** `data.json.tmp-<pid>-<n>` of processes that no longer run (a `kill -9` mid-write leaves one). */
  async #removeStaleTemporaryFiles(): Promise<void> {
    const folder = dirname(this.#target);
    const prefix = `${basename(this.#target)}.tmp-`;
    for (const name of await readdir(folder)) {
      if (!name.startsWith(prefix)) continue;
      const pid = Number(/^(\d+)-\d+$/.exec(name.slice(prefix.length))?.[1]);
      if (pid && pid !== process.pid && isAlive(pid)) continue;
      await unlink(join(folder, name)).catch(() => undefined);
    }
  }
}
