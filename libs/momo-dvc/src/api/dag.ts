import { relative, sep } from 'node:path';
import { withOperation } from '@momo/errors';
import { Repo, type RepoOptions } from '../repo/repo.js';
import { loadIndex, outsOfStages, type IndexStage } from '../repo/index.js';
import { buildIndexGraph } from '../repo/index-graph.js';
import { collectTargets, addressOf } from '../repo/targets.js';
import { components, reachable } from '../planning/dag.js';
import { compareCodePoints } from '../models/py-compare.js';

export interface DagOptions extends RepoOptions {
  /** keep only this stage (or output) and its upstream */
  target?: string;
  /** with a target: the whole pipeline it belongs to */
  full?: boolean;
  /** `-o`: a graph of outputs instead of stages */
  outs?: boolean;
}

/** A DAG for display: nodes are stage addresses (or output paths), edges dependency → dependent. */
export interface DagResult {
  /** node names in collection order */
  nodes: string[];
  /** `[dependency, dependent]` pairs */
  edges: Array<[string, string]>;
  /** weakly connected components ("pipelines"), each in node order, ordered by their first node */
  pipelines: string[][];
}

/**
 * The stage graph as `dvc dag` shows it (dvc/commands/dag.py, spec §12.4, E20). Building it
 * checks the whole repository (cycles, duplicated and overlapping outputs).
 * @throws PIPELINE_CYCLE, OUTPUT_DUPLICATED, OUTPUT_OVERLAPPING, STAGE_NOT_FOUND, …
 * @example
 * renderDagMermaid(await dag({ cwd: '/repo' }));
 */
export async function dag(opts: DagOptions): Promise<DagResult> {
  return withOperation('dag', () =>
    Repo.withRepo(opts, 'read', async (repo) => {
      const index = loadIndex(repo);
      const ig = buildIndexGraph(repo, index, opts.cwd);
      const n = index.all.length;
      let keep = new Set<number>(Array.from({ length: n }, (_, i) => i));
      if (opts.target) {
        const picked = collectTargets(repo, index, opts.cwd, [opts.target], { outputs: true }).map((p) => ig.position.get(p.stage)!);
        const base = opts.full ? keep : reachable(ig.graph, picked);
        // then the connected component(s) of the targets within what is left
        const comp = components({
          size: n,
          edges: ig.graph.edges.map((e, i) => (base.has(i) ? e.filter((j) => base.has(j)) : [])),
          dependents: ig.graph.dependents.map((d, i) => (base.has(i) ? d.filter((j) => base.has(j)) : [])),
        });
        const wanted = new Set(picked.map((p) => comp[p]));
        keep = new Set([...base].filter((i) => wanted.has(comp[i])));
      }
      const name = (s: IndexStage) => addressOf(repo, opts.cwd, s);
      if (!opts.outs) {
        const nodes = index.all.filter((_, i) => keep.has(i)).map(name);
        const edges: Array<[string, string]> = [];
        ig.graph.edges.forEach((ups, i) => {
          if (!keep.has(i)) return;
          for (const u of ups) if (keep.has(u)) edges.push([name(index.all[u]!), name(index.all[i]!)]);
        });
        return { nodes, edges, pipelines: pipelinesOf(nodes, edges) };
      }
      // outputs graph: an edge when an output of S was produced from an output of P (S depends on P)
      const outNames = (i: number) => {
        const s = index.all[i]!;
        const outs = s.kind === 'pipeline' ? s.outs.filter((o) => o.inRepo !== false) : outsOfStages(repo, [s]);
        return outs.map((o) => relative(opts.cwd, o.abs).split(sep).join('/'));
      };
      const nodes: string[] = [];
      const edges: Array<[string, string]> = [];
      for (let i = 0; i < n; i++) if (keep.has(i)) nodes.push(...outNames(i));
      ig.graph.edges.forEach((ups, i) => {
        if (!keep.has(i)) return;
        for (const u of ups) if (keep.has(u)) for (const from of outNames(u)) for (const to of outNames(i)) edges.push([from, to]);
      });
      return { nodes, edges, pipelines: pipelinesOf(nodes, edges) };
    }),
  );
}

