/**
 * The floor the benchmark compares against: a minimal Lit element that makes the same single
 * fetch as the widget and renders the persona's name. Anything the widget costs beyond this is
 * what its features cost.
 */
import { LitElement, css, html } from 'lit';

class FloorEmbed extends LitElement {
  static override properties = { token: {}, apiBase: { attribute: 'api-base' }, name: { state: true } };
  static override styles = css`:host { display: block; aspect-ratio: 16 / 9; }`;
  declare token: string;
  declare apiBase: string;
  declare name: string;

  override connectedCallback(): void {
    super.connectedCallback();
    fetch(`${this.apiBase}/v1/embed/${this.token}`, { credentials: 'omit' })
      .then((response) => response.json())
      .then((body: { persona: { name: string } }) => {
        this.name = body.persona.name;
        this.dispatchEvent(new CustomEvent('share-link-ready', { bubbles: true, composed: true }));
      });
  }

  override render() {
    return html`<p>${this.name}</p>`;
  }
}

customElements.define('floor-embed', FloorEmbed);
