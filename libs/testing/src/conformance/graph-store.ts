import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphEdge, GraphNode, GraphStore } from '@momo/graph-store';
import { tmpRepo, type TmpRepo } from '../tmp-repo.js';
import { expectMomoCode } from './expect-code.js';

/** Builds a fresh, empty store for one test. */
export type GraphStoreFactory = () => GraphStore | Promise<GraphStore>;

/** What `additionalTests` can reach: the current test's store, a fresh-store factory and a temp dir. */
export interface GraphStoreTestContext {
  readonly store: GraphStore;
  readonly factory: GraphStoreFactory;
  readonly tmp: TmpRepo;
}

/** A small monorepo graph: two modules, three files, two symbols, one doc section. */
export const SAMPLE_GRAPH: { nodes: GraphNode[]; edges: GraphEdge[] } = {
  nodes: [
    { id: 'module:kb', kind: 'module', label: 'momo-kb' },
    { id: 'module:vec', kind: 'module', label: 'momo-vector-store' },
    { id: 'file:kb/index.ts', kind: 'file', label: 'kb/index.ts' },
    { id: 'file:kb/ingest.ts', kind: 'file', label: 'kb/ingest.ts', properties: { lines: 120, language: 'typescript' } },
    { id: 'file:vec/index.ts', kind: 'file', label: 'vec/index.ts' },
    { id: 'symbol:kb/ingest.ts#ingest', kind: 'symbol', label: 'ingest', properties: { kind: 'function', range: [3, 40] } },
    { id: 'symbol:vec/index.ts#search', kind: 'symbol', label: 'search' },
    { id: 'doc:README.md#usage', kind: 'doc-section', label: 'Usage' },
  ],
  edges: [
    { from: 'module:kb', to: 'file:kb/index.ts', kind: 'contains' },
    { from: 'module:kb', to: 'file:kb/ingest.ts', kind: 'contains' },
    { from: 'module:vec', to: 'file:vec/index.ts', kind: 'contains' },
    { from: 'file:kb/ingest.ts', to: 'symbol:kb/ingest.ts#ingest', kind: 'contains' },
    { from: 'file:vec/index.ts', to: 'symbol:vec/index.ts#search', kind: 'contains' },
    { from: 'file:kb/index.ts', to: 'file:kb/ingest.ts', kind: 'imports' },
    { from: 'file:kb/ingest.ts', to: 'file:vec/index.ts', kind: 'imports' },
    { from: 'symbol:kb/ingest.ts#ingest', to: 'symbol:vec/index.ts#search', kind: 'calls' },
    { from: 'doc:README.md#usage', to: 'symbol:vec/index.ts#search', kind: 'documents' },
    { from: 'module:kb', to: 'module:vec', kind: 'depends-on', properties: { version: '0.1.0' } },
  ],
};

const ids = (xs: Array<{ id: string } | { node: { id: string } }>) => xs.map((x) => ('node' in x ? x.node.id : x.id));

/**
 * The conformance suite every graph store driver runs (unstorage `test/drivers/utils.ts` style).
 *
 * @param name driver name shown in the test report
 * @param factory builds a fresh empty store per test
 * @param additionalTests driver-specific tests, run inside the same describe block
 */
