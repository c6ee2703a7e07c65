/**
 * `<console-conversations>`: the conversation records (`GET /v1/conversations`, docs/conversations.md),
 * newest first, for every link or one; and one conversation with its transcript, the view and
 * takeover URLs it can be shared by (Xenioo's share URL: `GET /v1/conversations/share/{mode}/{id}/{hours}`),
 * and erasing it.
 */
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import type { ManagementApi } from '../api.ts';
import { count, duration, when } from '../format.ts';
import { Loader } from '../loader.ts';
import { base } from '../styles.ts';
import { pageInfo, type Conversation, type ConversationShare, type Page, type ShareMode } from '../types.ts';
import { announce, failed, loading, navigate, unavailable } from '../ui.ts';

const PER_PAGE = 25;
const MODES: { mode: ShareMode; label: string; hint: string }[] = [
  { mode: 'view', label: 'View', hint: 'Watch the conversation live, read-only' },
  { mode: 'takeover', label: 'Take over', hint: 'Watch, and answer the visitor in the persona’s place' },
  { mode: 'auto', label: 'Take over, hand back on expiry', hint: 'As take over; on expiry the persona goes on' },
];

const lengthOf = (conversation: Conversation) =>
  conversation.endedAt
    ? duration((Date.parse(conversation.endedAt) - Date.parse(conversation.startedAt)) / 1000)
    : 'live';

export class ConsoleConversations extends LitElement {
  static override styles = [
    base,
    css`
      .transcript {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 8px;
      }
      .turn {
        padding: 8px 12px;
        border-radius: 10px;
        background: var(--page);
        max-width: 46em;
      }
      .turn.visitor {
        justify-self: end;
        background: var(--accent-soft);
      }
      .turn.operator {
        border: 1px solid var(--warn);
      }
      .turn .who {
        font-size: 13px;
        color: var(--muted);
        font-weight: 600;
      }
      .share {
        display: grid;
        gap: 12px;
        grid-template-columns: repeat(auto-fit, minmax(180px, 1fr));
        align-items: end;
      }
      .url {
        word-break: break-all;
      }
    `,
  ];
  static override properties = {
    api: { attribute: false },
    conversationId: { attribute: false },
    shareLinkId: { attribute: false },
    page: { attribute: false },
    _shared: { state: true },
    _shareProblem: { state: true },
  };

  declare api: ManagementApi;
  declare conversationId: string | null;
  declare shareLinkId: string | null;
  declare page: number;
  declare _shared: (ConversationShare & { mode: ShareMode }) | null;
  declare _shareProblem: string;

