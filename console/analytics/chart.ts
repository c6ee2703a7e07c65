/**
 * `<console-chart>`: one chart, drawn by uPlot (docs/operators.md, "Console": why uPlot), either
 * over days (`time`) or over named categories as bars (`bars`, horizontal so long origins read).
 * The canvas is a picture for sighted users, with a summary for screen readers; every chart's
 * numbers are also in a table beside it. Colours come from the console's custom properties, so it
 * follows light and dark; it redraws at its container's width.
 */
import { css, html, LitElement, unsafeCSS, type TemplateResult } from 'lit';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { base } from '../styles.ts';

/** A series' colour, by meaning: each is a custom property of the chart's stylesheet. */
export type ChartColor = 'views' | 'starts' | 'refused' | 'origin' | 'other';

export interface ChartSeries {
  label: string;
  values: number[];
  color: ChartColor;
  dashed?: boolean;
}

const MAX_LABEL = 34;
const shorten = (label: string) => (label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label);

export class ConsoleChart extends LitElement {
  static override styles = [
    base,
    unsafeCSS(uplotCss),
    css`
      :host {
        display: block;
        --chart-views: #4f46e5;
        --chart-starts: #0f7b3f;
        --chart-refused: #b45309;
        --chart-origin: #c0262d;
        --chart-other: #6b6e80;
      }
      @media (prefers-color-scheme: dark) {
        :host {
          --chart-views: #8b85ff;
          --chart-starts: #5fd38a;
          --chart-refused: #f7a94b;
          --chart-origin: #ff7a85;
          --chart-other: #a9abbb;
        }
      }
      .plot {
        min-height: 120px;
      }
      .uplot {
        font-family: inherit;
        color: var(--ink);
      }
      .u-legend {
        font-size: 14px;
        color: var(--ink);
      }
    `,
  ];
  static override properties = {
    kind: {},
    x: { attribute: false },
    labels: { attribute: false },
    series: { attribute: false },
    summary: {},
  };

  declare kind: 'time' | 'bars';
  declare x: number[];
  declare labels: string[];
  declare series: ChartSeries[];
  declare summary: string;

  #plot: uPlot | null = null;
  #resize = new ResizeObserver(() => this.#fit());
  #scheme = matchMedia('(prefers-color-scheme: dark)');
  #redraw = () => this.#draw();

  constructor() {
    super();
    this.kind = 'time';
    this.x = [];
    this.labels = [];
    this.series = [];
    this.summary = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#resize.observe(this);
    this.#scheme.addEventListener('change', this.#redraw);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#resize.disconnect();
    this.#scheme.removeEventListener('change', this.#redraw);
    this.#plot?.destroy();
    this.#plot = null;
  }

  protected override updated(): void {
    this.#draw();
  }

  override render(): TemplateResult {
    return html`<div class="plot" role="img" aria-label=${this.summary}></div>`;
  }

  get #height(): number {
    return this.kind === 'bars' ? Math.max(140, this.labels.length * 34 + 70) : 280;
  }

  #fit() {
    const width = this.clientWidth;
    if (this.#plot && width > 0) this.#plot.setSize({ width, height: this.#height });
  }

  #draw() {
    const target = this.renderRoot.querySelector<HTMLElement>('.plot');
    this.#plot?.destroy();
    this.#plot = null;
    if (!target || !this.series.length) return;
    const style = getComputedStyle(this);
    const color = (name: string) => style.getPropertyValue(name).trim();
    const ink = color('--ink') || '#17171f';
    const line = color('--line') || '#d5d8e3';
    const options = this.kind === 'bars' ? this.#barOptions(color) : this.#timeOptions(color);
    const axis = { stroke: ink, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 } };
    options.axes = options.axes!.map((each) => ({ ...axis, ...each }));
    const data = [this.kind === 'bars' ? this.labels.map((_, i) => i) : this.x, ...this.series.map((s) => s.values)];
    this.#plot = new uPlot(
      { ...options, width: Math.max(280, this.clientWidth), height: this.#height },
      data as uPlot.AlignedData,
      target,
    );
  }

  #timeOptions(color: (name: string) => string): Omit<uPlot.Options, 'width' | 'height'> {
    return {
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] } },
      series: [
        {
          label: 'Day',
          value: (_u, value) => (value == null ? '—' : new Date(value * 1000).toISOString().slice(0, 10)),
        },
        ...this.series.map((s) => ({
          label: s.label,
          stroke: color(`--chart-${s.color}`),
          width: 2,
          ...(s.dashed && { dash: [6, 4] }),
          points: { show: this.x.length <= 45, size: 6 },
        })),
      ],
      axes: [
        { values: (_u, splits) => splits.map((split) => new Date(split * 1000).toISOString().slice(5, 10)) },
        { size: 50 },
      ],
      cursor: { drag: { x: false, y: false } },
      legend: { live: false },
    };
  }

  #barOptions(color: (name: string) => string): Omit<uPlot.Options, 'width' | 'height'> {
    const labels = this.labels;
    const many = this.series.length > 1;
    const widest = Math.max(40, ...labels.map((label) => shorten(label).length));
    return {
      scales: {
        // Horizontal bars: categories down the side (ori 1), values along the bottom.
        x: { time: false, ori: 1, dir: -1, range: [-0.5, labels.length - 0.5] },
        y: { ori: 0, range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] },
      },
      series: [
        { label: '' },
        ...this.series.map((s, index) => ({
          label: s.label,
          stroke: color(`--chart-${s.color}`),
          fill: color(`--chart-${s.color}`),
          width: 0,
          paths: uPlot.paths.bars!({
            size: [many ? 0.4 : 0.7, 40],
            align: (many ? (index === 0 ? -1 : 1) : 0) as -1 | 0 | 1,
          }),
          points: { show: false },
        })),
      ],
      axes: [
        {
          scale: 'x',
          side: 3,
          splits: () => labels.map((_, i) => i),
          values: (_u, splits) => splits.map((split) => shorten(labels[split] ?? '')),
          size: Math.min(280, widest * 7.4 + 16),
          gap: 6,
        },
        { scale: 'y', side: 2 },
      ],
      cursor: { drag: { x: false, y: false } },
      legend: { live: false },
    };
  }
}

if (!customElements.get('console-chart')) customElements.define('console-chart', ConsoleChart);

declare global {
  interface HTMLElementTagNameMap {
    'console-chart': ConsoleChart;
  }
}
