/**
 * Keys the API derives from its session secret, one per purpose (HKDF-SHA256), so that one
 * configured secret serves every process on a database and no purpose's key opens another's: the
 * key that seals signing keys at rest (server/signing-keys.ts) and the key that signs challenges
 * (server/challenges.ts). Changing the session secret changes them all (docs/operators.md, "Secrets").
 */
import { hkdfSync } from 'node:crypto';

export type KeyPurpose = 'seal signing keys' | 'sign challenges';

export function deriveKey(secret: string | Uint8Array, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'share-link-embed', purpose, 32));
}
