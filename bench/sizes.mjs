// `node bench/sizes.mjs dist/share-link-embed.iife.js`: which source files the bytes of a bundle come from (raw and gzip), read from its source map.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
// Attribute each byte of the output to its source file via the sourcemap's mappings.
const file = process.argv[2];
const code = readFileSync(file, 'utf8');
const map = JSON.parse(readFileSync(file + '.map', 'utf8'));
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const lines = code.split('\n');
const per = {};
let src = 0;
map.mappings.split(';').forEach((line, li) => {
  let col = 0;
  const segs = [];
  for (const seg of line.split(',')) {
    if (!seg) continue;
    const vals = [];
    let v = 0,
      shift = 0;
    for (const ch of seg) {
      let d = B64.indexOf(ch);
      const cont = d & 32;
      d &= 31;
      v += d << shift;
      if (cont) shift += 5;
      else {
        vals.push(v & 1 ? -(v >> 1) : v >> 1);
        v = 0;
        shift = 0;
      }
    }
    col += vals[0];
    if (vals.length > 1) src += vals[1];
    segs.push([col, src]);
  }
  const text = lines[li] ?? '';
  segs.forEach(([c, s], i) => {
    const end = i + 1 < segs.length ? segs[i + 1][0] : text.length;
    const name = map.sources[s];
    per[name] = (per[name] ?? '') + text.slice(c, end);
  });
});
const rows = Object.entries(per)
  .map(([k, v]) => [k.replace(/.*node_modules\//, ''), v.length, gzipSync(v).length])
  .sort((a, b) => b[1] - a[1]);
for (const r of rows) console.log(r[1].toString().padStart(7), r[2].toString().padStart(6), r[0]);
