/**
 * `<console-analytics>`: views, starts, refusals and conversations over a range of UTC days
 * (`GET /v1/analytics`, docs/operators.md, "Analytics"), by day, by page origin and by reason, for
 * every link or one. Refusals of origins missing from the allowlist come first: they are the sites
 * that embed a link and show visitors nothing, and with one link chosen each can be allowed here.
 */
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import type { AnalyticsQuery, ManagementApi } from '../api.ts';
import { count, duration, lastDays } from '../format.ts';
import { Loader } from '../loader.ts';
import { base } from '../styles.ts';
import type { Analytics, ManagedLink, Page } from '../types.ts';
import { announce, failed, loading, navigate, unavailable } from '../ui.ts';
import './chart.ts';
import type { ChartSeries } from './chart.ts';
import {
  daySeries,
  ORIGIN_REFUSAL,
  originLabel,
  originRanking,
  originsNotAllowed,
  reasonTotals,
  refusedTotal,
  totalsOf,
} from './series.ts';

const DEFAULT_DAYS = 30;
const MAX_CHARTED_ORIGINS = 12;

interface Loaded {
  days: Analytics;
  origins: Analytics;
}

export class ConsoleAnalytics extends LitElement {
  static override styles = [
    base,
    css`
      .figures {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
        gap: 12px;
        margin: 0 0 16px;
      }
      .figure {
        margin: 0;
      }
      .figure dt {
        font-size: 14px;
        color: var(--muted);
        font-weight: 600;
      }
      .figure dd {
        margin: 0;
        font-size: 26px;
        font-weight: 700;
        font-variant-numeric: tabular-nums;
      }
      .figure.alert {
        border-color: var(--danger);
        background: var(--danger-soft);
      }
      .figure.alert dd {
        color: var(--danger);
      }
      .grid {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
        gap: 16px;
      }
      @media (max-width: 1100px) {
        .grid {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      .toolbar input[type='date'] {
        width: auto;
      }
      details summary {
        cursor: pointer;
        margin: 8px 0;
        font-weight: 600;
      }
      tr.refused-only td:first-child {
        color: var(--danger);
        font-weight: 600;
      }
    `,
  ];
  static override properties = {
    api: { attribute: false },
    from: { attribute: false },
    to: { attribute: false },
    shareLinkId: { attribute: false },
  };

  declare api: ManagementApi;
  declare from: string | null;
  declare to: string | null;
  declare shareLinkId: string | null;

