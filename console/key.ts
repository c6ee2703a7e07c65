/**
 * The management key, typed once per tab: kept in the tab's `sessionStorage` (gone when the tab
 * closes, never sent by the browser on its own, unlike a cookie), or only in memory when the
 * operator asks for that or storage is unavailable.
 */
const SLOT = 'share-link-console:key';

export interface KeyStore {
  get(): string | null;
  set(key: string, remember: boolean): void;
  clear(): void;
}

export function sessionKeyStore(storage: Storage | null = safeSessionStorage()): KeyStore {
  let inMemory: string | null = null;
  return {
    get: () => inMemory ?? storage?.getItem(SLOT) ?? null,
    set(key, remember) {
      inMemory = key;
      if (remember) storage?.setItem(SLOT, key);
      else storage?.removeItem(SLOT);
    },
    clear() {
      inMemory = null;
      storage?.removeItem(SLOT);
    },
  };
}

function safeSessionStorage(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    // Storage refused (privacy settings): the key lives in memory only.
    return null;
  }
}

/** What a Bearer token may hold (RFC 6750), as the API checks it: anything else could never match. */
export const KEY_PATTERN = /^[A-Za-z0-9\-._~+/]+=*$/;
