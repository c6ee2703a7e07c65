/**
 * What the conversation page (`/c/{capability}`, pages/conversation/) hears over its socket
 * (docs/conversations.md, "The conversation page"): `ws(s)://<api>/v1/channel/watch?capability=…&page=…`,
 * where `page` is a random UUID the page draws once, so that a page which reconnects is known as
 * the one that holds the conversation. The page sends nothing on it: its actions (take over, hand
 * back, a message) are `POST`s with their own status codes (docs/api.md, "Conversation pages").
 *
 * API → page, JSON text frames:
 * - `snapshot`: on connect (and again after the API lost messages): the conversation, the persona's
 *   name, the transcript (`null` when the link does not record), the URL's mode and expiry, and
 *   who holds the conversation (`you`, `other` or `null`);
 * - `turn`: a new turn, `text: null` when this page may not read it (no recording, and it does not
 *   hold the conversation); `turns` is the conversation's count with it, so a turn already in the
 *   snapshot is known;
 * - `state`: the conversation changed (taken over, handed back, ended);
 * - `expired`: the URL expired (the socket then closes, 4410);
 * - `gone`: the conversation was erased (the socket then closes, 4404).
 */
import type { ConversationEndReason, TurnRole } from './channel-protocol.js';

export const WATCH_PATH = '/v1/channel/watch';

export type Holder = 'you' | 'other' | null;

/** A conversation as the management API answers it (docs/conversations.md), and as the page, the console and the demo read it. */
export interface WatchedConversation {
  id: string;
  shareLinkId: string;
  personaId: string;
  origin: string | null;
  engine: string | null;
  startedAt: string;
  endedAt: string | null;
  endReason: ConversationEndReason | null;
  takenOver: boolean;
  turns: number;
  transcriptStatus: 'recorded' | 'not-recorded' | 'deleted';
}

export interface WatchedTurn {
  role: TurnRole;
  text: string | null;
  at: string;
}

export type WatchFrame =
  | {
      type: 'snapshot';
      conversation: WatchedConversation;
      personaName: string | null;
      transcript: WatchedTurn[] | null;
      share: { mode: 'view' | 'takeover' | 'auto'; expiresAt: string };
      holder: Holder;
    }
  | { type: 'turn'; turn: WatchedTurn; turns: number }
  | { type: 'state'; conversation: WatchedConversation; holder: Holder }
  | { type: 'expired' }
  | { type: 'gone' };
