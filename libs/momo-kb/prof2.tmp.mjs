import { KnowledgeBase } from '/work/main/libs/momo-kb/dist/index.js';
const kb = new KnowledgeBase({ root: '/work/main/node_modules', includeVendored: true, includeGenerated: true });
const t0 = performance.now();
const r = await kb.ingest({ path: process.argv[2] ?? '.' });
const t1 = performance.now();
console.log(r.files, Math.round(t1 - t0), 'ms', Math.round(r.files / ((t1 - t0) / 1000)), 'files/s');
if (process.argv[3]) { await kb.search('x'); console.log('index', Math.round(performance.now() - t1)); }
