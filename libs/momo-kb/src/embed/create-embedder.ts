import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { MomoError } from '@momo/errors';
import type { Embedder } from './embedder.js';
import { HashingEmbedder } from './hashing-embedder.js';

export interface CreateEmbedderOptions {
  /**
   * `hash-v1` / `hash-v1:<dim>` (built in), `none`, or a local ONNX sentence-embedding model: a
   * directory (absolute, relative to `root`, or a name under `modelsDir`) or the `.onnx` file in one.
   */
  model: string;
  /** Dimension of the hashing embedder. */
  dimension: number;
  /** Where named models live. */
  modelsDir?: string;
  /** Repository root, for root-relative model paths. */
  root: string;
  /** Texts per ONNX Runtime call (ONNX models only). @default 32 */
  batchSize?: number;
  /** ONNX Runtime intra-op threads (ONNX models only). */
  threads?: number;
}

/**
 * Creates the embedder `embedding_model` names. `hash-v1` (optionally `hash-v1:<dim>`) is the
 * built-in feature-hashing embedder; `none` disables vectors. Any other value is a local ONNX
 * sentence-embedding model (a sentence-transformers directory, see {@link createOnnxEmbedder}),
 * loaded with onnxruntime-node, which is imported only then; nothing is ever downloaded.
 * @throws EMBEDDING_MODEL_NOT_FOUND when the directory or its files are missing.
 * @throws EMBEDDING_MODEL_INVALID when the model cannot be used (see createOnnxEmbedder).
 * @throws DEPENDENCY_MISSING when the ONNX runtime packages cannot be loaded.
 */
export async function createEmbedder(options: CreateEmbedderOptions): Promise<Embedder | undefined> {
  const model = options.model;
  if (model === 'none') return undefined;
  const hash = model.match(/^hash-v1(?::(\d+))?$/);
  if (hash) return new HashingEmbedder({ dimension: hash[1] ? Number(hash[1]) : options.dimension });
  const candidates = isAbsolute(model)
    ? [model]
    : [resolve(options.root, model), ...(options.modelsDir ? [join(options.modelsDir, model)] : [])];
  const path = candidates.find((c) => existsSync(c));
  if (!path) {
    throw new MomoError('EMBEDDING_MODEL_NOT_FOUND', `embedding model '${model}' is not on disk (looked in ${candidates.map((c) => `'${c}'`).join(', ')})`, {
      hint:
        "copy a sentence-transformers model directory with its ONNX export there (onnx/model.onnx, tokenizer.json, tokenizer_config.json, config.json, 1_Pooling/config.json), or set kb_config.embedding_model to 'hash-v1' (built in, offline)",
      data: { model, candidates },
    });
  }
  const { createOnnxEmbedder } = await import('./onnx-embedder.js');
  return createOnnxEmbedder({ path, batchSize: options.batchSize, threads: options.threads });
}
