/**
 * The reference API's data: personas and share links in memory, optionally written back to the
 * data file after every change.
 *
 * Counting is exact because every check-and-change runs synchronously on Node's single thread:
 * no `await` sits between reading a link and writing it. Durability comes from group commit:
 * a change resolves only once a write that includes it has been renamed into place, and changes
 * that arrive while a write is under way share the next one.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as v from 'valibot';
import { checkShareLink, type PolicyReason } from '../src/policy.ts';
import {
  DataFileSchema,
  isPublicSuffix,
  type CreateShareLink,
  type DataFile,
  type EngineSetting,
  type StoredPersona,
  type StoredShareLink,
  type UpdateShareLink,
} from './schemas.ts';

export class DataFileError extends Error {
  override name = 'DataFileError';
}

/** Validates a parsed data file, naming the first bad entry: `shareLinks[2] (sh_…): expiresAt: …`. */
export function validateDataFile(json: unknown): DataFile {
  const result = v.safeParse(DataFileSchema, json);
  if (!result.success) {
    const issue = result.issues[0]!;
    const path = issue.path ?? [];
    const [collection, index, ...rest] = path.map((item) => String(item.key));
    let where = collection ?? 'the file';
    if (index !== undefined && collection) {
      const entry = (json as Record<string, unknown[]>)[collection]?.[Number(index)] as Record<string, unknown> | undefined;
      const label = typeof entry?.['token'] === 'string' ? entry['token'] : typeof entry?.['name'] === 'string' ? entry['name'] : undefined;
      where = `${collection}[${index}]${label ? ` (${JSON.stringify(label).slice(0, 80)})` : ''}`;
    }
    throw new DataFileError(`${where}${rest.length ? `: ${rest.join('.')}` : ''}: ${issue.message}`);
  }
  const data = result.output;
  const personaIds = new Set<string>();
  data.personas.forEach((persona, index) => {
    if (personaIds.has(persona.id)) throw new DataFileError(`personas[${index}] ("${persona.name}"): id ${persona.id} is used twice`);
    personaIds.add(persona.id);
  });
  const tokens = new Set<string>();
  const linkIds = new Set<string>();
  data.shareLinks.forEach((link, index) => {
    const where = `shareLinks[${index}] ("${link.token}")`;
    if (tokens.has(link.token)) throw new DataFileError(`${where}: token is used twice`);
    if (linkIds.has(link.id)) throw new DataFileError(`${where}: id ${link.id} is used twice`);
    if (!personaIds.has(link.personaId)) throw new DataFileError(`${where}: personaId ${link.personaId} names no persona in the file`);
    tokens.add(link.token);
    linkIds.add(link.id);
  });
  return data;
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

export interface ListOptions {
  page: number;
  perPage: number;
  search?: string | undefined;
  personaId?: string | undefined;
}

export type SessionGrant =
  | { ok: true; linkId: string; personaId: string; sessionToken: string; expiresAt: string; usageCount: number; committed: Promise<void> }
  | { ok: false; reason: 'not-found' | Exclude<PolicyReason, 'not-embeddable'> };

export const SESSION_LIFETIME_MS = 15 * 60 * 1000;
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export class Store {
  readonly #personas = new Map<string, StoredPersona>();
  readonly #links: StoredShareLink[] = [];
  readonly #file: string | null;
  readonly #organizationId: string;
  #queuedWrite: Promise<void> | null = null;
  #currentWrite: Promise<void> = Promise.resolve();
  #writeCounter = 0;

  /** @param persistTo the data file to write every change back to, or `null` to keep changes in memory. */
  constructor(data: DataFile, persistTo: string | null = null) {
    for (const persona of data.personas) this.#personas.set(persona.id, structuredClone(persona));
    for (const link of data.shareLinks) this.#links.push(structuredClone(link));
    this.#file = persistTo;
    this.#organizationId = data.shareLinks[0]?.organizationId ?? ZERO_UUID;
  }

  persona(id: string): StoredPersona | undefined {
    return this.#personas.get(id);
  }

  linkById(id: string): StoredShareLink | undefined {
    return this.#links.find((link) => link.id === id);
  }

  linkByToken(token: string): StoredShareLink | undefined {
    return this.#links.find((link) => link.token === token);
  }

  list({ page, perPage, search, personaId }: ListOptions) {
    const needle = search?.trim().toLowerCase();
    const matching = this.#links.filter(
      (link) =>
        (!personaId || link.personaId === personaId) &&
        (!needle || [link.token, link.personaName, link.id, link.type].some((field) => field.toLowerCase().includes(needle))),
    );
    const lastPage = Math.max(1, Math.ceil(matching.length / perPage));
    return {
      data: matching.slice((page - 1) * perPage, page * perPage),
      meta: {
        total: matching.length,
        lastPage,
        currentPage: page,
        perPage,
        prev: page > 1 ? Math.min(page - 1, lastPage) : null,
        next: page < lastPage ? page + 1 : null,
      },
    };
  }

  /**
   * Checks the policy and counts one use, in one synchronous step, so N concurrent starts on a
   * link with k uses left grant exactly k. The grant is durable once `committed` resolves.
   */
  startSession(token: string, origin: string | null, now: number, { sharePage = false }: { sharePage?: boolean } = {}): SessionGrant {
    const link = this.linkByToken(token);
    if (!link) return { ok: false, reason: 'not-found' };
    const refusal = checkShareLink(link, { origin, now, isPublicSuffix, ...(sharePage && { embedding: false }) });
    if (refusal && refusal !== 'not-embeddable') return { ok: false, reason: refusal };
    link.usageCount += 1;
    return {
      ok: true,
      linkId: link.id,
      personaId: link.personaId,
      sessionToken: `st_${randomBytes(24).toString('base64url')}`,
      expiresAt: new Date(now + SESSION_LIFETIME_MS).toISOString(),
      usageCount: link.usageCount,
      committed: this.#commit(),
    };
  }

  /**
   * Gives back one use that `startSession` counted for a session that was then not granted (its
   * engine could not be minted), so a failed start counts nothing. Never below zero.
   */
  async returnUse(token: string): Promise<void> {
    const link = this.linkByToken(token);
    if (!link || link.usageCount === 0) return;
    link.usageCount -= 1;
    await this.#commit();
  }

  async create(input: CreateShareLink, now: number): Promise<StoredShareLink | undefined> {
    const persona = this.#personas.get(input.personaId);
    if (!persona) return undefined;
    const link: StoredShareLink = {
      ...input,
      id: randomUUID(),
      token: `sh_${randomToken(21)}`,
      usageCount: 0,
      createdAt: new Date(now).toISOString(),
      personaName: persona.name,
      organizationId: this.#organizationId,
    };
    if (link.isPrimary) this.#demoteOtherPrimaries(link);
    this.#links.push(link);
    await this.#commit();
    return link;
  }

  async update(id: string, changes: UpdateShareLink): Promise<StoredShareLink | undefined> {
    const link = this.linkById(id);
    if (!link) return undefined;
    for (const [key, value] of Object.entries(changes)) {
      if (value !== undefined) (link as Record<string, unknown>)[key] = value;
    }
    if (changes.isPrimary) this.#demoteOtherPrimaries(link);
    await this.#commit();
    return link;
  }

  /** Sets (or, with `null`, removes) a persona's private conversation engine. */
  async setPersonaEngine(id: string, engine: EngineSetting | null): Promise<StoredPersona | undefined> {
    const persona = this.#personas.get(id);
    if (!persona) return undefined;
    if (engine) persona.engine = engine;
    else delete persona.engine;
    await this.#commit();
    return persona;
  }

  async remove(id: string): Promise<boolean> {
    const index = this.#links.findIndex((link) => link.id === id);
    if (index < 0) return false;
    this.#links.splice(index, 1);
    await this.#commit();
    return true;
  }

  snapshot(): DataFile {
    return { personas: [...this.#personas.values()], shareLinks: this.#links };
  }

  /** Resolves when every change made so far is on disk. */
  flush(): Promise<void> {
    return this.#commit();
  }

  #demoteOtherPrimaries(primary: StoredShareLink): void {
    for (const link of this.#links) {
      if (link !== primary && link.personaId === primary.personaId) link.isPrimary = false;
    }
  }

  #commit(): Promise<void> {
    const file = this.#file;
    if (!file) return Promise.resolve();
    // One queued write serves every change made before it starts; it snapshots when it starts.
    this.#queuedWrite ??= this.#currentWrite
      .catch(() => undefined)
      .then(() => {
        this.#queuedWrite = null;
        this.#currentWrite = writeAtomically(file, `${JSON.stringify(this.snapshot(), null, 2)}\n`, ++this.#writeCounter);
        return this.#currentWrite;
      });
    return this.#queuedWrite;
  }
}

/** Temporary file, fsync, rename: a crash leaves either the old file or the new one, never half of one. */
async function writeAtomically(file: string, text: string, serial: number): Promise<void> {
  const temporary = `${file}.tmp-${process.pid}-${serial}`;
  try {
    const handle = await open(temporary, 'w', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  // Make the rename itself durable; not every platform lets a directory be opened, hence best effort.
  const directory = await open(dirname(file), 'r').catch(() => null);
  await directory?.sync().catch(() => undefined);
  await directory?.close();
}

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomToken(length: number): string {
  // 248 is the largest multiple of 62 below 256: rejecting bytes above it keeps the draw uniform.
  let token = '';
  while (token.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && token.length < length) token += TOKEN_ALPHABET[byte % 62];
    }
  }
  return token;
}
