/**
 * The code graph store contract. Every driver implements {@link GraphStore} and passes
 * `testGraphStore` from `@momo/testing`.
 */

import type { JsonValue } from '@momo/common';

/** Any value JSON can carry. */
export type { JsonValue };

/** Node kinds the knowledge base produces. Other kebab-case kinds are accepted too. */
export type KnownNodeKind = 'module' | 'file' | 'symbol' | 'doc-section';
/** A node kind: a known one or any kebab-case word (`/^[a-z][a-z0-9-]*$/`). */
export type NodeKind = KnownNodeKind | (string & {});

/** Edge kinds the knowledge base produces. Other kebab-case kinds are accepted too. */
export type KnownEdgeKind = 'contains' | 'imports' | 'calls' | 'references' | 'documents' | 'depends-on';
/** An edge kind: a known one or any kebab-case word. */
export type EdgeKind = KnownEdgeKind | (string & {});

/** A node. `id` is unique across kinds, e.g. `file:libs/momo-kb/src/index.ts`. */
export interface GraphNode {
  id: string;
  kind: NodeKind;
  /** Human-readable name (symbol name, file path, heading). */
  label?: string;
  properties?: { [key: string]: JsonValue };
}

/**
 * A directed typed edge `from -[kind]-> to`. (from, kind, to) is unique: adding it again replaces
 * its properties. Direction reads as a sentence: module contains file, file imports file,
 * symbol calls symbol, doc-section documents symbol, module depends-on module.
 */
export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  properties?: { [key: string]: JsonValue };
}

/** Which edges a traversal follows: `out` (from -> to), `in` (to -> from) or `both`. */
export type Direction = 'out' | 'in' | 'both';

/** Options shared by traversals. */
export interface TraversalOptions {
  /** @default 'out' (for dependents: 'in' is implied) */
  direction?: Direction;
  /** Follow only these edge kinds. @default all */
  edgeKinds?: EdgeKind[];
  /** Return only nodes of these kinds (traversal still passes through others). @default all */
  nodeKinds?: NodeKind[];
}

/** Result of {@link GraphStore.neighbours}: adjacent nodes with the edges that connect them. */
export interface NeighboursResult {
  /** Sorted by id. */
  nodes: GraphNode[];
  /** Sorted by (from, kind, to). */
  edges: GraphEdge[];
}

/** Options of {@link GraphStore.kHop}. */
export interface KHopOptions extends TraversalOptions {
  /** Maximum number of hops (>= 0). */
  k: number;
}

/** One node reached by a traversal, with its hop distance from the start. */
export interface ReachedNode {
  node: GraphNode;
  depth: number;
}

/** Result of {@link GraphStore.kHop} and {@link GraphStore.dependents}. Start node excluded. */
export interface TraversalResult {
  /** Sorted by depth, then id. */
  nodes: ReachedNode[];
}

/** Options of {@link GraphStore.dependents}. */
export interface DependentsOptions {
  /** Edge kinds that mean "depends on". @default ['imports', 'calls', 'references', 'depends-on'] */
  edgeKinds?: EdgeKind[];
  nodeKinds?: NodeKind[];
  /** Follow dependents of dependents. @default false */
  transitive?: boolean;
  /** With transitive: stop after this many hops. @default Infinity */
  maxDepth?: number;
}

/** Result of {@link GraphStore.shortestPath}. */
export interface PathResult {
  /** Node ids from start to end, both included. */
  nodes: string[];
  /** The edges walked, in order, as stored (an edge walked against its direction keeps from/to). */
  edges: GraphEdge[];
}

/** Filter of {@link GraphStore.listEdges}. */
export interface EdgeQuery {
  from?: string;
  to?: string;
  kind?: EdgeKind | EdgeKind[];
}

/** Counts of {@link GraphStore.stats}. */
export interface GraphStats {
  nodes: number;
  edges: number;
  /** Node count per kind, keys sorted. */
  nodesByKind: Record<string, number>;
  /** Edge count per kind, keys sorted. */
  edgesByKind: Record<string, number>;
}

/** Result of {@link GraphStore.save}. */
export interface SaveGraphResult {
  files: string[];
  nodes: number;
  edges: number;
}

/**
 * A code graph store. All methods are async and deterministic (ties broken by id).
 * Invalid input throws a `MomoError` (codes in `GRAPH_STORE_CODES`) and changes nothing.
 */
export interface GraphStore {
  readonly driver: string;
  /** Inserts or replaces nodes (replacing keeps the node's edges). */
  addNodes(nodes: GraphNode | readonly GraphNode[]): Promise<{ added: number; replaced: number }>;
  /** Inserts or replaces edges. Both endpoints must exist (GRAPH_NODE_NOT_FOUND otherwise). */
  addEdges(edges: GraphEdge | readonly GraphEdge[]): Promise<{ added: number; replaced: number }>;
  getNode(id: string): Promise<GraphNode | undefined>;
  hasNode(id: string): Promise<boolean>;
  /** Removes a node and every edge touching it; true when it existed. */
  removeNode(id: string): Promise<boolean>;
  /** Removes one edge; true when it existed. */
  removeEdge(edge: Pick<GraphEdge, 'from' | 'to' | 'kind'>): Promise<boolean>;
  /** Nodes sorted by id, optionally of some kinds. */
  listNodes(options?: { kinds?: NodeKind[] }): Promise<GraphNode[]>;
  /** Edges sorted by (from, kind, to). */
  listEdges(query?: EdgeQuery): Promise<GraphEdge[]>;
  stats(): Promise<GraphStats>;
  /** Nodes one hop away. Throws GRAPH_NODE_NOT_FOUND for an unknown id. */
  neighbours(id: string, options?: TraversalOptions): Promise<NeighboursResult>;
  /** Nodes whose edges point at `id` (who imports/calls/references it), optionally transitively. */
  dependents(id: string, options?: DependentsOptions): Promise<TraversalResult>;
  /** Breadth-first traversal up to `k` hops. */
  kHop(id: string, options: KHopOptions): Promise<TraversalResult>;
  /**
   * A shortest (fewest edges) path, or undefined when `to` is unreachable. Among equal-length paths
   * the answer depends only on the graph, never on insertion order (neighbours are visited in
   * (id, kind) order). `nodeKinds` is ignored: paths may pass through any node.
   */
  shortestPath(from: string, to: string, options?: TraversalOptions): Promise<PathResult | undefined>;
  /** Writes `graph.json` + `manifest.json` to `dir`; same graph gives byte-identical files. */
  save(dir: string): Promise<SaveGraphResult>;
  /** Replaces the store's contents with what `save` wrote in `dir`. */
  load(dir: string): Promise<void>;
  clear(): Promise<void>;
  close(): Promise<void>;
}
