#!/usr/bin/env node
// Benchmarks of the knowledge-base stores (document, vector, graph) at KB scale.
// Not a test: it prints measured numbers. Build first: `npx tsc -b tsconfig.build.json`, then
//   node bench/kb-stores.mjs [--chunks 100000] [--dim 384] [--queries 200] [--only documents,vectors,graph] [--out file.json]
// Goals (issue 5): query p50 <= 2 ms and p95 <= 15 ms at 100k chunks; ANN recall@10 >= 0.98 against exact.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { createMemoryDocumentStore, createDuckDbDocumentStore, tokenize } from '@momo/store-document';
import { createExactVectorStore, createHnswVectorStore, loadVectorStore } from '@momo/vector-store';
import { createMemoryGraphStore } from '@momo/graph-store';

const { values: args } = parseArgs({
  options: {
    chunks: { type: 'string', default: '100000' },
    dim: { type: 'string', default: '384' },
    queries: { type: 'string', default: '200' },
    only: { type: 'string', default: 'documents,vectors,graph' },
    out: { type: 'string' },
    'ef-construction': { type: 'string' },
  },
});
const CHUNKS = Number(args.chunks);
const DIM = Number(args.dim);
const QUERIES = Number(args.queries);
const ONLY = new Set(args.only.split(','));
const ROOT = new URL('..', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'momo-bench-kb-'));
const log = (...a) => process.stderr.write(a.join(' ') + '\n');

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
const rand = rng(2024);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

function quantiles(times) {
  const s = [...times].sort((a, b) => a - b);
  const q = (p) => +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(3);
  return { p50: q(0.5), p95: q(0.95), max: +s[s.length - 1].toFixed(3) };
}
/**
 * Wall-clock latency per call (what a user waits) and CPU time per call (user + system of this
 * process: what the call costs, unaffected by other processes competing for the 2 cores).
 */
async function timeEach(items, fn, warmup = 5) {
  for (const x of items.slice(0, warmup)) await fn(x);
  const wall = [];
  const cpu = [];
  for (const x of items) {
    const c = process.cpuUsage();
    const t = performance.now();
    await fn(x);
    wall.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  const w = quantiles(wall);
  const c = quantiles(cpu);
  return { n: wall.length, p50: w.p50, p95: w.p95, max: w.max, cpuP50: c.p50, cpuP95: c.p95 };
}
async function timed(fn) {
  const t = performance.now();
  const r = await fn();
  return [r, +((performance.now() - t) / 1000).toFixed(2)];
}
const dirBytes = (dir) => readdirSync(dir).reduce((s, f) => s + statSync(join(dir, f)).size, 0);
const dirHash = (dir) => {
  const h = createHash('sha256');
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return h.digest('hex');
};

/**
 * Real code as the corpus: JS/TS/Python files under node_modules, the DVC oracle's virtualenv and the
 * system Python library, cut into 30-line chunks, in sorted path order (the same corpus on every run
 * of the same checkout).
 */
const CHUNK_LINES = 30;
function loadCorpus(limit) {
  const chunks = [];
  const walk = (dir) => {
    if (chunks.length >= limit) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    } catch {
      return; // unreadable directory: skip it, the corpus is only sample text
    }
    for (const e of entries) {
      if (chunks.length >= limit) return;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(m?js|cjs|ts|py)$/.test(e.name) && !e.name.endsWith('.min.js')) {
        const size = statSync(p).size;
        if (size > 20_000_000 || size < 200) continue;
        const lines = readFileSync(p, 'utf8').split('\n');
        const rel = p.startsWith(ROOT) ? relative(ROOT, p) : p;
        const parts = rel.split('/');
        const at = parts.findIndex((x) => x === 'node_modules' || x === 'site-packages' || /^python3/.test(x));
        const pkg = parts.slice(at + 1, parts[at + 1]?.startsWith('@') ? at + 3 : at + 2).join('/');
        for (let i = 0; i < lines.length && chunks.length < limit; i += CHUNK_LINES) {
          const content = lines.slice(i, i + CHUNK_LINES).join('\n');
          if (content.trim().length === 0) continue;
          chunks.push({
            id: `${rel}#L${i + 1}`,
            content,
            metadata: {
              source: rel,
              category: e.name.endsWith('.d.ts') ? 'types' : 'code',
              tags: [e.name.split('.').pop()],
              custom: { package: pkg, line: i + 1, difficulty: ['beginner', 'intermediate', 'advanced'][chunks.length % 3] },
            },
          });
        }
      }
    }
  };
  for (const root of [join(ROOT, 'node_modules'), join(ROOT, '.venv-dvc'), '/usr/lib/python3.11']) walk(root);
  return chunks;
}

