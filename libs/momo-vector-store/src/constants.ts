/** Manifest file name in a saved vector directory. */
export const MANIFEST_FILE = 'manifest.json';
/** Row-major little-endian float32 matrix, count x dimension. */
export const VECTORS_FILE = 'vectors.f32';
/** JSON array of ids, row i of vectors.f32 belongs to ids[i]. */
export const IDS_FILE = 'ids.json';
/** HNSW graph (binary, little-endian), written by the hnsw driver only. */
export const HNSW_FILE = 'hnsw.graph';
/** `format` value of the manifest. */
export const VECTORS_FORMAT = 'momo-vectors';
/** Version of the saved format. */
export const VECTORS_FORMAT_VERSION = 1;
/** Default search limit. */
export const DEFAULT_LIMIT = 10;
/** HNSW defaults (see README for the measured recall/latency trade-off). */
export const HNSW_DEFAULTS = { M: 16, efConstruction: 100, efSearch: 128, seed: 42 } as const;
