/**
 * Signing keys of signed embeds (docs/security.md, "Signed embeds"): each link's key, made by
 * `POST /v1/share-links/{id}/signing-key` and answered that once. The site's server signs embed
 * tokens with it (`signEmbedToken`, src/embed-token.ts); the API verifies them (server/embed-tokens.ts).
 *
 * HMAC needs the key itself to verify, so it cannot be stored hashed: it is stored sealed, with
 * AES-256-GCM under a key derived from the session secret, the link's id as additional data (a
 * sealed key moved to another link does not open). A store, a backup or a data file holds only that.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deriveKey } from './derived-keys.ts';

/** What a signing key looks like: `shsk_` and 43 base64url characters (32 random bytes). */
export const SIGNING_KEY_PATTERN = /^shsk_[\w-]{43}$/;

export const newSigningKey = (): string => `shsk_${randomBytes(32).toString('base64url')}`;

/** Seals and opens the signing keys of one API (one session secret). */
export interface SigningKeySeal {
  seal(key: string, linkId: string): string;
  /** The key, or `null` when the sealed text is not one this secret sealed for this link. */
  open(sealed: string, linkId: string): string | null;
}

/** Opened keys kept in memory, by sealed text and link: a lookup of a signed link opens none (measured: a third of its time). */
const OPENED_KEPT = 1_000;

export function signingKeySeal(secret: string | Uint8Array): SigningKeySeal {
  const key = deriveKey(secret, 'seal signing keys');
  const opened = new Map<string, string | null>();
  const open = (sealed: string, linkId: string): string | null => {
    const [version, iv, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !body) return null;
    try {
      const bytes = Buffer.from(body, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url')).setAAD(Buffer.from(linkId));
      decipher.setAuthTag(bytes.subarray(-16));
      return Buffer.concat([decipher.update(bytes.subarray(0, -16)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  };
  return {
    seal(signingKey, linkId) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(linkId));
      const sealed = Buffer.concat([cipher.update(signingKey, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `v1.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
    },
    open(sealed, linkId) {
      const kept = `${linkId} ${sealed}`;
      if (opened.has(kept)) return opened.get(kept)!;
      if (opened.size >= OPENED_KEPT) opened.clear();
      const value = open(sealed, linkId);
      opened.set(kept, value);
      return value;
    },
  };
}
