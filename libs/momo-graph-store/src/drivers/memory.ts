import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { MomoError } from '@momo/errors';
import type {
  DependentsOptions,
  Direction,
  EdgeQuery,
  GraphEdge,
  GraphNode,
  GraphStats,
  GraphStore,
  JsonValue,
  KHopOptions,
  NeighboursResult,
  PathResult,
  ReachedNode,
  SaveGraphResult,
  TraversalOptions,
  TraversalResult,
} from '../types.js';
import { GRAPH_FILE, GRAPH_FORMAT, GRAPH_FORMAT_VERSION, MANIFEST_FILE, DEFAULT_DEPENDENCY_EDGE_KINDS } from '../constants.js';
import { cloneJson, compareStrings, stringifyCanonical, writeFileAtomic } from '@momo/common';

const KIND_RE = /^[a-z][a-z0-9-]*$/;
const DIRECTIONS: readonly Direction[] = ['out', 'in', 'both'];

/** Options of {@link createMemoryGraphStore}. */
export interface MemoryGraphStoreOptions {
  /** When set, the store starts with the graph saved in this directory (see {@link GraphStore.load}). */
  loadFrom?: string;
}

interface Adjacent {
  edge: GraphEdge;
  /** The node at the other end. */
  other: string;
}

type EdgeMap = Map<string, Adjacent>; // key: `${kind}\0${other}`

const edgeKey = (kind: string, other: string) => `${kind}\u0000${other}`;

function compareEdges(a: GraphEdge, b: GraphEdge): number {
  return compareStrings(a.from, b.from) || compareStrings(a.kind, b.kind) || compareStrings(a.to, b.to);
}

function compareAdjacent(a: Adjacent, b: Adjacent): number {
  return compareStrings(a.other, b.other) || compareStrings(a.edge.kind, b.edge.kind) || compareEdges(a.edge, b.edge);
}

function copyNode(n: GraphNode): GraphNode {
  const out: GraphNode = { id: n.id, kind: n.kind };
  if (n.label !== undefined) out.label = n.label;
  if (n.properties !== undefined) out.properties = structuredClone(n.properties);
  return out;
}

function copyEdge(e: GraphEdge): GraphEdge {
  const out: GraphEdge = { from: e.from, to: e.to, kind: e.kind };
  if (e.properties !== undefined) out.properties = structuredClone(e.properties);
  return out;
}

function validateProperties(
  props: unknown,
  code: 'GRAPH_NODE_INVALID' | 'GRAPH_EDGE_INVALID',
  what: string,
): { [key: string]: JsonValue } | undefined {
  if (props === undefined) return undefined;
  if (props === null || typeof props !== 'object' || Array.isArray(props)) {
    throw new MomoError(code, `${what}: properties must be a plain object`, { hint: 'Pass properties as { key: jsonValue }.' });
  }
  const r = cloneJson(props, 'properties');
  if (!r.ok) throw new MomoError(code, `${what}: ${r.problem}`, { hint: 'Properties must be plain JSON values.' });
  return r.value as { [key: string]: JsonValue };
}

function validateNode(n: unknown, index: number): GraphNode {
  const node = n as GraphNode;
  if (node === null || typeof node !== 'object') {
    throw new MomoError('GRAPH_NODE_INVALID', `node #${index} is not an object`, { hint: 'Pass { id, kind, label?, properties? }.' });
  }
  if (typeof node.id !== 'string' || node.id.length === 0) {
    throw new MomoError('GRAPH_NODE_INVALID', `node #${index} has no id (expected a non-empty string)`, {
      hint: 'Give every node a unique id such as "file:libs/momo-kb/src/index.ts".',
      data: { index },
    });
  }
  if (typeof node.kind !== 'string' || !KIND_RE.test(node.kind)) {
    throw new MomoError('GRAPH_NODE_INVALID', `node "${node.id}" has kind ${JSON.stringify(node.kind)}, expected a kebab-case word`, {
      hint: 'Use module, file, symbol, doc-section or another lower-case kebab-case word.',
      data: { id: node.id },
    });
  }
  if (node.label !== undefined && typeof node.label !== 'string') {
    throw new MomoError('GRAPH_NODE_INVALID', `node "${node.id}" has a non-string label`, { hint: 'Labels are strings.' });
  }
  const properties = validateProperties(node.properties, 'GRAPH_NODE_INVALID', `node "${node.id}"`);
  const out: GraphNode = { id: node.id, kind: node.kind };
  if (node.label !== undefined) out.label = node.label;
  if (properties !== undefined) out.properties = properties;
  return out;
}

