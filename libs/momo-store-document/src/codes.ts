/** Error codes of @momo/store-document, with a one-line meaning each. Codes are API: never rename. */
export const DOCUMENT_STORE_CODES = {
  DOCUMENT_INVALID: 'A document given to save/saveMany is malformed (missing content, bad metadata, bad id).',
  DOCUMENT_FILTER_INVALID: 'A search/list/count filter uses an unknown operator, a bad path or a bad value.',
  DOCUMENT_SEARCH_OPTIONS_INVALID: 'search/list options are out of range (limit, offset, threshold).',
  DOCUMENT_STORE_CLOSED: 'The store was used after close().',
  DOCUMENT_STORE_OPEN_FAILED: 'The database file could not be opened (locked, unreadable, not a DuckDB file).',
  DEPENDENCY_MISSING: 'The optional @duckdb/node-api package could not be imported (install it or pass `lib`).',
  DOCUMENT_EXPORT_INVALID: 'An exported documents directory is missing files or fails its manifest checks.',
} as const;

export type DocumentStoreCode = keyof typeof DOCUMENT_STORE_CODES;
