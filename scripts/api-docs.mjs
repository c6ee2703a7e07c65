/**
 * Writes the element's reference from custom-elements.json (itself generated from the element's
 * JSDoc) into the two documents that show it, each between its own markers:
 * - docs/element.md, `<!-- api:start -->` … `<!-- api:end -->`: the full tables;
 * - README.md, `<!-- api-summary:start -->` … `<!-- api-summary:end -->`: the names at a glance.
 * `--check` changes nothing and exits 1 when either document is out of step.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('custom-elements.json', root), 'utf8'));
const element = manifest.modules
  .flatMap((module) => module.declarations ?? [])
  .find((declaration) => declaration.customElement);
if (!element) throw new Error('custom-elements.json has no custom element: run `npx cem analyze`');

const cell = (text = '') => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ');
const code = (text) => (text ? `\`${cell(text).replaceAll('`', '')}\`` : '');
const table = (headings, rows) =>
  [
    `| ${headings.join(' | ')} |`,
    `| ${headings.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
/** An alias such as `Placement` says nothing to a reader: its expansion does. Longer types stay as written. */
const typeOf = (entry) =>
  /^[A-Z]\w*$/.test(entry.type?.text ?? '') && entry.expandedType ? entry.expandedType.text : entry.type?.text;

const fields = element.members.filter((member) => member.kind === 'field');
const methods = element.members.filter((member) => member.kind === 'method' && member.privacy !== 'protected');
const protectedMethods = element.members.filter((member) => member.kind === 'method' && member.privacy === 'protected');
const attributeOf = new Map(
  element.attributes.map((attribute) => [
    attribute.fieldName ?? attribute.name.replace(/-(\w)/g, (_, c) => c.toUpperCase()),
    attribute.name,
  ]),
);
const fieldOf = (attribute) => fields.find((field) => field.name === (attribute.fieldName ?? attribute.name));
const signature = (method) =>
  `${method.name}(${(method.parameters ?? []).map((parameter) => parameter.name).join(', ')})`;

/** The full reference, for docs/element.md. */
function reference() {
  return [
    '### Attributes',
    table(
      ['attribute', 'type', 'default', 'description'],
      element.attributes.map((attribute) => [
        code(attribute.name),
        code(typeOf(attribute)),
        code(attribute.default),
        cell(attribute.description),
      ]),
    ),
    '### Properties',
    table(
      ['property', 'attribute', 'type', 'read-only', 'description'],
      fields.map((field) => [
        code(field.name),
        code(attributeOf.get(field.name) ?? ''),
        code(typeOf(field)),
        field.readonly ? 'yes' : '',
        cell(field.description),
      ]),
    ),
    '### Methods',
    table(
      ['method', 'description'],
      methods.map((method) => [code(signature(method)), cell(method.description)]),
    ),
    protectedMethods.length
      ? `Protected, for subclasses: ${protectedMethods
          .map((method) => `${code(signature(method))}: ${cell(method.description)}`)
          .join(' ')}`
      : '',
    '### Events',
    'Every event bubbles and is composed (it crosses shadow roots).',
    table(
      ['event', 'type', 'description'],
      element.events.map((event) => [code(event.name), code(event.type?.text), cell(event.description)]),
    ),
    '### Slots',
    table(
      ['slot', 'description'],
      (element.slots ?? []).map((slot) => [code(slot.name), cell(slot.description)]),
    ),
    '### CSS parts',
    table(
      ['part', 'description'],
      element.cssParts.map((part) => [code(part.name), cell(part.description)]),
    ),
    '### CSS custom properties',
    table(
      ['property', 'default', 'description'],
      element.cssProperties.map((property) => [
        code(property.name),
        code(property.default),
        cell(property.description),
      ]),
    ),
  ];
}

/** The names at a glance, for the README. */
function summary() {
  const names = (items, name = (item) => code(item.name)) => items.map(name).join(', ');
  const writable = element.attributes.filter((attribute) => !fieldOf(attribute)?.readonly);
  const readOnly = element.attributes.filter((attribute) => fieldOf(attribute)?.readonly);
  return [
    table(
      ['what', 'names'],
      [
        ['attributes', `${names(writable)}; read-only: ${names(readOnly)}`],
        [
          'properties',
          `${names(fields.filter((field) => !field.readonly))}; read-only: ${names(fields.filter((field) => field.readonly))}`,
        ],
        ['methods', names(methods, (method) => code(signature(method)))],
        ['events', names(element.events)],
        ['slots', names(element.slots ?? [])],
        ['CSS parts', names(element.cssParts)],
        [
          'CSS custom properties',
          names(element.cssProperties, (property) => `${code(property.name)} (${code(property.default)})`),
        ],
      ],
    ),
  ];
}

const GENERATED =
  '<!-- Generated by `npm run docs` from custom-elements.json (the JSDoc of src/share-link-embed.ts). Do not edit by hand. -->';

const targets = [
  { file: 'docs/element.md', start: '<!-- api:start -->', end: '<!-- api:end -->', sections: reference() },
  { file: 'README.md', start: '<!-- api-summary:start -->', end: '<!-- api-summary:end -->', sections: summary() },
];

const documents = targets.map(({ file, start, end, sections }) => {
  const url = new URL(file, root);
  const text = readFileSync(url, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} needs ${start} and ${end} markers`);
  const generated = `${start}\n${GENERATED}\n\n${sections.filter(Boolean).join('\n\n')}\n\n${end}`;
  return { file, url, text, updated: text.slice(0, from) + generated + text.slice(to + end.length) };
});

const stale = documents.filter(({ text, updated }) => text !== updated);
if (process.argv.includes('--check')) {
  for (const { file } of stale)
    console.error(
      `${file}: the element's reference is out of step with custom-elements.json: run \`npm run docs\` and commit the result.`,
    );
  if (stale.length) process.exit(1);
} else {
  for (const { file, url, updated } of stale) {
    writeFileSync(url, updated);
    console.log(`${file}: the element's reference updated`);
  }
}
