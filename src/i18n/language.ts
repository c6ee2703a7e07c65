/**
 * The element's language: English is built in; every other language is a lazy chunk of its own
 * (de.ts, fr.ts, ...), fetched as soon as an element knows it needs it, in parallel with the link.
 * From source and the npm package these are plain dynamic imports; the browser bundles load the
 * prebuilt chunks beside themselves by absolute URL (vite.config.ts, `lazyChunks`).
 */
import { isServer } from 'lit';
import { en, type Messages } from './en.js';

export type Language = 'en' | 'de' | 'fr' | 'es' | 'ja';

const CHUNKS: Record<Exclude<Language, 'en'>, () => Promise<{ default: Messages }>> = {
  de: () => import('./de.js'),
  fr: () => import('./fr.js'),
  es: () => import('./es.js'),
  ja: () => import('./ja.js'),
};

/** `de-AT` → `de`; anything unknown → `en`. */
export function languageOf(lang: string | null | undefined): Language {
  const primary = (lang ?? '').toLowerCase().split(/[-_]/)[0]!;
  return Object.hasOwn(CHUNKS, primary) ? (primary as Language) : 'en';
}

// Shared by every element on the page: each chunk is fetched once.
const loaded: Partial<Record<Language, Messages>> = { en };
const loading: Partial<Record<Language, Promise<void>>> = {};

/**
 * Resolves once `lang`'s messages are in `loaded`. A chunk that fails to load (offline, blocked)
 * leaves the element in English rather than without words.
 */
function load(lang: Exclude<Language, 'en'>): Promise<void> {
  return (loading[lang] ??= CHUNKS[lang]().then(
    (chunk) => void (loaded[lang] = chunk.default),
    () => void (loaded[lang] = en),
  ));
}

/** The host's messages: its own `lang`, else the nearest `[lang]` ancestor's, else English. */
export class LanguageController {
  constructor(private readonly host: HTMLElement & { requestUpdate(): void }) {}

  #language(): Language {
    // Server-side rendering (Lit SSR's DOM shim) has attributes but no tree to look up a [lang] in.
    return languageOf(this.host.getAttribute('lang') || (isServer ? null : this.host.closest('[lang]')?.getAttribute('lang')));
  }

  /**
   * The messages, or `null` while the language's chunk is on its way (its fetch starts here; the
   * host updates when it arrives). Server-side rendering loads nothing: English.
   */
  get messages(): Messages | null {
    const lang = this.#language();
    const messages = loaded[lang];
    if (messages || isServer) return messages ?? en;
    void load(lang as Exclude<Language, 'en'>).then(() => this.host.requestUpdate());
    return null;
  }

  /** Settles when the current language's messages are in hand; `null` if they already are. */
  get pending(): Promise<void> | null {
    const lang = this.#language();
    if (loaded[lang] || isServer) return null;
    return load(lang as Exclude<Language, 'en'>);
  }
}
