import { ShareLinkEmbed } from './share-link-embed.js';

export const TAG_NAME = 'share-link-embed';

/**
 * Registers `<share-link-embed>` unless something already has: loading the bundle twice, or two
 * versions of it, leaves one definition and no error. A no-op where there is no DOM (SSR).
 */
export function defineShareLinkEmbed(tagName: string = TAG_NAME): void {
  if (typeof customElements === 'undefined' || customElements.get(tagName)) return;
  customElements.define(tagName, tagName === TAG_NAME ? ShareLinkEmbed : class extends ShareLinkEmbed {});
}
