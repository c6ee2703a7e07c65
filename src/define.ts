import { ShareLinkEmbed } from './share-link-embed.js';

export const TAG_NAME = 'share-link-embed';

/**
 * Registers `<share-link-embed>` unless something already has: loading the bundle twice, or two
 * versions of it, leaves one definition and no error. A no-op where there is no DOM (SSR without
 * a DOM shim). Another tag name registers a subclass, since a class can be defined only once.
 */
export function defineShareLinkEmbed(tagName: string = TAG_NAME): void {
  if (typeof customElements === 'undefined' || customElements.get(tagName)) return;
  if (tagName === TAG_NAME) customElements.define('share-link-embed', ShareLinkEmbed);
  else customElements.define(tagName, class extends ShareLinkEmbed {});
}