  readonly #list = new Loader<Page<Conversation>, [ManagementApi, string | null, number]>(
    this,
    ([api, shareLinkId, page], signal) =>
      api.conversations({ ...(shareLinkId && { shareLinkId }), page, perPage: PER_PAGE }, signal),
    () => (this.api && !this.conversationId ? [this.api, this.shareLinkId ?? null, this.page ?? 1] : null),
  );

  readonly #one = new Loader<Conversation, [ManagementApi, string]>(
    this,
    ([api, id], signal) => api.conversation(id, signal),
    () => (this.api && this.conversationId ? [this.api, this.conversationId] : null),
    false,
  );

  constructor() {
    super();
    this._shared = null;
    this._shareProblem = '';
  }

  override render(): TemplateResult {
    return this.conversationId ? this.#detail() : this.#listView();
  }

  #listView(): TemplateResult {
    const state = this.#list.state;
    const heading = html`<h1 tabindex="-1">Conversations</h1>
      ${
        this.shareLinkId
          ? html`<p>
            For one link only. <a href="#/conversations">Every link’s conversations</a>
          </p>`
          : nothing
      }`;
    if (state.status === 'loading') return html`${heading}${loading('conversations')}`;
    if (state.status === 'unavailable')
      return html`${heading}${unavailable('conversation records', 'GET /v1/conversations', state.error)}`;
    if (state.status === 'failed') return html`${heading}${failed(state.error, () => void this.#list.reload())}`;
    const { data, meta } = state.value;
    const { page, pages } = pageInfo(meta);
    return html`${heading}
      <div class="card table-wrap">
        <table class="stack" role="table">
          <caption class="visually-hidden">
            Conversations, newest first, page ${page} of ${pages}
          </caption>
          <thead role="rowgroup">
            <tr role="row">
              <th role="columnheader" scope="col">Started</th>
              <th role="columnheader" scope="col">Origin</th>
              <th role="columnheader" scope="col">Engine</th>
              <th role="columnheader" scope="col" class="num">Turns</th>
              <th role="columnheader" scope="col">Length</th>
              <th role="columnheader" scope="col">Ended because</th>
            </tr>
          </thead>
          <tbody role="rowgroup">
            ${data.map(
              (conversation) => html`<tr role="row">
                <td role="cell"><a href="#/conversations/${encodeURIComponent(conversation.id)}">${when(conversation.startedAt)}</a></td>
                <td role="cell" data-label="Origin" class="mono">${conversation.origin ?? '(no origin)'}</td>
                <td role="cell" data-label="Engine">${conversation.engine ?? 'page'}</td>
                <td role="cell" data-label="Turns" class="num">${count(conversation.turns)}</td>
                <td role="cell" data-label="Length">${lengthOf(conversation)}</td>
                <td role="cell" data-label="Ended because">
                  ${
                    conversation.endReason
                      ? html`<code>${conversation.endReason}</code>`
                      : html`<span class="badge ok">live</span>`
                  }
                  ${conversation.takenOver ? html`<span class="badge warn">taken over</span>` : nothing}
                </td>
              </tr>`,
            )}
          </tbody>
        </table>
        ${data.length ? nothing : html`<p class="muted">No conversation yet.</p>`}
      </div>
      <nav class="toolbar" aria-label="Pages">
        <button type="button" ?disabled=${page <= 1} @click=${() => this.#toPage(page - 1)}>Newer</button>
        <span>Page ${page} of ${pages} · ${count(meta.total)} conversations</span>
        <button type="button" ?disabled=${page >= pages} @click=${() => this.#toPage(page + 1)}>Older</button>
      </nav>`;
  }

  #toPage(page: number) {
    navigate(this, { view: 'conversations', shareLinkId: this.shareLinkId ?? null, page });
  }

  #detail(): TemplateResult {
    const state = this.#one.state;
    const back = html`<p><a href="#/conversations">← All conversations</a></p>`;
    if (state.status === 'loading')
      return html`${back}<h1 tabindex="-1">Conversation</h1>${loading('the conversation')}`;
    if (state.status !== 'ready')
      return html`${back}<h1 tabindex="-1">Conversation</h1>${failed(state.error, () => void this.#one.reload())}`;
    const conversation = state.value;
    return html`${back}
      <h1 tabindex="-1">Conversation of ${when(conversation.startedAt)}</h1>
      <div class="card">
        <div class="table-wrap">
          <table>
            <tbody>
              <tr><th scope="row">Origin</th><td class="mono">${conversation.origin ?? '(no origin)'}</td></tr>
              <tr><th scope="row">Link</th><td><a href="#/links/${encodeURIComponent(conversation.shareLinkId)}">${conversation.shareLinkId}</a></td></tr>
              <tr><th scope="row">Engine</th><td>${conversation.engine ?? 'run by the page'}</td></tr>
              <tr><th scope="row">Length</th><td>${lengthOf(conversation)}</td></tr>
              <tr><th scope="row">Ended because</th><td>${conversation.endReason ?? 'still live'}${conversation.takenOver ? ' · taken over by a person' : ''}</td></tr>
            </tbody>
          </table>
        </div>
      </div>
      ${this.#shareCard(conversation)}
      <section class="card" aria-labelledby="transcript-title">
        <h2 id="transcript-title">Transcript</h2>
        ${
          conversation.transcript?.length
            ? html`<ol class="transcript">
              ${conversation.transcript.map(
                (turn) =>
                  html`<li class="turn ${turn.role}">
                    <span class="who">${turn.role} · ${when(turn.at)}</span>
                    <p>${turn.text}</p>
                  </li>`,
              )}
            </ol>`
            : html`<p class="muted">
              No transcript: the link does not keep transcripts (its <code>recordTranscripts</code> is off), or nobody
              spoke.
            </p>`
        }
      </section>
      <section class="card" aria-labelledby="erase-title">
        <h2 id="erase-title">Erase</h2>
        <p>Erasing deletes the record and its transcript, and revokes every URL shared for it (a privacy request).</p>
        <button type="button" class="danger" @click=${() => this.#dialog()?.showModal()}>Erase this conversation…</button>
      </section>
      <dialog data-erase aria-labelledby="erase-dialog-title">
        <h2 id="erase-dialog-title">Erase this conversation?</h2>
        <p>The record, its transcript and its shared URLs are gone for good.</p>
        <div class="actions">
          <button type="button" autofocus @click=${() => this.#dialog()?.close()}>Keep it</button>
          <button type="button" class="danger solid" @click=${() => this.#erase(conversation)}>Erase</button>
        </div>
      </dialog>`;
  }

  #dialog() {
    return this.renderRoot.querySelector<HTMLDialogElement>('dialog[data-erase]');
  }

  #shareCard(conversation: Conversation): TemplateResult {
    return html`<section class="card" aria-labelledby="share-title">
      <h2 id="share-title">Share</h2>
      <p class="muted">A URL for a person on your team, valid for the hours you choose; anyone holding it can use it.</p>
      <form class="share" @submit=${(event: SubmitEvent) => this.#share(event, conversation)}>
        <label
          >Mode
          <select name="mode">
            ${MODES.map((mode) => html`<option value=${mode.mode}>${mode.label}: ${mode.hint}</option>`)}
          </select>
        </label>
        <label
          >Valid for (hours, 1 to 720)
          <input name="hours" type="number" min="1" max="720" step="1" value="1" inputmode="numeric" required />
        </label>
        <button class="primary">Create the URL</button>
      </form>
      ${this._shareProblem ? html`<p class="error" role="alert">${this._shareProblem}</p>` : nothing}
      ${
        this._shared
          ? html`<div class="notice" role="status">
            <p>
              <strong>${MODES.find((mode) => mode.mode === this._shared!.mode)?.label}</strong> URL, valid until
              ${when(this._shared.expiresAt)}:
            </p>
            <p class="url"><a href=${this._shared.Url} target="_blank" rel="noopener noreferrer" data-share-url>${this._shared.Url}</a></p>
            <button type="button" class="small" @click=${this.#copyShared}>Copy</button>
          </div>`
          : nothing
      }
    </section>`;
  }

  async #share(event: SubmitEvent, conversation: Conversation) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const mode = (form.elements.namedItem('mode') as HTMLSelectElement).value as ShareMode;
    const hours = Number((form.elements.namedItem('hours') as HTMLInputElement).value);
    this._shareProblem = '';
    this._shared = null;
    if (!Number.isInteger(hours) || hours < 1 || hours > 720) {
      this._shareProblem = 'The validity is a whole number of hours, from 1 to 720.';
      return;
    }
    try {
      this._shared = { ...(await this.api.shareConversation(mode, conversation.id, hours)), mode };
    } catch (error) {
      this._shareProblem = (error as Error).message;
    }
  }

  async #copyShared() {
    if (!this._shared) return;
    await navigator.clipboard.writeText(this._shared.Url).then(
      () => announce(this, 'URL copied'),
      () => announce(this, 'The clipboard is not available: select the URL and copy it'),
    );
  }

  async #erase(conversation: Conversation) {
    try {
      await this.api.deleteConversation(conversation.id);
      this.#dialog()?.close();
      announce(this, 'Conversation erased');
      navigate(this, { view: 'conversations', shareLinkId: null, page: 1 });
    } catch (error) {
      this.#dialog()?.close();
      this._shareProblem = (error as Error).message;
    }
  }
}

if (!customElements.get('console-conversations')) customElements.define('console-conversations', ConsoleConversations);

declare global {
  interface HTMLElementTagNameMap {
    'console-conversations': ConsoleConversations;
  }
}
