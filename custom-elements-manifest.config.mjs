// `npm run docs`: custom-elements.json from the element's JSDoc, then from it the element's reference
// (docs/element.md, the README's summary: scripts/api-docs.mjs) and the React wrapper's event list
// (scripts/react-wrapper.mjs). `npm run build` turns it into the framework typings and the editors'
// data (scripts/package-types.mjs).
import { getTsProgram, typeParserPlugin } from '@wc-toolkit/type-parser';

/** Where tsc puts the compiled module of each analysed source file: the path the package ships. */
const shippedPath = (path) => path.replace(/^src\//, 'dist/lib/').replace(/\.ts$/, '.js');

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
          declaration.members = declaration.members?.filter(
            (member) => member.privacy !== 'private' && !member.name.startsWith('#') && !member.name.startsWith('_'),
          );
          declaration.events = declaration.events?.filter((event) => event.name.startsWith('share-link-'));
          // An attribute documented with @attr that mirrors a property (the read-only `state` and
          // `variant`, the inherited `lang`) names it, as the analyzer does for Lit's own properties.
          for (const attribute of declaration.attributes ?? []) {
            if (
              !attribute.fieldName &&
              (attribute.name === 'lang' || declaration.members?.some((member) => member.name === attribute.name))
            )
              attribute.fieldName = attribute.name;
          }
        }
      }
    },
  };
}

/** The package's entry that registers the element when imported (`import 'share-link-embed'`). */
const REGISTERING_ENTRY = 'dist/lib/index.js';

/**
 * What a tool reading the manifest needs and the analyzer gets wrong here: module paths that exist
 * in the package (dist/lib/*.js, not src/*.ts), only what a module really exports (the analyzer
 * lists local variables such as `messages` in render()), and a definition export that names the
 * tag and the class instead of `tagName` and `anonymous_0`, in the module whose import registers
 * the element (src/define.ts only registers when its function is called).
 */
function shippedModulesOnly() {
  return {
    name: 'shipped-modules-only',
    packageLinkPhase({ customElementsManifest }) {
      const classes = new Map();
      for (const module of customElementsManifest.modules) {
        const exported = new Set(
          (module.exports ?? []).filter((entry) => entry.kind === 'js').map((entry) => entry.declaration.name),
        );
        module.declarations = (module.declarations ?? []).filter((declaration) => exported.has(declaration.name));
        for (const declaration of module.declarations) {
          if (declaration.customElement && declaration.tagName)
            classes.set(declaration.name, { module: shippedPath(module.path), tagName: declaration.tagName });
        }
      }
      for (const module of customElementsManifest.modules) {
        module.exports = (module.exports ?? []).flatMap((entry) => {
          // `export type * from './events.js'` re-exports types, which are no part of the JavaScript module.
          if (entry.kind === 'js' && entry.name === '*') return [];
          if (entry.kind !== 'custom-element-definition')
            return [{ ...entry, declaration: { ...entry.declaration, module: shippedPath(entry.declaration.module) } }];
          const element = classes.get(entry.declaration.name);
          return element
            ? [
                {
                  kind: 'custom-element-definition',
                  name: element.tagName,
                  declaration: { name: entry.declaration.name, module: element.module },
                },
              ]
            : [];
        });
        module.path = shippedPath(module.path);
      }
      const definitions = customElementsManifest.modules.flatMap((module) => {
        const found = module.exports.filter((entry) => entry.kind === 'custom-element-definition');
        module.exports = module.exports.filter((entry) => entry.kind !== 'custom-element-definition');
        return found;
      });
      customElementsManifest.modules.push({
        kind: 'javascript-module',
        path: REGISTERING_ENTRY,
        declarations: [],
        exports: definitions,
      });
    },
  };
}

// The type parser tries every type it meets, private fields' DOM types included, and says so each
// time it leaves one of lib.dom's interfaces as it is; those are never part of the public API.
const warn = console.warn;
console.warn = (...args) => {
  if (/\[type-parser\] - Skipped parsing type .* at .*lib\.dom\.d\.ts/.test(String(args[1] ?? args[0]))) return;
  warn(...args);
};

export default {
  globs: ['src/share-link-embed.ts', 'src/define.ts'],
  outdir: '.',
  litelement: true,
  // The analyzer would otherwise write `customElements` into package.json, pointing at its outdir.
  packagejson: false,
  // The type parser needs TypeScript's checker to expand aliases such as `Placement` to their values.
  overrideModuleCreation({ ts, globs }) {
    const program = getTsProgram(ts, globs, 'tsconfig.json');
    return program.getSourceFiles().filter((sourceFile) => globs.some((glob) => sourceFile.fileName.endsWith(glob)));
  },
  plugins: [publicApiOnly(), typeParserPlugin({ propertyName: 'expandedType' }), shippedModulesOnly()],
};
