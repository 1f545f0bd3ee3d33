/**
 * The README's main job (`npm run main`): runs the knowledge-base pipeline on momo's own code with
 * momo itself (`momo repro`: libs/momo-kb's process-embeddings, then kb-ingest, benchmark-kb and
 * docs-generate from dvc.yaml), then prints where the outputs are and a summary of the metrics.
 * Run again without changes it is a no-op; arguments are passed to `momo repro` (e.g. `-f`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MOMO_HOME } from './lib/run-script.js';

function bytes(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  return readdirSync(p).reduce((n, e) => n + bytes(join(p, e)), 0);
}

function size(n: number): string {
  return n >= 1048576 ? `${(n / 1048576).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
}

function readJson(p: string): Record<string, Record<string, number>> | undefined {
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as Record<string, Record<string, number>>) : undefined;
}

const root = process.cwd();
const started = performance.now();
const r = spawnSync(process.execPath, [join(MOMO_HOME, 'apps', 'cli', 'bin', 'momo.js'), 'repro', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  process.stderr.write(`\nmomo repro failed (exit ${r.status ?? r.signal}); see the output above.\n`);
  process.exit(r.status ?? 1);
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const outputs: Array<[string, string]> = [
  ['data/knowledge-base/', 'modules, files, symbols, chunks (JSON / JSON Lines)'],
  ['data/vectors/', 'chunk embeddings (float32 matrix + ids)'],
  ['data/graphs/', 'code graph (modules, files, symbols and their edges)'],
  ['docs/generated/', 'one Markdown page per module + index.md'],
  ['benchmarks/kb_metrics.json', 'DVC metrics (`momo metrics show`)'],
  ['benchmarks/kb_perf.json', 'timings and memory of this machine (not a DVC output)'],
  ['libs/momo-kb/data/', "@momo/kb's module pipeline: embeddings/ and indices/"],
];
let out = `\nPipeline done in ${seconds} s. Outputs (git-ignored, tracked by momo/DVC in dvc.lock):\n`;
for (const [p, what] of outputs) if (existsSync(join(root, p))) out += `  ${p.padEnd(28)} ${size(bytes(join(root, p))).padStart(10)}  ${what}\n`;
const m = readJson(join(root, 'benchmarks', 'kb_metrics.json'));
if (m) {
  const c = m.corpus ?? {};
  const h = m.heldout ?? {};
  const w = m.handwritten ?? {};
  out += `\nKnowledge base: ${c.modules} modules, ${c.files} files, ${c.symbols} symbols, ${c.chunks} chunks.\n`;
  out += `Retrieval, held-out doc comments (${h.queries} queries): NDCG@10 ${h.ndcg_at_10} (plain BM25 ${h.bm25_ndcg_at_10}), recall@1 ${h.recall_at_1}, recall@10 ${h.recall_at_10}, MRR ${h.mrr_at_10}\n`;
  out += `Retrieval, hand-written questions (${w.queries}): NDCG@10 ${w.ndcg_at_10}, recall@5 ${w.recall_at_5}, recall@10 ${w.recall_at_10}, MRR ${w.mrr_at_10}\n`;
  const wt = m.handwritten_test;
  if (wt) out += `  of which the test half (${wt.queries}, never tuned on): NDCG@10 ${wt.ndcg_at_10}, recall@10 ${wt.recall_at_10}, MRR ${wt.mrr_at_10}; dev half NDCG@10 ${m.handwritten_dev?.ndcg_at_10}\n`;
  out += `Approximate (HNSW) vs exact vector search: recall@10 ${m.ann?.recall_at_10} on ${m.ann?.queries} queries\n`;
}
const perf = readJson(join(root, 'benchmarks', 'kb_perf.json'));
if (perf) {
  out += `This machine (last benchmark run): search p50 ${perf.search_latency_ms?.p50} ms, p95 ${perf.search_latency_ms?.p95} ms; ingest ${perf.ingest?.files_per_second} files/s; peak memory ${perf.peak_rss_mb} MB\n`;
}
const pages = existsSync(join(root, 'docs', 'generated')) ? readdirSync(join(root, 'docs', 'generated')).filter((f) => f.endsWith('.md')).length : 0;
out += `Docs: ${pages} pages, start at docs/generated/index.md\n`;
out += `\nNext: \`node apps/cli/bin/momo.js metrics show\`, change params.yaml and run again (only dependent stages rerun).\n`;
process.stdout.write(out);