function documentQueries(chunks, n) {
  const queries = [];
  while (queries.length < n) {
    const c = pick(chunks);
    const idents = c.content.match(/[A-Za-z_$][\w$]{3,}/g) ?? [];
    if (idents.length === 0) continue;
    if (queries.length % 2 === 0) queries.push(pick(idents));
    else queries.push([pick(idents), pick(idents), pick(idents)].join(' '));
  }
  return queries;
}

async function benchDocuments(results) {
  log(`documents: loading ${CHUNKS} chunks of real code (node_modules, .venv-dvc, /usr/lib/python3.11) ...`);
  const chunks = loadCorpus(CHUNKS);
  const tokens = chunks.reduce((s, c) => s + tokenize(c.content).length, 0);
  log(`documents: ${chunks.length} chunks, ${tokens} tokens`);
  const queries = documentQueries(chunks, QUERIES);
  const packages = [...new Set(chunks.map((c) => c.metadata.custom.package))];
  const selectivePkg = packages[Math.floor(packages.length / 2)];
  const filters = { broad: { category: 'code' }, nested: { 'custom.difficulty': 'beginner' }, selective: { 'custom.package': selectivePkg } };
  const out = { chunks: chunks.length, tokens, queries: queries.length, selectiveFilter: filters.selective };

  const mem = createMemoryDocumentStore();
  const [, memLoad] = await timed(async () => {
    for (let i = 0; i < chunks.length; i += 5000) await mem.saveMany(chunks.slice(i, i + 5000));
  });
  out.memory = { saveManySeconds: memLoad };
  out.memory.search = await timeEach(queries, (q) => mem.search(q, { limit: 10 }));
  for (const [k, f] of Object.entries(filters)) out.memory[`search_${k}Filter`] = await timeEach(queries, (q) => mem.search(q, { limit: 10, filters: f }));
  out.memory.get = await timeEach(chunks.slice(0, QUERIES).map((c) => c.id), (id) => mem.get(id));
  log('documents memory', JSON.stringify(out.memory));
  await mem.close();

  const path = join(scratch, 'documents.duckdb');
  const duck = await createDuckDbDocumentStore({ path });
  const [, duckLoad] = await timed(async () => {
    for (let i = 0; i < chunks.length; i += 5000) await duck.saveMany(chunks.slice(i, i + 5000));
  });
  out.duckdb = { saveManySeconds: duckLoad };
  const [, firstSearch] = await timed(() => duck.search('index', { limit: 10 }));
  out.duckdb.firstSearchSeconds = firstSearch;
  out.duckdb.search = await timeEach(queries, (q) => duck.search(q, { limit: 10 }));
  for (const [k, f] of Object.entries(filters)) out.duckdb[`search_${k}Filter`] = await timeEach(queries, (q) => duck.search(q, { limit: 10, filters: f }));
  out.duckdb.get = await timeEach(chunks.slice(0, QUERIES).map((c) => c.id), (id) => duck.get(id));
  out.duckdb.countNestedFilter = await timeEach(queries.slice(0, 50), () => duck.count(filters.nested));
  out.duckdb.fileBytes = statSync(path).size;
  await duck.close();
  const [reopened, reopen] = await timed(() => createDuckDbDocumentStore({ path }));
  out.duckdb.reopenSeconds = reopen;
  await reopened.close();
  log('documents duckdb', JSON.stringify(out.duckdb));
  results.documents = out;
}

