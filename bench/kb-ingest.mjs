#!/usr/bin/env node
/**
 * Knowledge-base benchmark on real code available offline (default: the TypeScript sources under
 * node_modules). A script, not a test. Measures:
 *   - ingest throughput (files/s wall clock, and files per CPU-second so a loaded machine can be read),
 *   - peak memory (max RSS of the process, worker threads included),
 *   - index + embedding build time, incremental re-ingest of an unchanged tree,
 *   - query latency p50/p95 (hybrid and plain BM25),
 *   - retrieval quality with doc comments held out: each query is a symbol's doc comment, the
 *     corpus is re-ingested with every doc comment blanked out, and the relevant result is the
 *     chunk that declares the symbol (or an identical copy of it). Reported as recall@1/@10,
 *     MRR@10 and NDCG@10 for plain BM25, multi-field BM25, structure-aware ranking and the full
 *     hybrid (with the hashing embedder), on a held-out test half. `--tune` tunes the ranking
 *     weights on the dev half by coordinate ascent before testing.
 *
 * Usage: npx tsc -b libs/momo-kb && node bench/kb-ingest.mjs [--root DIR] [--all-languages]
 *        [--queries N] [--jobs N] [--chunk-size N] [--tune] [--annotated-only] [--ingest-only] [--json FILE]
 */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'libs', 'momo-kb', 'dist', 'index.js');
if (!existsSync(dist)) {
  console.error('libs/momo-kb is not built: run `npx tsc -b libs/momo-kb` first');
  process.exit(1);
}
const { KnowledgeBase } = await import(dist);

const args = process.argv.slice(2);
const flag = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const root = resolve(flag('--root', join(here, '..', 'node_modules')));
const allLanguages = args.includes('--all-languages');
const nQueries = Number(flag('--queries', '1000'));
const jobs = flag('--jobs') ? Number(flag('--jobs')) : undefined;
const tune = args.includes('--tune');
const jsonOut = flag('--json');
const languages = allLanguages ? undefined : ['typescript'];

