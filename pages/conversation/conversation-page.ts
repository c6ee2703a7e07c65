/**
 * `<conversation-page>`: the page a conversation's share URL opens (`/c/{capability}`,
 * docs/conversations.md, "The conversation page"), for the site's team, on a desk or a phone. It
 * shows the conversation's state and transcript, live; with a takeover URL it takes the
 * conversation over, sends the person's messages, and hands it back.
 *
 * The capability is read from the address, never written into the HTML. The page draws a random
 * id once per tab (kept in `sessionStorage`), so that after a reload or a lost network it is still
 * the page that holds the conversation. Text from the API lands only in Lit text bindings.
 */
import { LitElement, html, nothing } from 'lit';
import type { Holder, WatchedConversation, WatchedTurn, WatchFrame } from '../../src/conversation/watch-protocol.js';
import { LiveConversation, act } from './live.js';
import { styles } from './styles.js';

type Loaded = Extract<WatchFrame, { type: 'snapshot' }> & { turns: WatchedTurn[] };
type State = { kind: 'connecting' } | { kind: 'expired' } | { kind: 'gone' } | ({ kind: 'live' } & Loaded);

const ENDED_BECAUSE: Record<string, string> = {
  visitor: 'the visitor ended it',
  idle: 'nothing happened for a while',
  expired: 'it ran out of time',
  failed: 'it failed',
  operator: 'the takeover link expired',
  completed: 'the persona ended it',
};
const WHO = { visitor: 'Visitor', operator: 'Team' } as const;

const time = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

/** This tab's id for this link: the same after a reload, so it keeps a conversation it holds. */
function pageId(capability: string): string {
  const key = `conversation-page:${capability.slice(0, 16)}`;
  try {
    const kept = sessionStorage.getItem(key);
    if (kept) return kept;
    const fresh = crypto.randomUUID();
    sessionStorage.setItem(key, fresh);
    return fresh;
  } catch {
    return crypto.randomUUID();
  }
}

export class ConversationPage extends LitElement {
  static override styles = styles;
  static override properties = {
    _state: { state: true },
    _online: { state: true },
    _problem: { state: true },
    _busy: { state: true },
  };

  declare _state: State;
  declare _online: boolean;
  declare _problem: string | null;
  declare _busy: boolean;
  readonly #capability = decodeURIComponent(location.pathname.split('/').pop() ?? '');
  readonly #page = pageId(this.#capability);
  #live: LiveConversation | null = null;

  constructor() {
    super();
    this._state = { kind: 'connecting' };
    this._online = false;
    this._problem = null;
    this._busy = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#live = new LiveConversation(this.#capability, this.#page, {
      frame: (frame) => this.#hear(frame),
      connected: (open) => (this._online = open),
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#live?.close();
    this.#live = null;
  }