function validateEdge(e: unknown, index: number): GraphEdge {
  const edge = e as GraphEdge;
  if (edge === null || typeof edge !== 'object') {
    throw new MomoError('GRAPH_EDGE_INVALID', `edge #${index} is not an object`, { hint: 'Pass { from, to, kind, properties? }.' });
  }
  for (const end of ['from', 'to'] as const) {
    if (typeof edge[end] !== 'string' || edge[end].length === 0) {
      throw new MomoError('GRAPH_EDGE_INVALID', `edge #${index} has no "${end}" node id`, {
        hint: 'Edges connect two existing node ids.',
        data: { index },
      });
    }
  }
  if (typeof edge.kind !== 'string' || !KIND_RE.test(edge.kind)) {
    throw new MomoError('GRAPH_EDGE_INVALID', `edge ${edge.from} -> ${edge.to} has kind ${JSON.stringify(edge.kind)}, expected a kebab-case word`, {
      hint: 'Use contains, imports, calls, references, documents, depends-on or another kebab-case word.',
    });
  }
  const properties = validateProperties(edge.properties, 'GRAPH_EDGE_INVALID', `edge ${edge.from} -[${edge.kind}]-> ${edge.to}`);
  const out: GraphEdge = { from: edge.from, to: edge.to, kind: edge.kind };
  if (properties !== undefined) out.properties = properties;
  return out;
}

function validateKinds(kinds: unknown, name: string): Set<string> | undefined {
  if (kinds === undefined) return undefined;
  if (!Array.isArray(kinds) || kinds.some((k) => typeof k !== 'string')) {
    throw new MomoError('GRAPH_QUERY_INVALID', `${name} must be an array of kind names`, { hint: `Pass e.g. ${name}: ['imports'].` });
  }
  return new Set(kinds as string[]);
}

