/** Error codes of @momo/vector-store, with a one-line meaning each. Codes are API: never rename. */
export const VECTOR_STORE_CODES = {
  VECTOR_STORE_OPTIONS_INVALID: 'A factory got a bad dimension, metric or index parameter.',
  VECTOR_INVALID: 'A vector has the wrong dimension, a non-finite value, zero length under cosine, or a bad id.',
  VECTOR_SEARCH_OPTIONS_INVALID: 'search options are out of range (limit, ef, threshold).',
  VECTOR_STORE_CLOSED: 'The store was used after close().',
  VECTOR_INDEX_INVALID: 'A saved vector directory is missing files, fails its checksums, or does not match the store.',
} as const;

export type VectorStoreCode = keyof typeof VECTOR_STORE_CODES;
