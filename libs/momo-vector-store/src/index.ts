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