  #hear(frame: WatchFrame): void {
    const state = this._state;
    switch (frame.type) {
      case 'snapshot':
        this._state = { kind: 'live', ...frame, turns: frame.transcript ?? [] };
        return;
      case 'turn':
        if (state.kind !== 'live') return;
        // Turns this page may not read are only counted, unless the link records (then they are "not recorded").
        if (frame.turn.text === null && state.transcript === null) {
          this._state = { ...state, conversation: { ...state.conversation, turns: frame.turns } };
          return;
        }
        this._state = {
          ...state,
          conversation: { ...state.conversation, turns: frame.turns },
          turns: [...state.turns, frame.turn],
        };
        return;
      case 'state':
        if (state.kind === 'live') this._state = { ...state, conversation: frame.conversation, holder: frame.holder };
        return;
      case 'expired':
      case 'gone':
        this._state = { kind: frame.type };
        return;
    }
  }

  protected override updated(): void {
    const log = this.renderRoot.querySelector('.log');
    if (log) log.scrollTop = log.scrollHeight;
  }

  async #do(action: 'takeover' | 'handback' | 'messages', body: object = {}): Promise<boolean> {
    this._busy = true;
    this._problem = await act(this.#capability, action, { page: this.#page, ...body });
    this._busy = false;
    return this._problem === null;
  }

  readonly #send = async (event: SubmitEvent) => {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('text') as HTMLInputElement;
    const text = input.value.trim();
    if (text && (await this.#do('messages', { text }))) input.value = '';
    input.focus();
  };

  protected override render() {
    const state = this._state;
    if (state.kind === 'expired')
      return this.#notice('This conversation link has expired', 'Ask for a new link to the conversation.');
    if (state.kind === 'gone')
      return this.#notice('This conversation was deleted', 'Its record and its links are gone.');
    if (state.kind === 'connecting')
      return html`<main class="page"><p class="notice" role="status">Connecting…</p></main>`;
    const { conversation, personaName, share, holder } = state;
    const persona = personaName ?? 'the persona';
    return html`<main class="page">
      <header>
        <h1>Conversation with ${persona}</h1>
        <p class="meta">${this.#pill(conversation, holder)}<span>Started ${time(conversation.startedAt)}</span>
          <span>${conversation.origin ?? 'no page origin'}</span><span>${conversation.turns} turns</span></p>
        ${this._online ? nothing : html`<p class="notice" role="status">Reconnecting…</p>`}
        ${
          state.transcript === null
            ? html`<p class="notice">Transcripts are off for this link: only the conversation's state is shown${share.mode === 'view' ? '' : ', and what is said while you hold it'}.</p>`
            : nothing
        }
        <p class="notice">${this.#expiry(share, persona)}</p>
        ${this._problem ? html`<p class="notice alert" role="alert">${this._problem}</p>` : nothing}
      </header>
      <div class="log" role="log" aria-live="polite" aria-label="Transcript" tabindex="0">
        <ol>
          ${state.turns.length ? state.turns.map((turn) => this.#turn(turn, persona)) : html`<li class="empty">Nothing said yet.</li>`}
        </ol>
      </div>
      ${share.mode !== 'view' && conversation.endedAt === null ? this.#controls(holder, persona) : nothing}
    </main>`;
  }

  #notice(title: string, detail: string) {
    return html`<main class="page"><div role="alert"><h1>${title}</h1><p>${detail}</p></div></main>`;
  }

  #pill(conversation: WatchedConversation, holder: Holder) {
    if (conversation.endedAt !== null)
      return html`<span class="pill"><i></i>Ended ${time(conversation.endedAt)}: ${ENDED_BECAUSE[conversation.endReason ?? ''] ?? conversation.endReason}</span>`;
    if (holder === 'you') return html`<span class="pill held"><i></i>You hold it</span>`;
    if (holder === 'other') return html`<span class="pill held"><i></i>Another operator holds it</span>`;
    return html`<span class="pill live"><i></i>Live</span>`;
  }

  #expiry({ mode, expiresAt }: Loaded['share'], persona: string) {
    const at = time(expiresAt);
    if (mode === 'view') return `This view link expires at ${at}.`;
    if (mode === 'auto') return `This link expires at ${at}: then the conversation goes back to ${persona}.`;
    return `This link expires at ${at}: if you hold the conversation then, it ends.`;
  }

  #turn(turn: WatchedTurn, persona: string) {
    const who = turn.role === 'persona' ? persona : WHO[turn.role];
    if (turn.text === null)
      return html`<li class="unread" data-role=${turn.role}>${who} spoke (not recorded) · ${time(turn.at)}</li>`;
    return html`<li data-role=${turn.role}><span class="who">${who} · ${time(turn.at)}</span>${turn.text}</li>`;
  }

  #controls(holder: Holder, persona: string) {
    if (holder === 'you')
      return html`<footer>
        <form @submit=${this.#send}>
          <input name="text" maxlength="2000" autocomplete="off" enterkeyhint="send" aria-label="Message to the visitor" placeholder="Message to the visitor" />
          <button class="primary" type="submit" ?disabled=${this._busy}>Send</button>
        </form>
        <div class="actions">
          <button type="button" ?disabled=${this._busy} @click=${() => void this.#do('handback')}>Hand back to ${persona}</button>
          <p>The visitor sees your messages; ${persona} is silent until you hand back.</p>
        </div>
      </footer>`;
    return html`<footer>
      <div class="actions">
        <button class="primary" type="button" ?disabled=${this._busy || holder === 'other'} @click=${() => void this.#do('takeover')}>Take over</button>
        <p>${holder === 'other' ? 'Another operator holds this conversation.' : `${persona} answers until you take over.`}</p>
      </div>
    </footer>`;
  }
}
