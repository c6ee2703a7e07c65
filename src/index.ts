/**
 * The npm entry: importing it registers `<share-link-embed>` (guarded) and exports the class,
 * the pure modules and their types. `share-link-embed/helpers` has the pure modules without the
 * element; `share-link-embed/element` has the class without registering it.
 */
import { defineShareLinkEmbed } from './define.js';

defineShareLinkEmbed();

export { ShareLinkEmbed } from './share-link-embed.js';
export { defineShareLinkEmbed, TAG_NAME } from './define.js';
export * from './helpers.js';
