import { it, expect } from 'vitest';
import * as api from './index.js';

it('exports a stable public surface', () => {
  expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
    [
      "BM25_B",
      "BM25_K1",
      "DEFAULT_SEARCH_LIMIT",
      "DOCUMENTS_EXPORT_FORMAT",
      "DOCUMENTS_EXPORT_VERSION",
      "DOCUMENTS_FILE",
      "DOCUMENT_STORE_CODES",
      "DUCKDB_DRIVER_DEPENDENCIES",
      "DUCKDB_SCHEMA_VERSION",
      "LexicalIndex",
      "MANIFEST_FILE",
      "STOPWORDS",
      "bm25Idf",
      "bm25Term",
      "compareCodePoints",
      "compileFilterSql",
      "computeDocumentId",
      "createDuckDbDocumentStore",
      "createMemoryDocumentStore",
      "exportDocuments",
      "importDocuments",
      "indexedText",
      "matchesFilter",
      "normalizeDocument",
      "parseFilter",
      "resolveFilterPath",
      "serializeDocumentLine",
      "tokenize",
    ]
  `);
});
