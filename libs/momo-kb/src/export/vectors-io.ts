import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MomoError } from '@momo/errors';
import type { VectorStore } from '@momo/vector-store';
import { canonicalJsonPretty } from './canonical-json.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** The KB's note next to the vector store's files: which embedder made the vectors. */
export const KB_VECTORS_NOTE_FILE = 'embedder.json';

/** Vectors as the KB keeps them: one row-major float32 matrix, row i = chunk `ids[i]`. */
export interface ChunkVectors {
  embedderId: string;
  dimension: number;
  ids: string[];
  data: Float32Array;
}

/** Which vector store driver writes `data/vectors/`: exact (brute force) or hnsw (approximate index). */
export type VectorIndexKind = 'exact' | 'hnsw';

/**
 * Writes chunk vectors through @momo/vector-store (`manifest.json`, `ids.json`, `vectors.f32`, and
 * `hnsw.graph` for the hnsw driver), plus `embedder.json` naming the embedder. Rows are added in
 * chunk order (path, then line), so the same chunks and embedder give byte-identical files.
 */
export async function saveVectors(args: ChunkVectors & { dir: string; index: VectorIndexKind }): Promise<{ files: string[]; store: VectorStore | undefined }> {
  const note = canonicalJsonPretty({ format: 'momo-kb-embedder', version: 1, embedder: args.embedderId, dimension: args.dimension, count: args.ids.length });
  if (args.dimension === 0) {
    writeFileAtomic(join(args.dir, KB_VECTORS_NOTE_FILE), note);
    return { files: [KB_VECTORS_NOTE_FILE], store: undefined };
  }
  const vs = await import('@momo/vector-store');
  const store =
    args.index === 'hnsw'
      ? vs.createHnswVectorStore({ dimension: args.dimension, metric: 'cosine' })
      : vs.createExactVectorStore({ dimension: args.dimension, metric: 'cosine' });
  const d = args.dimension;
  const batch = 4096;
  for (let i = 0; i < args.ids.length; i += batch) {
    const records = [];
    for (let j = i; j < Math.min(args.ids.length, i + batch); j++) records.push({ id: args.ids[j], vector: args.data.subarray(j * d, (j + 1) * d) });
    await store.add(records);
  }
  const res = await store.save(args.dir);
  writeFileAtomic(join(args.dir, KB_VECTORS_NOTE_FILE), note);
  return { files: [...res.files, KB_VECTORS_NOTE_FILE].sort(), store };
}

/** Reads what {@link saveVectors} wrote; undefined when the directory has no vectors. */
export async function loadVectors(dir: string): Promise<(ChunkVectors & { store: VectorStore | undefined }) | undefined> {
  const notePath = join(dir, KB_VECTORS_NOTE_FILE);
  if (!existsSync(notePath)) return undefined;
  let note: { embedder: string; dimension: number; count: number };
  try {
    note = JSON.parse(readFileSync(notePath, 'utf8'));
  } catch (e) {
    throw new MomoError('KB_CORRUPT', `'${notePath}' is not valid JSON: ${(e as Error).message}`, {
      hint: 'rebuild the vectors with KnowledgeBase.buildVectors (momo kb ingest --out <dir>)',
      data: { dir },
    });
  }
  if (note.dimension === 0) return { embedderId: note.embedder, dimension: 0, ids: [], data: new Float32Array(0), store: undefined };
  const vs = await import('@momo/vector-store');
  const { manifest, ids, vectors } = vs.readVectorDir(dir);
  if (manifest.dimension !== note.dimension || ids.length !== note.count) {
    throw new MomoError('EMBEDDING_DIMENSION_MISMATCH', `vectors in '${dir}' (${ids.length}x${manifest.dimension}) do not match '${KB_VECTORS_NOTE_FILE}' (${note.count}x${note.dimension})`, {
      hint: 'rebuild the vectors with KnowledgeBase.buildVectors (momo kb ingest --out <dir>)',
      data: { dir },
    });
  }
  // an approximate index is opened as a store for candidate generation; exact vectors are used directly
  const store = manifest.driver === 'hnsw' ? await vs.loadVectorStore({ dir }) : undefined;
  return { embedderId: note.embedder, dimension: manifest.dimension, ids, data: vectors, store };
}
