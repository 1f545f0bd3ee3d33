import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { MomoError } from '@momo/errors';
import type { Embedder } from './embedder.js';
import { HashingEmbedder } from './hashing-embedder.js';

export interface CreateEmbedderOptions {
  /** `hash-v1` (built in), `none`, or a local ONNX model directory (absolute, root-relative, or a name under `modelsDir`). */
  model: string;
  /** Dimension of the hashing embedder. */
  dimension: number;
  /** Where named models live. */
  modelsDir?: string;
  /** Repository root, for root-relative model paths. */
  root: string;
}

/** Files a sentence-embedding model directory must hold (transformers.js layout). */
export const ONNX_MODEL_FILES = ['tokenizer.json', 'onnx/model.onnx'];

/**
 * Creates the embedder `embedding_model` names. `hash-v1` (optionally `hash-v1:<dim>`) is the
 * built-in feature-hashing embedder; `none` disables vectors. Any other value names a local ONNX
 * sentence-embedding model directory; nothing is ever downloaded.
 * @throws EMBEDDING_MODEL_NOT_FOUND when the directory or its files are missing.
 * @throws DEPENDENCY_MISSING when the directory exists but the ONNX runtime is not installed.
 */
export async function createEmbedder(options: CreateEmbedderOptions): Promise<Embedder | undefined> {
  const model = options.model;
  if (model === 'none') return undefined;
  const hash = model.match(/^hash-v1(?::(\d+))?$/);
  if (hash) return new HashingEmbedder({ dimension: hash[1] ? Number(hash[1]) : options.dimension });
  const candidates = isAbsolute(model)
    ? [model]
    : [resolve(options.root, model), ...(options.modelsDir ? [join(options.modelsDir, model)] : [])];
  const dir = candidates.find((c) => existsSync(c) && statSync(c).isDirectory());
  if (!dir) {
    throw new MomoError('EMBEDDING_MODEL_NOT_FOUND', `embedding model '${model}' is not on disk (looked in ${candidates.map((c) => `'${c}'`).join(', ')})`, {
      hint: "put the model directory (tokenizer.json + onnx/model.onnx) there, or set kb_config.embedding_model to 'hash-v1' (built in, offline)",
      data: { model, candidates },
    });
  }
  const missing = ONNX_MODEL_FILES.filter((f) => !existsSync(join(dir, f)));
  if (missing.length) {
    throw new MomoError('EMBEDDING_MODEL_NOT_FOUND', `embedding model directory '${dir}' lacks ${missing.map((m) => `'${m}'`).join(', ')}`, {
      hint: 'export the model in the transformers.js layout (tokenizer.json, onnx/model.onnx)',
      data: { model, dir, missing },
    });
  }
  const { createOnnxEmbedder } = await import('./onnx-embedder.js');
  return createOnnxEmbedder({ dir });
}
