import { it, expect } from 'vitest';
import * as api from './index.js';

it('exports a stable public surface', () => {
  expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
    [
      "DEFAULT_DEPENDENCY_EDGE_KINDS",
      "GRAPH_FILE",
      "GRAPH_FORMAT",
      "GRAPH_FORMAT_VERSION",
      "GRAPH_STORE_CODES",
      "MANIFEST_FILE",
      "createMemoryGraphStore",
      "readGraphDir",
      "serializeGraph",
    ]
  `);
});
