/**
 * The package as its users get it: the tarball `npm pack` makes (scripts/consumers.mjs builds,
 * packs and unpacks it into test/consumers/node_modules before this runs), type-checked in one
 * small app per framework (strict), rendered in Chromium with React 19 and React 18, rendered on
 * the server with Lit SSR and hydrated, linted by publint and arethetypeswrong.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { CHROME_ARGS, requireTool } from '../../scripts/browsers.mjs';
import { startInProcessApi, type InProcessApi } from '../support/api-inprocess.ts';
import { ROOT } from '../../scripts/api-process.ts';
import { TOKENS } from '../support/fixtures.ts';

const CONSUMERS = join(ROOT, 'test/consumers');
const INSTALLED = join(CONSUMERS, 'node_modules/share-link-embed');
const BIN = join(CONSUMERS, 'node_modules/.bin');
const report = JSON.parse(readFileSync(join(ROOT, '.tmp/pack/build-report.json'), 'utf8')) as {
  tarball: string;
  files: { path: string; size: number }[];
  before: { status: string; diffHash: string };
  after: { status: string; diffHash: string };
};
const pkg = JSON.parse(readFileSync(join(INSTALLED, 'package.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(join(INSTALLED, 'custom-elements.json'), 'utf8'));
const shipped = new Set(report.files.map((file) => file.path));

interface Run {
  code: number;
  output: string;
}
function run(command: string, args: string[], cwd = CONSUMERS): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
      (error, stdout, stderr) => {
        // Some tools colour their report whatever the environment says (ANSI escape codes).
        // eslint-disable-next-line no-control-regex
        const output = `${stdout}${stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output });
      },
    );
  });
}
const bin = (name: string) => join(BIN, name);

/** The lines (1-based) that follow a comment naming an expected error. */
function expectedErrorLines(file: string, marker: RegExp): number[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line, index) => (marker.test(line) ? [index + 2] : []));
}

/**
 * Each `@ts-expect-error` must be there for its own line's error, not for one that a broken
 * typing would raise anywhere: with the directives removed, the errors are exactly on those lines.
 */
async function assertExpectedErrorsAreLoadBearing(fixture: string, file: string, marker: RegExp, strip: RegExp) {
  const source = join(CONSUMERS, fixture, file);
  const copy = join(CONSUMERS, fixture, `stripped-${file}`);
  writeFileSync(copy, readFileSync(source, 'utf8').replace(strip, ''));
  try {
    const { output } = await run(bin('tsc'), ['-p', fixture, '--pretty', 'false']);
    const lines = [
      ...output.matchAll(new RegExp(`stripped-${file.replace('.', '\\.')}\\((\\d+),\\d+\\): error`, 'g')),
    ].map((match) => Number(match[1]));
    assert.deepEqual([...new Set(lines)], expectedErrorLines(source, marker), output);
  } finally {
    rmSync(copy, { force: true });
  }
}

