import type { GraphEdge, GraphNode } from '@momo/graph-store';
import type { FileRecord } from '../ingest/process-file.js';
import type { LinkResult } from './link-knowledge.js';
import { nodeId } from './link-knowledge.js';

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The code graph as typed nodes and edges, sorted (nodes by id, edges by from/kind/to):
 * - nodes `module:<name>`, `file:<path>`, `symbol:<path>#<qualifiedName>` (Markdown headings are `doc-section`s);
 * - `module -contains-> file`, `file -contains-> symbol`, `symbol -contains-> member`;
 * - `file -imports-> file` (code) and `file -references-> file` (Markdown links);
 * - `module -depends-on-> module`; `symbol|file -calls-> symbol`.
 */
export function buildGraph(records: Map<string, FileRecord>, link: LinkResult): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  for (const m of link.modules) {
    nodes.push({
      id: nodeId.module(m.name),
      kind: 'module',
      label: m.name,
      properties: { root: m.root, kind: m.kind, language: m.language, source: m.source, description: m.description },
    });
    for (const d of m.dependencies) edges.push({ from: nodeId.module(m.name), to: nodeId.module(d), kind: 'depends-on' });
  }
  const moduleNames = new Set(link.modules.map((m) => m.name));
  for (const p of [...records.keys()].sort(cmp)) {
    const r = records.get(p)!;
    const fid = nodeId.file(p);
    nodes.push({ id: fid, kind: 'file', label: p, properties: { module: r.file.module, language: r.file.language, lines: r.file.lines } });
    if (r.file.module && moduleNames.has(r.file.module)) edges.push({ from: nodeId.module(r.file.module), to: fid, kind: 'contains' });
    const byQualified = new Map(r.parsed.symbols.map((s) => [s.qualifiedName, s]));
    for (const s of r.parsed.symbols) {
      const sid = nodeId.symbol(s.id);
      nodes.push({
        id: sid,
        kind: s.kind === 'section' ? 'doc-section' : 'symbol',
        label: s.qualifiedName,
        properties: { kind: s.kind, path: s.path, startLine: s.startLine, endLine: s.endLine, exported: s.exported, signature: s.signature },
      });
      const parent = s.parent ? byQualified.get(s.parent) : undefined;
      edges.push({ from: parent ? nodeId.symbol(parent.id) : fid, to: sid, kind: 'contains' });
    }
    const kind = r.file.language === 'markdown' ? 'references' : 'imports';
    for (const t of link.fileImports.get(p) ?? []) edges.push({ from: fid, to: nodeId.file(t), kind });
  }
  for (const c of link.callEdges) edges.push({ from: c.from, to: c.to, kind: 'calls' });
  nodes.sort((a, b) => cmp(a.id, b.id));
  edges.sort((a, b) => cmp(a.from, b.from) || cmp(a.kind, b.kind) || cmp(a.to, b.to));
  return { nodes, edges };
}