const mb = (b) => Math.round(b / 1048576);
const peakRss = () => process.resourceUsage().maxRSS * 1024;
const cpuSeconds = (start) => {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1e6;
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const round = (x, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const log = (...m) => console.error(...m);

const chunkSize = flag('--chunk-size') ? Number(flag('--chunk-size')) : undefined;
const baseOptions = { root, includeVendored: true, includeGenerated: true, languages, jobs, chunkSize };
const results = { root, languages: languages ?? 'all', machine: { cpus: (await import('node:os')).availableParallelism(), loadavg: (await import('node:os')).loadavg().map((x) => round(x, 2)) } };

// ------------------------------------------------------------------ 1. ingest throughput
log(`ingesting ${root} (${languages ? languages.join(',') : 'all languages'}) ...`);
let cpu0 = process.cpuUsage();
let t0 = performance.now();
const kb = new KnowledgeBase(baseOptions);
const ing = await kb.ingest();
let wall = (performance.now() - t0) / 1000;
let cpu = cpuSeconds(cpu0);
results.ingest = {
  files: ing.files,
  chunks: kb.getChunks().length,
  symbols: kb.getSymbols().length,
  skipped: ing.skipped.counts,
  syntaxProblems: ing.problems.length,
  failures: ing.failures.length,
  wallSeconds: round(wall, 2),
  cpuSeconds: round(cpu, 2),
  filesPerSecond: Math.round(ing.files / wall),
  filesPerCpuSecond: Math.round(ing.files / cpu),
  peakRssMiB: mb(peakRss()),
};
log('ingest', results.ingest);

cpu0 = process.cpuUsage();
t0 = performance.now();
await kb.search('warm up', { mode: 'bm25' });
const tIndex = (performance.now() - t0) / 1000;
t0 = performance.now();
await kb.search('warm up');
const tVectors = (performance.now() - t0) / 1000;
results.index = { lexicalSeconds: round(tIndex, 2), embeddingSeconds: round(tVectors, 2), cpuSeconds: round(cpuSeconds(cpu0), 2), peakRssMiB: mb(peakRss()) };
log('index', results.index);

t0 = performance.now();
const again = await kb.ingest();
results.incremental = { parsed: again.parsed, reused: again.reused, wallSeconds: round((performance.now() - t0) / 1000, 2) };
log('incremental (unchanged tree)', results.incremental);
if (args.includes('--ingest-only')) {
  console.log(JSON.stringify(results, null, 2));
  if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(results, null, 2)}\n`);
  process.exit(0);
}

// ------------------------------------------------------------------ 2. queries from doc comments
/** Deterministic PRNG (mulberry32) so the query sample is the same on every run. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function docToQuery(doc) {
  const summary = doc.split(/\n\s*@/)[0];
  const text = summary
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/\{@\w+\s+([^}|]+)(?:\|[^}]*)?\}/g, '$1')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/[`*_#>]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const words = text.split(' ');
  return words.length >= 5 ? words.slice(0, 32).join(' ') : undefined;
}
const docCount = new Map();
const candidates = [];
for (const s of kb.getSymbols()) {
  if (!s.doc || s.kind === 'section') continue;
  const q = docToQuery(s.doc);
  if (!q) continue;
  docCount.set(q, (docCount.get(q) ?? 0) + 1);
  candidates.push({ q, s });
}
const unique = candidates.filter((c) => docCount.get(c.q) === 1);
const rand = rng(42);
for (let i = unique.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [unique[i], unique[j]] = [unique[j], unique[i]];
}
const perFile = new Map();
const sample = [];
for (const c of unique) {
  const n = perFile.get(c.s.path) ?? 0;
  if (n >= 2) continue;
  perFile.set(c.s.path, n + 1);
  sample.push(c);
  if (sample.length >= nQueries) break;
}
log(`queries: ${sample.length} (from ${candidates.length} documented symbols, ${unique.length} with a unique doc comment)`);

// ------------------------------------------------------------------ 2b. hand-annotated questions (file level)
const annotatedPath = join(here, 'kb-queries.json');
if (!flag('--root') && existsSync(annotatedPath)) {
  const { queries: annotated } = JSON.parse((await import('node:fs')).readFileSync(annotatedPath, 'utf8'));
  const pkgPath = (p) => p.slice(p.lastIndexOf('node_modules/') >= 0 ? p.lastIndexOf('node_modules/') + 'node_modules/'.length : 0);
  const judge = async (mode, weights) => {
    kb.setRankWeights(weights);
    let ndcg = 0;
    let mrr = 0;
    let top3 = 0;
    const misses = [];
    for (const { q, expect } of annotated) {
      const hits = await kb.search(q, { limit: 40, mode });
      const files = [];
      for (const h of hits) if (!files.includes(h.path)) files.push(h.path);
      const ranked = files.slice(0, 10);
      let dcg = 0;
      let first = 0;
      const found = new Set();
      ranked.forEach((f, i) => {
        const e = expect.find((x) => pkgPath(f) === x);
        if (e && !found.has(e)) {
          found.add(e);
          dcg += 1 / Math.log2(i + 2);
          if (!first) first = i + 1;
        }
      });
      let idcg = 0;
      for (let i = 0; i < Math.min(10, expect.length); i++) idcg += 1 / Math.log2(i + 2);
      ndcg += dcg / idcg;
      if (first) mrr += 1 / first;
      if (first && first <= 3) top3++;
      else misses.push({ q, first, got: ranked.slice(0, 3) });
    }
    const n = annotated.length;
    return { queries: n, ndcgAt10: round(ndcg / n), mrrAt10: round(mrr / n), top3: round(top3 / n), misses };
  };
  const defaultsA = kb.getRankWeights();
  results.annotated = {
    'bm25 (chunk text only)': await judge('bm25', defaultsA),
    'hybrid (no vectors)': await judge('hybrid', { ...defaultsA, vector: 0 }),
    'hybrid (+ hashing embedder)': await judge('hybrid', defaultsA),
  };
  kb.setRankWeights(defaultsA);
  for (const [k, v] of Object.entries(results.annotated)) log('annotated', k, { ndcgAt10: v.ndcgAt10, mrrAt10: v.mrrAt10, top3: v.top3 });
}
await kb.close();
if (args.includes('--annotated-only')) {
  console.log(JSON.stringify(results, null, 2));
  if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(results, null, 2)}\n`);
  process.exit(0);
}

// ------------------------------------------------------------------ 3. held-out corpus
log('re-ingesting with every doc comment blanked out ...');
const evalKb = new KnowledgeBase({ ...baseOptions, holdOutDocComments: true });
await evalKb.ingest();
await evalKb.search('warm up');
const chunks = evalKb.getChunks();
const textHash = (t) => createHash('sha1').update(t).digest('hex');
const byPath = new Map();
for (const c of chunks) {
  let l = byPath.get(c.path);
  if (!l) byPath.set(c.path, (l = []));
  l.push(c);
}
const idsByHash = new Map();
const hashById = new Map();
for (const c of chunks) {
  const h = textHash(c.text);
  hashById.set(c.id, h);
  let l = idsByHash.get(h);
  if (!l) idsByHash.set(h, (l = []));
  l.push(c.id);
}
const queries = [];
for (const { q, s } of sample) {
  const target = (byPath.get(s.path) ?? []).find((c) => c.startLine <= s.startLine && s.startLine <= c.endLine);
  if (!target) continue;
  const relevant = new Set(idsByHash.get(hashById.get(target.id)) ?? [target.id]);
  queries.push({ q, relevant, symbol: `${s.path}#${s.qualifiedName}` });
}
const half = Math.floor(queries.length / 2);
const dev = queries.slice(0, half);
const test = queries.slice(half);
log(`evaluation: ${queries.length} queries (${dev.length} dev / ${test.length} test) over ${chunks.length} chunks`);

