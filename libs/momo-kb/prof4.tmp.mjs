import { KnowledgeBase } from '/work/main/libs/momo-kb/dist/index.js';
import { tokenize } from '/work/main/libs/momo-kb/dist/text/tokenize.js';
import { HashingEmbedder } from '/work/main/libs/momo-kb/dist/embed/hashing-embedder.js';
const kb = new KnowledgeBase({ root: '/work/main/node_modules', includeVendored: true, includeGenerated: true });
let t = performance.now();
const r = await kb.ingest();
console.log('ingest', r.files, Math.round(performance.now() - t), 'ms');
const chunks = kb.getChunks();
t = performance.now(); let n = 0;
for (const c of chunks) n += tokenize(c.text).length;
console.log('tokenize', Math.round(performance.now() - t), n);
const e = new HashingEmbedder();
t = performance.now();
for (const c of chunks) e.embedOne(c.text);
console.log('embed', Math.round(performance.now() - t));
t = performance.now();
await kb.search('x', { mode: 'bm25' });
console.log('index', Math.round(performance.now() - t));
t = performance.now();
await kb.search('x');
console.log('vectors', Math.round(performance.now() - t));
const qs = ['parse a yaml document', 'resolve module specifier to file', 'compute md5 hash of a stream', 'create an s3 client with credentials', 'tokenize markdown headings'];
for (let k = 0; k < 3; k++) for (const q of qs) { const t = performance.now(); await kb.search(q, { limit: 10 }); if (k === 2) console.log(q, (performance.now() - t).toFixed(2)); }
for (const q of qs) { const t = performance.now(); await kb.search(q, { limit: 10, mode: 'bm25' }); console.log('bm25', q, (performance.now() - t).toFixed(2)); }
