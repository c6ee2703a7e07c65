/**
 * `<console-webhooks>`: recent webhook delivery attempts (`GET /v1/webhooks/deliveries`,
 * docs/operators.md, "Webhooks"), newest first: which event, which attempt, what the receiver
 * answered and how fast, and when the next try is due; with where events go and how many wait.
 */
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import type { ManagementApi } from '../api.ts';
import { count, when } from '../format.ts';
import { Loader } from '../loader.ts';
import { base } from '../styles.ts';
import { pageInfo, type WebhookDeliveries, type WebhookDelivery } from '../types.ts';
import { failed, loading, unavailable } from '../ui.ts';

const PER_PAGE = 50;

const OUTCOMES: Record<WebhookDelivery['outcome'], { label: string; tone: string }> = {
  delivered: { label: 'Delivered', tone: 'ok' },
  retrying: { label: 'Will retry', tone: 'warn' },
  failed: { label: 'Gave up', tone: 'bad' },
};

export class ConsoleWebhooks extends LitElement {
  static override styles = [base];
  static override properties = { api: { attribute: false }, _page: { state: true } };
  declare api: ManagementApi;
  declare _page: number;

  readonly #deliveries = new Loader<WebhookDeliveries, [ManagementApi, number]>(
    this,
    ([api, page], signal) => api.webhookDeliveries({ page, perPage: PER_PAGE }, signal),
    () => (this.api ? [this.api, this._page] : null),
  );

  constructor() {
    super();
    this._page = 1;
  }

  override render(): TemplateResult {
    // One frame for every state: the heading keeps focus while the list loads.
    return html`<h1 tabindex="-1">Webhook deliveries</h1>
      <p class="muted">
        Events (<code>conversation.started</code>, <code>conversation.ended</code>,
        <code>share-link.usage-limit-reached</code>) sent to the API's webhook URL, signed, retried with backoff.
      </p>
      ${this.#body()}`;
  }

  #body(): TemplateResult {
    const state = this.#deliveries.state;
    if (state.status === 'loading') return loading('deliveries');
    if (state.status === 'unavailable')
      return unavailable('webhook deliveries', 'GET /v1/webhooks/deliveries', state.error);
    if (state.status === 'failed') return failed(state.error, () => void this.#deliveries.reload());
    const { data, meta } = state.value;
    const { page, pages, total } = pageInfo(meta);
    return html`
      <div class="toolbar">
        <p data-webhook-target>
          ${
            meta.url === null
              ? html`<span class="badge warn">Off</span> No webhook URL is set (<code>SHARE_LINK_WEBHOOK_URL</code>).`
              : meta.url
                ? html`Sent to <code>${meta.url}</code>.`
                : nothing
          }
          ${meta.pending === undefined ? nothing : html`${count(meta.pending)} waiting in the outbox.`}
        </p>
        <button type="button" @click=${() => this.#deliveries.reload()}>Refresh</button>
      </div>
      <div class="card table-wrap">
        <table class="stack" role="table">
          <caption class="visually-hidden">
            Delivery attempts, newest first, page ${page} of ${pages}
          </caption>
          <thead role="rowgroup">
            <tr role="row">
              <th role="columnheader" scope="col">When</th>
              <th role="columnheader" scope="col">Event</th>
              <th role="columnheader" scope="col">webhook-id</th>
              <th role="columnheader" scope="col" class="num">Attempt</th>
              <th role="columnheader" scope="col">Outcome</th>
              <th role="columnheader" scope="col">Answer</th>
              <th role="columnheader" scope="col">Next try</th>
            </tr>
          </thead>
          <tbody role="rowgroup">
            ${data.map((delivery) => {
              const outcome = OUTCOMES[delivery.outcome] ?? { label: delivery.outcome, tone: '' };
              return html`<tr role="row">
                <td role="cell">${when(delivery.at)}</td>
                <td role="cell" data-label="Event"><code>${delivery.type}</code></td>
                <td role="cell" data-label="webhook-id" class="mono">${delivery.webhookId}</td>
                <td role="cell" data-label="Attempt" class="num">${delivery.attempt}</td>
                <td role="cell" data-label="Outcome"><span class="badge ${outcome.tone}">${outcome.label}</span></td>
                <td role="cell" data-label="Answer">
                  ${delivery.status ?? 'none'} in ${count(delivery.durationMs)} ms${
                    delivery.error ? html`<br /><span class="muted">${delivery.error}</span>` : nothing
                  }
                </td>
                <td role="cell" data-label="Next try">${when(delivery.nextAttemptAt)}</td>
              </tr>`;
            })}
          </tbody>
        </table>
        ${data.length ? nothing : html`<p class="muted">No delivery yet.</p>`}
      </div>
      <nav class="toolbar" aria-label="Pages">
        <button type="button" ?disabled=${page <= 1} @click=${() => (this._page = page - 1)}>Newer</button>
        <span>Page ${page} of ${pages} · ${count(total)} attempts</span>
        <button type="button" ?disabled=${page >= pages} @click=${() => (this._page = page + 1)}>Older</button>
      </nav>
    `;
  }
}

if (!customElements.get('console-webhooks')) customElements.define('console-webhooks', ConsoleWebhooks);

declare global {
  interface HTMLElementTagNameMap {
    'console-webhooks': ConsoleWebhooks;
  }
}
