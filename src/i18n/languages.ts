/**
 * The widget's languages, in one table (docs/element.md, "Languages"): everything else derives from
 * it. The element's loader fetches a language's chunk through it (language.ts); the browser bundles
 * build one chunk per line (vite.config.ts, `LAZY_GROUPS`); the share pages and the tests get every
 * language at once (messages.ts); the share pages pick by `Accept-Language` with `matchLanguage`.
 *
 * Adding a language is a line here and its text in `src/i18n/<code>.ts`, typed `LanguageText` (a
 * missing message is a type error). Its chunk is named by its code.
 *
 * English is the fallback: built into the element but for its error messages (`en-errors.ts`, a
 * chunk of their own) and its conversation words (`en-conversation.ts`, in the conversation chunk).
 * Each loader's text is laid over English's built-in words.
 */
import type { LanguageText } from './text.js';

export const LANGUAGES = {
  en: () => import('./en-errors.js'), // English
  de: () => import('./de.js'), // Deutsch
  fr: () => import('./fr.js'), // Français
  es: () => import('./es.js'), // Español
  ja: () => import('./ja.js'), // 日本語
} satisfies Record<string, () => Promise<{ default: Partial<LanguageText> }>>;

export type Language = keyof typeof LANGUAGES;

/** What the widget speaks when it does not speak the visitor's language. */
export const FALLBACK_LANGUAGE: Language = 'en';

/** The language of a BCP 47 tag, by its primary subtag (`de-AT` → `de`); `undefined` when the widget does not speak it. */
export function matchLanguage(tag: string | null | undefined): Language | undefined {
  const primary = (tag ?? '').toLowerCase().split(/[-_]/)[0]!;
  return Object.hasOwn(LANGUAGES, primary) ? (primary as Language) : undefined;
}
