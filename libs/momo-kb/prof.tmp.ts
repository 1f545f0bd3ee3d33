import { KnowledgeBase } from './src/index.js';
const kb = new KnowledgeBase({ root: '/work/main/node_modules', includeVendored: true, includeGenerated: true });
const t0 = performance.now();
const r = await kb.ingest({ path: process.argv[2] ?? '.' });
console.log(r.files, Math.round(performance.now() - t0));
