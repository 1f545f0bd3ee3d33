import { it, expect } from 'vitest';
import * as api from './index.js';

it('exports a stable public surface', () => {
  expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
    [
      "HNSW_DEFAULTS",
      "HNSW_FILE",
      "IDS_FILE",
      "MANIFEST_FILE",
      "VECTORS_FILE",
      "VECTORS_FORMAT",
      "VECTORS_FORMAT_VERSION",
      "VECTOR_STORE_CODES",
      "createExactVectorStore",
      "createHnswVectorStore",
      "loadVectorStore",
      "readVectorDir",
      "readVectorManifest",
      "serializeIds",
      "writeVectorDir",
    ]
  `);
});