async function evaluate(set, mode) {
  let r1 = 0;
  let r10 = 0;
  let mrr = 0;
  let ndcg = 0;
  const lat = [];
  for (const { q, relevant } of set) {
    const t = performance.now();
    const hits = await evalKb.search(q, { limit: 10, mode });
    lat.push(performance.now() - t);
    let dcg = 0;
    let first = 0;
    hits.forEach((h, i) => {
      if (relevant.has(h.id)) {
        dcg += 1 / Math.log2(i + 2);
        if (!first) first = i + 1;
      }
    });
    let idcg = 0;
    for (let i = 0; i < Math.min(10, relevant.size); i++) idcg += 1 / Math.log2(i + 2);
    ndcg += dcg / idcg;
    if (first === 1) r1++;
    if (first) {
      r10++;
      mrr += 1 / first;
    }
  }
  const n = set.length || 1;
  return { recallAt1: round(r1 / n), recallAt10: round(r10 / n), mrrAt10: round(mrr / n), ndcgAt10: round(ndcg / n), p50ms: round(pct(lat, 50), 2), p95ms: round(pct(lat, 95), 2) };
}

const defaults = evalKb.getRankWeights();
const variants = {
  'bm25 (chunk text only)': { mode: 'bm25', weights: {} },
  'multi-field bm25 (text + symbol names + path + doc comments)': { mode: 'hybrid', weights: { vector: 0, name: 0, path: 0, centrality: 0, exported: 0, test: 0, docs: 0, fileLex: 0 } },
  '+ structure (whole-file BM25, name/path match, centrality, exported, tests, prose)': { mode: 'hybrid', weights: { vector: 0 } },
  'hybrid (+ hashing embedder)': { mode: 'hybrid', weights: {} },
};

if (tune) {
  log('tuning on the dev half (coordinate ascent) ...');
  const grid = {
    fieldNames: [0.5, 1, 1.5, 2.5],
    fieldPath: [0, 0.2, 0.4, 0.8],
    vector: [0, 0.3, 0.6, 1, 1.5],
    name: [0, 0.15, 0.35, 0.6],
    path: [0, 0.05, 0.1, 0.2],
    centrality: [0, 0.05, 0.1, 0.2],
    exported: [0, 0.03, 0.08],
    test: [0, 0.15],
    file: [0, 0.1, 0.2, 0.4],
    kind: [0, 0.05, 0.1, 0.2],
    fieldDoc: [0, 0.2, 0.5, 1],
    docs: [0, 0.1, 0.3],
    fileLex: [0, 0.1, 0.2, 0.4],
  };
  let best = { ...defaults };
  evalKb.setRankWeights(best);
  let bestScore = (await evaluate(dev, 'hybrid')).ndcgAt10;
  for (let round2 = 0; round2 < 2; round2++) {
    for (const [k, values] of Object.entries(grid)) {
      for (const v of values) {
        if (best[k] === v) continue;
        evalKb.setRankWeights({ ...best, [k]: v });
        const s = (await evaluate(dev, 'hybrid')).ndcgAt10;
        if (s > bestScore + 1e-4) {
          bestScore = s;
          best = { ...best, [k]: v };
          log(`  ${k}=${v} -> dev NDCG@10 ${s}`);
        }
      }
    }
  }
  results.tunedWeights = best;
  evalKb.setRankWeights(best);
  variants['hybrid (+ hashing embedder)'].weights = best;
  variants['+ structure (whole-file BM25, name/path match, centrality, exported, tests, prose)'].weights = { ...best, vector: 0 };
}

results.quality = {};
for (const [name, v] of Object.entries(variants)) {
  evalKb.setRankWeights({ ...(results.tunedWeights ?? defaults), ...v.weights });
  // two passes: the first warms the JIT, the second is measured
  await evaluate(test.slice(0, 50), v.mode);
  results.quality[name] = { dev: await evaluate(dev, v.mode), test: await evaluate(test, v.mode) };
  log(name, results.quality[name].test);
}
results.peakRssMiB = mb(peakRss());
await evalKb.close();

console.log(JSON.stringify(results, null, 2));
if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(results, null, 2)}\n`);
