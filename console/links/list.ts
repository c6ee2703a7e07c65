/** `<console-links>`: every link, searched and paged by the API (`GET /v1/share-links`). */
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import type { ManagementApi } from '../api.ts';
import { count } from '../format.ts';
import { Loader } from '../loader.ts';
import { base } from '../styles.ts';
import { pageInfo, type ManagedLink, type Page } from '../types.ts';
import { failed, loading, navigate } from '../ui.ts';
import { linkStatus, originsSummary, TYPE_LABELS } from './status.ts';

const PER_PAGE = 20;
const SEARCH_DELAY_MS = 250;

export class ConsoleLinks extends LitElement {
  static override styles = [base];
  static override properties = { api: { attribute: false }, search: {}, page: { type: Number } };

  declare api: ManagementApi;
  declare search: string;
  declare page: number;

  #typing: ReturnType<typeof setTimeout> | undefined;
  readonly #links = new Loader<Page<ManagedLink>, [ManagementApi, string, number]>(
    this,
    ([api, search, page], signal) => api.listLinks({ search, page, perPage: PER_PAGE }, signal),
    () => (this.api ? [this.api, this.search ?? '', this.page ?? 1] : null),
    false,
  );

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#typing);
  }

  #onSearch(event: InputEvent) {
    const search = (event.target as HTMLInputElement).value;
    clearTimeout(this.#typing);
    this.#typing = setTimeout(() => navigate(this, { view: 'links', search, page: 1 }, true), SEARCH_DELAY_MS);
  }

  override render(): TemplateResult {
    return html`
      <h1 tabindex="-1">Links</h1>
      <div class="toolbar">
        <label class="grow"
          >Search
          <input
            type="search"
            .value=${this.search ?? ''}
            @input=${this.#onSearch}
            placeholder="Token or persona"
            aria-describedby="search-hint"
        /></label>
        <a class="button primary" href="#/links/new">New link</a>
      </div>
      <p id="search-hint" class="visually-hidden">The list updates as you type.</p>
      ${this.#body()}
    `;
  }

  #body(): TemplateResult {
    const state = this.#links.state;
    if (state.status === 'loading') return loading('links');
    if (state.status !== 'ready') return failed(state.error, () => void this.#links.reload());
    const { data, meta } = state.value;
    const { page, pages } = pageInfo(meta);
    const now = Date.now();
    return html`
      <div class="card table-wrap">
        <table class="stack" role="table">
          <caption class="visually-hidden">
            Links, page ${page} of ${pages}
          </caption>
          <thead role="rowgroup">
            <tr role="row">
              <th role="columnheader" scope="col">Token</th>
              <th role="columnheader" scope="col">Type</th>
              <th role="columnheader" scope="col">Persona</th>
              <th role="columnheader" scope="col">Status</th>
              <th role="columnheader" scope="col" class="num">Uses</th>
              <th role="columnheader" scope="col">Where</th>
            </tr>
          </thead>
          <tbody role="rowgroup">
            ${data.map((link) => {
              const status = linkStatus(link, now);
              return html`<tr role="row">
                <td role="cell"><a class="mono" href="#/links/${encodeURIComponent(link.id)}">${link.token}</a></td>
                <td role="cell" data-label="Type">${TYPE_LABELS[link.type]}</td>
                <td role="cell" data-label="Persona">${link.personaName}</td>
                <td role="cell" data-label="Status"><span class="badge ${status.tone}">${status.label}</span></td>
                <td role="cell" data-label="Uses" class="num">
                  ${count(link.usageCount)}${link.usageLimit === null ? nothing : html` / ${count(link.usageLimit)}`}
                </td>
                <td role="cell" data-label="Where" class="mono">${originsSummary(link)}</td>
              </tr>`;
            })}
          </tbody>
        </table>
        ${data.length ? nothing : html`<p class="muted">No link matches.</p>`}
      </div>
      <nav class="toolbar" aria-label="Pages">
        <button
          type="button"
          ?disabled=${page <= 1}
          @click=${() => navigate(this, { view: 'links', search: this.search, page: page - 1 })}
        >
          Previous
        </button>
        <span>Page ${page} of ${pages} · ${count(meta.total)} links</span>
        <button
          type="button"
          ?disabled=${page >= pages}
          @click=${() => navigate(this, { view: 'links', search: this.search, page: page + 1 })}
        >
          Next
        </button>
      </nav>
    `;
  }
}

if (!customElements.get('console-links')) customElements.define('console-links', ConsoleLinks);

declare global {
  interface HTMLElementTagNameMap {
    'console-links': ConsoleLinks;
  }
}
