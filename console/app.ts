/**
 * `<share-link-console>`: the operator's console (docs/operators.md, "Console"). It asks for the
 * management key once, then shows one view at a time, chosen by the URL's fragment (route.ts). The
 * links list loads with the app; every other view is a chunk of its own, loaded when first opened
 * (the analytics view brings the chart library, the link editor the public-suffix list).
 */
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { ApiError, ManagementApi } from './api.ts';
import { KEY_PATTERN, sessionKeyStore, type KeyStore } from './key.ts';
import './links/list.ts';
import { parseRoute, routeHash, SECTIONS, sectionOf, type Route } from './route.ts';
import { readSettings, type ConsoleSettings } from './settings.ts';
import { appStyles } from './app-styles.ts';
import { base } from './styles.ts';
import type { NavigateDetail } from './ui.ts';

/** Views in chunks of their own, by element name. */
const LAZY_VIEWS: Record<string, () => Promise<unknown>> = {
  'console-link-editor': () => import('./links/editor.ts'),
  'console-analytics': () => import('./analytics/view.ts'),
  'console-conversations': () => import('./conversations/view.ts'),
  'console-webhooks': () => import('./webhooks/view.ts'),
};

const TITLES: Record<Route['view'], string> = {
  links: 'Links',
  'new-link': 'New link',
  link: 'Link',
  analytics: 'Analytics',
  conversations: 'Conversations',
  conversation: 'Conversation',
  webhooks: 'Webhook deliveries',
};

export class ShareLinkConsole extends LitElement {
  static override styles = [base, appStyles];
  static override properties = {
    _route: { state: true },
    _api: { state: true },
    _signInError: { state: true },
    _checking: { state: true },
    _announcement: { state: true },
  };

  declare _route: Route;
  declare _api: ManagementApi | null;
  declare _signInError: string;
  declare _checking: boolean;
  declare _announcement: string;

  readonly #keys: KeyStore = sessionKeyStore();
  readonly #settings: ConsoleSettings = readSettings();
  #focusAfterRender = false;

