export type {
  JsonValue,
  DocumentMetadata,
  DocumentInput,
  StoredDocument,
  SaveDocumentResult,
  SaveManyResult,
  FilterScalar,
  FilterOperators,
  DocumentFilter,
  DocumentSearchOptions,
  DocumentSearchHit,
  ListDocumentsOptions,
  DocumentStoreCapabilities,
  DocumentStore,
} from './types.js';
export { DOCUMENT_STORE_CODES } from './codes.js';
export type { DocumentStoreCode } from './codes.js';
export {
  BM25_K1,
  BM25_B,
  DEFAULT_SEARCH_LIMIT,
  DOCUMENTS_FILE,
  MANIFEST_FILE,
  DOCUMENTS_EXPORT_FORMAT,
  DOCUMENTS_EXPORT_VERSION,
} from './constants.js';
export { createMemoryDocumentStore } from './drivers/memory.js';
export { tokenize, STOPWORDS, indexedText } from './tokenize.js';
export { computeDocumentId, normalizeDocument } from './documents.js';
export { parseFilter, matchesFilter, resolveFilterPath } from './filters.js';
export type { FilterNode, FieldOp } from './filters.js';
export { LexicalIndex, bm25Idf, bm25Term } from './lexical-index.js';
export { exportDocuments, importDocuments, serializeDocumentLine } from './export.js';
export type {
  ExportDocumentsOptions,
  ExportDocumentsResult,
  ImportDocumentsOptions,
  ImportDocumentsResult,
  DocumentsManifest,
} from './export.js';
export { compareCodePoints } from '@momo/common';
export { createDuckDbDocumentStore, DUCKDB_DRIVER_DEPENDENCIES, DUCKDB_SCHEMA_VERSION } from './drivers/duckdb.js';
export type { DuckDbDocumentStoreOptions } from './drivers/duckdb.js';
export { compileFilterSql } from './drivers/duckdb-filter-sql.js';
export type { SqlFragment } from './drivers/duckdb-filter-sql.js';