function pipelinesOf(nodes: string[], edges: Array<[string, string]>): string[][] {
  const id = new Map(nodes.map((n, i) => [n, i]));
  const adj: number[][] = nodes.map(() => []);
  for (const [a, b] of edges) {
    adj[id.get(a)!]!.push(id.get(b)!);
    adj[id.get(b)!]!.push(id.get(a)!);
  }
  const comp = new Array<number>(nodes.length).fill(-1);
  const out: string[][] = [];
  for (let i = 0; i < nodes.length; i++) {
    if (comp[i] !== -1) continue;
    const members: number[] = [];
    const stack = [i];
    while (stack.length) {
      const k = stack.pop()!;
      if (comp[k] !== -1) continue;
      comp[k] = out.length;
      members.push(k);
      for (const m of adj[k]!) if (comp[m] === -1) stack.push(m);
    }
    out.push(members.sort((a, b) => a - b).map((k) => nodes[k]!));
  }
  return out;
}

/** `dvc dag --mermaid` (or `--md`: wrapped in a fenced block), exactly as DVC prints it. */
export function renderDagMermaid(d: DagResult, markdown = false): string {
  let text = 'flowchart TD';
  let total = 0;
  for (const p of d.pipelines) {
    const ids = new Map<string, string>();
    for (const node of [...p].sort(compareCodePoints)) {
      total++;
      ids.set(node, `node${total}`);
      text += `\n\t${ids.get(node)}["${node}"]`;
    }
    const members = new Set(p);
    const edges = d.edges.filter(([a]) => members.has(a)).sort((x, y) => compareCodePoints(x[0], y[0]) || compareCodePoints(x[1], y[1]));
    for (const [a, b] of edges) text += `\n\t${ids.get(a)}-->${ids.get(b)}`;
  }
  return markdown ? `\`\`\`mermaid\n${text}\n\`\`\`` : text;
}

function quoteLabel(label: string): string {
  return label.startsWith('"') || label.endsWith('"') ? label : `"${label}"`;
}

/** `dvc dag --dot`: pydot's `strict digraph`, nodes then edges (dependency -> dependent). */
export function renderDagDot(d: DagResult): string {
  const lines = ['strict digraph {'];
  for (const n of d.nodes) lines.push(`${quoteLabel(n)};`);
  for (const [a, b] of d.edges) lines.push(`${quoteLabel(a)} -> ${quoteLabel(b)};`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

/**
 * A plain-text drawing (momo's own layout; DVC's grandalf ASCII art is not reproduced): one block
 * per pipeline, stages boxed in an order where every stage comes after what it depends on, then
 * the edges.
 */
export function renderDagAscii(d: DagResult): string {
  const blocks: string[] = [];
  for (const p of d.pipelines) {
    const members = new Set(p);
    const edges = d.edges.filter(([a]) => members.has(a));
    const order: string[] = [];
    const done = new Set<string>();
    const visit = (n: string) => {
      if (done.has(n)) return;
      done.add(n);
      for (const [a, b] of edges) if (b === n) visit(a);
      order.push(n);
    };
    for (const n of p) visit(n);
    const lines: string[] = [];
    const chain = edges.length === order.length - 1 && order.every((n, i) => i === 0 || edges.some(([a, b]) => a === order[i - 1] && b === n));
    order.forEach((n, i) => {
      const bar = '+' + '-'.repeat(n.length + 2) + '+';
      if (i > 0) lines.push(chain ? ' '.repeat(Math.floor(bar.length / 2)) + '*' : '');
      lines.push(bar, `| ${n} |`, bar);
    });
    if (!chain && edges.length) {
      lines.push('');
      for (const [a, b] of edges) lines.push(`${a} -> ${b}`);
    }
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n') + (blocks.length ? '\n' : '');
}
