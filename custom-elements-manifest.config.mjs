// `npm run docs`: custom-elements.json from the element's JSDoc, then the README's API tables from it.

/**
 * The analyzer takes Lit's internal reactive state (`_view`, `{ state: true }`) for attributes, and
 * the `type` parameter of the private `#emit` helper for an event. Neither is public API.
 */
function publicApiOnly() {
  return {
    name: 'public-api-only',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          if (!declaration.customElement) continue;
          declaration.attributes = declaration.attributes?.filter((attribute) => !attribute.name.startsWith('_'));
          declaration.members = declaration.members?.filter((member) => member.privacy !== 'private' && !member.name.startsWith('#') && !member.name.startsWith('_'));
          declaration.events = declaration.events?.filter((event) => event.name.startsWith('share-link-'));
        }
      }
    },
  };
}

export default {
  globs: ['src/share-link-embed.ts', 'src/define.ts'],
  outdir: '.',
  litelement: true,
  plugins: [publicApiOnly()],
};
