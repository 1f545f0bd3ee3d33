/**
 * Pipeline stage `benchmark-kb`: measures the knowledge base the kb-ingest stage built. Nothing is
 * a constant; every number comes from a run over the current code and params.
 *
 * Written to --out (DVC metrics, byte-deterministic, so `repro` stays a no-op and `metrics diff`
 * shows only real changes):
 *   heldout.*      retrieval of held-out doc comments: each query is the doc comment of a public
 *                  symbol, the corpus is re-ingested with every doc comment blanked out, and the
 *                  relevant result is the chunk that declares the symbol (or an identical copy).
 *                  recall@1/5/10, MRR@10, NDCG@10 of the hybrid ranking, and of plain BM25 for scale.
 *   handwritten.*  retrieval on hand-written questions with graded files (--queries: `expect` =
 *                  grade 2, `related` = grade 1), at file level on the real index: NDCG@10 (gain =
 *                  grade), recall@5/10 and MRR@10 of the grade-2 files. handwritten_dev.* and
 *                  handwritten_test.* split them: the ranking may be tuned on dev, test is only reported.
 *   ann.*          recall@10 of the approximate (HNSW) vector index against exact search, on the
 *                  held-out query vectors over the stored chunk vectors.
 *   corpus.*, index_bytes.*  sizes of the knowledge base and of its three artifact directories.
 * Written to --perf (machine-dependent, NOT a DVC output; see dvc.yaml): search latency p50/p95,
 * ingest throughput, HNSW build time, peak memory.
 *
 * Usage: node scripts/dist/benchmark-kb.js [--kb data] [--queries benchmarks/kb_queries.yaml]
 *          [--params params.yaml] [--out benchmarks/kb_metrics.json] [--perf benchmarks/kb_perf.json] [<dir>...]
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { EXIT, MomoError } from '@momo/errors';
import type { CodeSymbol, KnowledgeBase } from '@momo/kb';
import { readKbParams } from './lib/kb-params.js';
import { gradesOf, readHandQueries } from './lib/hand-queries.js';
import { docToQuery, mulberry32, percentile, round4, scoreGraded, scoreRanking } from './lib/retrieval-metrics.js';
import { assertBuildFresh, runScript } from './lib/run-script.js';
import { parseScriptArgs } from './lib/script-args.js';

const USAGE =
  'node scripts/dist/benchmark-kb.js [--kb data] [--queries benchmarks/kb_queries.yaml] [--params params.yaml] [--out benchmarks/kb_metrics.json] [--perf benchmarks/kb_perf.json] [<dir>...]';

const TEST_PATH = /(^|\/)(__tests__|__fixtures__|tests?|e2e)\/|\.(spec|test)\.[cm]?[jt]sx?$|(^|\/)test_[^/]*\.py$/;

function dirBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return n;
}

/** JSON with keys sorted at every level, two-space indent, final newline. */
function canonicalJson(v: unknown): string {
  const sort = (x: unknown): unknown =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sort((x as Record<string, unknown>)[k])])) : x;
  return `${JSON.stringify(sort(v), null, 2)}\n`;
}

function writeAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

interface Averages {
  n: number;
  sums: Record<string, number>;
}
const avg = (): Averages => ({ n: 0, sums: {} });
function addTo(a: Averages, values: Record<string, number>): void {
  a.n++;
  for (const [k, v] of Object.entries(values)) a.sums[k] = (a.sums[k] ?? 0) + v;
}
function means(a: Averages): Record<string, number> {
  return Object.fromEntries(Object.entries(a.sums).map(([k, v]) => [k, round4(a.n ? v / a.n : 0)]));
}

