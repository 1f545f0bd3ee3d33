export type {
  VectorMetric,
  VectorLike,
  VectorRecord,
  StoredVector,
  VectorSearchOptions,
  VectorHit,
  AddVectorsResult,
  SaveVectorsResult,
  VectorStoreInfo,
  VectorStore,
} from './types.js';
export { VECTOR_STORE_CODES } from './codes.js';
export type { VectorStoreCode } from './codes.js';
export { MANIFEST_FILE, VECTORS_FILE, IDS_FILE, HNSW_FILE, VECTORS_FORMAT, VECTORS_FORMAT_VERSION, HNSW_DEFAULTS } from './constants.js';
export { createExactVectorStore } from './drivers/exact.js';
export type { ExactVectorStoreOptions } from './drivers/exact.js';
export { createHnswVectorStore } from './drivers/hnsw.js';
export type { HnswVectorStoreOptions } from './drivers/hnsw.js';
export { readVectorDir, readVectorManifest, writeVectorDir, serializeIds } from './persist.js';
export type { VectorsManifest, VectorDir } from './persist.js';
export { loadVectorStore } from './load-vector-store.js';
export type { LoadVectorStoreOptions } from './load-vector-store.js';
