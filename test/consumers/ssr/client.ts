// The page's script after server-side rendering: Lit's hydration support first, then the element.
import '@lit-labs/ssr-client/lit-element-hydrate-support.js';
import 'share-link-embed';
import { onReady } from './on-ready.js';

// A framework attaching its listener late, after the element is ready (see the test).
(window as unknown as { attachLate: () => void }).attachLate = () => {
  const embed = document.querySelector('share-link-embed')!;
  onReady(embed, ({ persona }) => document.body.setAttribute('data-late-ready', persona.name));
};
