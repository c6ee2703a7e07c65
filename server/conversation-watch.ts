/**
 * The conversation page's socket (docs/conversations.md, "The conversation page"): the API fans a
 * conversation out to the pages of its share URLs, live. A route of the socket gate, admitted by a
 * share URL's capability that is valid now (else `404`, or `410` once it expired) and the page's
 * id. Protocol in src/conversation/watch-protocol.ts.
 *
 * - At most `maxPerConversation` (100) pages of one conversation per process (`503` beyond): the
 *   global cap and each address's share of it (server/socket-gate.ts) bound the rest.
 * - A conversation's pages in this process share one listener, and a frame is serialised once for
 *   all the pages that read it alike; a page that does not read is dropped by the gate once 64 KiB
 *   wait for it, and gets a fresh snapshot when it reconnects.
 * - A page that reads without recording sees the state only; while it holds the conversation, it
 *   also sees the turns (it converses with the visitor), which are still not kept.
 * - The page that holds the conversation and goes away (closed tab, lost network) has `graceMs`
 *   (30 s) to come back, here or on another process; then the conversation goes back to the persona.
 * - When the URL expires, its pages are told and closed (the schedule's tick checks every 5 s).
 */
import { MAX_CHANNEL_FRAME_BYTES } from '../src/conversation/channel-protocol.ts';
import { WATCH_PATH, type Holder, type WatchFrame } from '../src/conversation/watch-protocol.ts';
import type { Heard } from './conversation-hub.ts';
import { publicConversation, type ConversationRecord, type StoredShare } from './conversation-schemas.ts';
import type { ConversationService } from './conversations.ts';
import { isUuid } from './public-schemas.ts';
import type { GatedSocket, SocketRoute } from './socket-gate.ts';
import type { PersonaRepository } from './store/index.ts';

export interface WatchOptions {
  conversations: ConversationService;
  personas: PersonaRepository;
  /** Pages of one conversation in this process. Default 100. */
  maxPerConversation?: number;
  /** How long the page that holds a conversation may be away. Default 30 s. */
  graceMs?: number;
}

interface Admitted {
  share: StoredShare;
  conversation: ConversationRecord;
  page: string;
}

interface Watcher {
  socket: GatedSocket;
  page: string;
  share: StoredShare;
  /** The conversation's turns in what this page was sent. */
  turns: number;
  /** Who holds the conversation (a page id), as this page was last told. */
  holder: string | null;
  /** What it heard before its snapshot was sent; `null` once it was. */
  early: Heard[] | null;
}

/** A conversation's pages in this process, and their one listener. */
interface Group {
  watchers: Set<Watcher>;
  unlisten: () => void;
}

