/**
 * `<console-link-editor>`: one link, every writable field (docs/api.md, "Management"), its
 * snippets, its signing key, and deleting it; or, without `linkId`, a new link. A save sends only
 * what changed; the API judges it, and a refusal names the field, which the form marks.
 */
import { css, html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { ApiError, isMissingEndpoint, type ManagementApi } from '../api.ts';
import { count, fromLocalInput, timeZone, toLocalInput } from '../format.ts';
import { Loader } from '../loader.ts';
import { base } from '../styles.ts';
import type { ManagedLink, Page, WritableLink } from '../types.ts';
import { announce, failed, loading, navigate } from '../ui.ts';
import {
  changesBetween,
  draftOf,
  formFieldOf,
  newLinkDraft,
  offeredFields,
  parseCount,
  type OptionalField,
} from './draft.ts';
import './origins-editor.ts';
import type { ConsoleOriginsEditor } from './origins-editor.ts';
import { fetchBuildManifest, snippetsFor } from './snippets.ts';
import type { BuildManifest } from '../../src/snippets.ts';
import './snippets-view.ts';
import { linkStatus, TYPE_LABELS } from './status.ts';

const TYPE_HINTS: Record<ManagedLink['type'], string> = {
  PLAYER_EMBED: 'An inline player in the page',
  ORB_EMBED: 'A floating button that opens the player',
  LINK: 'A page of its own on this API (not embeddable)',
};

type Editing = {
  link: ManagedLink | null;
  sample: ManagedLink | undefined;
  personas: Map<string, string>;
  manifest: BuildManifest | null;
};

export class ConsoleLinkEditor extends LitElement {
  static override styles = [
    base,
    css`
      .head {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 16px;
        align-items: baseline;
      }
      .layout {
        display: grid;
        grid-template-columns: minmax(0, 1.2fr) minmax(0, 1fr);
        gap: 16px;
        align-items: start;
      }
      @media (max-width: 900px) {
        .layout {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      fieldset {
        border: 1px solid var(--line);
        border-radius: var(--radius);
        background: var(--card);
        padding: 12px 16px 16px;
        margin: 0 0 16px;
        display: grid;
        gap: 12px;
      }
      legend {
        font-weight: 700;
        padding: 0 6px;
      }
      .inline {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
      }
      .inline input {
        flex: 1 1 180px;
        width: auto;
      }
      .save {
        position: sticky;
        bottom: 0;
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
        padding: 12px 0;
        background: var(--page);
        border-top: 1px solid var(--line);
      }
      .key {
        display: block;
        padding: 10px;
        border-radius: 8px;
        background: var(--page);
        word-break: break-all;
        user-select: all;
      }
    `,
  ];
  static override properties = {
    api: { attribute: false },
    linkId: { attribute: false },
    apiBase: { attribute: false },
    _draft: { state: true },
    _original: { state: true },
    _personaId: { state: true },
    _saving: { state: true },
    _problem: { state: true },
    _signingKey: { state: true },
    _keyProblem: { state: true },
  };

  declare api: ManagementApi;
  declare linkId: string | null;
  declare apiBase: string;
  declare _draft: Partial<WritableLink>;
  declare _original: Partial<WritableLink>;
  declare _personaId: string;
  declare _saving: boolean;
  declare _problem: ApiError | null;
  declare _signingKey: string | null;
  declare _keyProblem: string;

  readonly #editing = new Loader<Editing, [ManagementApi, string | null]>(
    this,
    async ([api, id], signal) => {
      if (id) {
        const [link, manifest] = await Promise.all([api.link(id, signal), fetchBuildManifest(this.apiBase, signal)]);
        return { link, sample: undefined, personas: new Map(), manifest };
      }
      // A new link: the personas the API's links name, and one link to see which fields it offers.
      const page: Page<ManagedLink> = await api.listLinks({ perPage: 100 }, signal);
      return {
        link: null,
        sample: page.data[0],
        personas: new Map(page.data.map((link) => [link.personaId, link.personaName])),
        manifest: null,
      };
    },
    () => (this.api ? [this.api, this.linkId ?? null] : null),
    false,
  );

  constructor() {
    super();
    this._draft = {};
    this._original = {};
    this._personaId = '';
    this._saving = false;
    this._problem = null;
    this._signingKey = null;
    this._keyProblem = '';
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    const state = this.#editing.state;
    if (state.status !== 'ready' || this.#loadedFor === state.value) return;
    // A link (or the form of a new one) just arrived: the form starts from it.
    this.#loadedFor = state.value;
    const { link, sample, personas } = state.value;
    this._original = link ? draftOf(link) : newLinkDraft(offeredFields(sample));
    this._draft = structuredClone(this._original);
    this._personaId = this._personaId || ([...personas.keys()][0] ?? '');
    this._problem = null;
  }
  #loadedFor: Editing | undefined;

  get #offered(): Set<OptionalField> {
    const state = this.#editing.state;
    if (state.status !== 'ready') return new Set();
    return offeredFields(state.value.link ?? state.value.sample);
  }

  #set<K extends keyof WritableLink>(field: K, value: WritableLink[K]) {
    this._draft = { ...this._draft, [field]: value };
  }

  get #changes(): Partial<WritableLink> {
    return changesBetween(this._original, this._draft);
  }

  get #originsValid(): boolean {
    return this.renderRoot.querySelector<ConsoleOriginsEditor>('console-origins-editor')?.valid ?? true;
  }

  async #save(event: SubmitEvent) {
    event.preventDefault();
    if (!this.#originsValid) {
      this._problem = new ApiError(
        400,
        'invalid-request',
        'An allowed origin is not accepted: see below.',
        'allowedOrigins',
      );
      return;
    }
    const state = this.#editing.state;
    if (state.status !== 'ready') return;
    this._saving = true;
    this._problem = null;
    try {
      if (state.value.link) {
        const saved = await this.api.updateLink(state.value.link.id, this.#changes);
        this.#editing.set({ ...state.value, link: saved });
        announce(this, 'Saved');
      } else {
        const { usageCount: _unused, ...fields } = this._draft;
        const created = await this.api.createLink({ ...fields, personaId: this._personaId.trim() });
        announce(this, `Link ${created.token} created`);
        navigate(this, { view: 'link', id: created.id });
      }
    } catch (error) {
      this._problem = error instanceof ApiError ? error : new ApiError(0, 'network', (error as Error).message);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[data-problem]')?.focus();
    } finally {
      this._saving = false;
    }
  }

  #discard() {
    this._draft = structuredClone(this._original);
    this._problem = null;
  }

  async #rotateKey() {
    const link = this.#link;
    if (!link) return;
    this._keyProblem = '';
    try {
      const { signingKey } = await this.api.rotateSigningKey(link.id);
      this._signingKey = signingKey;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLDialogElement>('dialog[data-key]')?.showModal();
    } catch (error) {
      this._keyProblem = isMissingEndpoint(error)
        ? 'This API does not offer signing keys (POST /v1/share-links/{id}/signing-key answered 404).'
        : (error as Error).message;
    }
  }

  #closeKey() {
    this.renderRoot.querySelector<HTMLDialogElement>('dialog[data-key]')?.close();
    // Shown once: the console forgets it as the dialog closes.
    this._signingKey = null;
  }

  async #copyKey() {
    if (!this._signingKey) return;
    await navigator.clipboard.writeText(this._signingKey).then(
      () => announce(this, 'Signing key copied'),
      () => announce(this, 'The clipboard is not available: select the key and copy it'),
    );
  }

  async #delete() {
    const link = this.#link;
    if (!link) return;
    try {
      await this.api.deleteLink(link.id);
      this.renderRoot.querySelector<HTMLDialogElement>('dialog[data-delete]')?.close();
      announce(this, `Link ${link.token} deleted`);
      navigate(this, { view: 'links', search: '', page: 1 });
    } catch (error) {
      this.renderRoot.querySelector<HTMLDialogElement>('dialog[data-delete]')?.close();
      this._problem = error as ApiError;
    }
  }

  get #link(): ManagedLink | null {
    const state = this.#editing.state;
    return state.status === 'ready' ? state.value.link : null;
  }

  override render(): TemplateResult {
    const state = this.#editing.state;
    const link = state.status === 'ready' ? state.value.link : null;
    const title = link ? html`Link <code>${link.token}</code>` : this.linkId ? 'Link' : 'New link';
    // One frame for every state: the heading keeps focus while the link loads.
    return html`
      <p><a href="#/links">← All links</a></p>
      <div class="head">
        <h1 tabindex="-1">${title}</h1>
        ${link ? this.#status(link) : nothing}
      </div>
      ${this.#body()}
    `;
  }

  #body(): TemplateResult {
    const state = this.#editing.state;
    if (state.status === 'loading') return loading('the link');
    if (state.status !== 'ready') return failed(state.error, () => void this.#editing.reload());
    const { link, personas, manifest } = state.value;
    const changes = Object.keys(this.#changes).length;
    return html`
      ${this.#problemNotice()}
      <div class="layout">
        <form @submit=${this.#save} novalidate aria-label=${link ? 'Link settings' : 'New link'}>
          ${link ? nothing : this.#personaField(personas)} ${this.#basics()} ${this.#availability(link)}
          ${this.#where()} ${this.#protection(link)} ${this.#conversations()}
          <div class="save">
            <button class="primary" ?disabled=${this._saving || (link !== null && changes === 0)}>
              ${this._saving ? 'Saving…' : link ? 'Save changes' : 'Create link'}
            </button>
            ${
              link
                ? html`<button type="button" ?disabled=${changes === 0} @click=${this.#discard}>Discard</button>
                  <span class="muted" aria-live="polite"
                    >${changes ? `${changes} unsaved change${changes > 1 ? 's' : ''}` : 'No unsaved changes'}</span
                  >`
                : nothing
            }
          </div>
        </form>
        <div>${link ? this.#aside(link, manifest) : nothing}</div>
      </div>
      ${this.#keyDialog()} ${link ? this.#deleteDialog(link) : nothing}
    `;
  }

  #status(link: ManagedLink): TemplateResult {
    const status = linkStatus(link, Date.now());
    return html`<span class="badge ${status.tone}">${status.label}</span>
      <span class="muted">${TYPE_LABELS[link.type]} · ${link.personaName}</span>`;
  }

  #problemNotice(): TemplateResult | typeof nothing {
    const problem = this._problem;
    if (!problem) return nothing;
    return html`<div class="notice bad" role="alert" tabindex="-1" data-problem>
      <p>
        ${problem.field ? html`<strong>${problem.field}</strong>: ` : nothing}${problem.message.replace(
          `${problem.field}: `,
          '',
        )}
      </p>
    </div>`;
  }

  #invalid(field: string): 'true' | 'false' {
    return formFieldOf(this._problem?.field) === field ? 'true' : 'false';
  }

  #personaField(personas: Map<string, string>): TemplateResult {
    return html`<fieldset>
      <legend>Persona</legend>
      <label
        >Persona
        <select
          .value=${personas.has(this._personaId) ? this._personaId : ''}
          aria-invalid=${this.#invalid('personaId')}
          @change=${(event: Event) => (this._personaId = (event.target as HTMLSelectElement).value)}
        >
          ${[...personas].map(([id, name]) => html`<option value=${id}>${name} (${id.slice(0, 8)}…)</option>`)}
          <option value="">Another persona (type its id)</option>
        </select>
      </label>
      ${
        personas.has(this._personaId)
          ? nothing
          : html`<label
            >Persona id
            <input
              class="mono"
              .value=${this._personaId}
              spellcheck="false"
              aria-invalid=${this.#invalid('personaId')}
              @input=${(event: InputEvent) => (this._personaId = (event.target as HTMLInputElement).value)}
          /></label>`
      }
    </fieldset>`;
  }

  #basics(): TemplateResult {
    const draft = this._draft;
    return html`<fieldset>
      <legend>Kind</legend>
      <label
        >Type
        <select
          .value=${draft.type ?? 'PLAYER_EMBED'}
          aria-describedby="type-hint"
          aria-invalid=${this.#invalid('type')}
          @change=${(event: Event) =>
            this.#set('type', (event.target as HTMLSelectElement).value as ManagedLink['type'])}
        >
          ${(['PLAYER_EMBED', 'ORB_EMBED', 'LINK'] as const).map(
            (type) => html`<option value=${type}>${TYPE_LABELS[type]} (${type})</option>`,
          )}
        </select>
        <span id="type-hint" class="hint">${TYPE_HINTS[draft.type ?? 'PLAYER_EMBED']}</span>
      </label>
      <label class="check"
        ><input
          type="checkbox"
          .checked=${draft.enabled ?? true}
          @change=${(event: Event) => this.#set('enabled', (event.target as HTMLInputElement).checked)}
        />
        Enabled</label
      >
      <label class="check"
        ><input
          type="checkbox"
          .checked=${draft.removeWatermark ?? false}
          @change=${(event: Event) => this.#set('removeWatermark', (event.target as HTMLInputElement).checked)}
        />
        Remove the watermark</label
      >
      <label class="check"
        ><input
          type="checkbox"
          .checked=${draft.isPrimary ?? false}
          @change=${(event: Event) => this.#set('isPrimary', (event.target as HTMLInputElement).checked)}
        />
        The persona's primary link</label
      >
    </fieldset>`;
  }

  #availability(link: ManagedLink | null): TemplateResult {
    const draft = this._draft;
    return html`<fieldset>
      <legend>Availability</legend>
      <label
        >Expires at <span class="hint">(your time, ${timeZone()}; empty: never)</span>
        <span class="inline">
          <input
            type="datetime-local"
            step="1"
            .value=${toLocalInput(draft.expiresAt ?? null)}
            aria-invalid=${this.#invalid('expiresAt')}
            @change=${(event: Event) => this.#set('expiresAt', fromLocalInput((event.target as HTMLInputElement).value))}
          />
          <button type="button" class="small" @click=${() => this.#set('expiresAt', null)}>Never</button>
        </span>
      </label>
      <label
        >Usage limit <span class="hint">(sessions; empty: no limit)</span>
        <input
          type="number"
          min="0"
          step="1"
          inputmode="numeric"
          .value=${draft.usageLimit == null ? '' : String(draft.usageLimit)}
          aria-invalid=${this.#invalid('usageLimit')}
          @input=${(event: InputEvent) => {
            const value = parseCount((event.target as HTMLInputElement).value);
            if (value !== 'invalid') this.#set('usageLimit', value);
          }}
      /></label>
      ${
        link
          ? html`<p class="inline">
            <span>Used <strong>${count(draft.usageCount ?? link.usageCount)}</strong> times</span>
            <button
              type="button"
              class="small"
              ?disabled=${(draft.usageCount ?? link.usageCount) === 0}
              @click=${() => this.#set('usageCount', 0)}
            >
              Reset the count
            </button>
          </p>`
          : nothing
      }
    </fieldset>`;
  }

  #where(): TemplateResult {
    const draft = this._draft;
    return html`<fieldset>
      <legend>Where it may be embedded</legend>
      <label class="check"
        ><input
          type="checkbox"
          .checked=${draft.allowAllOrigins ?? false}
          @change=${(event: Event) => this.#set('allowAllOrigins', (event.target as HTMLInputElement).checked)}
        />
        Any site (the list below is then not used)</label
      >
      <p class="hint">
        An origin is <code>https://shop.example</code> or <code>http://localhost:5173</code>: scheme, host and port,
        nothing after. <code>https://*.shop.example</code> admits every subdomain.
      </p>
      <console-origins-editor
        .origins=${draft.allowedOrigins ?? []}
        aria-invalid=${this.#invalid('allowedOrigins')}
        @change=${(event: Event) => this.#set('allowedOrigins', [...(event.target as ConsoleOriginsEditor).origins])}
      ></console-origins-editor>
    </fieldset>`;
  }

  #protection(link: ManagedLink | null): TemplateResult {
    const offered = this.#offered;
    const draft = this._draft;
    const none = !offered.has('startsPerMinute') && !offered.has('challenge') && !offered.has('requireSignedEmbed');
    return html`<fieldset>
      <legend>Protection against many addresses</legend>
      ${
        none
          ? html`<p class="muted" data-unavailable>
            This API does not offer a velocity cap, proof of work or signed embeds: its links carry none of
            <code>startsPerMinute</code>, <code>challenge</code>, <code>requireSignedEmbed</code>.
          </p>`
          : nothing
      }
      ${
        offered.has('startsPerMinute')
          ? html`<label
            >Starts per minute <span class="hint">(for every visitor together; empty: no cap)</span>
            <input
              type="number"
              min="0"
              step="1"
              inputmode="numeric"
              .value=${draft.startsPerMinute == null ? '' : String(draft.startsPerMinute)}
              aria-invalid=${this.#invalid('startsPerMinute')}
              @input=${(event: InputEvent) => {
                const value = parseCount((event.target as HTMLInputElement).value);
                if (value !== 'invalid') this.#set('startsPerMinute', value);
              }}
          /></label>`
          : nothing
      }
      ${
        offered.has('challenge')
          ? html`<label
            >Challenge
            <select
              .value=${draft.challenge ?? 'none'}
              aria-invalid=${this.#invalid('challenge')}
              @change=${(event: Event) =>
                this.#set('challenge', (event.target as HTMLSelectElement).value as 'none' | 'proof-of-work')}
            >
              <option value="none">None</option>
              <option value="proof-of-work">Proof of work (the visitor's browser solves a puzzle)</option>
            </select>
          </label>`
          : nothing
      }
      ${
        offered.has('requireSignedEmbed')
          ? html`<label class="check"
              ><input
                type="checkbox"
                .checked=${draft.requireSignedEmbed ?? false}
                @change=${(event: Event) => this.#set('requireSignedEmbed', (event.target as HTMLInputElement).checked)}
              />
              Require a signed embed token (minted by the site's server with the signing key)</label
            >
            ${
              link
                ? html`<p class="inline">
                  <button type="button" @click=${this.#rotateKey}>Create or rotate the signing key</button>
                  <span class="hint">A new key replaces the old one at once; it is shown only once.</span>
                </p>`
                : nothing
            }
            ${this._keyProblem ? html`<p class="error" role="alert">${this._keyProblem}</p>` : nothing}`
          : nothing
      }
    </fieldset>`;
  }

  #conversations(): TemplateResult {
    const offered = this.#offered;
    return html`<fieldset>
      <legend>Conversations</legend>
      ${
        offered.has('recordTranscripts')
          ? html`<label class="check"
            ><input
              type="checkbox"
              .checked=${this._draft.recordTranscripts ?? false}
              @change=${(event: Event) => this.#set('recordTranscripts', (event.target as HTMLInputElement).checked)}
            />
            Keep transcripts of conversations</label
          >`
          : html`<p class="muted" data-unavailable>
            This API does not keep conversation records: its links have no <code>recordTranscripts</code>.
          </p>`
      }
    </fieldset>`;
  }

  #aside(link: ManagedLink, manifest: BuildManifest | null): TemplateResult {
    const snippets = snippetsFor(link, { apiBase: this.apiBase, manifest });
    return html`<section class="card" aria-labelledby="snippets-title">
        <h2 id="snippets-title">Snippets</h2>
        ${
          link.type === 'LINK'
            ? html`<p class="muted">A LINK link is opened, not embedded: send its share URL.</p>`
            : html`<p class="muted">Paste one into the site's page. Nothing else to set up.</p>`
        }
        <console-snippets .snippets=${snippets}></console-snippets>
      </section>
      <section class="card" aria-labelledby="more-title">
        <h2 id="more-title">More</h2>
        <p>
          <a href="#/analytics?link=${encodeURIComponent(link.id)}">Analytics of this link</a> ·
          <a href="#/conversations?link=${encodeURIComponent(link.id)}">Its conversations</a>
        </p>
        <button
          type="button"
          class="danger"
          @click=${() => this.renderRoot.querySelector<HTMLDialogElement>('dialog[data-delete]')?.showModal()}
        >
          Delete this link…
        </button>
      </section>`;
  }

  #keyDialog(): TemplateResult {
    return html`<dialog data-key aria-labelledby="key-title" @close=${() => (this._signingKey = null)}>
      <h2 id="key-title">The new signing key</h2>
      <p>
        Copy it into the site's server secrets now: it is shown only this once. Embed tokens signed with the old key
        no longer work.
      </p>
      <code class="key" data-signing-key>${this._signingKey ?? ''}</code>
      <div class="actions">
        <button type="button" @click=${this.#copyKey}>Copy</button>
        <button type="button" class="primary" @click=${this.#closeKey}>Done</button>
      </div>
    </dialog>`;
  }

  #deleteDialog(link: ManagedLink): TemplateResult {
    return html`<dialog data-delete aria-labelledby="delete-title">
      <h2 id="delete-title">Delete link ${link.token}?</h2>
      <p>Every page that embeds it will show that it is not found. This cannot be undone.</p>
      <div class="actions">
        <button
          type="button"
          autofocus
          @click=${() => this.renderRoot.querySelector<HTMLDialogElement>('dialog[data-delete]')?.close()}
        >
          Keep it
        </button>
        <button type="button" class="danger solid" @click=${this.#delete}>Delete</button>
      </div>
    </dialog>`;
  }
}

if (!customElements.get('console-link-editor')) customElements.define('console-link-editor', ConsoleLinkEditor);

declare global {
  interface HTMLElementTagNameMap {
    'console-link-editor': ConsoleLinkEditor;
  }
}
