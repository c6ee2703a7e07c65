/**
 * The documentation holds together: every relative link of the README, CONTRIBUTING.md and docs/
 * reaches a file of the repository and, when it names a heading, that heading; and the element's
 * specification lists exactly the error reasons the code has, in their order.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ERROR_REASONS } from '../../src/errors.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCUMENTS = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
/** The text outside fenced code blocks and inline code, where Markdown links live. */
const prose = (markdown: string) => markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');

/** GitHub's anchors for a document's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const text = heading!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count ? `${slug}-${count}` : slug);
  }
  for (const [, id] of markdown.matchAll(/<a (?:id|name)="([^"]+)"/g)) anchors.add(id!);
  return anchors;
}

describe('the documentation', () => {
  it('has an index, docs/README.md, that says what every file of docs/ is', () => {
    assert.ok(DOCUMENTS.includes('docs/README.md'), 'docs/README.md, the index of docs/');
    const index = read('docs/README.md');
    for (const document of DOCUMENTS.filter((path) => path.startsWith('docs/') && path !== 'docs/README.md'))
      assert.ok(index.includes(`](${document.slice('docs/'.length)})`), `docs/README.md says what ${document} is`);
  });

  for (const document of DOCUMENTS) {
    it(`${document}: every relative link reaches its file and heading`, () => {
      const text = read(document);
      const links = [...prose(text).matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((match) => match[1]!);
      const broken: string[] = [];
      for (const link of links) {
        if (/^[a-z][a-z+.-]*:/i.test(link)) continue;
        const [path, anchor] = link.split('#') as [string, string | undefined];
        const target = path ? relative(ROOT, join(ROOT, dirname(document), decodeURIComponent(path))) : document;
        if (!existsSync(join(ROOT, target))) {
          broken.push(`${link}: no file ${target}`);
          continue;
        }
        if (anchor !== undefined && target.endsWith('.md') && !anchorsOf(read(target)).has(anchor))
          broken.push(`${link}: no heading #${anchor} in ${target}`);
      }
      assert.deepEqual(broken, []);
    });
  }

  it("docs/element.md gives every error reason the code has, in the code's order", () => {
    const section = /^## Error reasons\n([\s\S]*?)^## /m.exec(read('docs/element.md'))?.[1] ?? '';
    const documented = [...section.matchAll(/^\| `([a-z-]+)` \|/gm)].map((match) => match[1]);
    assert.deepEqual(documented, [...ERROR_REASONS]);
  });
});
