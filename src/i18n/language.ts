/**
 * The element's words: English is built in, but for its error messages; every other language (with
 * its error messages) is a lazy chunk of its own, fetched through the registry (languages.ts) as
 * soon as an element knows it needs it, in parallel with the link; English error messages when an
 * error is first shown. From source and the npm package these are plain dynamic imports; the
 * browser bundles load the prebuilt chunks beside themselves (vite.config.ts, `lazyChunks`).
 */
import { isServer, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { enUi } from './en.js';
import { FALLBACK_LANGUAGE, LANGUAGES, matchLanguage, type Language } from './languages.js';
import type { Messages } from './text.js';

/**
 * English as built in: every message but the errors, which no state but `error` draws (the
 * element asks for them then, see `messages`). Only when even their chunk cannot load (the
 * bundle's origin is gone) does an error show this one sentence.
 */
export const ENGLISH = { ...enUi, errors: new Proxy({}, { get: () => 'Something went wrong.' }) } as Messages;

// Shared by every element on the page: each chunk is fetched once.
const loaded: Partial<Record<Language, Messages>> = {};
const loading: Partial<Record<Language, Promise<void>>> = {};

/**
 * Resolves once `lang`'s messages are in `loaded`. A language that fails to load (offline,
 * blocked) leaves the element in English rather than without words.
 */
function load(lang: Language): Promise<void> {
  return (loading[lang] ??= LANGUAGES[lang]().then(
    (chunk) => void (loaded[lang] = { ...enUi, ...chunk.default } as Messages),
    () => void (loaded[lang] = lang === FALLBACK_LANGUAGE ? ENGLISH : (loaded.en ?? ENGLISH)),
  ));
}

type Host = ReactiveControllerHost & HTMLElement & { readonly state: string };

/** The host's words: its own `lang`, else the nearest `[lang]` ancestor's, else English. */
export class LanguageController implements ReactiveController {
  readonly #host: Host;

  constructor(host: Host) {
    this.#host = host;
    host.addController(this);
  }

  /** Before each update, the words it draws are sent for if they are not here; it updates again once they are. */
  hostUpdate(): void {
    void this.pending()?.then(() => this.#host.requestUpdate());
  }

  get language(): Language {
    // Server-side rendering (Lit SSR's DOM shim) has attributes but no tree to look up a [lang] in.
    const tag =
      this.#host.getAttribute('lang') || (isServer ? null : this.#host.closest('[lang]')?.getAttribute('lang'));
    return matchLanguage(tag) ?? FALLBACK_LANGUAGE;
  }

  /**
   * The messages, or `null` while their chunk is on its way. `withErrors`: the error messages are
   * needed too (by default, in the error state). Server-side rendering loads nothing: English.
   */
  messages(withErrors = this.#host.state === 'error'): Messages | null {
    const lang = this.language;
    return loaded[lang] ?? (isServer || (lang === FALLBACK_LANGUAGE && !withErrors) ? ENGLISH : null);
  }

  /** Settles when `messages(withErrors)` has them; `null` if it already has. */
  pending(withErrors = this.#host.state === 'error'): Promise<void> | null {
    return this.messages(withErrors) ? null : load(this.language);
  }
}
