/** The conversation page's look: the share pages' (dark by default, light on request), on a phone first. */
import { css } from 'lit';

export const styles = css`
  :host {
    /* White on it is 6.3:1, in both schemes. */
    --accent: #4f46e5;
    --on-accent: #fff;
    --bg: #0d0e14;
    --panel: #1d1e29;
    --fg: #f1f1f6;
    --muted: #a3a3b8;
    --line: rgb(255 255 255 / 0.12);
    --ring: #f59e0b;
    display: block;
    color: var(--fg);
    background: var(--bg);
    font: 400 16px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  }
  @media (prefers-color-scheme: light) {
    :host {
      --bg: #eef0f6;
      --panel: #fff;
      --fg: #17171f;
      --muted: #555566;
      --line: rgb(0 0 0 / 0.1);
    }
  }
  .page {
    box-sizing: border-box;
    display: grid;
    grid-template-rows: auto 1fr auto;
    max-width: 44rem;
    min-height: 100vh;
    min-height: 100dvh;
    margin: 0 auto;
    padding: 16px 16px 0;
  }
  header h1 {
    margin: 0 0 6px;
    font-size: 1.25rem;
  }
  .meta {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 14px;
    margin: 0;
    color: var(--muted);
    font-size: 0.9rem;
  }
  .pill {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    padding: 2px 10px;
    border-radius: 999px;
    background: var(--panel);
    color: var(--fg);
    font-weight: 600;
  }
  .pill i {
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: var(--muted);
  }
  .pill.live i {
    background: #22c55e;
  }
  .pill.held i {
    background: var(--accent);
  }
  .notice {
    margin: 12px 0 0;
    padding: 10px 14px;
    border-radius: 12px;
    background: var(--panel);
    font-size: 0.95rem;
  }
  .notice.alert {
    border: 1px solid #dc2626;
  }
  .log {
    margin: 16px 0;
    overflow-y: auto;
  }
  ol {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: 8px;
  }
  li {
    max-width: 85%;
    padding: 8px 12px;
    border-radius: 14px;
    background: var(--panel);
    overflow-wrap: anywhere;
  }
  li[data-role='persona'],
  li[data-role='operator'] {
    align-self: flex-end;
  }
  li[data-role='operator'] {
    background: var(--accent);
    color: var(--on-accent);
  }
  li .who {
    display: block;
    font-size: 0.8rem;
    font-weight: 600;
    opacity: 0.8;
  }
  li.unread {
    background: transparent;
    border: 1px dashed var(--line);
    color: var(--muted);
    font-style: italic;
  }
  .empty {
    color: var(--muted);
    text-align: center;
  }
  footer {
    position: sticky;
    bottom: 0;
    padding: 12px 0 calc(12px + env(safe-area-inset-bottom));
    background: var(--bg);
    border-top: 1px solid var(--line);
    display: grid;
    gap: 8px;
  }
  form {
    display: flex;
    gap: 8px;
    margin: 0;
  }
  input {
    flex: 1;
    min-width: 0;
    min-height: 44px;
    box-sizing: border-box;
    padding: 0 14px;
    border: 1px solid var(--line);
    border-radius: 999px;
    background: var(--panel);
    color: var(--fg);
    font: inherit;
  }
  button {
    min-height: 44px;
    padding: 0 18px;
    border: 1px solid var(--line);
    border-radius: 999px;
    background: var(--panel);
    color: var(--fg);
    font: 600 15px/1 system-ui, sans-serif;
    cursor: pointer;
  }
  button.primary {
    border-color: transparent;
    background: var(--accent);
    color: var(--on-accent);
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  button:focus-visible,
  input:focus-visible,
  .log:focus-visible {
    outline: 3px solid var(--ring);
    outline-offset: 2px;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
  }
  .actions p {
    margin: 0;
    color: var(--muted);
    font-size: 0.9rem;
  }
`;
