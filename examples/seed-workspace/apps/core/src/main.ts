import { Graph, shortestPath } from '@seed/graph-client';

/** Builds the module graph of the workspace from `[from, to]` import pairs. */
export function buildModuleGraph(imports: Array<[string, string]>): Graph {
  const graph = new Graph();
  for (const [from, to] of imports) graph.addEdge({ from, to, kind: 'imports' });
  return graph;
}

/** Answers a question from the knowledge base: how one module reaches another through imports. */
export function explainConnection(graph: Graph, from: string, to: string): string {
  const path = shortestPath(graph, from, to);
  return path ? path.join(' -> ') : `${from} does not reach ${to}`;
}
