/**
 * `<console-webhooks>`: recent webhook delivery attempts (`GET /v1/webhooks/deliveries`,
 * docs/operators.md, "Webhooks"): which event, to which attempt, what the receiver answered, and
 * when the next try is due. Fields are read leniently, as the API names them.
 */
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import type { ManagementApi } from '../api.ts';
import { when } from '../format.ts';
import { Loader } from '../loader.ts';
import { base } from '../styles.ts';
import type { WebhookDelivery } from '../types.ts';
import { failed, loading, unavailable } from '../ui.ts';

/** The first of `names` the delivery has, as text. */
const field = (delivery: WebhookDelivery, ...names: string[]): string | null => {
  for (const name of names) {
    const value = delivery[name];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return null;
};

const isDate = (value: string | null) => value !== null && /^\d{4}-\d\d-\d\dT/.test(value);

export class ConsoleWebhooks extends LitElement {
  static override styles = [base];
  static override properties = { api: { attribute: false } };
  declare api: ManagementApi;

  readonly #deliveries = new Loader<WebhookDelivery[], [ManagementApi]>(
    this,
    async ([api], signal) => {
      const answer = await api.webhookDeliveries(signal);
      return Array.isArray(answer) ? answer : answer.data;
    },
    () => (this.api ? [this.api] : null),
  );

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
    const deliveries = state.value;
    return html`
      <div class="toolbar"><button type="button" @click=${() => this.#deliveries.reload()}>Refresh</button></div>
      <div class="card table-wrap">
        <table>
          <caption class="visually-hidden">
            Recent delivery attempts, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Event</th>
              <th scope="col">webhook-id</th>
              <th scope="col" class="num">Attempt</th>
              <th scope="col">Answer</th>
              <th scope="col">Next try</th>
            </tr>
          </thead>
          <tbody>
            ${deliveries.map((delivery) => {
              const at = field(delivery, 'attemptedAt', 'at', 'createdAt', 'timestamp');
              const status = field(delivery, 'status', 'statusCode', 'responseStatus');
              const error = field(delivery, 'error', 'message');
              const next = field(delivery, 'nextAttemptAt', 'retryAt');
              const ok = status !== null && /^2\d\d$|^delivered$|^succeeded$/.test(status);
              return html`<tr>
                <td>${isDate(at) ? when(at) : (at ?? '—')}</td>
                <td><code>${field(delivery, 'type', 'eventType', 'event') ?? '—'}</code></td>
                <td class="mono">${field(delivery, 'webhookId', 'eventId', 'id') ?? '—'}</td>
                <td class="num">${field(delivery, 'attempt', 'attempts') ?? '—'}</td>
                <td>
                  ${status === null ? '—' : html`<span class="badge ${ok ? 'ok' : 'bad'}">${status}</span>`}
                  ${error ? html`<span class="muted">${error}</span>` : nothing}
                </td>
                <td>${isDate(next) ? when(next) : (next ?? '—')}</td>
              </tr>`;
            })}
          </tbody>
        </table>
        ${deliveries.length ? nothing : html`<p class="muted">No delivery yet.</p>`}
      </div>`;
  }
}

if (!customElements.get('console-webhooks')) customElements.define('console-webhooks', ConsoleWebhooks);

declare global {
  interface HTMLElementTagNameMap {
    'console-webhooks': ConsoleWebhooks;
  }
}