function clustered(count, dim, seed, centres) {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  const cs = centres ?? Array.from({ length: 256 }, () => Float32Array.from({ length: dim }, gauss));
  const records = Array.from({ length: count }, (_, i) => {
    const c = cs[Math.floor(r() * cs.length)];
    return { id: `chunk-${String(i).padStart(7, '0')}`, vector: Float32Array.from(c, (x) => x + gauss()) };
  });
  return { records, centres: cs };
}

async function benchVectors(results) {
  log(`vectors: ${CHUNKS} x ${DIM} clustered gaussian vectors (256 centres, unit noise per component) ...`);
  const { records, centres } = clustered(CHUNKS, DIM, 7);
  const queries = clustered(QUERIES, DIM, 8, centres).records.map((r) => r.vector);
  const out = { count: CHUNKS, dimension: DIM, metric: 'cosine', queries: QUERIES };

  const exact = createExactVectorStore({ dimension: DIM });
  await exact.add(records);
  const truth = [];
  out.exact = { search: await timeEach(queries, async (q) => truth.push(await exact.search(q, { limit: 10 })), 0) };
  log('vectors exact', JSON.stringify(out.exact));

  const efConstruction = args['ef-construction'] ? Number(args['ef-construction']) : undefined;
  const hnsw = createHnswVectorStore({ dimension: DIM, efConstruction });
  await hnsw.add(records);
  const cpu0 = process.cpuUsage();
  const [, build] = await timed(() => hnsw.search(queries[0], { limit: 1 }));
  out.hnsw = { buildSeconds: build, buildCpuSeconds: +((process.cpuUsage(cpu0).user / 1e6).toFixed(1)), efConstruction: efConstruction ?? 'default' };
  for (const ef of [16, 32, 64, 96, 128, 256]) {
    let hit = 0;
    let i = 0;
    const stats = await timeEach(queries, async (q) => {
      const got = await hnsw.search(q, { limit: 10, ef });
      const want = new Set(truth[i++ % truth.length].map((h) => h.id));
      for (const h of got) if (want.has(h.id)) hit++;
    }, 0);
    out.hnsw[`ef${ef}`] = { ...stats, recallAt10: +(hit / (queries.length * 10)).toFixed(4) };
    log(`vectors hnsw ef=${ef}`, JSON.stringify(out.hnsw[`ef${ef}`]));
  }
  out.hnsw.defaultSearch = await timeEach(queries, (q) => hnsw.search(q, { limit: 10 }));
  for (const pct of [1, 10, 50]) {
    const allow = new Set(records.filter((_, i) => i % Math.round(100 / pct) === 0).map((r) => r.id));
    const filter = (id) => allow.has(id);
    const wanted = [];
    for (const q of queries) wanted.push(new Set((await exact.search(q, { limit: 10, filter })).map((h) => h.id)));
    for (const [label, opts] of [['filter', { filter }], ['ids', { ids: allow }]]) {
      let hit = 0;
      let i = 0;
      const stats = await timeEach(queries, async (q) => {
        for (const h of await hnsw.search(q, { limit: 10, ...opts })) if (wanted[i % queries.length].has(h.id)) hit++;
        i++;
      }, 0);
      out.hnsw[`search_${label}${pct}pct`] = { ...stats, recallAt10: +(hit / (queries.length * 10)).toFixed(4) };
    }
  }

  const dirA = join(scratch, 'vectors-a');
  const dirB = join(scratch, 'vectors-b');
  const [, save] = await timed(() => hnsw.save(dirA));
  await hnsw.save(dirB);
  const [loaded, load] = await timed(() => loadVectorStore({ dir: dirA }));
  let same = true;
  for (const q of queries.slice(0, 20)) {
    if (JSON.stringify(await loaded.search(q)) !== JSON.stringify(await hnsw.search(q))) same = false;
  }
  out.hnsw.saveSeconds = save;
  out.hnsw.loadSeconds = load;
  out.hnsw.savedBytes = dirBytes(dirA);
  out.hnsw.saveTwiceByteIdentical = dirHash(dirA) === dirHash(dirB);
  out.hnsw.loadedAnswersIdentical = same;
  log('vectors hnsw', JSON.stringify({ ...out.hnsw, ef16: undefined, ef32: undefined, ef64: undefined, ef96: undefined, ef128: undefined, ef256: undefined }));
  await exact.close();
  await hnsw.close();
  await loaded.close();
  results.vectors = out;
}

