/**
 * The console's design language: the demo's and the element's (system font, indigo accent, amber
 * focus ring, round cards), light and dark by `prefers-color-scheme`, phone to desktop. Lit adopts
 * these as constructed stylesheets, which a CSP's `style-src` does not govern: the page allows no
 * inline style. Every component adopts `base`; text and control colours meet WCAG AA in both schemes.
 */
import { css } from 'lit';

export const base = css`
  :host {
    --page: #f6f7fb;
    --card: #fff;
    --ink: #17171f;
    --muted: #555766;
    --line: #d5d8e3;
    --accent: #4f46e5;
    --on-accent: #fff;
    --accent-soft: #eef0ff;
    --danger: #b42318;
    --danger-soft: #fdecea;
    --ok: #146c2e;
    --ok-soft: #e3f6e8;
    --warn: #8a4b00;
    --warn-soft: #fff3dc;
    --ring: #f59e0b;
    --radius: 12px;
    --mono: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
    color: var(--ink);
    font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --page: #111218;
      --card: #1a1b24;
      --ink: #ececf3;
      --muted: #a9abbb;
      --line: #33364a;
      --accent: #8b85ff;
      --on-accent: #111218;
      --accent-soft: #25244a;
      --danger: #ff8a80;
      --danger-soft: #3a1d1d;
      --ok: #7ee29b;
      --ok-soft: #15301f;
      --warn: #ffc266;
      --warn-soft: #3a2a12;
    }
  }
  [hidden] {
    display: none !important;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  h1,
  h2,
  h3 {
    line-height: 1.25;
    margin: 0 0 12px;
  }
  h1 {
    font-size: 24px;
  }
  h2 {
    font-size: 19px;
  }
  h3 {
    font-size: 16px;
  }
  p {
    margin: 0 0 12px;
  }
  a {
    color: var(--accent);
  }
  code,
  pre,
  .mono {
    font-family: var(--mono);
    font-size: 0.92em;
  }
  :focus-visible {
    outline: 3px solid var(--ring);
    outline-offset: 2px;
  }
  /* Headings take focus when a view opens (for screen readers); they are not controls to outline. */
  [tabindex='-1']:focus {
    outline: none;
  }
  .muted {
    color: var(--muted);
  }
  .card {
    background: var(--card);
    border: 1px solid var(--line);
    border-radius: var(--radius);
    padding: 16px;
    margin: 0 0 16px;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: 8px 12px;
    align-items: end;
    margin: 0 0 16px;
  }
  .toolbar .grow {
    flex: 1 1 220px;
  }
  button,
  .button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    min-height: 40px;
    padding: 8px 14px;
    border: 1px solid var(--line);
    border-radius: 10px;
    background: var(--card);
    color: var(--ink);
    font: inherit;
    font-weight: 600;
    text-decoration: none;
    cursor: pointer;
  }
  button:hover,
  .button:hover {
    border-color: var(--accent);
  }
  button.primary,
  .button.primary {
    background: var(--accent);
    border-color: var(--accent);
    color: var(--on-accent);
  }
  button.danger {
    color: var(--danger);
    border-color: currentColor;
  }
  button.danger.solid {
    background: var(--danger);
    border-color: var(--danger);
    color: var(--card);
  }
  button.small {
    min-height: 32px;
    padding: 4px 10px;
    font-size: 14px;
  }
  button[disabled] {
    opacity: 0.55;
    cursor: not-allowed;
  }
  label {
    display: grid;
    gap: 4px;
    font-weight: 600;
  }
  label.check {
    display: flex;
    align-items: center;
    gap: 8px;
    font-weight: 500;
  }
  .hint {
    font-weight: 400;
    font-size: 14px;
    color: var(--muted);
  }
  input,
  select,
  textarea {
    min-height: 40px;
    padding: 8px 10px;
    border: 1px solid var(--line);
    border-radius: 8px;
    background: var(--page);
    color: var(--ink);
    font: inherit;
    font-weight: 400;
    width: 100%;
  }
  input[type='checkbox'] {
    width: 20px;
    height: 20px;
    min-height: 0;
    accent-color: var(--accent);
  }
  input[aria-invalid='true'] {
    border-color: var(--danger);
  }
  .error {
    color: var(--danger);
    font-weight: 500;
  }
  .notice {
    padding: 12px 14px;
    border-radius: 10px;
    background: var(--accent-soft);
  }
  .notice.bad {
    background: var(--danger-soft);
  }
  .notice.warn {
    background: var(--warn-soft);
  }
  .table-wrap {
    overflow-x: auto;
  }
  table {
    width: 100%;
    border-collapse: collapse;
  }
  th,
  td {
    text-align: left;
    padding: 8px 10px;
    border-bottom: 1px solid var(--line);
    vertical-align: top;
  }
  th {
    font-size: 13px;
    color: var(--muted);
    font-weight: 600;
  }
  td.num,
  th.num {
    text-align: right;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  nav.toolbar {
    align-items: center;
  }
  /*
   * A table of records becomes one card per row on a phone, each cell under its column's name
   * (data-label). The explicit roles keep it a table for screen readers whatever its display.
   */
  @media (max-width: 640px) {
    table.stack thead {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
    }
    table.stack tr {
      display: grid;
      grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
      gap: 4px 12px;
      padding: 10px 0;
      border-bottom: 1px solid var(--line);
    }
    table.stack td {
      display: block;
      padding: 0;
      border: 0;
      text-align: left;
      overflow-wrap: anywhere;
    }
    table.stack td:first-child {
      grid-column: 1 / -1;
    }
    table.stack td[data-label]::before {
      content: attr(data-label);
      display: block;
      font-size: 12px;
      font-weight: 600;
      color: var(--muted);
    }
  }
  .badge {
    display: inline-block;
    padding: 1px 8px;
    border-radius: 999px;
    font-size: 13px;
    font-weight: 600;
    background: var(--accent-soft);
    white-space: nowrap;
  }
  .badge.ok {
    background: var(--ok-soft);
    color: var(--ok);
  }
  .badge.bad {
    background: var(--danger-soft);
    color: var(--danger);
  }
  .badge.warn {
    background: var(--warn-soft);
    color: var(--warn);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  dialog {
    max-width: min(520px, calc(100vw - 32px));
    border: 1px solid var(--line);
    border-radius: var(--radius);
    background: var(--card);
    color: var(--ink);
    padding: 20px;
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.5);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    justify-content: flex-end;
    margin-top: 16px;
  }
`;