runScript(async () => {
  assertBuildFresh();
  const args = parseScriptArgs(process.argv.slice(2), ['kb', 'queries', 'params', 'out', 'perf'], USAGE);
  const root = process.cwd();
  const data = resolve(root, args.flags.get('kb') ?? 'data');
  const kbDir = join(data, 'knowledge-base');
  const outFile = resolve(root, args.flags.get('out') ?? 'benchmarks/kb_metrics.json');
  const perfFile = resolve(root, args.flags.get('perf') ?? 'benchmarks/kb_perf.json');
  const params = readKbParams(resolve(root, args.flags.get('params') ?? 'params.yaml'));
  const handQueries = readHandQueries(resolve(root, args.flags.get('queries') ?? 'benchmarks/kb_queries.yaml'));
  const { KnowledgeBase } = await import('@momo/kb');
  const log = (m: string) => process.stderr.write(`benchmark-kb: ${m}\n`);
  const latencies: number[] = [];
  const timedSearch = async (kb: KnowledgeBase, q: string, opts: Parameters<KnowledgeBase['search']>[1]) => {
    const t = performance.now();
    const hits = await kb.search(q, opts);
    latencies.push(performance.now() - t);
    return hits;
  };

  // ---------------------------------------------------------------- the real index (as built)
  const kb = await KnowledgeBase.load(kbDir, { root });
  const manifest = JSON.parse(readFileSync(join(kbDir, 'manifest.json'), 'utf8')) as { params: { chunk_size: number; overlap: number; embedding_model: string }; counts: Record<string, number> };
  const kbFiles = new Set(kb.getModules().flatMap((m) => m.files));
  const allFiles = readFileSync(join(kbDir, 'files.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { path: string; size: number });
  for (const f of allFiles) kbFiles.add(f.path);
  const dirs = args.positional.length ? args.positional : [...new Set(allFiles.map((f) => f.path.split('/')[0]))].sort();
  await kb.search('warm up the index', { limit: 1 });

  // hand-written questions, file level, graded (expect = 2, related = 1); per split as well
  const hand = avg();
  const handSplit = { dev: avg(), test: avg() };
  let expectedMissing = 0;
  let handSkipped = 0;
  for (const query of handQueries) {
    const grades = gradesOf(query);
    for (const p of [...grades.keys()]) {
      if (kbFiles.has(p)) continue;
      grades.delete(p);
      expectedMissing++;
    }
    if (![...grades.values()].includes(2)) {
      handSkipped++;
      continue;
    }
    const hits = await timedSearch(kb, query.q, { limit: 50 });
    const files: string[] = [];
    for (const h of hits) if (!files.includes(h.path)) files.push(h.path);
    const s = scoreGraded(files, grades, [5, 10]);
    const values = { recall_at_5: s.recall[5], recall_at_10: s.recall[10], mrr_at_10: s.reciprocalRank, ndcg_at_10: s.ndcgAt10 };
    addTo(hand, values);
    if (query.split) addTo(handSplit[query.split], values);
  }
  log(`${hand.n} hand-written queries scored (${handSkipped} without any expected file in the KB, ${expectedMissing} expected files missing)`);

  // ---------------------------------------------------------------- held-out doc comments
  // queries: doc comments of public, non-test symbols, unique text, at most 2 per file, seeded sample
  const candidates: Array<{ q: string; s: CodeSymbol }> = [];
  const textCount = new Map<string, number>();
  for (const s of kb.getSymbols()) {
    if (!s.doc || s.kind === 'section' || !s.exported || TEST_PATH.test(s.path)) continue;
    const q = docToQuery(s.doc);
    if (!q) continue;
    textCount.set(q, (textCount.get(q) ?? 0) + 1);
    candidates.push({ q, s });
  }
  const unique = candidates.filter((c) => textCount.get(c.q) === 1);
  const rand = mulberry32(params.seed);
  for (let i = unique.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [unique[i], unique[j]] = [unique[j], unique[i]];
  }
  const perFile = new Map<string, number>();
  const sample: typeof unique = [];
  for (const c of unique) {
    const n = perFile.get(c.s.path) ?? 0;
    if (n >= 2) continue;
    perFile.set(c.s.path, n + 1);
    sample.push(c);
    if (sample.length >= params.heldoutQueries) break;
  }

  // re-ingest the same sources with every doc comment blanked out (also the throughput measurement)
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const evalKb = new KnowledgeBase({
    root,
    chunkSize: manifest.params.chunk_size,
    overlap: manifest.params.overlap,
    embeddingModel: manifest.params.embedding_model,
    holdOutDocComments: true,
    exclude: [data, dirname(outFile), dirname(perfFile)],
  });
  let ingestedFiles = 0;
  for (const d of dirs) ingestedFiles = (await evalKb.ingest({ path: d })).files;
  await evalKb.search('warm up the index', { limit: 1 });
  const ingestSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const ingestBytes = allFiles.reduce((n, f) => n + f.size, 0);
  const chunks = evalKb.getChunks();
  const textHash = (t: string) => createHash('sha1').update(t).digest('hex');
  const idsByText = new Map<string, string[]>();
  const byPath = new Map<string, typeof chunks>();
  for (const c of chunks) {
    const h = textHash(c.text);
    (idsByText.get(h) ?? idsByText.set(h, []).get(h)!).push(c.id);
    (byPath.get(c.path) ?? byPath.set(c.path, []).get(c.path)!).push(c);
  }
  const queries: Array<{ q: string; relevant: Set<string> }> = [];
  for (const { q, s } of sample) {
    const target = (byPath.get(s.path) ?? []).find((c) => c.startLine <= s.startLine && s.startLine <= c.endLine);
    if (target) queries.push({ q, relevant: new Set(idsByText.get(textHash(target.text)) ?? [target.id]) });
  }
  const hybrid = avg();
  const bm25 = avg();
  // even positions of the sample are the dev half (ranking weights were tuned on it), odd ones the test half
  const heldSplit = { dev: avg(), test: avg() };
  for (const [i, { q, relevant }] of queries.entries()) {
    const ids = (await timedSearch(evalKb, q, { limit: 10 })).map((h) => h.id);
    const s = scoreRanking(ids, relevant, [1, 5, 10]);
    addTo(hybrid, { recall_at_1: s.recall[1], recall_at_5: s.recall[5], recall_at_10: s.recall[10], mrr_at_10: s.reciprocalRank, ndcg_at_10: s.ndcgAt10 });
    addTo(heldSplit[i % 2 ? 'test' : 'dev'], { recall_at_10: s.recall[10], mrr_at_10: s.reciprocalRank, ndcg_at_10: s.ndcgAt10 });
    const b = scoreRanking((await evalKb.search(q, { limit: 10, mode: 'bm25' })).map((h) => h.id), relevant, [10]);
    addTo(bm25, { bm25_recall_at_10: b.recall[10], bm25_ndcg_at_10: b.ndcgAt10 });
  }
  log(`${queries.length} held-out doc-comment queries over ${chunks.length} chunks`);

  // ---------------------------------------------------------------- approximate vs exact vectors
  const ann: Record<string, number> = { queries: 0, recall_at_10: 0, vectors: 0 };
  let hnswBuildSeconds = 0;
  const embedder = await kb.getEmbedder();
  const vdir = join(data, 'vectors');
  if (embedder && existsSync(join(vdir, 'manifest.json'))) {
    const { readVectorDir, createExactVectorStore, createHnswVectorStore } = await import('@momo/vector-store');
    const v = readVectorDir(vdir);
    const d = v.manifest.dimension;
    const exact = createExactVectorStore({ dimension: d, metric: 'cosine' });
    const hnsw = createHnswVectorStore({ dimension: d, metric: 'cosine' });
    const records = v.ids.map((id, i) => ({ id, vector: v.vectors.subarray(i * d, (i + 1) * d) }));
    await exact.add(records);
    const tb = performance.now();
    await hnsw.add(records);
    const qv = await embedder.embed(queries.map((x) => x.q));
    await hnsw.search(qv[0] ?? new Float32Array(d), { limit: 1 }); // builds the graph
    hnswBuildSeconds = (performance.now() - tb) / 1000;
    let overlap = 0;
    for (const vec of qv) {
      const want = new Set((await exact.search(vec, { limit: 10 })).map((h) => h.id));
      const got = await hnsw.search(vec, { limit: 10 });
      overlap += got.filter((h) => want.has(h.id)).length / Math.max(1, want.size);
    }
    ann.queries = qv.length;
    ann.recall_at_10 = round4(qv.length ? overlap / qv.length : 0);
    ann.vectors = v.ids.length;
    await exact.close();
    await hnsw.close();
  }

  const metrics = {
    corpus: { modules: manifest.counts.modules, files: manifest.counts.files, symbols: manifest.counts.symbols, chunks: manifest.counts.chunks },
    handwritten: { queries: hand.n, expected_missing: expectedMissing, ...means(hand) },
    ...(handSplit.dev.n ? { handwritten_dev: { queries: handSplit.dev.n, ...means(handSplit.dev) } } : {}),
    ...(handSplit.test.n ? { handwritten_test: { queries: handSplit.test.n, ...means(handSplit.test) } } : {}),
    heldout: { queries: queries.length, candidates: unique.length, ...means(hybrid), ...means(bm25) },
    heldout_dev: { queries: heldSplit.dev.n, ...means(heldSplit.dev) },
    heldout_test: { queries: heldSplit.test.n, ...means(heldSplit.test) },
    ann,
    index_bytes: { knowledge_base: dirBytes(kbDir), vectors: dirBytes(vdir), graphs: dirBytes(join(data, 'graphs')) },
  };
  writeAtomic(outFile, canonicalJson(metrics));
  const perf = {
    note: 'machine-dependent timings of the last benchmark-kb run; not a DVC output (see dvc.yaml)',
    machine: { cpus: availableParallelism(), cpu_model: cpus()[0]?.model ?? 'unknown', node: process.version },
    search_latency_ms: { queries: latencies.length, p50: round4(percentile(latencies, 50)), p95: round4(percentile(latencies, 95)) },
    ingest: {
      files: ingestedFiles,
      bytes: ingestBytes,
      seconds: round4(ingestSeconds),
      cpu_seconds: round4((cpu.user + cpu.system) / 1e6),
      files_per_second: round4(ingestedFiles / ingestSeconds),
      mb_per_second: round4(ingestBytes / 1048576 / ingestSeconds),
    },
    hnsw_build_seconds: round4(hnswBuildSeconds),
    peak_rss_mb: round4((process.resourceUsage().maxRSS * 1024) / 1048576),
  };
  writeAtomic(perfFile, canonicalJson(perf));
  await evalKb.close();
  await kb.close();
  const h = metrics.heldout as Record<string, number>;
  const w = metrics.handwritten as Record<string, number>;
  process.stdout.write(
    `benchmark-kb: held-out NDCG@10 ${h.ndcg_at_10} (BM25 ${h.bm25_ndcg_at_10}; dev ${means(heldSplit.dev).ndcg_at_10}, test ${means(heldSplit.test).ndcg_at_10}), recall@10 ${h.recall_at_10}, MRR ${h.mrr_at_10} on ${h.queries} queries; ` +
      `hand-written NDCG@10 ${w.ndcg_at_10}, recall@10 ${w.recall_at_10}, MRR ${w.mrr_at_10} on ${w.queries}` +
      (handSplit.test.n ? ` (dev ${means(handSplit.dev).ndcg_at_10}, test ${means(handSplit.test).ndcg_at_10})` : '') +
      `; ANN recall@10 ${ann.recall_at_10}; ` +
      `search p50 ${perf.search_latency_ms.p50} ms, p95 ${perf.search_latency_ms.p95} ms; ingest ${perf.ingest.files_per_second} files/s; peak ${perf.peak_rss_mb} MB\n`,
  );
});
