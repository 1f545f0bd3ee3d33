/** A directed edge between two node ids, with a kind such as `imports` or `calls`. */
export interface Edge {
  from: string;
  to: string;
  kind: string;
}

/** A directed graph of string node ids kept in adjacency lists. */
export class Graph {
  private readonly out = new Map<string, Edge[]>();

  /** Adds a node without edges; adding an existing node changes nothing. */
  addNode(id: string): void {
    if (!this.out.has(id)) this.out.set(id, []);
  }

  /** Adds a directed edge, creating both end nodes when they are new. */
  addEdge(edge: Edge): void {
    this.addNode(edge.from);
    this.addNode(edge.to);
    this.out.get(edge.from)!.push(edge);
  }

  /** Lists the nodes one edge away from a node, in insertion order. */
  neighbours(id: string): string[] {
    return (this.out.get(id) ?? []).map((e) => e.to);
  }
}

/**
 * Finds the shortest path between two nodes of the graph by breadth-first search, or returns
 * undefined when the target cannot be reached.
 */
export function shortestPath(graph: Graph, from: string, to: string): string[] | undefined {
  const previous = new Map<string, string>([[from, from]]);
  const queue = [from];
  while (queue.length) {
    const node = queue.shift()!;
    if (node === to) {
      const path = [to];
      while (path[0] !== from) path.unshift(previous.get(path[0])!);
      return path;
    }
    for (const next of graph.neighbours(node)) {
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return undefined;
}
