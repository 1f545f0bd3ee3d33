/**
 * The vector store contract. Drivers: exact (brute force) and hnsw (approximate). Every driver
 * implements {@link VectorStore} and passes `testVectorStore` from `@momo/testing`.
 */

/** Similarity measure. `cosine` normalises vectors on insert; `dot` uses them as given. */
export type VectorMetric = 'cosine' | 'dot';

/** A vector as accepted by the store; numbers are stored as float32. */
export type VectorLike = Float32Array | readonly number[];

/** One record to add. */
export interface VectorRecord {
  id: string;
  vector: VectorLike;
}

/** A stored record (a copy; mutating it does not change the store). */
export interface StoredVector {
  id: string;
  /** As stored: unit length for `cosine`, as given for `dot`. */
  vector: Float32Array;
}

/** Options of {@link VectorStore.search}. */
export interface VectorSearchOptions {
  /** Maximum hits. @default 10 */
  limit?: number;
  /** Minimum score a hit needs. @default -Infinity */
  threshold?: number;
  /** Only ids for which this returns true can be hits (metadata pre-filtering). */
  filter?: (id: string) => boolean;
  /**
   * Only these ids can be hits; ids the store does not hold are ignored. Much cheaper than `filter`
   * when the allowed set is small (e.g. the ids a document-store filter returned): the store looks at
   * just these rows instead of asking `filter` about every row. With `filter` too, both must pass.
   */
  ids?: Iterable<string>;
  /**
   * Approximate drivers only: candidate list size (HNSW `ef`). Larger is slower and more exact.
   * Ignored by exact drivers. @default the store's `efSearch`
   */
  ef?: number;
}

/** One hit. Hits are ordered by `score` descending, then `id` ascending. */
export interface VectorHit {
  id: string;
  /** Cosine similarity in [-1, 1] or dot product; larger is more similar. */
  score: number;
}

/** Result of {@link VectorStore.add}. */
export interface AddVectorsResult {
  added: number;
  replaced: number;
}

/** Result of {@link VectorStore.save}. */
export interface SaveVectorsResult {
  /** Files written, relative to the directory, sorted. */
  files: string[];
  count: number;
}

/** Static facts about a store. */
export interface VectorStoreInfo {
  /** Driver name: `exact`, `hnsw`. */
  driver: string;
  dimension: number;
  metric: VectorMetric;
  /** True when search may miss true neighbours (recall < 1). */
  approximate: boolean;
}

/**
 * A vector store. All methods are async. Adding an id that exists replaces its vector.
 * Invalid input throws a `MomoError` (codes in `VECTOR_STORE_CODES`) and changes nothing.
 */
export interface VectorStore {
  readonly info: VectorStoreInfo;
  /** Inserts or replaces vectors (one batch is validated fully before anything changes). */
  add(records: VectorRecord | readonly VectorRecord[]): Promise<AddVectorsResult>;
  get(id: string): Promise<StoredVector | undefined>;
  has(id: string): Promise<boolean>;
  /** Removes a vector; true when it existed. */
  delete(id: string): Promise<boolean>;
  count(): Promise<number>;
  /** All ids, sorted. */
  ids(): Promise<string[]>;
  /** Nearest neighbours of `query` by the store's metric. */
  search(query: VectorLike, options?: VectorSearchOptions): Promise<VectorHit[]>;
  /**
   * Writes the store to `dir` (created if missing): `manifest.json` + `vectors.f32` + `ids.json`
   * (+ `hnsw.graph` for hnsw). Same contents in the same insertion order give byte-identical files.
   */
  save(dir: string): Promise<SaveVectorsResult>;
  /** Replaces the store's contents with what `save` wrote in `dir` (same driver, dimension, metric). */
  load(dir: string): Promise<void>;
  clear(): Promise<void>;
  close(): Promise<void>;
}
