/** `<console-snippets>`: a link's snippets (snippets.ts), each with a copy button. */
import { css, html, LitElement, type TemplateResult } from 'lit';
import { base } from '../styles.ts';
import { announce } from '../ui.ts';
import type { Snippet } from './snippets.ts';

export class ConsoleSnippets extends LitElement {
  static override styles = [
    base,
    css`
      figure {
        margin: 0 0 12px;
        border: 1px solid var(--line);
        border-radius: 10px;
        overflow: hidden;
      }
      figcaption {
        display: flex;
        justify-content: space-between;
        align-items: center;
        gap: 8px;
        padding: 6px 6px 6px 12px;
        background: var(--accent-soft);
        font-weight: 600;
        font-size: 14px;
      }
      pre {
        margin: 0;
        padding: 12px;
        overflow-x: auto;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
    `,
  ];
  static override properties = { snippets: { attribute: false } };
  declare snippets: Snippet[];

  async #copy(snippet: Snippet, button: HTMLButtonElement) {
    try {
      await navigator.clipboard.writeText(snippet.code);
      button.textContent = 'Copied';
      announce(this, `${snippet.title}: copied`);
    } catch {
      // No clipboard (an insecure origin, a refused permission): select it for the operator to copy.
      const selection = getSelection();
      selection?.selectAllChildren(button.closest('figure')!.querySelector('pre')!);
      button.textContent = 'Selected: press Ctrl+C';
      announce(this, 'The clipboard is not available: the snippet is selected, copy it with Ctrl+C or ⌘C');
    }
    setTimeout(() => (button.textContent = 'Copy'), 2000);
  }

  override render(): TemplateResult {
    return html`${(this.snippets ?? []).map(
      (snippet) =>
        html`<figure data-snippet=${snippet.id}>
          <figcaption>
            <span>${snippet.title}</span>
            <button
              type="button"
              class="small"
              aria-label="Copy: ${snippet.title}"
              @click=${(event: Event) => this.#copy(snippet, event.currentTarget as HTMLButtonElement)}
            >
              Copy
            </button>
          </figcaption>
          <pre><code>${snippet.code}</code></pre>
        </figure>`,
    )}`;
  }
}

if (!customElements.get('console-snippets')) customElements.define('console-snippets', ConsoleSnippets);

declare global {
  interface HTMLElementTagNameMap {
    'console-snippets': ConsoleSnippets;
  }
}
