/**
 * Module pipeline of @momo/kb (libs/momo-kb/dvc.yaml, the seed's `process-embeddings`): embeds the
 * library's own sources with the configured embedder and measures the embeddings and the vector
 * index on them. Runs with the stage's working directory, libs/momo-kb.
 *   data/embeddings/   chunk vectors of src/ (exact store: vectors.f32 + ids.json)
 *   data/indices/      an HNSW index over the same vectors
 *   benchmarks/embedding_metrics.json   chunks, dimension, HNSW recall@10 against exact search
 *                      (every chunk as a query), mean cosine to the nearest other chunk, bytes
 * Deterministic: the same sources and params give the same bytes.
 *
 * Usage: node scripts/dist/process-embeddings.js [--params ../../params.yaml] [--src src]
 */
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXIT, isMomoError, MomoError } from '@momo/errors';
import { KnowledgeBase } from '@momo/kb';
import { createExactVectorStore, createHnswVectorStore, readVectorDir } from '@momo/vector-store';
import { parse } from 'yaml';
import { readFileSync, existsSync } from 'node:fs';

function flag(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? dirBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size;
  return n;
}

async function main(): Promise<void> {
  const root = process.cwd();
  const paramsFile = resolve(root, flag('params', '../../params.yaml'));
  const kbConfig = existsSync(paramsFile) ? ((parse(readFileSync(paramsFile, 'utf8')) as { kb_config?: Record<string, unknown> })?.kb_config ?? {}) : {};
  const num = (k: string): number | undefined => {
    const v = kbConfig[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'number') throw new MomoError('PARAMS_INVALID', `'${paramsFile}': kb_config.${k} must be a number, got ${JSON.stringify(v)}`, { hint: `fix kb_config.${k}`, exitCode: EXIT.CONFIG });
    return v;
  };
  const kb = new KnowledgeBase({
    root,
    embeddingModel: typeof kbConfig.embedding_model === 'string' ? kbConfig.embedding_model : undefined,
    chunkSize: num('chunk_size'),
    overlap: num('overlap_size'),
    exclude: ['data', 'benchmarks'],
  });
  await kb.ingest({ path: flag('src', 'src') });
  const embeddings = join(root, 'data', 'embeddings');
  await kb.buildVectors(embeddings);
  const v = readVectorDir(embeddings);
  const d = v.manifest.dimension;
  const metrics: Record<string, number> = { chunks: v.ids.length, dimension: d, ann_recall_at_10: 0, mean_nearest_cosine: 0 };
  const indices = join(root, 'data', 'indices');
  if (d > 0 && v.ids.length) {
    const records = v.ids.map((id, i) => ({ id, vector: v.vectors.subarray(i * d, (i + 1) * d) }));
    const exact = createExactVectorStore({ dimension: d, metric: 'cosine' });
    const hnsw = createHnswVectorStore({ dimension: d, metric: 'cosine' });
    await exact.add(records);
    await hnsw.add(records);
    let overlap = 0;
    let nearest = 0;
    for (const r of records) {
      const want = await exact.search(r.vector, { limit: 11 });
      const wantIds = new Set(want.slice(0, 10).map((h) => h.id));
      const got = await hnsw.search(r.vector, { limit: 10 });
      overlap += got.filter((h) => wantIds.has(h.id)).length / Math.max(1, wantIds.size);
      const other = want.find((h) => h.id !== r.id);
      nearest += other ? other.score : 0;
    }
    metrics.ann_recall_at_10 = Math.round((overlap / records.length) * 10_000) / 10_000;
    metrics.mean_nearest_cosine = Math.round((nearest / records.length) * 10_000) / 10_000;
    await hnsw.save(indices);
    await exact.close();
    await hnsw.close();
  } else {
    mkdirSync(indices, { recursive: true });
  }
  metrics.embeddings_bytes = dirBytes(embeddings);
  metrics.index_bytes = dirBytes(indices);
  const out = join(root, 'benchmarks', 'embedding_metrics.json');
  mkdirSync(join(root, 'benchmarks'), { recursive: true });
  const sorted = Object.fromEntries(Object.keys(metrics).sort().map((k) => [k, metrics[k]]));
  writeFileSync(`${out}.tmp`, `${JSON.stringify(sorted, null, 2)}\n`);
  renameSync(`${out}.tmp`, out);
  process.stdout.write(`process-embeddings: ${metrics.chunks} chunks of ${flag('src', 'src')}/, HNSW recall@10 ${metrics.ann_recall_at_10}, mean nearest cosine ${metrics.mean_nearest_cosine}\n`);
  await kb.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`ERROR: ${e instanceof Error ? e.message : String(e)}\n${isMomoError(e) && e.hint ? `${e.hint}\n` : ''}`);
  process.exitCode = isMomoError(e) ? e.exitCode : EXIT.UNEXPECTED;
});
