import { MomoError } from '@momo/errors';
import type { Embedder, EmbedderInfo } from './embedder.js';

/** What a loaded knowledge base knows about the embedder that made its stored vectors. */
export interface StoredEmbedder {
  /** `embedding_model` of the manifest (the name or path it was built with). */
  model: string;
  /** Embedder id recorded with the vectors (`embedder.json`). */
  id: string;
  dimension: number;
  /** The manifest's `embedder_info`, when the export has one. */
  info: EmbedderInfo | undefined;
  /** The vectors directory (for messages). */
  vectorsDir: string;
}

function sha(info: EmbedderInfo | undefined): string {
  return typeof info?.model_sha256 === 'string' ? `, model sha256 ${info.model_sha256.slice(0, 12)}…` : '';
}

/**
 * Refuses to search stored vectors with another embedder than the one that made them: query
 * vectors of another model (or another version of the same model file) are not comparable.
 * @throws EMBEDDING_DIMENSION_MISMATCH when the sizes differ.
 * @throws EMBEDDING_MODEL_MISMATCH when the sizes agree but the embedder (its model file's hash,
 * tokenizer, pooling or length limit) differs.
 */
export function assertSameEmbedder(stored: StoredEmbedder, embedder: Embedder | undefined, model: string): void {
  const id = embedder?.id ?? 'none';
  const dimension = embedder?.dimension ?? 0;
  if (id === stored.id && dimension === stored.dimension) return;
  const info = embedder?.describe?.();
  const hint =
    `search with the model the vectors were built with (restore '${stored.model}' as it was), or rebuild them with this one: ` +
    `\`momo kb ingest <root> --out <dir> --embedding-model ${model}\` (or kb.ingest() then kb.buildVectors(dir))`;
  const data = { vectorsDir: stored.vectorsDir, stored: stored.id, storedDimension: stored.dimension, current: id, currentDimension: dimension, model };
  if (dimension !== stored.dimension) {
    throw new MomoError(
      'EMBEDDING_DIMENSION_MISMATCH',
      `the vectors in '${stored.vectorsDir}' have ${stored.dimension} dimensions (embedder '${stored.id}'${sha(stored.info)}), but embedding model '${model}' gives ${dimension} (embedder '${id}'${sha(info)})`,
      { hint, data },
    );
  }
  throw new MomoError(
    'EMBEDDING_MODEL_MISMATCH',
    `the vectors in '${stored.vectorsDir}' were made by embedder '${stored.id}'${sha(stored.info)}, but embedding model '${model}' is now '${id}'${sha(info)}`,
    { hint, data },
  );
}