/** The route; `tick` closes the pages of URLs that expired (the conversation schedule calls it); `dispose` clears the waits. */
export function watchRoute({
  conversations,
  personas,
  maxPerConversation = 100,
  graceMs = 30_000,
}: WatchOptions): SocketRoute<Admitted, never> & { tick(now: number): void; dispose(): void } {
  const groups = new Map<string, Group>();
  const waiting = new Set<() => void>();

  const holderFor = (watcher: Watcher): Holder =>
    watcher.holder === null ? null : watcher.holder === watcher.page ? 'you' : 'other';
  const send = (watcher: Watcher, frame: WatchFrame | string) => watcher.socket.send(frame);
  /** Sends the snapshot; a page that cannot be given one is closed (it reconnects), never left waiting. */
  const resend = (watcher: Watcher, id: string) =>
    void snapshot(watcher, id).catch(() => watcher.socket.close(1011, 'unavailable'));

  const gone = (watcher: Watcher) => {
    send(watcher, { type: 'gone' });
    watcher.socket.close(4404, 'erased');
  };

  const snapshot = async (watcher: Watcher, id: string) => {
    watcher.early ??= [];
    const record = await conversations.store.conversation(id);
    if (!record) return gone(watcher);
    const conversation = publicConversation(record);
    const transcript = conversation.transcriptStatus === 'recorded' ? await conversations.store.transcript(id) : null;
    const persona = await personas.persona(record.personaId);
    watcher.turns = record.turns;
    watcher.holder = record.hold?.holder ?? null;
    const { mode, expiresAt } = watcher.share;
    const personaName = persona?.name ?? null;
    send(watcher, {
      type: 'snapshot',
      conversation,
      personaName,
      transcript,
      share: { mode, expiresAt },
      holder: holderFor(watcher),
    });
    // What it heard meanwhile: turns the snapshot has are skipped (by their count).
    const early = watcher.early;
    watcher.early = null;
    for (const heard of early) hearOne(watcher, id, heard);
  };

  /** A signal for one page; `turn` frames shared by pages that read alike are passed in serialised. */
  const hearOne = (watcher: Watcher, id: string, heard: Heard, serialised?: (readable: boolean) => string) => {
    if (watcher.early) return void watcher.early.push(heard);
    switch (heard.kind) {
      case 'turn': {
        if (heard.turns <= watcher.turns) return;
        watcher.turns = heard.turns;
        const readable = heard.kept || (heard.holder !== null && heard.holder === watcher.page);
        return send(watcher, serialised?.(readable) ?? turnFrame(heard, readable));
      }
      case 'hold':
      case 'ended':
        watcher.holder = heard.kind === 'hold' ? heard.holder : null;
        return send(watcher, { type: 'state', conversation: heard.conversation, holder: holderFor(watcher) });
      case 'erased':
        return gone(watcher);
      case 'resync':
        return resend(watcher, id);
      default:
        return;
    }
  };

  const hear = (group: Group, id: string, heard: Heard) => {
    // Serialised once per kind of reader, however many pages read it.
    const frames: Partial<Record<'true' | 'false', string>> = {};
    const serialised =
      heard.kind === 'turn' ? (readable: boolean) => (frames[`${readable}`] ??= turnFrame(heard, readable)) : undefined;
    for (const watcher of [...group.watchers]) hearOne(watcher, id, heard, serialised);
  };

  /** The page that held the conversation left: unless it comes back within `graceMs`, the persona has it again. */
  const awaitReturn = (id: string, page: string) => {
    const stop = () => {
      clearTimeout(timer);
      unlisten();
      waiting.delete(stop);
    };
    const unlisten = conversations.hub.listen(id, (heard) => {
      if ((heard.kind === 'page' && heard.page === page) || heard.kind === 'ended' || heard.kind === 'erased') stop();
    });
    const timer = setTimeout(() => {
      stop();
      void conversations.release(id, page);
    }, graceMs);
    waiting.add(stop);
  };

  return {
    path: WATCH_PATH,
    maxFrameBytes: MAX_CHANNEL_FRAME_BYTES,
    expects: 'nothing: the page sends its actions as POST requests',
    parse: () => null,
    async admit(url) {
      const page = url.searchParams.get('page') ?? '';
      const found = await conversations.resolve(url.searchParams.get('capability') ?? '');
      if (!found.found) return { ok: false, status: found.why === 'expired' ? 410 : 404 };
      if (!isUuid(page)) return { ok: false, status: 404 };
      if ((groups.get(found.conversation.id)?.watchers.size ?? 0) >= maxPerConversation)
        return { ok: false, status: 503 };
      return { ok: true, admitted: { share: found.share, conversation: found.conversation, page } };
    },
    open(socket, { share, conversation, page }) {
      const id = conversation.id;
      const watcher: Watcher = { socket, page, share, turns: conversation.turns, holder: null, early: [] };
      let group = groups.get(id);
      if (!group) {
        const created: Group = { watchers: new Set(), unlisten: () => undefined };
        created.unlisten = conversations.hub.listen(id, (heard) => hear(created, id, heard));
        groups.set(id, (group = created));
      }
      group.watchers.add(watcher);
      // Listening already, then read: a turn between the two is in the snapshot or after it, never lost.
      resend(watcher, id);
      void conversations.hub.publish({ kind: 'page', id, page });
      const joined = group;
      return {
        frame: () => undefined,
        closed() {
          joined.watchers.delete(watcher);
          if (!joined.watchers.size && groups.get(id) === joined) {
            joined.unlisten();
            groups.delete(id);
          }
          if (watcher.holder === page) awaitReturn(id, page);
        },
      };
    },
    tick(now) {
      for (const { watchers } of groups.values()) {
        for (const watcher of watchers) {
          if (Date.parse(watcher.share.expiresAt) > now) continue;
          send(watcher, { type: 'expired' });
          watcher.socket.close(4410, 'expired');
        }
      }
    },
    dispose() {
      for (const stop of [...waiting]) stop();
    },
  };
}

function turnFrame(heard: Extract<Heard, { kind: 'turn' }>, readable: boolean): string {
  const frame: WatchFrame = {
    type: 'turn',
    turn: { role: heard.role, text: readable ? heard.text : null, at: heard.at },
    turns: heard.turns,
  };
  return JSON.stringify(frame);
}