  constructor() {
    super();
    this._route = parseRoute(location.hash);
    this._signInError = '';
    this._checking = false;
    this._announcement = '';
    const key = this.#keys.get();
    this._api = key ? this.#apiFor(key) : null;
    // Views ask through events that bubble to this element; its own listeners live as long as it does.
    this.addEventListener('console-navigate', this.#onNavigate);
    this.addEventListener('console-announce', this.#onAnnounce);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this.#onLocation);
    window.addEventListener('hashchange', this.#onLocation);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.#onLocation);
    window.removeEventListener('hashchange', this.#onLocation);
  }

  #apiFor(key: string): ManagementApi {
    return new ManagementApi({ key, onUnauthorized: () => this.#signOut('The API refused the key: type it again.') });
  }

  #onLocation = () => this.#go(parseRoute(location.hash));

  #onNavigate = (event: CustomEvent<NavigateDetail>) => {
    const { route, replace } = event.detail;
    history[replace ? 'replaceState' : 'pushState'](null, '', routeHash(route));
    this.#go(route, !replace);
  };

  #onAnnounce = (event: CustomEvent<string>) => {
    // Cleared first, so the same words said twice are announced twice.
    this._announcement = '';
    void this.updateComplete.then(() => (this._announcement = event.detail));
  };

  /** The one place the view changes. */
  #go(route: Route, moveFocus = true) {
    this._route = route;
    this.#focusAfterRender = moveFocus;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('_route')) document.title = `${TITLES[this._route.view]} · Console · share-link-embed`;
  }

  protected override async updated(): Promise<void> {
    if (!this.#focusAfterRender) return;
    this.#focusAfterRender = false;
    const view = this.renderRoot.querySelector<HTMLElement>('[data-view]');
    const name = view?.localName;
    if (name && LAZY_VIEWS[name]) await LAZY_VIEWS[name]();
    await (view as LitElement | null)?.updateComplete;
    // Each view's heading takes focus, so a screen reader starts reading the new view there.
    (view?.shadowRoot?.querySelector('h1') as HTMLElement | null)?.focus();
  }

  async #signIn(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const key = (form.elements.namedItem('key') as HTMLInputElement).value.trim();
    const remember = (form.elements.namedItem('remember') as HTMLInputElement).checked;
    if (!KEY_PATTERN.test(key)) {
      this._signInError = 'A management key holds only letters, digits and -._~+/ (then = padding).';
      return;
    }
    this._checking = true;
    this._signInError = '';
    try {
      // One small request proves the key before the console trusts it.
      await new ManagementApi({ key }).listLinks({ perPage: 1 });
      this.#keys.set(key, remember);
      this._api = this.#apiFor(key);
      this.#focusAfterRender = true;
    } catch (error) {
      this._signInError =
        error instanceof ApiError && error.status === 401 ? 'The API refused this key.' : (error as Error).message;
    } finally {
      this._checking = false;
    }
  }

  #signOut(reason = '') {
    this.#keys.clear();
    this._api = null;
    this._signInError = reason;
  }

  override render(): TemplateResult {
    return html`
      <a class="skip" href="#main" @click=${this.#skip}>Skip to content</a>
      <header class="top">
        <p class="brand"><span aria-hidden="true">◐</span> share-link-embed <span class="muted">console</span></p>
        ${
          this._api
            ? html`<nav aria-label="Console">
                ${SECTIONS.map(
                  ({ view, label }) =>
                    html`<a
                      href=${routeHash(defaultRoute(view))}
                      aria-current=${ifDefined(sectionOf(this._route) === view ? 'page' : undefined)}
                      >${label}</a
                    >`,
                )}
              </nav>
              <button type="button" class="small" @click=${() => this.#signOut()}>Sign out</button>`
            : nothing
        }
      </header>
      <main id="main" tabindex="-1">${this._api ? this.#view(this._api) : this.#signInForm()}</main>
      <p class="visually-hidden" role="status" aria-live="polite">${this._announcement}</p>
    `;
  }

  #skip(event: Event) {
    event.preventDefault();
    this.renderRoot.querySelector<HTMLElement>('main')?.focus();
  }

  #signInForm(): TemplateResult {
    return html`<form class="card sign-in" @submit=${this.#signIn} aria-describedby="key-help">
      <h1>Sign in</h1>
      <p id="key-help" class="muted">
        Type the API's management key. It is sent only to this API, as the <code>Authorization</code> header; no
        cookie is set.
      </p>
      <label
        >Management key
        <input
          name="key"
          type="password"
          autocomplete="off"
          spellcheck="false"
          required
          aria-invalid=${this._signInError ? 'true' : 'false'}
          aria-describedby=${this._signInError ? 'key-error' : nothing}
      /></label>
      <label class="check"
        ><input type="checkbox" name="remember" checked /> Keep it for this tab (until the tab closes)</label
      >
      ${this._signInError ? html`<p id="key-error" class="error" role="alert">${this._signInError}</p>` : nothing}
      <div class="actions">
        <button class="primary" ?disabled=${this._checking}>${this._checking ? 'Checking…' : 'Sign in'}</button>
      </div>
    </form>`;
  }

  #view(api: ManagementApi): TemplateResult {
    const route = this._route;
    const apiBase = this.#settings.apiBase;
    const name = viewElement(route);
    if (LAZY_VIEWS[name]) void LAZY_VIEWS[name]().catch(() => this.#chunkFailed());
    switch (route.view) {
      case 'links':
        return html`<console-links data-view .api=${api} .search=${route.search} .page=${route.page}></console-links>`;
      case 'new-link':
      case 'link':
        return html`<console-link-editor
          data-view
          .api=${api}
          .linkId=${route.view === 'link' ? route.id : null}
          .apiBase=${apiBase}
        ></console-link-editor>`;
      case 'analytics':
        return html`<console-analytics
          data-view
          .api=${api}
          .from=${route.from}
          .to=${route.to}
          .shareLinkId=${route.shareLinkId}
        ></console-analytics>`;
      case 'conversations':
      case 'conversation':
        return html`<console-conversations
          data-view
          .api=${api}
          .conversationId=${route.view === 'conversation' ? route.id : null}
          .shareLinkId=${route.view === 'conversations' ? route.shareLinkId : null}
          .page=${route.view === 'conversations' ? route.page : 1}
        ></console-conversations>`;
      case 'webhooks':
        return html`<console-webhooks data-view .api=${api}></console-webhooks>`;
    }
  }

  #chunkFailed() {
    this._announcement = 'Part of the console could not be loaded: reload the page.';
  }
}

/** The element that shows a route. */
function viewElement(route: Route): string {
  switch (route.view) {
    case 'links':
      return 'console-links';
    case 'new-link':
    case 'link':
      return 'console-link-editor';
    case 'conversation':
      return 'console-conversations';
    default:
      return `console-${route.view}`;
  }
}

/** Where a section of the navigation opens. */
function defaultRoute(view: (typeof SECTIONS)[number]['view']): Route {
  switch (view) {
    case 'links':
      return { view, search: '', page: 1 };
    case 'analytics':
      return { view, from: null, to: null, shareLinkId: null };
    case 'conversations':
      return { view, shareLinkId: null, page: 1 };
    case 'webhooks':
      return { view };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'share-link-console': ShareLinkConsole;
  }
}
