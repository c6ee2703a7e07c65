/**
 * The shape of a language's text (docs/element.md, "Languages"). Each language gives every message
 * in one file, `src/i18n/<code>.ts`, typed `LanguageText`: a missing message is a type error. Site
 * owners read developer messages in the console, in English; visitors read these.
 */
import type { ErrorReason } from '../errors.js';

/** What the element draws in every state but an error. */
export interface UiText {
  loading: string;
  start: string;
  starting: string;
  end: string;
  live: string;
  close: string;
  retry: string;
  /** Accessible name of the orb: `{name}` is the persona's name. */
  talkTo: string;
  poweredBy: string;
}

/** What the visitor reads for each error reason (the site owner reads the console). */
export type ErrorText = Record<ErrorReason, string>;

/** The words of a running conversation, drawn by the lazy conversation chunk. */
export interface ConversationText {
  microphone: string;
  connecting: string;
  listening: string;
  speaking: string;
  muted: string;
  ending: string;
  captions: string;
  you: string;
  typeMessage: string;
  send: string;
  mute: string;
  end: string;
  /** Said (visibly, and to screen readers) when a person from the site's team takes the conversation over. */
  personJoined: string;
  /** Said when that person hands the conversation back, or leaves. */
  personLeft: string;
  /** The status while the person holds the conversation. */
  withPerson: string;
  /** Who the person's messages are from, in the captions. */
  operator: string;
}

/** Everything a language says: one file, one lazy chunk. */
export interface LanguageText extends UiText {
  errors: ErrorText;
  conversation: ConversationText;
}

/**
 * What the element draws with. A conversation's words travel with their language, but for
 * English's, which the conversation chunk carries itself (en-conversation.ts).
 */
export type Messages = Omit<LanguageText, 'conversation'> & { conversation?: ConversationText };