async function benchGraph(results) {
  const files = Math.round(CHUNKS / 5);
  const symbolsPerFile = 4;
  const modules = Math.max(10, Math.round(files / 100));
  log(`graph: ${modules} modules, ${files} files, ${files * symbolsPerFile} symbols ...`);
  const g = createMemoryGraphStore();
  const nodes = [];
  const edges = [];
  for (let m = 0; m < modules; m++) nodes.push({ id: `module:m${m}`, kind: 'module', label: `m${m}` });
  for (let f = 0; f < files; f++) {
    const m = f % modules;
    nodes.push({ id: `file:m${m}/f${f}.ts`, kind: 'file' });
    edges.push({ from: `module:m${m}`, to: `file:m${m}/f${f}.ts`, kind: 'contains' });
    for (let s = 0; s < symbolsPerFile; s++) {
      nodes.push({ id: `symbol:f${f}#s${s}`, kind: 'symbol' });
      edges.push({ from: `file:m${m}/f${f}.ts`, to: `symbol:f${f}#s${s}`, kind: 'contains' });
    }
  }
  const fileId = (f) => `file:m${f % modules}/f${f}.ts`;
  for (let f = 0; f < files; f++) {
    for (let k = 0; k < 3; k++) {
      const t = Math.floor(rand() * files);
      if (t !== f) edges.push({ from: fileId(f), to: fileId(t), kind: 'imports' });
    }
    for (let s = 0; s < symbolsPerFile; s++) {
      for (let k = 0; k < 2; k++) edges.push({ from: `symbol:f${f}#s${s}`, to: `symbol:f${Math.floor(rand() * files)}#s${Math.floor(rand() * symbolsPerFile)}`, kind: 'calls' });
    }
  }
  for (let m = 1; m < modules; m++) edges.push({ from: `module:m${m}`, to: `module:m${Math.floor(rand() * m)}`, kind: 'depends-on' });
  const [, load] = await timed(async () => {
    await g.addNodes(nodes);
    await g.addEdges(edges);
  });
  const stats = await g.stats();
  const out = { nodes: stats.nodes, edges: stats.edges, addSeconds: load };
  const starts = Array.from({ length: QUERIES }, () => fileId(Math.floor(rand() * files)));
  out.neighbours = await timeEach(starts, (s) => g.neighbours(s, { direction: 'both' }));
  out.dependents = await timeEach(starts, (s) => g.dependents(s));
  out.dependentsTransitiveDepth3 = await timeEach(starts, (s) => g.dependents(s, { transitive: true, maxDepth: 3 }));
  out.kHop2 = await timeEach(starts, (s) => g.kHop(s, { k: 2 }));
  out.shortestPath = await timeEach(starts, (s) => g.shortestPath(s, pick(starts), { edgeKinds: ['imports'] }));
  const dirA = join(scratch, 'graph-a');
  const [, save] = await timed(() => g.save(dirA));
  const [, reload] = await timed(async () => createMemoryGraphStore({ loadFrom: dirA }));
  out.saveSeconds = save;
  out.loadSeconds = reload;
  out.savedBytes = dirBytes(dirA);
  const h = createMemoryGraphStore();
  await h.addNodes([...nodes].reverse());
  await h.addEdges([...edges].reverse());
  const dirB = join(scratch, 'graph-b');
  await h.save(dirB);
  out.reverseOrderByteIdentical = dirHash(dirA) === dirHash(dirB);
  log('graph', JSON.stringify(out));
  results.graph = out;
}

const results = {
  machine: { loadAverage1m: +loadavg()[0].toFixed(2), cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  params: { chunks: CHUNKS, dimension: DIM, queries: QUERIES },
};
try {
  if (ONLY.has('documents')) await benchDocuments(results);
  if (ONLY.has('graph')) await benchGraph(results);
  if (ONLY.has('vectors')) await benchVectors(results);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const json = JSON.stringify(results, null, 2) + '\n';
if (args.out) writeFileSync(args.out, json);
process.stdout.write(json);
