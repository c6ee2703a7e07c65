/**
 * Every language's visitor-facing text, for the API's share pages and the tests. The element does
 * not import this module: it has English built in (en.ts, but for its error messages, en-errors.ts)
 * and loads any other language as a lazy chunk of its own (language.ts). A missing message in any language is a type error.
 */
import de from './de.js';
import { enUi, type Messages } from './en.js';
import enErrors from './en-errors.js';
import es from './es.js';
import fr from './fr.js';
import ja from './ja.js';
import type { Language } from './language.js';

export type { Messages } from './en.js';
export type { Language } from './language.js';

const en: Messages = { ...enUi, errors: enErrors };

export const MESSAGES: Record<Language, Messages> = { en, de, fr, es, ja };
