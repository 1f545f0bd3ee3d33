import { MomoError } from '@momo/errors';
import type { VectorHit, VectorMetric, VectorRecord, VectorStore } from '../types.js';
import { VectorMatrix } from '../matrix.js';
import { compareCodePoints } from '@momo/common';
import { TopK } from '../top-k.js';
import { readVectorDir, writeVectorDir, type VectorDir } from '../persist.js';
import { resolveSearchOptions, toStoredVector, validateId, validateStoreOptions } from '../validate.js';

const TAG = '[vector-store:exact]';

/** Options of {@link createExactVectorStore}. */
export interface ExactVectorStoreOptions {
  /** Vector length, e.g. 384. */
  dimension: number;
  /** @default 'cosine' */
  metric?: VectorMetric;
}

/** Validates a batch of records into stored vectors, all-or-nothing. */
export function prepareBatch(tag: string, input: VectorRecord | readonly VectorRecord[], dimension: number, metric: VectorMetric) {
  const list = (Array.isArray(input) ? input : [input]) as VectorRecord[];
  return list.map((r, i) => {
    const id = validateId(tag, r, i);
    return { id, vector: toStoredVector(tag, r.vector, dimension, metric, `record "${id}"`) };
  });
}

/** Checks that a loaded directory fits a store. @throws MomoError VECTOR_INDEX_INVALID */
export function checkDirFits(tag: string, dir: string, loaded: VectorDir, dimension: number, metric: VectorMetric): void {
  if (loaded.manifest.dimension !== dimension || loaded.manifest.metric !== metric) {
    throw new MomoError(
      'VECTOR_INDEX_INVALID',
      `${tag} "${dir}" holds ${loaded.manifest.metric} vectors of dimension ${loaded.manifest.dimension}, but this store is ${metric} with dimension ${dimension}`,
      { hint: 'Create the store with the dimension and metric in manifest.json, or use loadVectorStore({ dir }).', data: { dir } },
    );
  }
  for (let i = 0; i < loaded.vectors.length; i++) {
    if (!Number.isFinite(loaded.vectors[i])) {
      throw new MomoError('VECTOR_INDEX_INVALID', `${tag} "${dir}" holds a non-finite component in row ${Math.floor(i / dimension)}`, {
        hint: 'Re-create the vectors from the embedder.',
        data: { dir },
      });
    }
  }
}

/**
 * The exact store's search over a matrix, shared with the HNSW driver's filter fallback: scores the
 * given `rows` (or every row `accept` allows, or every row).
 */
export function exactSearch(
  matrix: VectorMatrix,
  query: Float32Array,
  limit: number,
  threshold: number,
  accept: ((row: number) => boolean) | undefined,
  rows?: readonly number[],
): VectorHit[] {
  const ids = matrix.ids;
  const top = new TopK(limit, (r) => ids[r]);
  matrix.setQuery(query);
  const consider = (r: number) => {
    if (accept && !accept(r)) return;
    const s = matrix.dotQuery(r);
    if (s < threshold || s < top.floor) return;
    top.push(s, r);
  };
  if (rows) for (const r of rows) consider(r);
  else for (let r = 0, n = matrix.size; r < n; r++) consider(r);
  return top.sorted().map((h) => ({ id: ids[h.row], score: h.score }));
}

/** Distinct rows of the given ids that the matrix holds (unknown ids are skipped). */
export function rowsOf(matrix: VectorMatrix, ids: Iterable<string>): number[] {
  const seen = new Set<number>();
  for (const id of ids) {
    const r = matrix.rowOf.get(id);
    if (r !== undefined) seen.add(r);
  }
  return [...seen];
}

/**
 * The exact (brute-force) vector store: a packed float32 matrix scanned in full for every query.
 * Recall is 1 by construction; it is the reference the approximate drivers are measured against.
 *
 * @example
 * const store = createExactVectorStore({ dimension: 3 });
 * await store.add([{ id: 'a', vector: [1, 0, 0] }, { id: 'b', vector: [0, 1, 0] }]);
 * await store.search([0.9, 0.1, 0], { limit: 1 }); // [{ id: 'a', score: 0.99... }]
 */
export function createExactVectorStore(options: ExactVectorStoreOptions): VectorStore {
  const { dimension, metric } = validateStoreOptions(TAG, options);
  let matrix = new VectorMatrix(dimension);
  let closed = false;
  const ensureOpen = () => {
    if (closed) {
      throw new MomoError('VECTOR_STORE_CLOSED', `${TAG} the store was used after close()`, {
        hint: 'Create a new store with createExactVectorStore().',
      });
    }
  };

  return {
    info: { driver: 'exact', dimension, metric, approximate: false },

    async add(records) {
      ensureOpen();
      const batch = prepareBatch(TAG, records, dimension, metric);
      let added = 0;
      let replaced = 0;
      for (const { id, vector } of batch) {
        const row = matrix.rowOf.get(id);
        if (row === undefined) {
          matrix.append(id, vector);
          added++;
        } else {
          matrix.set(row, vector);
          replaced++;
        }
      }
      return { added, replaced };
    },

    async get(id) {
      ensureOpen();
      const row = matrix.rowOf.get(id);
      return row === undefined ? undefined : { id, vector: matrix.copyRow(row) };
    },

    async has(id) {
      ensureOpen();
      return matrix.rowOf.has(id);
    },

    async delete(id) {
      ensureOpen();
      return matrix.swapRemove(id);
    },

    async count() {
      ensureOpen();
      return matrix.size;
    },

    async ids() {
      ensureOpen();
      return [...matrix.ids].sort(compareCodePoints);
    },

    async search(query, opts) {
      ensureOpen();
      const { limit, threshold, filter, ids: only } = resolveSearchOptions(TAG, opts, 1);
      const q = toStoredVector(TAG, query, dimension, metric, 'query');
      if (limit === 0) return [];
      const ids = matrix.ids;
      return exactSearch(matrix, q, limit, threshold, filter ? (r) => filter(ids[r]) : undefined, only ? rowsOf(matrix, only) : undefined);
    },

    async save(dir) {
      ensureOpen();
      const order = matrix.ids.map((id, row) => ({ id, row })).sort((a, b) => compareCodePoints(a.id, b.id));
      const vectors = new Float32Array(order.length * dimension);
      order.forEach((o, i) => vectors.set(matrix.row(o.row), i * dimension));
      return writeVectorDir({ dir, driver: 'exact', dimension, metric, ids: order.map((o) => o.id), vectors, params: {} });
    },

    async load(dir) {
      ensureOpen();
      const loaded = readVectorDir(dir);
      checkDirFits(TAG, dir, loaded, dimension, metric);
      const next = new VectorMatrix(dimension, Math.max(64, loaded.ids.length));
      loaded.ids.forEach((id, i) => next.append(id, loaded.vectors.subarray(i * dimension, (i + 1) * dimension)));
      matrix = next;
    },

    async clear() {
      ensureOpen();
      matrix.clear();
    },

    async close() {
      closed = true;
      matrix = new VectorMatrix(dimension, 1);
    },
  };
}
