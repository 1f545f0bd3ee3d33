import { existsSync, readFileSync } from 'node:fs';
import { EXIT, MomoError } from '@momo/errors';
import { parse } from 'yaml';

/** The `kb_config` and `benchmark` sections of params.yaml, with the knowledge base's defaults filled in. */
export interface KbParams {
  /** `kb_config.embedding_model` */
  embeddingModel: string;
  /** `kb_config.chunk_size` */
  chunkSize: number;
  /** `kb_config.overlap_size` */
  overlap: number;
  /** `kb_config.similarity_threshold`: how similar two modules must be to be "related" in the docs. */
  similarityThreshold: number;
  /** `benchmark.heldout_queries`: how many doc-comment queries the benchmark samples. */
  heldoutQueries: number;
  /** `benchmark.seed`: seed of that sample. */
  seed: number;
}

/** Defaults used when params.yaml lacks a key (the KB library's own defaults). */
export const DEFAULT_KB_PARAMS: KbParams = {
  embeddingModel: 'hash-v1',
  chunkSize: 1500,
  overlap: 200,
  similarityThreshold: 0.1,
  heldoutQueries: 300,
  seed: 42,
};

function invalid(file: string, key: string, expected: string, got: unknown): MomoError {
  return new MomoError('PARAMS_INVALID', `'${file}': ${key} must be ${expected}, got ${JSON.stringify(got)}`, {
    hint: `fix ${key} in ${file}`,
    exitCode: EXIT.CONFIG,
    data: { file, key },
  });
}

/**
 * Reads the pipeline params from a params.yaml (missing file or keys: defaults).
 * @throws PARAMS_INVALID naming the file and key when a value has the wrong type or range.
 */
export function readKbParams(file: string): KbParams {
  const out = { ...DEFAULT_KB_PARAMS };
  if (!existsSync(file)) return out;
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new MomoError('PARAMS_INVALID', `'${file}' is not valid YAML: ${(e as Error).message}`, { hint: `fix the syntax of ${file}`, exitCode: EXIT.CONFIG });
  }
  const section = (name: string): Record<string, unknown> => {
    const v = (doc as Record<string, unknown> | null)?.[name];
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) throw invalid(file, name, 'a mapping', v);
    return v as Record<string, unknown>;
  };
  const kb = section('kb_config');
  const bench = section('benchmark');
  const int = (sec: Record<string, unknown>, prefix: string, key: string, min: number, def: number) => {
    const v = sec[key];
    if (v === undefined) return def;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw invalid(file, `${prefix}.${key}`, `an integer >= ${min}`, v);
    return v;
  };
  if (kb.embedding_model !== undefined) {
    if (typeof kb.embedding_model !== 'string' || !kb.embedding_model) throw invalid(file, 'kb_config.embedding_model', 'a model name', kb.embedding_model);
    out.embeddingModel = kb.embedding_model;
  }
  out.chunkSize = int(kb, 'kb_config', 'chunk_size', 50, out.chunkSize);
  out.overlap = int(kb, 'kb_config', 'overlap_size', 0, out.overlap);
  if (kb.similarity_threshold !== undefined) {
    const t = kb.similarity_threshold;
    if (typeof t !== 'number' || t < -1 || t > 1) throw invalid(file, 'kb_config.similarity_threshold', 'a number in [-1, 1]', t);
    out.similarityThreshold = t;
  }
  out.heldoutQueries = int(bench, 'benchmark', 'heldout_queries', 1, out.heldoutQueries);
  out.seed = int(bench, 'benchmark', 'seed', 0, out.seed);
  return out;
}
