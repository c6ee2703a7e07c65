/**
 * `<console-origins-editor>`: the link's allowed origins, one entry per row, each checked as it is
 * typed by the API's own rule (server/allowlist.ts: the policy's parser and the public-suffix list),
 * with why an entry is refused and what an accepted one admits. It fires `change` with the list.
 */
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { base } from '../styles.ts';
import { checkEntries } from './origin-checks.ts';

let instances = 0;

export class ConsoleOriginsEditor extends LitElement {
  static override styles = [
    base,
    css`
      ol {
        list-style: none;
        padding: 0;
        margin: 0 0 12px;
        display: grid;
        gap: 10px;
      }
      .row {
        display: flex;
        gap: 8px;
        align-items: start;
      }
      .row input {
        flex: 1;
        font-family: var(--mono);
      }
      .why {
        margin: 4px 0 0;
        font-size: 14px;
      }
    `,
  ];
  static override properties = { origins: { attribute: false }, disabled: { type: Boolean } };

  declare origins: string[];
  declare disabled: boolean;
  readonly #id = `origins-${++instances}`;

  constructor() {
    super();
    this.origins = [];
    this.disabled = false;
  }

  /** Whether every entry is one the API accepts. */
  get valid(): boolean {
    return checkEntries(this.origins).every((check) => check.problem === null);
  }

  #set(origins: string[]) {
    this.origins = origins;
    this.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
  }

  #edit(index: number, value: string) {
    this.#set(this.origins.map((entry, i) => (i === index ? value : entry)));
  }

  async #add() {
    this.#set([...this.origins, '']);
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('li:last-child input')?.focus();
  }

  async #remove(index: number) {
    this.#set(this.origins.filter((_, i) => i !== index));
    await this.updateComplete;
    const inputs = this.renderRoot.querySelectorAll<HTMLInputElement>('li input');
    (inputs[Math.min(index, inputs.length - 1)] ?? this.renderRoot.querySelector<HTMLElement>('[data-add]'))?.focus();
  }

  override render(): TemplateResult {
    const checks = checkEntries(this.origins);
    return html`
      <ol aria-label="Allowed origins">
        ${checks.map(({ entry, problem, note }, index) => {
          const why = `${this.#id}-${index}`;
          return html`<li>
            <div class="row">
              <input
                .value=${entry}
                aria-label="Allowed origin ${index + 1}"
                aria-invalid=${problem ? 'true' : 'false'}
                aria-describedby=${why}
                spellcheck="false"
                autocomplete="off"
                inputmode="url"
                placeholder="https://shop.example"
                ?disabled=${this.disabled}
                @input=${(event: InputEvent) => this.#edit(index, (event.target as HTMLInputElement).value)}
              />
              <button
                type="button"
                class="small"
                aria-label="Remove allowed origin ${index + 1}"
                ?disabled=${this.disabled}
                @click=${() => this.#remove(index)}
              >
                Remove
              </button>
            </div>
            <p id=${why} class="why ${problem ? 'error' : 'muted'}">
              ${problem ? `Not accepted: ${problem}.` : (note ?? nothing)}
            </p>
          </li>`;
        })}
      </ol>
      ${this.origins.length ? nothing : html`<p class="muted">No origin yet: no site may embed this link.</p>`}
      <button type="button" class="small" data-add ?disabled=${this.disabled} @click=${this.#add}>Add an origin</button>
    `;
  }
}

if (!customElements.get('console-origins-editor'))
  customElements.define('console-origins-editor', ConsoleOriginsEditor);

declare global {
  interface HTMLElementTagNameMap {
    'console-origins-editor': ConsoleOriginsEditor;
  }
}
