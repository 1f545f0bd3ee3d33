import { MomoError } from '@momo/errors';
import type { VectorLike, VectorMetric, VectorRecord, VectorSearchOptions } from './types.js';
import { DEFAULT_LIMIT } from './constants.js';
import { norm } from './math.js';

const METRICS: readonly VectorMetric[] = ['cosine', 'dot'];

/** Checks the options every factory shares. @throws MomoError VECTOR_STORE_OPTIONS_INVALID */
export function validateStoreOptions(tag: string, options: { dimension?: unknown; metric?: unknown }): { dimension: number; metric: VectorMetric } {
  const dimension = options?.dimension;
  if (typeof dimension !== 'number' || !Number.isInteger(dimension) || dimension < 1 || dimension > 65536) {
    throw new MomoError('VECTOR_STORE_OPTIONS_INVALID', `${tag} dimension is ${String(dimension)}, expected an integer from 1 to 65536`, {
      hint: 'Pass the embedding size, e.g. { dimension: 384 }.',
    });
  }
  const metric = options.metric ?? 'cosine';
  if (!METRICS.includes(metric as VectorMetric)) {
    throw new MomoError('VECTOR_STORE_OPTIONS_INVALID', `${tag} metric is ${JSON.stringify(metric)}, expected cosine or dot`, {
      hint: "Use metric: 'cosine' (normalised) or 'dot' (raw inner product).",
    });
  }
  return { dimension, metric: metric as VectorMetric };
}

/** Positive integer option check. @throws MomoError VECTOR_STORE_OPTIONS_INVALID */
export function validatePositiveInt(tag: string, name: string, value: unknown, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 1_000_000) {
    throw new MomoError('VECTOR_STORE_OPTIONS_INVALID', `${tag} ${name} is ${String(value)}, expected an integer >= ${min}`, {
      hint: `Omit ${name} to use the default (${fallback}).`,
    });
  }
  return value;
}

/**
 * Converts a vector to the stored float32 form: checked for dimension and finiteness, unit length
 * under cosine. @throws MomoError VECTOR_INVALID
 */
export function toStoredVector(tag: string, vector: VectorLike, dimension: number, metric: VectorMetric, label: string): Float32Array {
  if (!(vector instanceof Float32Array) && !Array.isArray(vector)) {
    throw new MomoError('VECTOR_INVALID', `${tag} ${label}: vector must be a Float32Array or an array of numbers`, {
      hint: 'Pass the embedding as Float32Array or number[].',
    });
  }
  if (vector.length !== dimension) {
    throw new MomoError('VECTOR_INVALID', `${tag} ${label}: vector has ${vector.length} dimensions, expected ${dimension}`, {
      hint: 'All vectors in a store come from the same embedding model; check the model or the store dimension.',
      data: { expected: dimension, found: vector.length },
    });
  }
  const out = new Float32Array(dimension);
  for (let i = 0; i < dimension; i++) {
    const x = vector[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new MomoError('VECTOR_INVALID', `${tag} ${label}: component ${i} is ${String(x)}, expected a finite number`, {
        hint: 'Check the embedder output for NaN or Infinity.',
      });
    }
    out[i] = x;
  }
  if (metric === 'cosine') {
    const n = norm(out);
    if (n === 0) {
      throw new MomoError('VECTOR_INVALID', `${tag} ${label}: a zero vector has no direction, so cosine similarity is undefined`, {
        hint: "Skip empty chunks, or use metric: 'dot'.",
      });
    }
    for (let i = 0; i < dimension; i++) out[i] = out[i] / n;
  }
  return out;
}

/** Validates one record's id. @throws MomoError VECTOR_INVALID */
export function validateId(tag: string, record: VectorRecord, index: number): string {
  if (record === null || typeof record !== 'object') {
    throw new MomoError('VECTOR_INVALID', `${tag} record #${index} is not an object`, { hint: 'Pass { id, vector }.' });
  }
  const id = record.id;
  if (typeof id !== 'string' || id.length === 0) {
    throw new MomoError('VECTOR_INVALID', `${tag} record #${index} has id ${JSON.stringify(id)}, expected a non-empty string`, {
      hint: 'Use the document id the vector belongs to.',
    });
  }
  return id;
}

/** Search options with defaults applied. @throws MomoError VECTOR_SEARCH_OPTIONS_INVALID */
export function resolveSearchOptions(tag: string, options: VectorSearchOptions | undefined, efDefault: number) {
  const o = options ?? {};
  const limit = o.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 0) {
    throw new MomoError('VECTOR_SEARCH_OPTIONS_INVALID', `${tag} search limit is ${String(o.limit)}, expected an integer >= 0`, {
      hint: 'Use { limit: 10 }.',
    });
  }
  const threshold = o.threshold ?? -Infinity;
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) {
    throw new MomoError('VECTOR_SEARCH_OPTIONS_INVALID', `${tag} search threshold is ${String(o.threshold)}, expected a number`, {
      hint: 'Use e.g. { threshold: 0.3 } for cosine.',
    });
  }
  const ef = o.ef ?? efDefault;
  if (!Number.isInteger(ef) || ef < 1) {
    throw new MomoError('VECTOR_SEARCH_OPTIONS_INVALID', `${tag} search ef is ${String(o.ef)}, expected an integer >= 1`, {
      hint: 'Omit ef to use the store default.',
    });
  }
  if (o.filter !== undefined && typeof o.filter !== 'function') {
    throw new MomoError('VECTOR_SEARCH_OPTIONS_INVALID', `${tag} search filter must be a function (id) => boolean`, {
      hint: 'Wrap a Set: { filter: (id) => allowed.has(id) }.',
    });
  }
  if (o.ids !== undefined && (o.ids === null || typeof (o.ids as Iterable<string>)[Symbol.iterator] !== 'function' || typeof o.ids === 'string')) {
    throw new MomoError('VECTOR_SEARCH_OPTIONS_INVALID', `${tag} search ids must be an iterable of id strings (Set or array)`, {
      hint: 'Pass { ids: new Set(documentIds) }.',
    });
  }
  return { limit, threshold, ef, filter: o.filter, ids: o.ids };
}
