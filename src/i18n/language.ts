/**
 * The element's language: English is built in, but for its error messages; every other language
 * (with its error messages) is a lazy chunk of its own (de.ts, fr.ts, ...), fetched as soon as an
 * element knows it needs it, in parallel with the link; English error messages (en-errors.ts) when
 * an error is first shown. From source and the npm package these are plain dynamic imports; the
 * browser bundles load the prebuilt chunks beside themselves (vite.config.ts, `lazyChunks`).
 */
import { isServer } from 'lit';
import { enUi, type Messages } from './en.js';

export type Language = 'en' | 'de' | 'fr' | 'es' | 'ja';

const CHUNKS: Record<Language, () => Promise<Messages>> = {
  en: () => import('./en-errors.js').then((chunk) => ({ ...enUi, errors: chunk.default })),
  de: () => import('./de.js').then((chunk) => chunk.default),
  fr: () => import('./fr.js').then((chunk) => chunk.default),
  es: () => import('./es.js').then((chunk) => chunk.default),
  ja: () => import('./ja.js').then((chunk) => chunk.default),
};

/**
 * English as built in: every message but the errors, which no state but `error` draws (the
 * element asks for them then, see `messages`). Only when even their chunk cannot load (the
 * bundle's origin is gone) does an error show this one sentence.
 */
export const ENGLISH = { ...enUi, errors: new Proxy({}, { get: () => 'Something went wrong.' }) } as Messages;

/** `de-AT` → `de`; anything unknown → `en`. */
export function languageOf(lang: string | null | undefined): Language {
  const primary = (lang ?? '').toLowerCase().split(/[-_]/)[0]!;
  return Object.hasOwn(CHUNKS, primary) ? (primary as Language) : 'en';
}

// Shared by every element on the page: each chunk is fetched once.
const loaded: Partial<Record<Language, Messages>> = {};
const loading: Partial<Record<Language, Promise<void>>> = {};

/**
 * Resolves once `lang`'s messages are in `loaded`. A language that fails to load (offline,
 * blocked) leaves the element in English rather than without words.
 */
function load(lang: Language): Promise<void> {
  return (loading[lang] ??= CHUNKS[lang]().then(
    (messages) => void (loaded[lang] = messages),
    () => void (loaded[lang] = lang === 'en' ? ENGLISH : (loaded.en ?? ENGLISH)),
  ));
}

/** The host's messages: its own `lang`, else the nearest `[lang]` ancestor's, else English. */
export class LanguageController {
  constructor(private readonly host: HTMLElement & { requestUpdate(): void }) {}

  #language(): Language {
    // Server-side rendering (Lit SSR's DOM shim) has attributes but no tree to look up a [lang] in.
    return languageOf(
      this.host.getAttribute('lang') || (isServer ? null : this.host.closest('[lang]')?.getAttribute('lang')),
    );
  }

  /**
   * The messages, or `null` while their chunk is on its way (its fetch starts here; the host
   * updates when it arrives). `withErrors`: the error messages are needed too (the error state).
   * Server-side rendering loads nothing: English.
   */
  messages(withErrors: boolean): Messages | null {
    const lang = this.#language();
    const messages = loaded[lang] ?? (lang === 'en' && !withErrors ? ENGLISH : null);
    if (messages || isServer) return messages ?? ENGLISH;
    void load(lang).then(() => this.host.requestUpdate());
    return null;
  }

  /** Settles when `messages(withErrors)` has them; `null` if it already has. */
  pending(withErrors: boolean): Promise<void> | null {
    const lang = this.#language();
    if (loaded[lang] || isServer || (lang === 'en' && !withErrors)) return null;
    return load(lang);
  }
}
