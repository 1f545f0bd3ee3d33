#!/usr/bin/env node
/**
 * Retrieval-quality harness on momo's own code (libs, apps, scripts), for ranking work. A script,
 * not a test. It ingests the sources twice (as they are, and with every doc comment held out) and
 * scores ranking variants on:
 *   - the hand-written questions of benchmarks/kb_queries.yaml at file level, graded relevance
 *     (NDCG@10 with gain = grade, MRR@10 and recall@10 of the answer files), per split: `dev`
 *     questions are the ones ranking changes may be tuned on, `test` questions are only reported;
 *   - held-out doc comments at chunk level (query = a public symbol's doc comment, the corpus has
 *     every doc comment blanked out, relevant = the chunk declaring the symbol), the sample split
 *     in a dev half (even positions) and a test half (odd positions).
 * `--tune` runs coordinate ascent over the rank weights on the dev splits only (mean of
 * hand-written dev NDCG@10 and held-out dev NDCG@10), then reports every split with the result.
 *
 * Usage: npx tsc -b libs/momo-kb scripts && node bench/kb-quality.mjs [--root DIR] [--variants a=1,b=2] [--tune] [--report] [--misses dev|test] [--json FILE]
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

const here = dirname(fileURLToPath(import.meta.url));
const home = join(here, '..');
const { KnowledgeBase } = await import(join(home, 'libs/momo-kb/dist/index.js'));
const { readHandQueries, gradesOf } = await import(join(home, 'scripts/dist/lib/hand-queries.js'));
const { scoreGraded, scoreRanking, docToQuery, mulberry32 } = await import(join(home, 'scripts/dist/lib/retrieval-metrics.js'));

const args = process.argv.slice(2);
const flag = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
// the corpus: this checkout, or a frozen copy of it (`git archive HEAD libs apps scripts ... | tar -x`),
// so that numbers compare across runs while others keep editing the checkout
const root = resolve(flag('--root', home));
const log = (...m) => console.error(...m);
const r4 = (x) => Math.round(x * 1e4) / 1e4;
const DIRS = ['libs', 'apps', 'scripts'];
const TEST_PATH = /(^|\/)(__tests__|__fixtures__|tests?|e2e)\/|\.(spec|test)\.[cm]?[jt]sx?$|(^|\/)test_[^/]*\.py$/;
const exclude = [join(root, 'data'), join(root, 'benchmarks')];

async function build(holdOut) {
  const kb = new KnowledgeBase({ root, holdOutDocComments: holdOut, exclude });
  for (const d of DIRS) await kb.ingest({ path: d });
  await kb.search('warm up', { limit: 1 });
  return kb;
}

const t0 = performance.now();
const kb = await build(false);
const evalKb = await build(true);
log(`ingested twice in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${kb.getChunks().length} chunks`);

// ---- hand-written questions
const kbFiles = new Set(kb.getChunks().map((c) => c.path));
const hand = readHandQueries(join(home, 'benchmarks/kb_queries.yaml')).map((q) => {
  const grades = gradesOf(q);
  for (const p of [...grades.keys()]) if (!kbFiles.has(p)) grades.delete(p);
  return { ...q, grades };
});

// ---- held-out doc comments (same sampling as scripts/benchmark-kb.ts)
const candidates = [];
const textCount = new Map();
for (const s of kb.getSymbols()) {
  if (!s.doc || s.kind === 'section' || !s.exported || TEST_PATH.test(s.path)) continue;
  const q = docToQuery(s.doc);
  if (!q) continue;
  textCount.set(q, (textCount.get(q) ?? 0) + 1);
  candidates.push({ q, s });
}
const unique = candidates.filter((c) => textCount.get(c.q) === 1);
const rand = mulberry32(42);
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
  if (sample.length >= 300) break;
}
const chunks = evalKb.getChunks();
const hash = (t) => createHash('sha1').update(t).digest('hex');
const idsByText = new Map();
const byPath = new Map();
for (const c of chunks) {
  const h = hash(c.text);
  (idsByText.get(h) ?? idsByText.set(h, []).get(h)).push(c.id);
  (byPath.get(c.path) ?? byPath.set(c.path, []).get(c.path)).push(c);
}
const heldout = [];
for (const { q, s } of sample) {
  const target = (byPath.get(s.path) ?? []).find((c) => c.startLine <= s.startLine && s.startLine <= c.endLine);
  if (target) heldout.push({ q, relevant: new Set(idsByText.get(hash(target.text)) ?? [target.id]), split: heldout.length % 2 ? 'test' : 'dev' });
}
log(`${hand.length} hand-written questions (${hand.filter((q) => q.split === 'dev').length} dev), ${heldout.length} held-out queries`);

async function evalHand(set, mode, misses) {
  const acc = { n: 0, ndcg: 0, mrr: 0, r10: 0 };
  for (const q of set) {
    if (!q.grades.size) continue;
    const hits = await kb.search(q.q, { limit: 50, mode });
    const files = [];
    for (const h of hits) if (!files.includes(h.path)) files.push(h.path);
    const s = scoreGraded(files, q.grades, [10]);
    acc.n++;
    acc.ndcg += s.ndcgAt10;
    acc.mrr += s.reciprocalRank;
    acc.r10 += s.recall[10];
    if (misses && s.firstRank !== 1) misses.push({ q: q.q, rank: s.firstRank, want: q.expect, got: files.slice(0, 3) });
  }
  return { n: acc.n, ndcg: r4(acc.ndcg / acc.n), mrr: r4(acc.mrr / acc.n), r10: r4(acc.r10 / acc.n) };
}
async function evalHeld(set, mode) {
  const acc = { n: 0, ndcg: 0, mrr: 0, r10: 0 };
  for (const q of set) {
    const ids = (await evalKb.search(q.q, { limit: 10, mode })).map((h) => h.id);
    const s = scoreRanking(ids, q.relevant, [10]);
    acc.n++;
    acc.ndcg += s.ndcgAt10;
    acc.mrr += s.reciprocalRank;
    acc.r10 += s.recall[10];
  }
  return { n: acc.n, ndcg: r4(acc.ndcg / acc.n), mrr: r4(acc.mrr / acc.n), r10: r4(acc.r10 / acc.n) };
}
const split = (set, name) => set.filter((q) => q.split === name);
async function evaluate(weights, mode = 'hybrid', parts = ['dev', 'test']) {
  kb.setRankWeights(weights);
  evalKb.setRankWeights(weights);
  const out = {};
  for (const p of parts) {
    out[`hand_${p}`] = await evalHand(split(hand, p), mode);
    out[`held_${p}`] = await evalHeld(split(heldout, p), mode);
  }
  return out;
}
const devScore = (r) => (r.hand_dev.ndcg + r.held_dev.ndcg) / 2;

const base = kb.getRankWeights();
const results = { weights: base, variants: {} };
const variants = {
  bm25: { mode: 'bm25', weights: {} },
  default: { mode: 'hybrid', weights: {} },
  'no vectors': { mode: 'hybrid', weights: { vector: 0 } },
};
for (const v of (flag('--variants') ?? '').split(',').filter(Boolean)) {
  const [k, val] = v.split('=');
  variants[v] = { mode: 'hybrid', weights: { [k]: Number(val) } };
}
let tuned;
if (args.includes('--tune')) {
  const grid = JSON.parse(flag('--grid', 'null')) ?? {
    fieldNames: [0.3, 0.7, 1, 1.5],
    fieldPath: [0, 0.15, 0.3, 0.6],
    fieldDoc: [0, 0.2, 0.5, 1],
    vector: [0, 0.3, 0.6, 1],
    name: [0, 0.1, 0.25, 0.5],
    path: [0, 0.05, 0.1, 0.2],
    centrality: [0, 0.05, 0.1],
    exported: [0, 0.05, 0.1],
    test: [0, 0.15, 0.3],
    file: [0, 0.1, 0.2, 0.4],
    kind: [0, 0.05, 0.1],
    coverage: [0, 0.1, 0.2, 0.4],
    fileCoverage: [0, 0.1, 0.2, 0.4],
    docs: [0, 0.1, 0.2, 0.3],
    fileLex: [0, 0.1, 0.2, 0.4, 0.7],
    dedup: [0, 1],
  };
  let best = { ...base };
  let bestScore = devScore(await evaluate(best, 'hybrid', ['dev']));
  log(`tune start: dev ${r4(bestScore)}`);
  for (let pass = 0; pass < 2; pass++) {
    for (const [k, values] of Object.entries(grid)) {
      for (const v of values) {
        if (best[k] === v) continue;
        const s = devScore(await evaluate({ ...best, [k]: v }, 'hybrid', ['dev']));
        if (s > bestScore + 1e-4) {
          bestScore = s;
          best = { ...best, [k]: v };
          log(`  ${k}=${v} -> dev ${r4(s)}`);
        }
      }
    }
  }
  tuned = best;
  results.tuned = best;
  variants.tuned = { mode: 'hybrid', weights: best };
}
for (const [name, v] of Object.entries(variants)) {
  const r = await evaluate({ ...base, ...v.weights }, v.mode);
  results.variants[name] = r;
  // test figures only with --report: ranking decisions are made on the dev splits
  const show = (x) => (args.includes('--report') ? `${x.ndcg} (MRR ${x.mrr}, R@10 ${x.r10})` : '-');
  log(
    `${name.padEnd(24)} hand dev ${r.hand_dev.ndcg} (MRR ${r.hand_dev.mrr}, R@10 ${r.hand_dev.r10}) test ${show(r.hand_test)} | ` +
      `held dev ${r.held_dev.ndcg} (MRR ${r.held_dev.mrr}, R@10 ${r.held_dev.r10}) test ${show(r.held_test)}`,
  );
}
const which = flag('--misses');
if (which) {
  kb.setRankWeights(tuned ?? base);
  const misses = [];
  await evalHand(split(hand, which), 'hybrid', misses);
  for (const m of misses) log(`MISS rank ${m.rank}: ${m.q}\n   want ${m.want.join(', ')}\n   got  ${m.got.join(', ')}`);
}
const json = flag('--json');
if (json) writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
await kb.close();
await evalKb.close();