describe('the packed tarball', () => {
  it('comes from a build that changed no tracked file and left nothing new behind', () => {
    assert.equal(report.after.status, report.before.status, 'git status changed during `npm run build`');
    assert.equal(report.after.diffHash, report.before.diffHash, '`npm run build` changed tracked files');
  });

  it('ships a LICENSE, no source maps and no file that nothing reaches', () => {
    assert.match(readFileSync(join(INSTALLED, 'LICENSE'), 'utf8'), /^MIT License[\s\S]*share-link-embed contributors/);
    assert.deepEqual(
      [...shipped].filter((file) => file.endsWith('.map')),
      [],
    );
    // Every file is an export's target, referenced by package.json, or imported by one that is.
    const reached = new Set(['package.json', 'README.md', 'LICENSE']);
    const queue: string[] = [];
    const reach = (path: string) => {
      const normal = path.replace(/^\.\//, '');
      if (!reached.has(normal)) (reached.add(normal), queue.push(normal));
    };
    const targets = (value: unknown): string[] =>
      typeof value === 'string'
        ? [value]
        : value && typeof value === 'object'
          ? Object.values(value).flatMap(targets)
          : [];
    for (const target of [
      ...targets(pkg.exports),
      pkg.main,
      pkg.types,
      pkg.customElements,
      pkg['web-types'],
      ...targets(pkg.contributes),
    ])
      reach(target);
    while (queue.length) {
      const file = queue.shift()!;
      if (!/\.(js|d\.ts)$/.test(file)) continue;
      const text = readFileSync(join(INSTALLED, file), 'utf8');
      for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*['"`](\.{1,2}\/[^'"`]+)['"`]/g)) {
        const resolved = new URL(specifier!, `file:///${file}`).pathname.slice(1);
        if (resolved.endsWith('.js')) {
          if (shipped.has(resolved)) reach(resolved);
          const types = resolved.replace(/\.js$/, '.d.ts');
          if (shipped.has(types)) reach(types);
        } else reach(resolved);
      }
      // The bundles load their lazy chunks by file name, beside themselves: new URL(`share-link-embed-….js`, bundleUrl).
      for (const [, chunk] of text.matchAll(/[`'"](?:\.\/)?(share-link-embed-[\w-]+\.js)[`'"]/g)) {
        const resolved = new URL(chunk!, `file:///${file}`).pathname.slice(1);
        if (shipped.has(resolved)) reach(resolved);
      }
    }
    assert.deepEqual(
      [...shipped].filter((file) => !reached.has(file)),
      [],
      'files in the tarball that no export, field or import reaches',
    );
    assert.deepEqual(
      [...reached].filter((file) => !shipped.has(file)),
      [],
      'files referenced but missing from the tarball',
    );
  });

  it('says where it comes from, and shows the README pictures on the registry', () => {
    assert.equal(pkg.license, 'MIT');
    assert.equal(pkg.repository.url, 'git+https://github.com/share-link-embed/share-link-embed.git');
    assert.match(pkg.homepage, /^https:\/\/github\.com\/share-link-embed\/share-link-embed/);
    assert.match(pkg.bugs.url, /^https:\/\/github\.com\/share-link-embed\/share-link-embed\/issues$/);
    const images = [...readFileSync(join(INSTALLED, 'README.md'), 'utf8').matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map(
      (match) => match[1]!,
    );
    assert.ok(images.length > 0);
    for (const image of images) {
      const path = image.replace('https://raw.githubusercontent.com/share-link-embed/share-link-embed/main/', '');
      assert.notEqual(path, image, `${image} is not an absolute URL into the repository`);
      assert.ok(existsSync(join(ROOT, path)), `${image}: no ${path} in the repository`);
    }
  });

  it('gives every export types and a default condition, and points to its manifest and editor data', () => {
    for (const [subpath, conditions] of Object.entries<Record<string, string> | string>(pkg.exports)) {
      if (typeof conditions === 'string') {
        assert.match(conditions, /\.json$/, `${subpath} is a plain path`);
        continue;
      }
      assert.ok(conditions.types && shipped.has(conditions.types.slice(2)), `${subpath}: types`);
      if (!subpath.startsWith('./types/'))
        assert.ok(conditions.default && shipped.has(conditions.default.slice(2)), `${subpath}: default`);
    }
    assert.equal(pkg.customElements, 'custom-elements.json');
    for (const file of [pkg['web-types'], ...pkg.contributes.html.customData, ...pkg.contributes.css.customData])
      assert.ok(shipped.has(file.slice(2)), file);
    const webTypes = JSON.parse(readFileSync(join(INSTALLED, pkg['web-types']), 'utf8'));
    const htmlData = JSON.parse(readFileSync(join(INSTALLED, pkg.contributes.html.customData[0]), 'utf8'));
    const placement = (attributes: { name: string; values?: { name: string }[]; value?: { type?: string } }[]) =>
      attributes.find((attribute) => attribute.name === 'placement');
    assert.deepEqual(
      placement(htmlData.tags[0].attributes)?.values?.map((value) => value.name),
      ['bottom-right', 'bottom-left', 'top-right', 'top-left'],
    );
    assert.match(JSON.stringify(placement(webTypes.contributions.html.elements[0].attributes)), /top-left/);
  });

  it('has a manifest tools can trust: shipped module paths, one correct definition, no stray exports, resolved types', () => {
    for (const module of manifest.modules) {
      assert.ok(shipped.has(module.path), `${module.path} is not in the package`);
      const exported = new Set(
        module.exports.map((entry: { declaration: { name: string } }) => entry.declaration.name),
      );
      for (const declaration of module.declarations)
        assert.ok(exported.has(declaration.name), `${module.path} declares ${declaration.name} without exporting it`);
      for (const entry of module.exports)
        assert.ok(shipped.has(entry.declaration.module), `${entry.name} points to ${entry.declaration.module}`);
    }
    const definitions = manifest.modules.flatMap((module: { path: string; exports: { kind: string }[] }) =>
      module.exports
        .filter((entry) => entry.kind === 'custom-element-definition')
        .map((entry) => ({ module: module.path, ...entry })),
    );
    assert.deepEqual(definitions, [
      {
        module: 'dist/lib/index.js',
        kind: 'custom-element-definition',
        name: 'share-link-embed',
        declaration: { name: 'ShareLinkEmbed', module: 'dist/lib/share-link-embed.js' },
      },
    ]);
    const element = manifest.modules
      .flatMap((module: { declarations: unknown[] }) => module.declarations)
      .find((declaration: { customElement?: boolean }) => declaration.customElement);
    const expanded = (name: string) =>
      element.members.find((member: { name: string }) => member.name === name).expandedType.text;
    assert.equal(expanded('placement'), "'bottom-right' | 'bottom-left' | 'top-right' | 'top-left'");
    // A union's order is the type checker's to choose: compare the members.
    const members = (union: string) => union.split(' | ').sort();
    assert.deepEqual(members(expanded('state')), members("'loading' | 'ready' | 'starting' | 'live' | 'error'"));
  });

  it('passes publint', async () => {
    const { code, output } = await run(bin('publint'), [report.tarball, '--strict']);
    console.log(output.trim());
    assert.equal(code, 0, output);
    assert.match(output, /All good!/);
  });

  it('passes arethetypeswrong as an ESM-only package', async () => {
    const { code, output } = await run(bin('attw'), [
      report.tarball,
      '--profile',
      'esm-only',
      '--format',
      'table-flipped',
    ]);
    console.log(output.trim());
    assert.equal(code, 0, output);
    // Node from ESM and bundlers resolve every entry; require() from CommonJS works as Node's
    // require(esm) (tested below), which this arethetypeswrong release cannot model yet.
    const rows = output.split('\n').filter((line) => line.startsWith('│ "'));
    assert.equal(rows.length, Object.keys(pkg.exports).length);
    for (const row of rows) assert.match(row, /^│ "[^"]+"\s+│ 🟢[^│]*│ 🟢[^│]*│/, row);
  });
});

describe('entries', () => {
  const bundleSize = async (source: string) => {
    const result = await build({
      stdin: { contents: source, resolveDir: CONSUMERS, loader: 'js' },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    return { code, gzip: gzipSync(code, { level: 9 }).length };
  };

  it('`share-link-embed/helpers` registers nothing and costs no Lit', async () => {
    const helpers = await bundleSize(
      `import { isValidToken, checkShareLink } from 'share-link-embed/helpers'; console.log(isValidToken, checkShareLink);`,
    );
    assert.doesNotMatch(helpers.code, /customElements|LitElement|attachShadow/);
    assert.ok(helpers.gzip < 4_000, `helpers: ${helpers.gzip} bytes gzip`);
    const element = await bundleSize(`import 'share-link-embed';`);
    assert.match(element.code, /customElements/);
    console.log(
      `isValidToken + checkShareLink from /helpers: ${helpers.gzip} bytes gzip; import 'share-link-embed': ${element.gzip} bytes gzip`,
    );
  });

  it('`share-link-embed/element` gives the class without registering it', async () => {
    const { code } = await bundleSize(
      `import { ShareLinkEmbed } from 'share-link-embed/element'; console.log(ShareLinkEmbed);`,
    );
    assert.doesNotMatch(code, /customElements\.define/);
  });

  it('`require()` works in Node, as require(esm) does from Node 20.19', async () => {
    const { code, output } = await run(process.execPath, [
      '-e',
      "const { isValidToken } = require('share-link-embed/helpers'); console.log(isValidToken('sh_2kL9pQxYzR4vN8mBwHfJc'), isValidToken('nope'))",
    ]);
    assert.equal(code, 0, output);
    assert.match(output, /^true false$/m);
  });
});

describe('frameworks type-check, strict', { concurrency: 2 }, () => {
  it('React 19: the raw tag with typed attributes and on… events', async () => {
    const { code, output } = await run(bin('tsc'), ['-p', 'react19', '--pretty', 'false']);
    assert.equal(code, 0, output);
    await assertExpectedErrorsAreLoadBearing(
      'react19',
      'type-errors.tsx',
      /\/\/ @ts-expect-error/,
      /\/\/ @ts-expect-error.*$/gm,
    );
  });

  it('React 18: the wrapper with typed onShareLink… props', async () => {
    const { code, output } = await run(bin('tsc'), ['-p', 'react18', '--pretty', 'false']);
    assert.equal(code, 0, output);
    await assertExpectedErrorsAreLoadBearing(
      'react18',
      'type-errors.tsx',
      /\{\/\* @ts-expect-error/,
      /\{\/\* @ts-expect-error.*\*\/\}$/gm,
    );
  });

  it('Preact', async () => {
    const { code, output } = await run(bin('tsc'), ['-p', 'preact', '--pretty', 'false']);
    assert.equal(code, 0, output);
    await assertExpectedErrorsAreLoadBearing(
      'preact',
      'type-errors.tsx',
      /\/\/ @ts-expect-error/,
      /\/\/ @ts-expect-error.*$/gm,
    );
  });

  it('Vue (vue-tsc, strictTemplates)', async () => {
    const { code, output } = await run(bin('vue-tsc'), ['-p', 'vue', '--pretty', 'false']);
    assert.equal(code, 0, output);
  });

  it('Svelte 5 (svelte-check): exactly the expected errors', async () => {
    const { output } = await run(bin('svelte-check'), [
      '--tsconfig',
      './tsconfig.json',
      '--workspace',
      'svelte',
      '--output',
      'machine',
    ]);
    const problems = [...output.matchAll(/ (ERROR|WARNING) "([^"]+)" (\d+):\d+ /g)].map(
      (match) => `${match[1]} ${match[2]}:${match[3]}`,
    );
    const expected = expectedErrorLines(join(CONSUMERS, 'svelte/TypeErrors.svelte'), /<!-- expect-error/).map(
      (line) => `ERROR TypeErrors.svelte:${line}`,
    );
    assert.deepEqual(problems, expected, output);
  });

  it('Angular (ngc, strictTemplates, CUSTOM_ELEMENTS_SCHEMA): the event detail is typed', async () => {
    const { output } = await run(bin('ngc'), ['-p', 'angular/tsconfig.json']);
    const errors = [...output.matchAll(/(\S+\.ts):(\d+):\d+ - error (TS\d+)/g)].map(
      (match) => `${match[1]}:${match[2]} ${match[3]}`,
    );
    assert.deepEqual(errors, ['type-errors.component.ts:8 TS2551'], output);
  });

  it('the SSR helpers (on-ready.ts, render.ts)', async () => {
    const { code, output } = await run(bin('tsc'), ['-p', 'ssr', '--pretty', 'false']);
    assert.equal(code, 0, output);
  });
});

describe('the README', () => {
  it('shows each framework snippet exactly as its fixture has it', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const snippets = [...readme.matchAll(/<!-- fixture: (\S+) -->\n```\w*\n([\s\S]*?)```/g)];
    assert.ok(snippets.length >= 6, `found ${snippets.length} fixture snippets`);
    for (const [, path, code] of snippets)
      assert.equal(code, readFileSync(join(CONSUMERS, path!), 'utf8'), `README snippet of ${path}`);
  });
});

describe('in Chromium', () => {
  let api: InProcessApi;
  let browser: Browser;
  let server: Server;
  let origin: string;
  const pages = new Map<string, { type: string; body: string }>();

  before(async () => {
    const executablePath = requireTool('chromium');
    api = await startInProcessApi();
    const bundle = async (entry: string, alias: Record<string, string> = {}) => {
      const result = await build({
        absWorkingDir: CONSUMERS,
        entryPoints: [join(CONSUMERS, entry)],
        bundle: true,
        format: 'esm',
        platform: 'browser',
        write: false,
        alias,
        jsx: 'automatic',
        define: { 'process.env.NODE_ENV': '"production"' },
        logLevel: 'silent',
      });
      return result.outputFiles[0]!.text;
    };
    const html = (script: string, body = '<div id="root"></div>') =>
      `<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body>${body}<script type="module" src="${script}"></script></body></html>`;
    pages.set('/react19.js', { type: 'text/javascript', body: await bundle('react19/main.tsx') });
    pages.set('/react18.js', {
      type: 'text/javascript',
      body: await bundle('react18/main.tsx', { react: 'react-18', 'react-dom': 'react-dom-18' }),
    });
    pages.set('/ssr.js', { type: 'text/javascript', body: await bundle('ssr/client.ts') });
    pages.set('/react19.html', { type: 'text/html', body: html('/react19.js') });
    pages.set('/react18.html', { type: 'text/html', body: html('/react18.js') });
    server = createServer((request, response) => {
      const page = pages.get(new URL(request.url ?? '/', 'http://host').pathname);
      response
        .writeHead(page ? 200 : 404, { 'Content-Type': page?.type ?? 'text/plain', 'Cache-Control': 'no-store' })
        .end(page?.body ?? 'not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath,
      args: CHROME_ARGS.filter((arg) => !arg.startsWith('--headless')),
    });
  });

  after(async () => {
    await browser?.close();
    if (server) await new Promise((resolve) => server.close(resolve));
    await api?.close();
  });

  for (const [name, path] of [
    ['React 19, the raw tag', '/react19.html'],
    ['React 18, the wrapper', '/react18.html'],
  ] as const) {
    it(`${name}: renders, hears share-link-ready and share-link-start`, async () => {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        await page.goto(`${origin}${path}?token=${TOKENS.player}&api=${encodeURIComponent(api.base)}`);
        await page.waitForSelector('body[data-ready]');
        assert.equal(await page.getAttribute('body', 'data-ready'), 'Cara');
        await page.locator('share-link-embed').locator('[part~="start-button"]').click();
        await page.waitForSelector('body[data-started]');
        assert.match((await page.getAttribute('body', 'data-started'))!, /\S/);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }

  it('Lit SSR: declarative shadow DOM, hydrated in the browser; a listener attached after ready still gets the persona', async () => {
    const { code, output: markup } = await run(
      process.execPath,
      ['--import', 'tsx', join(CONSUMERS, 'ssr/render-cli.mjs'), TOKENS.player, api.base, 'de'],
      ROOT,
    );
    assert.equal(code, 0, markup);
    assert.match(markup, /<share-link-embed[^>]*><template shadowroot="open" shadowrootmode="open">/);
    // The loading box, one textless box; its label is English on the server, which loads no other
    // language (src/i18n/language.ts), and German once the browser has the German chunk.
    assert.match(
      markup,
      /part="player" class="player loading" role="progressbar" aria-busy="true" aria-label="Loading…"/,
    );
    // Without a lang attribute there is no tree to look a [lang] up in on the server: English.
    const { code: plainCode, output: plain } = await run(
      process.execPath,
      ['--import', 'tsx', join(CONSUMERS, 'ssr/render-cli.mjs'), TOKENS.player, api.base],
      ROOT,
    );
    assert.equal(plainCode, 0, plain);
    assert.match(plain, /shadowrootmode="open"/);

    pages.set('/ssr.html', {
      type: 'text/html',
      body: `<!doctype html><html lang="de"><head><meta charset="utf-8"></head><body>
        <script>document.addEventListener('share-link-ready', () => { document.body.dataset.earlyReady = String(Number(document.body.dataset.earlyReady ?? 0) + 1); });</script>
        ${markup}
        <script>document.querySelector('share-link-embed').shadowRoot.firstElementChild.setAttribute('data-from-server', '');</script>
        <script type="module" src="/ssr.js"></script></body></html>`,
    });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error' || /hydrat/i.test(message.text())) problems.push(message.text());
      });
      await page.goto(`${origin}/ssr.html`);
      // The declarative shadow root arrived with the HTML, before any script.
      await page.waitForSelector('share-link-embed[state="ready"]');
      const shadow = await page.evaluate(() => {
        const root = document.querySelector('share-link-embed')!.shadowRoot!;
        return {
          players: root.querySelectorAll('[part~="player"]').length,
          name: root.querySelector('[part~="name"]')?.textContent,
          serverStyle: root.querySelector('[data-from-server]') !== null,
        };
      });
      assert.deepEqual(shadow, { players: 1, name: 'Cara', serverStyle: true });
      assert.equal(await page.getAttribute('body', 'data-early-ready'), '1');
      // Next.js-like: the framework attaches its listener only now, after share-link-ready fired.
      await page.evaluate(() => (window as unknown as { attachLate: () => void }).attachLate());
      assert.equal(await page.getAttribute('body', 'data-late-ready'), 'Cara');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

// The fixtures' lock decides what is installed (scripts/consumers.mjs); the package's own
// dependencies must be the ones the fixtures resolve, or the fixtures test something else.
describe('the fixture workspace', () => {
  it("installs the package's dependencies at the ranges the package asks for", () => {
    const consumers = JSON.parse(readFileSync(join(CONSUMERS, 'package.json'), 'utf8'));
    for (const [name, range] of Object.entries(pkg.dependencies as Record<string, string>))
      assert.equal(consumers.devDependencies[name], range, name);
    const stamp = readFileSync(join(CONSUMERS, 'node_modules/.installed-from-lock'), 'utf8');
    assert.equal(
      stamp,
      createHash('sha256')
        .update(readFileSync(join(CONSUMERS, 'package-lock.json')))
        .digest('hex'),
    );
  });
});
