// Server-side rendering with Lit SSR, as a Node server would do it: the element's markup, with its
// shadow root as declarative shadow DOM.
import { render } from '@lit-labs/ssr';
import { collectResult } from '@lit-labs/ssr/lib/render-result.js';
import { html, nothing } from 'lit';
import 'share-link-embed';

export function renderEmbed(token: string, apiBase: string, lang?: string): Promise<string> {
  return collectResult(
    render(html`<share-link-embed token=${token} api-base=${apiBase} lang=${lang ?? nothing}></share-link-embed>`),
  );
}
