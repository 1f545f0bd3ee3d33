/** Error codes of @momo/graph-store, with a one-line meaning each. Codes are API: never rename. */
export const GRAPH_STORE_CODES = {
  GRAPH_NODE_INVALID: 'A node has an empty id, a bad kind, or non-JSON properties.',
  GRAPH_EDGE_INVALID: 'An edge has empty endpoints, a bad kind, or non-JSON properties.',
  GRAPH_NODE_NOT_FOUND: 'An edge endpoint or a traversal start does not exist.',
  GRAPH_QUERY_INVALID: 'Traversal options are out of range (k, direction, kinds).',
  GRAPH_STORE_CLOSED: 'The store was used after close().',
  GRAPH_FILE_INVALID: 'A saved graph directory is missing files, fails its checksum, or is malformed.',
} as const;

export type GraphStoreCode = keyof typeof GRAPH_STORE_CODES;
