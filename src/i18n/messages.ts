/**
 * Every language's text at once, for the API's share pages and the tests, gathered from the
 * registry (languages.ts). The element does not import this module: it has English built in and
 * loads any other language as a lazy chunk of its own (language.ts).
 */
import enConversation from './en-conversation.js';
import { enUi } from './en.js';
import { LANGUAGES, type Language } from './languages.js';
import type { LanguageText } from './text.js';

export type { Language } from './languages.js';
export type { LanguageText as Messages } from './text.js';

// English's parts each have their type (UiText, ErrorText, ConversationText): together it is complete.
const textOf = async (lang: Language): Promise<LanguageText> => ({
  ...enUi,
  conversation: enConversation,
  ...(await LANGUAGES[lang]()).default,
});

export const MESSAGES = Object.fromEntries(
  await Promise.all(Object.keys(LANGUAGES).map(async (lang) => [lang, await textOf(lang as Language)])),
) as Record<Language, LanguageText>;