export function testGraphStore(name: string, factory: GraphStoreFactory, additionalTests?: (ctx: GraphStoreTestContext) => void): void {
  describe(`graph store conformance: ${name}`, () => {
    let store: GraphStore;
    let tmp: TmpRepo;
    const ctx: GraphStoreTestContext = {
      get store() {
        return store;
      },
      factory,
      get tmp() {
        return tmp;
      },
    };
    const seed = async (s: GraphStore = store) => {
      await s.addNodes(SAMPLE_GRAPH.nodes);
      await s.addEdges(SAMPLE_GRAPH.edges);
    };

    beforeEach(async () => {
      tmp = tmpRepo({ prefix: 'momo-graph-' });
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
      tmp.cleanup();
    });

    describe('nodes and edges', () => {
      it('stores nodes and returns copies that do not alias the store', async () => {
        await seed();
        const n = await store.getNode('file:kb/ingest.ts');
        expect(n).toEqual(SAMPLE_GRAPH.nodes[3]);
        (n!.properties as Record<string, unknown>).lines = 1;
        expect((await store.getNode('file:kb/ingest.ts'))!.properties).toEqual({ lines: 120, language: 'typescript' });
        expect(await store.getNode('file:missing.ts')).toBeUndefined();
        expect(await store.hasNode('module:kb')).toBe(true);
      });

      it('counts added and replaced nodes and edges', async () => {
        expect(await store.addNodes(SAMPLE_GRAPH.nodes)).toEqual({ added: 8, replaced: 0 });
        expect(await store.addNodes({ id: 'module:kb', kind: 'module', label: 'kb v2' })).toEqual({ added: 0, replaced: 1 });
        expect(await store.addEdges(SAMPLE_GRAPH.edges)).toEqual({ added: 10, replaced: 0 });
        expect(await store.addEdges({ from: 'module:kb', to: 'module:vec', kind: 'depends-on', properties: { version: '0.2.0' } })).toEqual({
          added: 0,
          replaced: 1,
        });
        expect((await store.listEdges({ from: 'module:kb', kind: 'depends-on' }))[0].properties).toEqual({ version: '0.2.0' });
        expect((await store.getNode('module:kb'))!.label).toBe('kb v2');
      });

      it('replacing a node keeps its edges', async () => {
        await seed();
        await store.addNodes({ id: 'file:vec/index.ts', kind: 'file', label: 'renamed' });
        expect(ids((await store.dependents('file:vec/index.ts')).nodes)).toEqual(['file:kb/ingest.ts']);
      });

      it('keeps one edge per (from, kind, to) but allows several kinds between two nodes', async () => {
        await seed();
        await store.addEdges({ from: 'file:kb/index.ts', to: 'file:kb/ingest.ts', kind: 'references' });
        const edges = await store.listEdges({ from: 'file:kb/index.ts' });
        expect(edges.map((e) => e.kind)).toEqual(['imports', 'references']);
      });

      it('rejects a batch with an invalid node and adds none of it', async () => {
        await expectMomoCode(store.addNodes([{ id: 'ok', kind: 'file' }, { id: '', kind: 'file' }]), 'GRAPH_NODE_INVALID');
        await expectMomoCode(store.addNodes({ id: 'bad-kind', kind: 'Not A Kind' }), 'GRAPH_NODE_INVALID');
        await expectMomoCode(store.addNodes({ id: 'nan', kind: 'file', properties: { x: Number.NaN } }), 'GRAPH_NODE_INVALID');
        expect((await store.stats()).nodes).toBe(0);
      });

      it('rejects edges whose endpoints do not exist and adds none of the batch', async () => {
        await store.addNodes([{ id: 'a', kind: 'file' }, { id: 'b', kind: 'file' }]);
        const err = await expectMomoCode(
          store.addEdges([
            { from: 'a', to: 'b', kind: 'imports' },
            { from: 'a', to: 'ghost', kind: 'imports' },
          ]),
          'GRAPH_NODE_NOT_FOUND',
        );
        expect(err.message).toContain('"ghost"');
        expect((await store.stats()).edges).toBe(0);
        await expectMomoCode(store.addEdges({ from: 'a', to: 'b', kind: 'IMPORTS' }), 'GRAPH_EDGE_INVALID');
      });

      it('accepts kebab-case kinds beyond the known ones', async () => {
        await store.addNodes([{ id: 'c:1', kind: 'class' }, { id: 'c:2', kind: 'class' }]);
        await store.addEdges({ from: 'c:1', to: 'c:2', kind: 'extends' });
        expect((await store.stats()).edgesByKind).toEqual({ extends: 1 });
      });

      it('lists nodes by kind and edges by endpoint and kind, sorted', async () => {
        await seed();
        expect(ids(await store.listNodes({ kinds: ['file'] }))).toEqual(['file:kb/index.ts', 'file:kb/ingest.ts', 'file:vec/index.ts']);
        expect(ids(await store.listNodes())).toEqual([...SAMPLE_GRAPH.nodes.map((n) => n.id)].sort());
        const all = await store.listEdges();
        expect(all).toHaveLength(10);
        const keys = all.map((e) => `${e.from}|${e.kind}|${e.to}`);
        expect(keys).toEqual([...keys].sort());
        expect((await store.listEdges({ to: 'symbol:vec/index.ts#search' })).map((e) => e.from)).toEqual([
          'doc:README.md#usage',
          'file:vec/index.ts',
          'symbol:kb/ingest.ts#ingest',
        ]);
        expect((await store.listEdges({ kind: ['imports', 'calls'] })).length).toBe(3);
        expect(await store.listEdges({ from: 'module:kb', to: 'module:vec' })).toEqual([SAMPLE_GRAPH.edges[9]]);
      });

      it('removes a node together with every edge touching it', async () => {
        await seed();
        expect(await store.removeNode('file:kb/ingest.ts')).toBe(true);
        expect(await store.removeNode('file:kb/ingest.ts')).toBe(false);
        const edges = await store.listEdges();
        expect(edges.some((e) => e.from === 'file:kb/ingest.ts' || e.to === 'file:kb/ingest.ts')).toBe(false);
        expect((await store.stats()).edges).toBe(6);
      });

      it('removes a single edge', async () => {
        await seed();
        expect(await store.removeEdge({ from: 'file:kb/index.ts', to: 'file:kb/ingest.ts', kind: 'imports' })).toBe(true);
        expect(await store.removeEdge({ from: 'file:kb/index.ts', to: 'file:kb/ingest.ts', kind: 'imports' })).toBe(false);
        expect((await store.dependents('file:kb/ingest.ts')).nodes).toEqual([]);
      });

      it('reports counts per kind with sorted keys', async () => {
        await seed();
        const stats = await store.stats();
        expect(stats).toEqual({
          nodes: 8,
          edges: 10,
          nodesByKind: { 'doc-section': 1, file: 3, module: 2, symbol: 2 },
          edgesByKind: { calls: 1, contains: 5, 'depends-on': 1, documents: 1, imports: 2 },
        });
        expect(Object.keys(stats.nodesByKind)).toEqual(['doc-section', 'file', 'module', 'symbol']);
      });
    });

    describe('queries', () => {
      it('finds outgoing, incoming and both-way neighbours', async () => {
        await seed();
        expect(ids((await store.neighbours('file:kb/ingest.ts')).nodes)).toEqual(['file:vec/index.ts', 'symbol:kb/ingest.ts#ingest']);
        expect(ids((await store.neighbours('file:kb/ingest.ts', { direction: 'in' })).nodes)).toEqual(['file:kb/index.ts', 'module:kb']);
        const both = await store.neighbours('file:kb/ingest.ts', { direction: 'both' });
        expect(ids(both.nodes)).toEqual(['file:kb/index.ts', 'file:vec/index.ts', 'module:kb', 'symbol:kb/ingest.ts#ingest']);
        expect(both.edges).toHaveLength(4);
      });

      it('filters neighbours by edge kind and node kind', async () => {
        await seed();
        const r = await store.neighbours('file:kb/ingest.ts', { direction: 'both', edgeKinds: ['imports'] });
        expect(ids(r.nodes)).toEqual(['file:kb/index.ts', 'file:vec/index.ts']);
        expect(r.edges.map((e) => e.kind)).toEqual(['imports', 'imports']);
        expect(ids((await store.neighbours('module:kb', { nodeKinds: ['module'] })).nodes)).toEqual(['module:vec']);
      });

      it('finds direct dependents through imports, calls, references and depends-on but not contains', async () => {
        await seed();
        expect((await store.dependents('file:vec/index.ts')).nodes).toEqual([
          { node: SAMPLE_GRAPH.nodes[3], depth: 1 },
        ]);
        expect(ids((await store.dependents('symbol:vec/index.ts#search')).nodes)).toEqual(['symbol:kb/ingest.ts#ingest']);
        expect(ids((await store.dependents('module:vec')).nodes)).toEqual(['module:kb']);
      });

      it('finds transitive dependents with their depth, bounded by maxDepth', async () => {
        await seed();
        const all = await store.dependents('file:vec/index.ts', { transitive: true });
        expect(all.nodes.map((r) => [r.node.id, r.depth])).toEqual([
          ['file:kb/ingest.ts', 1],
          ['file:kb/index.ts', 2],
        ]);
        const one = await store.dependents('file:vec/index.ts', { transitive: true, maxDepth: 1 });
        expect(ids(one.nodes)).toEqual(['file:kb/ingest.ts']);
        const docs = await store.dependents('symbol:vec/index.ts#search', { edgeKinds: ['documents'] });
        expect(ids(docs.nodes)).toEqual(['doc:README.md#usage']);
      });

      it('walks k hops breadth-first, reporting each node at its smallest depth', async () => {
        await seed();
        expect((await store.kHop('module:kb', { k: 0 })).nodes).toEqual([]);
        const r = await store.kHop('module:kb', { k: 2 });
        expect(r.nodes.map((x) => [x.node.id, x.depth])).toEqual([
          ['file:kb/index.ts', 1],
          ['file:kb/ingest.ts', 1],
          ['module:vec', 1],
          ['file:vec/index.ts', 2],
          ['symbol:kb/ingest.ts#ingest', 2],
        ]);
        const files = await store.kHop('module:kb', { k: 5, nodeKinds: ['symbol'] });
        expect(ids(files.nodes)).toEqual(['symbol:kb/ingest.ts#ingest', 'symbol:vec/index.ts#search']);
        const back = await store.kHop('symbol:vec/index.ts#search', { k: 1, direction: 'in', edgeKinds: ['calls', 'documents'] });
        expect(ids(back.nodes)).toEqual(['doc:README.md#usage', 'symbol:kb/ingest.ts#ingest']);
      });

      it('terminates on cycles', async () => {
        await store.addNodes([{ id: 'a', kind: 'file' }, { id: 'b', kind: 'file' }, { id: 'c', kind: 'file' }]);
        await store.addEdges([
          { from: 'a', to: 'b', kind: 'imports' },
          { from: 'b', to: 'c', kind: 'imports' },
          { from: 'c', to: 'a', kind: 'imports' },
        ]);
        expect(ids((await store.kHop('a', { k: 10 })).nodes)).toEqual(['b', 'c']);
        expect(ids((await store.dependents('a', { transitive: true })).nodes)).toEqual(['c', 'b']);
      });

      it('finds a shortest path along edge direction', async () => {
        await seed();
        const p = await store.shortestPath('file:kb/index.ts', 'symbol:vec/index.ts#search');
        expect(p!.nodes).toEqual(['file:kb/index.ts', 'file:kb/ingest.ts', 'file:vec/index.ts', 'symbol:vec/index.ts#search']);
        expect(p!.edges.map((e) => e.kind)).toEqual(['imports', 'imports', 'contains']);
        expect(await store.shortestPath('symbol:vec/index.ts#search', 'file:kb/index.ts')).toBeUndefined();
        const undirected = await store.shortestPath('symbol:vec/index.ts#search', 'module:kb', { direction: 'both' });
        expect(undirected!.nodes).toHaveLength(4);
        expect(await store.shortestPath('module:kb', 'module:kb')).toEqual({ nodes: ['module:kb'], edges: [] });
      });

      it('respects edge kinds in shortest paths', async () => {
        await seed();
        const p = await store.shortestPath('module:kb', 'file:vec/index.ts', { edgeKinds: ['depends-on', 'contains'] });
        expect(p!.nodes).toEqual(['module:kb', 'module:vec', 'file:vec/index.ts']);
        expect(await store.shortestPath('module:kb', 'file:vec/index.ts', { edgeKinds: ['imports'] })).toBeUndefined();
      });

      it('breaks ties between equal-length paths by node id, whatever the insertion order', async () => {
        const build = async (order: string[]) => {
          const s = await factory();
          await s.addNodes(['s', 't', ...order].map((id) => ({ id, kind: 'file' })));
          for (const mid of order) {
            await s.addEdges([
              { from: 's', to: mid, kind: 'imports' },
              { from: mid, to: 't', kind: 'imports' },
            ]);
          }
          const p = await s.shortestPath('s', 't');
          await s.close();
          return p!.nodes;
        };
        expect(await build(['m3', 'm1', 'm2'])).toEqual(['s', 'm1', 't']);
        expect(await build(['m2', 'm3', 'm1'])).toEqual(['s', 'm1', 't']);
      });

      it('finds paths as short as an independent breadth-first search on random graphs, in every direction', async () => {
        let seed = 11;
        const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
        const n = 120;
        const nodeIds = Array.from({ length: n }, (_, i) => `n${String(i).padStart(3, '0')}`);
        const edges: GraphEdge[] = [];
        for (let i = 0; i < n * 2; i++) {
          edges.push({ from: nodeIds[Math.floor(rand() * n)], to: nodeIds[Math.floor(rand() * n)], kind: rand() < 0.5 ? 'imports' : 'calls' });
        }
        await store.addNodes(nodeIds.map((id) => ({ id, kind: 'file' })));
        await store.addEdges(edges);
        const bfs = (from: string, to: string, dir: 'out' | 'in' | 'both', kinds?: string[]) => {
          const dist = new Map([[from, 0]]);
          let frontier = [from];
          while (frontier.length > 0 && !dist.has(to)) {
            const next: string[] = [];
            for (const u of frontier) {
              for (const e of edges) {
                if (kinds && !kinds.includes(e.kind)) continue;
                const vs = [dir !== 'in' && e.from === u ? e.to : undefined, dir !== 'out' && e.to === u ? e.from : undefined];
                for (const v of vs) if (v !== undefined && !dist.has(v)) (dist.set(v, dist.get(u)! + 1), next.push(v));
              }
            }
            frontier = next;
          }
          return dist.get(to);
        };
        for (let q = 0; q < 60; q++) {
          const from = nodeIds[Math.floor(rand() * n)];
          const to = nodeIds[Math.floor(rand() * n)];
          const dir = (['out', 'in', 'both'] as const)[q % 3];
          const kinds = q % 4 === 0 ? ['imports'] : undefined;
          const p = await store.shortestPath(from, to, { direction: dir, edgeKinds: kinds });
          const want = bfs(from, to, dir, kinds);
          expect(p === undefined ? undefined : p.edges.length, `${from} -> ${to} ${dir}`).toBe(want);
          if (!p) continue;
          expect(p.nodes[0]).toBe(from);
          expect(p.nodes[p.nodes.length - 1]).toBe(to);
          p.edges.forEach((e, i) => {
            const [a, b] = [p.nodes[i], p.nodes[i + 1]];
            const forward = e.from === a && e.to === b;
            const backward = e.from === b && e.to === a;
            expect(dir === 'out' ? forward : dir === 'in' ? backward : forward || backward).toBe(true);
            if (kinds) expect(kinds).toContain(e.kind);
          });
        }
      });

      it('rejects unknown start nodes and bad options with codes', async () => {
        await seed();
        await expectMomoCode(store.neighbours('nope'), 'GRAPH_NODE_NOT_FOUND');
        await expectMomoCode(store.dependents('nope'), 'GRAPH_NODE_NOT_FOUND');
        await expectMomoCode(store.kHop('nope', { k: 1 }), 'GRAPH_NODE_NOT_FOUND');
        await expectMomoCode(store.shortestPath('module:kb', 'nope'), 'GRAPH_NODE_NOT_FOUND');
        await expectMomoCode(store.kHop('module:kb', { k: -1 }), 'GRAPH_QUERY_INVALID');
        await expectMomoCode(store.kHop('module:kb', { k: 1.5 }), 'GRAPH_QUERY_INVALID');
        await expectMomoCode(store.neighbours('module:kb', { direction: 'up' as never }), 'GRAPH_QUERY_INVALID');
      });
    });

    describe('persistence', () => {
      it('saves and loads the same graph into a fresh store', async () => {
        await seed();
        const dir = join(tmp.root, 'graph');
        const result = await store.save(dir);
        expect(result).toEqual({ files: ['graph.json', 'manifest.json'], nodes: 8, edges: 10 });
        const fresh = await factory();
        await fresh.load(dir);
        expect(await fresh.listNodes()).toEqual(await store.listNodes());
        expect(await fresh.listEdges()).toEqual(await store.listEdges());
        expect(ids((await fresh.dependents('file:vec/index.ts', { transitive: true })).nodes)).toEqual([
          'file:kb/ingest.ts',
          'file:kb/index.ts',
        ]);
        await fresh.close();
      });

      it('writes byte-identical files for the same graph built in a different order', async () => {
        await seed();
        const other = await factory();
        await other.addNodes([...SAMPLE_GRAPH.nodes].reverse().map((n) => ({ ...n, properties: n.properties && Object.fromEntries(Object.entries(n.properties).reverse()) })));
        await other.addEdges([...SAMPLE_GRAPH.edges].reverse());
        await store.save(join(tmp.root, 'a'));
        await other.save(join(tmp.root, 'b'));
        await other.close();
        for (const f of ['graph.json', 'manifest.json']) {
          expect(readFileSync(join(tmp.root, 'b', f)).equals(readFileSync(join(tmp.root, 'a', f))), f).toBe(true);
        }
      });

      it('refuses a tampered graph file and keeps its current contents', async () => {
        await seed();
        const dir = join(tmp.root, 'graph');
        await store.save(dir);
        const path = join(dir, 'graph.json');
        writeFileSync(path, readFileSync(path, 'utf8').replace('momo-kb', 'momo-xx'));
        const other = await factory();
        await other.addNodes({ id: 'keep', kind: 'file' });
        await expectMomoCode(other.load(dir), 'GRAPH_FILE_INVALID');
        await expectMomoCode(other.load(join(tmp.root, 'missing')), 'GRAPH_FILE_INVALID');
        expect(ids(await other.listNodes())).toEqual(['keep']);
        await other.close();
      });

      it('clear empties the store and a closed store refuses work', async () => {
        await seed();
        await store.clear();
        expect((await store.stats()).nodes).toBe(0);
        const s = await factory();
        await s.close();
        await expectMomoCode(s.addNodes({ id: 'x', kind: 'file' }), 'GRAPH_STORE_CLOSED');
      });
    });

    additionalTests?.(ctx);
  });
}