  get #range(): { from: string; to: string } {
    const fallback = lastDays(DEFAULT_DAYS, Date.now());
    return { from: this.from ?? fallback.from, to: this.to ?? fallback.to };
  }

  readonly #analytics = new Loader<Loaded, [ManagementApi, string, string, string | null]>(
    this,
    async ([api, from, to, shareLinkId], signal) => {
      const query = (groupBy: AnalyticsQuery['groupBy']): AnalyticsQuery => ({
        from,
        to,
        groupBy,
        ...(shareLinkId && { shareLinkId }),
      });
      const [days, origins] = await Promise.all([
        api.analytics(query('day'), signal),
        api.analytics(query('origin'), signal),
      ]);
      return { days, origins };
    },
    () => (this.api ? [this.api, this.#range.from, this.#range.to, this.shareLinkId ?? null] : null),
  );

  readonly #links = new Loader<Page<ManagedLink>, [ManagementApi]>(
    this,
    ([api], signal) => api.listLinks({ perPage: 100 }, signal),
    () => (this.api ? [this.api] : null),
    false,
  );

  #go(changes: Partial<{ from: string | null; to: string | null; shareLinkId: string | null }>) {
    const next = { ...this.#range, shareLinkId: this.shareLinkId ?? null, ...changes };
    navigate(this, { view: 'analytics', ...next });
  }

  #preset(days: number) {
    this.#go(lastDays(days, Date.now()));
  }

  override render(): TemplateResult {
    return html`<h1 tabindex="-1">Analytics</h1>
      ${this.#controls()} ${this.#body()}`;
  }

  #controls(): TemplateResult {
    const { from, to } = this.#range;
    const links = this.#links.state.status === 'ready' ? this.#links.state.value.data : [];
    return html`<form class="toolbar" aria-label="Range and link" @submit=${(event: Event) => event.preventDefault()}>
      <label
        >From (UTC)
        <input
          type="date"
          .value=${from}
          max=${to}
          @change=${(event: Event) => this.#go({ from: (event.target as HTMLInputElement).value || null })}
      /></label>
      <label
        >To (UTC)
        <input
          type="date"
          .value=${to}
          min=${from}
          @change=${(event: Event) => this.#go({ to: (event.target as HTMLInputElement).value || null })}
      /></label>
      <label class="grow"
        >Link
        <select
          .value=${this.shareLinkId ?? ''}
          @change=${(event: Event) => this.#go({ shareLinkId: (event.target as HTMLSelectElement).value || null })}
        >
          <option value="">Every link</option>
          ${links.map((link) => html`<option value=${link.id}>${link.token} · ${link.personaName}</option>`)}
        </select>
      </label>
      <span role="group" aria-label="Quick ranges" class="toolbar">
        ${[7, 30, 90].map(
          (days) => html`<button type="button" class="small" @click=${() => this.#preset(days)}>${days} days</button>`,
        )}
      </span>
    </form>`;
  }

  #body(): TemplateResult {
    const state = this.#analytics.state;
    if (state.status === 'loading') return loading('analytics');
    if (state.status === 'unavailable') return unavailable('analytics', 'GET /v1/analytics', state.error);
    if (state.status === 'failed') return failed(state.error, () => void this.#analytics.reload());
    const { days, origins } = state.value;
    const totals = totalsOf(days.data);
    return html`
      <dl class="figures">
        ${this.#figure('Views', count(totals.views))} ${this.#figure('Starts', count(totals.starts))}
        ${this.#figure('Refused', count(totals.refused))}
        ${this.#figure('Refused: origin not allowed', count(totals.refusedByOrigin), totals.refusedByOrigin > 0)}
        ${this.#figure('Conversations', count(totals.conversations))}
        ${this.#figure(
          'Average conversation',
          totals.conversations ? duration(totals.conversationSeconds / totals.conversations) : '—',
        )}
      </dl>
      ${this.#originAlert(origins)}
      <section class="card" aria-labelledby="by-day">
        <h2 id="by-day">By day</h2>
        ${this.#dayChart(days)}
      </section>
      <div class="grid">
        <section class="card" aria-labelledby="by-origin">
          <h2 id="by-origin">By page origin</h2>
          ${this.#originChart(origins)}
        </section>
        <section class="card" aria-labelledby="by-reason">
          <h2 id="by-reason">Refusals by reason</h2>
          ${this.#reasonChart(days)}
        </section>
      </div>
    `;
  }

  #figure(label: string, value: string, alert = false): TemplateResult {
    return html`<div class="card figure ${alert ? 'alert' : ''}" data-figure=${label}>
      <dt>${label}</dt>
      <dd>${value}</dd>
    </div>`;
  }

  /** Sites refused because they are not allowed: the figure a site owner most needs, said first. */
  #originAlert(origins: Analytics): TemplateResult | typeof nothing {
    const refused = originsNotAllowed(origins);
    if (!refused.length) return nothing;
    return html`<section class="notice bad" aria-labelledby="refused-origins" data-refused-origins>
      <h2 id="refused-origins">Sites refused because they are not allowed</h2>
      <p>
        These pages embed ${this.shareLinkId ? 'this link' : 'a link'} but are missing from its allowed origins, so
        their visitors see nothing.
        ${this.shareLinkId ? 'Allow one here, or' : 'Choose a link above to allow one here, or'} edit the link.
      </p>
      <ul>
        ${refused.slice(0, 8).map(
          ({ origin, refused: times }) =>
            html`<li>
              <code>${originLabel(origin)}</code>: ${count(times)} refused
              ${
                this.shareLinkId && origin?.startsWith('http')
                  ? html`<button type="button" class="small" @click=${() => this.#allow(origin)}>Allow ${origin}</button>`
                  : nothing
              }
            </li>`,
        )}
      </ul>
    </section>`;
  }

  async #allow(origin: string) {
    if (!this.shareLinkId) return;
    try {
      const link = await this.api.link(this.shareLinkId);
      if (link.allowedOrigins.includes(origin)) return void announce(this, `${origin} is already allowed`);
      await this.api.updateLink(link.id, { allowedOrigins: [...link.allowedOrigins, origin] });
      announce(this, `${origin} is now allowed on ${link.token}`);
    } catch (error) {
      announce(this, `Could not allow ${origin}: ${(error as Error).message}`);
    }
  }

  #dayChart(days: Analytics): TemplateResult {
    const series = daySeries(days.data);
    const totals = totalsOf(days.data);
    const lines: ChartSeries[] = [
      { label: 'Views', values: series.views, color: 'views' },
      { label: 'Starts', values: series.starts, color: 'starts' },
      { label: 'Refused', values: series.refused, color: 'refused' },
      { label: 'Origin not allowed', values: series.refusedByOrigin, color: 'origin', dashed: true },
    ];
    return html`<console-chart
        kind="time"
        .x=${series.x}
        .series=${lines}
        summary=${`From ${days.meta.from} to ${days.meta.to}: ${totals.views} views, ${totals.starts} starts, ${totals.refused} refused, ${totals.refusedByOrigin} of them because the origin is not allowed. The table below has each day.`}
      ></console-chart>
      <details>
        <summary>Each day as a table</summary>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Day (UTC)</th>
                <th scope="col" class="num">Views</th>
                <th scope="col" class="num">Starts</th>
                <th scope="col" class="num">Refused</th>
                <th scope="col" class="num">Origin not allowed</th>
                <th scope="col" class="num">Conversations</th>
              </tr>
            </thead>
            <tbody>
              ${days.data.map(
                (row) =>
                  html`<tr>
                    <th scope="row">${row.key}</th>
                    <td class="num">${count(row.views)}</td>
                    <td class="num">${count(row.starts)}</td>
                    <td class="num">${count(refusedTotal(row.refused))}</td>
                    <td class="num">${count(row.refused[ORIGIN_REFUSAL] ?? 0)}</td>
                    <td class="num">${count(row.conversations)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>
      </details>`;
  }

  #originChart(origins: Analytics): TemplateResult {
    const ranked = originRanking(origins.data);
    if (!ranked.length)
      return html`<p class="muted">No page asked for ${this.shareLinkId ? 'this link' : 'a link'}.</p>`;
    const charted = ranked.slice(0, MAX_CHARTED_ORIGINS);
    const bars: ChartSeries[] = [
      { label: 'Views', values: charted.map((row) => row.views), color: 'views' },
      { label: 'Origin not allowed', values: charted.map((row) => row.refused[ORIGIN_REFUSAL] ?? 0), color: 'origin' },
    ];
    return html`<console-chart
        kind="bars"
        .labels=${charted.map((row) => originLabel(row.key))}
        .series=${bars}
        summary=${`Views and refusals of ${ranked.length} page origins; the table below lists them.`}
      ></console-chart>
      <div class="table-wrap">
        <table data-origins>
          <thead>
            <tr>
              <th scope="col">Origin</th>
              <th scope="col" class="num">Views</th>
              <th scope="col" class="num">Starts</th>
              <th scope="col" class="num">Not allowed</th>
              <th scope="col" class="num">Other refusals</th>
            </tr>
          </thead>
          <tbody>
            ${ranked.map((row) => {
              const notAllowed = row.refused[ORIGIN_REFUSAL] ?? 0;
              return html`<tr class=${row.refusedOnly ? 'refused-only' : ''}>
                <th scope="row" class="mono">${originLabel(row.key)}</th>
                <td class="num">${count(row.views)}</td>
                <td class="num">${count(row.starts)}</td>
                <td class="num">${count(notAllowed)}</td>
                <td class="num">${count(refusedTotal(row.refused) - notAllowed)}</td>
              </tr>`;
            })}
          </tbody>
        </table>
      </div>`;
  }

  #reasonChart(days: Analytics): TemplateResult {
    const reasons = reasonTotals(days.data);
    if (!reasons.length) return html`<p class="muted">Nothing was refused in this range.</p>`;
    const bars: ChartSeries[] = [{ label: 'Refused', values: reasons.map((row) => row.count), color: 'refused' }];
    return html`<console-chart
        kind="bars"
        .labels=${reasons.map((row) => row.reason)}
        .series=${bars}
        summary=${`Refusals by reason: ${reasons.map((row) => `${row.reason} ${row.count}`).join(', ')}.`}
      ></console-chart>
      <div class="table-wrap">
        <table data-reasons>
          <thead>
            <tr>
              <th scope="col">Reason</th>
              <th scope="col" class="num">Refused</th>
            </tr>
          </thead>
          <tbody>
            ${reasons.map(
              (row) => html`<tr>
                <th scope="row"><code>${row.reason}</code></th>
                <td class="num">${count(row.count)}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>`;
  }
}

if (!customElements.get('console-analytics')) customElements.define('console-analytics', ConsoleAnalytics);

declare global {
  interface HTMLElementTagNameMap {
    'console-analytics': ConsoleAnalytics;
  }
}
