export type {
  JsonValue,
  KnownNodeKind,
  NodeKind,
  KnownEdgeKind,
  EdgeKind,
  GraphNode,
  GraphEdge,
  Direction,
  TraversalOptions,
  NeighboursResult,
  KHopOptions,
  ReachedNode,
  TraversalResult,
  DependentsOptions,
  PathResult,
  EdgeQuery,
  GraphStats,
  SaveGraphResult,
  GraphStore,
} from './types.js';
export { GRAPH_STORE_CODES } from './codes.js';
export type { GraphStoreCode } from './codes.js';
export { GRAPH_FILE, MANIFEST_FILE, GRAPH_FORMAT, GRAPH_FORMAT_VERSION, DEFAULT_DEPENDENCY_EDGE_KINDS } from './constants.js';
export { createMemoryGraphStore, readGraphDir, serializeGraph } from './drivers/memory.js';
export type { MemoryGraphStoreOptions } from './drivers/memory.js';
