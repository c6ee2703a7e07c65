/**
 * The one small interface every engine's browser client sits behind. The conversation controller
 * connects an adapter with the engine's answer, the microphone and the player's media, listens to
 * its events, and mutes or ends it; it never touches a vendor SDK itself. Each adapter is its own
 * lazy chunk, loaded only after start, and only its chunk imports its SDK.
 */
import type { SessionEngine } from '../../engine-schema.js';

export type Mode = 'listening' | 'speaking';
export type Role = 'visitor' | 'persona';

export interface AdapterEvents {
  /** The engine is listening to the visitor, or the persona is speaking. */
  mode(mode: Mode): void;
  /** Text of a turn: `final: false` while it streams (captions), `true` once complete (events). */
  caption(role: Role, text: string, final: boolean): void;
  /** The engine ended the conversation itself (the persona said goodbye, idle, time up). */
  ended(reason: string): void;
  /** The conversation broke; `cause` is for the developer's console. */
  failed(cause: string): void;
}

export interface AdapterContext<Engine extends SessionEngine = SessionEngine> {
  engine: Engine;
  /** The visitor's microphone, already granted. The controller stops it at the end. */
  microphone: MediaStream;
  /**
   * The player's media: shows the persona's stream (video and audio) in the player's `video`
   * part, or removes it. The element renders it; no SDK reaches into its shadow root.
   */
  showStream(stream: MediaStream | null): void;
  /** The visitor's language (`en`, `de`, ...), for speech. */
  lang: string;
  /** Aborted when the conversation ends, however it ends. */
  signal: AbortSignal;
  events: AdapterEvents;
}

export interface ConversationAdapter {
  /** Sends a typed message, where the engine takes them. */
  send?(text: string): void;
  /** The visitor's microphone to the engine: off while muted, and while a person holds the conversation. */
  mute(muted: boolean): void;
  /**
   * A person holds the conversation (`true`) or handed it back: the persona falls silent (what it
   * was saying is cut) and says nothing until handed back; the engine's own side stops answering.
   */
  hold(held: boolean): void;
  /** Ends the conversation and releases sockets, audio and timers. Safe to call twice. */
  end(): Promise<void>;
}

/** What each adapter chunk exports. Resolves once connected; rejects if it cannot connect. */
export type Connect<Engine extends SessionEngine = SessionEngine> = (
  context: AdapterContext<Engine>,
) => Promise<ConversationAdapter>;
