import { KnowledgeBase } from './src/index.js';
const t0 = performance.now();
const kb = new KnowledgeBase({ root: '/work/main/node_modules', includeVendored: true, includeGenerated: true });
const r = await kb.ingest();
const t1 = performance.now();
const langs: Record<string, number> = {};
for (const c of kb.getChunks()) langs[c.language] = (langs[c.language] ?? 0) + 1;
console.log({ files: r.files, parsed: r.parsed, ms: Math.round(t1 - t0), fps: Math.round(r.files / ((t1 - t0) / 1000)), skipped: r.skipped.counts, problems: r.problems.length, failures: r.failures.length, chunks: kb.getChunks().length, langs, rss: Math.round(process.memoryUsage().rss / 1e6) });
const t2 = performance.now();
await kb.search('x');
console.log('index+embed ms', Math.round(performance.now() - t2), 'rss', Math.round(process.memoryUsage().rss / 1e6));
const qs = ['parse a yaml document', 'resolve module specifier to file', 'compute md5 hash of a stream', 'create an s3 client with credentials', 'tokenize markdown headings'];
for (const q of qs) { const t = performance.now(); const h = await kb.search(q, { limit: 5 }); console.log(q, (performance.now() - t).toFixed(2), h.slice(0, 3).map(x => `${x.path}:${x.startLine} ${x.symbol}`)); }
