import { MomoError } from '@momo/errors';
import type { VectorStore } from './types.js';
import { readVectorManifest } from './persist.js';
import { createExactVectorStore } from './drivers/exact.js';
import { createHnswVectorStore, type HnswVectorStoreOptions } from './drivers/hnsw.js';

/** Options of {@link loadVectorStore}. */
export interface LoadVectorStoreOptions {
  /** A directory written by `store.save(dir)`. */
  dir: string;
  /** Open it with this driver instead of the one named in the manifest (vectors are portable). */
  driver?: 'exact' | 'hnsw';
  /** Search-time override for hnsw. */
  efSearch?: number;
}

/**
 * Opens a saved vector directory with the driver, dimension, metric and parameters its manifest names.
 *
 * @throws MomoError VECTOR_INDEX_INVALID
 * @example
 * const vectors = await loadVectorStore({ dir: 'data/vectors' });
 */
export async function loadVectorStore(options: LoadVectorStoreOptions): Promise<VectorStore> {
  const manifest = readVectorManifest(options.dir);
  const driver = options.driver ?? manifest.driver;
  let store: VectorStore;
  if (driver === 'exact') {
    store = createExactVectorStore({ dimension: manifest.dimension, metric: manifest.metric });
  } else if (driver === 'hnsw') {
    const p = manifest.params ?? {};
    const opts: HnswVectorStoreOptions = { dimension: manifest.dimension, metric: manifest.metric };
    if (manifest.driver === 'hnsw') {
      opts.M = p.M;
      opts.efConstruction = p.efConstruction;
      opts.efSearch = p.efSearch;
      opts.seed = p.seed;
    }
    if (options.efSearch !== undefined) opts.efSearch = options.efSearch;
    store = createHnswVectorStore(opts);
  } else {
    throw new MomoError('VECTOR_INDEX_INVALID', `"${options.dir}" was saved by driver ${JSON.stringify(driver)}, which this momo does not know`, {
      hint: "Pass driver: 'exact' to read the vectors with brute-force search.",
      data: { dir: options.dir },
    });
  }
  await store.load(options.dir);
  return store;
}