function validateDirection(direction: unknown, fallback: Direction): Direction {
  if (direction === undefined) return fallback;
  if (!DIRECTIONS.includes(direction as Direction)) {
    throw new MomoError('GRAPH_QUERY_INVALID', `direction is ${JSON.stringify(direction)}, expected one of out, in, both`, {
      hint: "Use direction: 'out' (follow edges), 'in' (against them) or 'both'.",
    });
  }
  return direction as Direction;
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

interface State {
  nodes: Map<string, GraphNode>;
  out: Map<string, EdgeMap>;
  inc: Map<string, EdgeMap>;
  edgeCount: number;
}

function insertEdgeInto(state: State, e: GraphEdge): boolean {
  let o = state.out.get(e.from);
  if (!o) state.out.set(e.from, (o = new Map()));
  let i = state.inc.get(e.to);
  if (!i) state.inc.set(e.to, (i = new Map()));
  const existed = o.has(edgeKey(e.kind, e.to));
  o.set(edgeKey(e.kind, e.to), { edge: e, other: e.to });
  i.set(edgeKey(e.kind, e.from), { edge: e, other: e.from });
  if (!existed) state.edgeCount++;
  return existed;
}

/** Builds a fresh state from a parsed graph file; any problem is GRAPH_FILE_INVALID and changes nothing. */
function buildState(parsed: { nodes: unknown[]; edges: unknown[] }, dir: string): State {
  const state: State = { nodes: new Map(), out: new Map(), inc: new Map(), edgeCount: 0 };
  try {
    parsed.nodes.forEach((n, i) => {
      const v = validateNode(n, i);
      state.nodes.set(v.id, v);
    });
    parsed.edges.forEach((e, i) => {
      const v = validateEdge(e, i);
      for (const end of [v.from, v.to]) {
        if (!state.nodes.has(end)) {
          throw new MomoError('GRAPH_NODE_NOT_FOUND', `edge ${v.from} -[${v.kind}]-> ${v.to} points at missing node "${end}"`);
        }
      }
      insertEdgeInto(state, v);
    });
  } catch (e) {
    throw new MomoError('GRAPH_FILE_INVALID', `"${join(dir, GRAPH_FILE)}" is malformed: ${(e as Error).message}`, {
      hint: 'Save the graph again with graph.save(dir), or restore the directory with `dvc checkout`.',
      cause: e,
    });
  }
  return state;
}

/** One node as canonical JSON: keys in sorted order (id, kind, label, properties), no whitespace. */
function nodeLine(n: GraphNode): string {
  let line = `{"id":${JSON.stringify(n.id)},"kind":${JSON.stringify(n.kind)}`;
  if (n.label !== undefined) line += `,"label":${JSON.stringify(n.label)}`;
  if (n.properties !== undefined) line += `,"properties":${stringifyCanonical(n.properties)}`;
  return line + '}';
}

/** One edge as canonical JSON: keys in sorted order (from, kind, properties, to), no whitespace. */
function edgeLine(e: GraphEdge): string {
  let line = `{"from":${JSON.stringify(e.from)},"kind":${JSON.stringify(e.kind)}`;
  if (e.properties !== undefined) line += `,"properties":${stringifyCanonical(e.properties)}`;
  return `${line},"to":${JSON.stringify(e.to)}}`;
}

/** Serialises nodes and edges to the graph.json bytes (one record per line, canonical keys). */
export function serializeGraph(nodes: GraphNode[], edges: GraphEdge[]): string {
  const parts: string[] = [`{"format":${JSON.stringify(GRAPH_FORMAT)},"version":${GRAPH_FORMAT_VERSION},"nodes":[\n`];
  for (let i = 0; i < nodes.length; i++) parts.push(nodeLine(nodes[i]), i < nodes.length - 1 ? ',\n' : '\n');
  parts.push('],"edges":[\n');
  for (let i = 0; i < edges.length; i++) parts.push(edgeLine(edges[i]), i < edges.length - 1 ? ',\n' : '\n');
  parts.push(']}\n');
  return parts.join('');
}

/**
 * The in-memory graph store: the reference driver. Adjacency lists in both directions give O(degree)
 * neighbour queries; `save`/`load` persist it as deterministic JSON.
 *
 * @example
 * const graph = createMemoryGraphStore();
 * await graph.addNodes([{ id: 'file:a.ts', kind: 'file' }, { id: 'file:b.ts', kind: 'file' }]);
 * await graph.addEdges({ from: 'file:a.ts', to: 'file:b.ts', kind: 'imports' });
 * (await graph.dependents('file:b.ts')).nodes; // [{ node: { id: 'file:a.ts', ... }, depth: 1 }]
 */
export function createMemoryGraphStore(options: MemoryGraphStoreOptions = {}): GraphStore {
  let nodes = new Map<string, GraphNode>();
  let out = new Map<string, EdgeMap>();
  let inc = new Map<string, EdgeMap>();
  let edgeCount = 0;
  let closed = false;

  const ensureOpen = () => {
    if (closed) {
      throw new MomoError('GRAPH_STORE_CLOSED', 'the memory graph store was used after close()', {
        hint: 'Create a new store with createMemoryGraphStore().',
      });
    }
  };

  const requireNode = (id: string, role: string | (() => string)): GraphNode => {
    const n = typeof id === 'string' ? nodes.get(id) : undefined;
    if (!n) {
      const what = typeof role === 'function' ? role() : role;
      throw new MomoError('GRAPH_NODE_NOT_FOUND', `${what} node "${String(id)}" does not exist in the graph`, {
        hint: 'Add the node with addNodes() first, or check the id (ids look like "file:<path>").',
        data: { id },
      });
    }
    return n;
  };

  /** Adjacent entries of `id` in the given direction, sorted by (other, kind). */
  const adjacent = (id: string, direction: Direction, kinds: Set<string> | undefined): Adjacent[] => {
    const result: Adjacent[] = [];
    const take = (m: EdgeMap | undefined) => {
      if (!m) return;
      for (const a of m.values()) if (!kinds || kinds.has(a.edge.kind)) result.push(a);
    };
    if (direction !== 'in') take(out.get(id));
    if (direction !== 'out') take(inc.get(id));
    result.sort(compareAdjacent);
    return result;
  };

  const bfs = (start: string, direction: Direction, edgeKinds: Set<string> | undefined, maxDepth: number) => {
    const depth = new Map<string, number>([[start, 0]]);
    let frontier = [start];
    for (let d = 1; d <= maxDepth && frontier.length > 0; d++) {
      const next: string[] = [];
      for (const id of frontier) {
        for (const a of adjacent(id, direction, edgeKinds)) {
          if (depth.has(a.other)) continue;
          depth.set(a.other, d);
          next.push(a.other);
        }
      }
      frontier = next;
    }
    return depth;
  };

  const toTraversal = (start: string, depth: Map<string, number>, nodeKinds: Set<string> | undefined): TraversalResult => {
    const reached: ReachedNode[] = [];
    for (const [id, d] of depth) {
      if (id === start) continue;
      const node = nodes.get(id)!;
      if (nodeKinds && !nodeKinds.has(node.kind)) continue;
      reached.push({ node: copyNode(node), depth: d });
    }
    reached.sort((a, b) => a.depth - b.depth || compareStrings(a.node.id, b.node.id));
    return { nodes: reached };
  };

  const insertEdge = (e: GraphEdge): boolean => {
    const state = { nodes, out, inc, edgeCount };
    const existed = insertEdgeInto(state, e);
    edgeCount = state.edgeCount;
    return existed;
  };

  const deleteEdge = (from: string, kind: string, to: string): boolean => {
    const o = out.get(from);
    if (!o || !o.delete(edgeKey(kind, to))) return false;
    if (o.size === 0) out.delete(from);
    const i = inc.get(to)!;
    i.delete(edgeKey(kind, from));
    if (i.size === 0) inc.delete(to);
    edgeCount--;
    return true;
  };

  const allEdges = (): GraphEdge[] => {
    const list: GraphEdge[] = [];
    for (const m of out.values()) for (const a of m.values()) list.push(a.edge);
    return list.sort(compareEdges);
  };

  const store: GraphStore = {
    driver: 'memory',

    async addNodes(input) {
      ensureOpen();
      const list = (Array.isArray(input) ? input : [input]) as unknown[];
      const valid = list.map((n, i) => validateNode(n, i));
      let added = 0;
      let replaced = 0;
      for (const n of valid) {
        if (nodes.has(n.id)) replaced++;
        else added++;
        nodes.set(n.id, n);
      }
      return { added, replaced };
    },

    async addEdges(input) {
      ensureOpen();
      const list = (Array.isArray(input) ? input : [input]) as unknown[];
      const valid = list.map((e, i) => validateEdge(e, i));
      for (const e of valid) {
        requireNode(e.from, () => `edge ${e.from} -[${e.kind}]-> ${e.to}: source`);
        requireNode(e.to, () => `edge ${e.from} -[${e.kind}]-> ${e.to}: target`);
      }
      let added = 0;
      let replaced = 0;
      for (const e of valid) {
        if (insertEdge(e)) replaced++;
        else added++;
      }
      return { added, replaced };
    },

    async getNode(id) {
      ensureOpen();
      const n = nodes.get(id);
      return n ? copyNode(n) : undefined;
    },

    async hasNode(id) {
      ensureOpen();
      return nodes.has(id);
    },

    async removeNode(id) {
      ensureOpen();
      if (!nodes.has(id)) return false;
      for (const a of [...(out.get(id)?.values() ?? [])]) deleteEdge(id, a.edge.kind, a.other);
      for (const a of [...(inc.get(id)?.values() ?? [])]) deleteEdge(a.other, a.edge.kind, id);
      nodes.delete(id);
      return true;
    },

    async removeEdge(edge) {
      ensureOpen();
      return deleteEdge(edge.from, edge.kind, edge.to);
    },

    async listNodes(opts = {}) {
      ensureOpen();
      const kinds = validateKinds(opts.kinds, 'kinds');
      const list: GraphNode[] = [];
      for (const n of nodes.values()) if (!kinds || kinds.has(n.kind)) list.push(copyNode(n));
      return list.sort((a, b) => compareStrings(a.id, b.id));
    },

    async listEdges(query: EdgeQuery = {}) {
      ensureOpen();
      const kinds =
        query.kind === undefined ? undefined : validateKinds(Array.isArray(query.kind) ? query.kind : [query.kind], 'kind');
      let candidates: GraphEdge[];
      if (query.from !== undefined) candidates = [...(out.get(query.from)?.values() ?? [])].map((a) => a.edge);
      else if (query.to !== undefined) candidates = [...(inc.get(query.to)?.values() ?? [])].map((a) => a.edge);
      else candidates = allEdges();
      return candidates
        .filter((e) => (query.to === undefined || e.to === query.to) && (!kinds || kinds.has(e.kind)))
        .sort(compareEdges)
        .map(copyEdge);
    },

    async stats(): Promise<GraphStats> {
      ensureOpen();
      const nodesByKind: Record<string, number> = {};
      const edgesByKind: Record<string, number> = {};
      const nk = new Map<string, number>();
      for (const n of nodes.values()) nk.set(n.kind, (nk.get(n.kind) ?? 0) + 1);
      const ek = new Map<string, number>();
      for (const m of out.values()) for (const a of m.values()) ek.set(a.edge.kind, (ek.get(a.edge.kind) ?? 0) + 1);
      for (const k of [...nk.keys()].sort(compareStrings)) nodesByKind[k] = nk.get(k)!;
      for (const k of [...ek.keys()].sort(compareStrings)) edgesByKind[k] = ek.get(k)!;
      return { nodes: nodes.size, edges: edgeCount, nodesByKind, edgesByKind };
    },

    async neighbours(id, opts: TraversalOptions = {}): Promise<NeighboursResult> {
      ensureOpen();
      requireNode(id, 'start');
      const direction = validateDirection(opts.direction, 'out');
      const edgeKinds = validateKinds(opts.edgeKinds, 'edgeKinds');
      const nodeKinds = validateKinds(opts.nodeKinds, 'nodeKinds');
      const seen = new Map<string, GraphNode>();
      const edges = new Map<string, GraphEdge>();
      for (const a of adjacent(id, direction, edgeKinds)) {
        const n = nodes.get(a.other)!;
        if (nodeKinds && !nodeKinds.has(n.kind)) continue;
        seen.set(n.id, n);
        edges.set(`${a.edge.from}\u0000${a.edge.kind}\u0000${a.edge.to}`, a.edge);
      }
      return {
        nodes: [...seen.values()].sort((a, b) => compareStrings(a.id, b.id)).map(copyNode),
        edges: [...edges.values()].sort(compareEdges).map(copyEdge),
      };
    },

    async dependents(id, opts: DependentsOptions = {}) {
      ensureOpen();
      requireNode(id, 'start');
      const edgeKinds = validateKinds(opts.edgeKinds ?? [...DEFAULT_DEPENDENCY_EDGE_KINDS], 'edgeKinds');
      const nodeKinds = validateKinds(opts.nodeKinds, 'nodeKinds');
      const maxDepth = opts.transitive ? (opts.maxDepth ?? Infinity) : 1;
      if (!(typeof maxDepth === 'number' && maxDepth >= 0)) {
        throw new MomoError('GRAPH_QUERY_INVALID', `maxDepth is ${String(opts.maxDepth)}, expected a number >= 0`, {
          hint: 'Pass maxDepth: 2 to stop after two hops, or omit it.',
        });
      }
      return toTraversal(id, bfs(id, 'in', edgeKinds, maxDepth), nodeKinds);
    },

    async kHop(id, opts: KHopOptions) {
      ensureOpen();
      requireNode(id, 'start');
      const k = opts?.k;
      if (typeof k !== 'number' || !Number.isInteger(k) || k < 0) {
        throw new MomoError('GRAPH_QUERY_INVALID', `k is ${String(k)}, expected an integer >= 0`, { hint: 'Pass { k: 2 } for two hops.' });
      }
      const direction = validateDirection(opts.direction, 'out');
      const edgeKinds = validateKinds(opts.edgeKinds, 'edgeKinds');
      const nodeKinds = validateKinds(opts.nodeKinds, 'nodeKinds');
      return toTraversal(id, bfs(id, direction, edgeKinds, k), nodeKinds);
    },

    async shortestPath(from, to, opts: TraversalOptions = {}): Promise<PathResult | undefined> {
      ensureOpen();
      requireNode(from, 'start');
      requireNode(to, 'end');
      const direction = validateDirection(opts.direction, 'out');
      const edgeKinds = validateKinds(opts.edgeKinds, 'edgeKinds');
      if (from === to) return { nodes: [from], edges: [] };
      // Bidirectional breadth-first search: expand the smaller frontier one whole layer at a time;
      // among the meetings found in the first layer that meets, the shortest (then the first found) wins.
      const reverse: Direction = direction === 'out' ? 'in' : direction === 'in' ? 'out' : 'both';
      type Step = { link: string; edge: GraphEdge; depth: number } | null;
      const fwd = new Map<string, Step>([[from, null]]);
      const bwd = new Map<string, Step>([[to, null]]);
      let frontF = [from];
      let frontB = [to];
      let meet: string | undefined;
      while (frontF.length > 0 && frontB.length > 0 && meet === undefined) {
        const forward = frontF.length <= frontB.length;
        const [mine, other, front, dir] = forward ? [fwd, bwd, frontF, direction] : [bwd, fwd, frontB, reverse];
        const next: string[] = [];
        let best = Infinity;
        for (const id of front) {
          const depth = (mine.get(id)?.depth ?? 0) + 1;
          for (const a of adjacent(id, dir, edgeKinds)) {
            if (mine.has(a.other)) continue;
            mine.set(a.other, { link: id, edge: a.edge, depth });
            next.push(a.other);
            if (other.has(a.other)) {
              const total = depth + (other.get(a.other)?.depth ?? 0);
              if (total < best) {
                best = total;
                meet = a.other;
              }
            }
          }
        }
        if (forward) frontF = next;
        else frontB = next;
      }
      if (meet === undefined) return undefined;
      const head: string[] = [];
      const headEdges: GraphEdge[] = [];
      for (let cur = meet; ; ) {
        head.push(cur);
        const step = fwd.get(cur);
        if (!step) break;
        headEdges.push(copyEdge(step.edge));
        cur = step.link;
      }
      const pathNodes = head.reverse();
      const pathEdges = headEdges.reverse();
      for (let step = bwd.get(meet); step; step = bwd.get(step.link)) {
        pathEdges.push(copyEdge(step.edge));
        pathNodes.push(step.link);
      }
      return { nodes: pathNodes, edges: pathEdges };
    },

    async save(dir): Promise<SaveGraphResult> {
      ensureOpen();
      mkdirSync(dir, { recursive: true });
      const sortedNodes = [...nodes.values()].sort((a, b) => compareStrings(a.id, b.id));
      const text = serializeGraph(sortedNodes, allEdges());
      const bytes = Buffer.from(text, 'utf8');
      const stats = await store.stats();
      const manifest = {
        format: GRAPH_FORMAT,
        version: GRAPH_FORMAT_VERSION,
        nodes: stats.nodes,
        edges: stats.edges,
        nodesByKind: stats.nodesByKind,
        edgesByKind: stats.edgesByKind,
        files: { [GRAPH_FILE]: { bytes: bytes.length, sha256: sha256(bytes) } },
      };
      writeFileAtomic(join(dir, GRAPH_FILE), bytes);
      writeFileAtomic(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
      return { files: [GRAPH_FILE, MANIFEST_FILE].sort(compareStrings), nodes: stats.nodes, edges: stats.edges };
    },

    async load(dir) {
      ensureOpen();
      const next = buildState(readGraphDir(dir), dir);
      ({ nodes, out, inc, edgeCount } = next);
    },

    async clear() {
      ensureOpen();
      nodes = new Map();
      out = new Map();
      inc = new Map();
      edgeCount = 0;
    },

    async close() {
      closed = true;
      nodes = new Map();
      out = new Map();
      inc = new Map();
    },
  };

  if (options.loadFrom !== undefined) {
    ({ nodes, out, inc, edgeCount } = buildState(readGraphDir(options.loadFrom), options.loadFrom));
  }
  return store;
}

/** Reads and checks a saved graph directory (manifest, checksum, format) without changing any store. */
export function readGraphDir(dir: string): { nodes: unknown[]; edges: unknown[] } {
  const manifestPath = join(dir, MANIFEST_FILE);
  const graphPath = join(dir, GRAPH_FILE);
  const hint = 'Save the graph again with graph.save(dir), or restore the directory with `dvc checkout`.';
  if (!existsSync(manifestPath) || !existsSync(graphPath)) {
    throw new MomoError('GRAPH_FILE_INVALID', `"${dir}" is not a saved graph: expected ${MANIFEST_FILE} and ${GRAPH_FILE}`, {
      hint,
      data: { dir },
    });
  }
  let manifest: { format?: unknown; version?: unknown; files?: Record<string, { sha256?: string }> };
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (e) {
    throw new MomoError('GRAPH_FILE_INVALID', `"${manifestPath}" is not valid JSON: ${(e as Error).message}`, { hint, cause: e });
  }
  if (manifest.format !== GRAPH_FORMAT || manifest.version !== GRAPH_FORMAT_VERSION) {
    throw new MomoError(
      'GRAPH_FILE_INVALID',
      `"${manifestPath}" has format ${JSON.stringify(manifest.format)} version ${JSON.stringify(manifest.version)}, expected ${GRAPH_FORMAT} version ${GRAPH_FORMAT_VERSION}`,
      { hint },
    );
  }
  const bytes = readFileSync(graphPath);
  const expected = manifest.files?.[GRAPH_FILE]?.sha256;
  const actual = sha256(bytes);
  if (expected !== actual) {
    throw new MomoError('GRAPH_FILE_INVALID', `"${graphPath}" does not match its manifest: sha256 ${actual}, expected ${String(expected)}`, {
      hint,
      data: { expected, actual },
    });
  }
  let parsed: { nodes?: unknown; edges?: unknown };
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new MomoError('GRAPH_FILE_INVALID', `"${graphPath}" is not valid JSON: ${(e as Error).message}`, { hint, cause: e });
  }
  if (!Array.isArray(parsed.nodes) || !Array.isArray(parsed.edges)) {
    throw new MomoError('GRAPH_FILE_INVALID', `"${graphPath}" must hold "nodes" and "edges" arrays`, { hint });
  }
  return { nodes: parsed.nodes, edges: parsed.edges };
}

