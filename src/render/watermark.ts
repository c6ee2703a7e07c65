/**
 * The watermark, kept by a controller rather than drawn by the templates, so that it can be put
 * back when a page script removes or alters it.
 *
 * It lives in its own stacking layer: the last child of a frame (`[data-watermark-frame]`) that is
 * not a part, beside the `player` or `panel` part rather than inside it, so `::part()` rules
 * (`clip-path`, `z-index`, `opacity`, moving a part) cannot cut it or paint over it. Inherited
 * styles do not reach it (`all: initial`). A MutationObserver on the shadow root restores it, its
 * attributes and its text after any change.
 *
 * What this does not stop (docs/security.md): a page covering the element with its own content,
 * clipping or hiding the host element as a whole, or a script that replaces the element's code.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface WatermarkSpec {
  /** False only for a validated link with `removeWatermark: true`. */
  show: boolean;
  /** "Powered by", in the visitor's language. */
  label: string;
}

type Host = ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment };

const BRAND = 'share-link-embed';

export class WatermarkController implements ReactiveController {
  #node: HTMLElement | null = null;
  #observer: MutationObserver | null = null;

  readonly #host: Host;
  readonly #spec: () => WatermarkSpec;

  constructor(host: Host, spec: () => WatermarkSpec) {
    this.#host = host;
    this.#spec = spec;
    host.addController(this);
  }

  hostUpdated(): void {
    this.#ensure();
    if (!this.#observer && typeof MutationObserver !== 'undefined') {
      this.#observer = new MutationObserver(() => this.#ensure());
      this.#observer.observe(this.#host.renderRoot, {
        childList: true,
        subtree: true,
        attributes: true,
        characterData: true,
      });
    }
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#observer = null;
  }

  /** Puts the watermark where it belongs, as it should be; changes nothing when it already is. */
  #ensure(): void {
    const { show, label } = this.#spec();
    const frame = this.#host.renderRoot.querySelector('[data-watermark-frame]');
    const node = (this.#node ??= this.#host.ownerDocument.createElement('span'));
    if (!show || !frame) {
      node.remove();
      return;
    }
    // Any change to its attributes or text shows in its markup: rebuild it whole.
    if (node.outerHTML !== `<span class="watermark" data-watermark="">${label} <b>${BRAND}</b></span>`) {
      for (const { name } of [...node.attributes]) node.removeAttribute(name);
      node.className = 'watermark';
      node.setAttribute('data-watermark', '');
      const bold = this.#host.ownerDocument.createElement('b');
      bold.textContent = BRAND;
      node.replaceChildren(`${label} `, bold);
    }
    if (frame.lastChild !== node) frame.append(node);
  }
}
