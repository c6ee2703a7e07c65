/** The API's pages built (dist/pages/: the console, the conversation page) with made-up files, for tests of how the API serves them. */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { precompress } from '../../server/bundle-files.ts';

/** The pages as Vite leaves them: a manifest, entries that import a shared chunk, a lazy view. */
export async function fakePagesBuild(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'console-dist-'));
  await mkdir(join(dir, 'pages'));
  const manifest = {
    'console/main.ts': {
      file: 'console-AbC123.js',
      name: 'console',
      isEntry: true,
      imports: ['_lit-Def456.js'],
      dynamicImports: ['console/analytics/view.ts'],
    },
    'pages/conversation/main.ts': {
      file: 'conversation-Jkl012.js',
      name: 'conversation',
      isEntry: true,
      imports: ['_lit-Def456.js'],
    },
    '_lit-Def456.js': { file: 'lit-Def456.js', name: 'lit' },
    'console/analytics/view.ts': { file: 'analytics-Ghi789.js', isDynamicEntry: true, imports: ['console/main.ts'] },
  };
  await writeFile(join(dir, 'pages', 'manifest.json'), JSON.stringify(manifest));
  for (const file of ['console-AbC123.js', 'conversation-Jkl012.js', 'lit-Def456.js', 'analytics-Ghi789.js']) {
    const script = `export const file = ${JSON.stringify(file)};\n`;
    await writeFile(join(dir, 'pages', file), script);
    await precompress(join(dir, 'pages', file));
  }
  return dir;
}
