import { walkRepo } from '/work/main/libs/momo-kb/dist/walk/walk-repo.js';
import { parseTypeScript } from '/work/main/libs/momo-kb/dist/parse/parse-typescript.js';
import { parseMarkdown } from '/work/main/libs/momo-kb/dist/parse/parse-markdown.js';
import { chunkFile } from '/work/main/libs/momo-kb/dist/chunk/chunk-file.js';
import { readFileSync } from 'node:fs';
import ts from 'typescript';
let t = performance.now();
const w = walkRepo({ root: '/work/main/node_modules', maxFileBytes: 1e6, includeVendored: true, includeGenerated: true });
console.log('walk', Math.round(performance.now() - t), w.files.length);
const texts = w.files.map(f => [f, readFileSync(f.abs, 'utf8')]);
const tot = {}; const bytes = {};
for (const [f, text] of texts) {
  const k = f.language; bytes[k] = (bytes[k] ?? 0) + text.length;
  let t0 = performance.now();
  if (k === 'python') continue;
  let p;
  if (k === 'markdown') p = parseMarkdown({ path: f.path, text });
  else {
    p = parseTypeScript({ path: f.path, text });
  }
  const t1 = performance.now();
  chunkFile({ path: f.path, module: '', language: k, text, symbols: p.symbols, chunkSize: 1500, overlap: 200 });
  const t2 = performance.now();
  tot[k + ':parse'] = (tot[k + ':parse'] ?? 0) + (t1 - t0);
  tot[k + ':chunk'] = (tot[k + ':chunk'] ?? 0) + (t2 - t1);
}
// raw TS createSourceFile cost only
t = performance.now();
for (const [f, text] of texts) if (f.language === 'typescript' || f.language === 'javascript') ts.createSourceFile(f.path, text, ts.ScriptTarget.Latest, false);
tot.rawTsParse = performance.now() - t;
console.log(Object.fromEntries(Object.entries(tot).map(([k, v]) => [k, Math.round(v)])), Object.fromEntries(Object.entries(bytes).map(([k, v]) => [k, Math.round(v / 1e6) + 'MB'])));
