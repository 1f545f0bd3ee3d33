/**
 * The stage graph of a repository, built from every stage of every DVC file (pure: paths in,
 * graph out). Mirrors DVC 3.67.1 `dvc/repo/graph.py::build_graph`, `dvc/repo/trie.py::build_outs_trie`,
 * `dvc/repo/reproduce.py::plan_repro`/`get_active_graph` (spec §11.4–11.5), re-expressed without
 * a trie library:
 * - duplicated output → "output 'x' is specified in:\n\t- a\n\t- b\nUse `dvc remove` …";
 * - an output inside another → "The output paths:\n'<parent>'('<stage>')\n'<child>'('<stage>')\n
 *   overlap and are thus in the same tracked directory.\n…";
 * - a DVC file inside an output → "stage: '<addr>' is within an output '<out>' of another stage";
 * - edges S → P when a dependency of S equals, lies inside, or contains an output of P;
 * - a cycle → "Same item(s) are defined as both a dependency and an output in stage(s): …".
 * Edges point from a stage to the stages it depends on (as DVC's); "upstream" = dependencies.
 */
import { dvcError, EXIT } from '../errors/dvc-error.js';
import { compareCodePoints } from '../models/py-compare.js';

/** What the graph needs to know about a stage. */
export interface DagStageInput {
  /** addressing relative to the CWD, used in messages (`train`, `sub/dvc.yaml:train`, `data.dvc`) */
  address: string;
  /** repo-relative path of its DVC file */
  dvcfile: string;
  /** outputs: repo-relative normalised path and how messages show it (relative to the CWD) */
  outs: Array<{ rel: string; display: string }>;
  /** dependencies that are local paths inside the repository (repo-relative, normalised) */
  deps: Array<{ rel: string; match?: (rel: string) => boolean; base?: string }>;
  frozen?: boolean;
}

/** The graph: `edges[i]` = indices of the stages stage `i` depends on (its upstream). */
export interface StageGraph {
  size: number;
  edges: number[][];
  /** reverse edges: the stages that depend on stage `i` (its downstream) */
  dependents: number[][];
}

function isInside(child: string, parent: string): boolean {
  return parent === '' || child === parent || child.startsWith(parent + '/');
}

/**
 * Checks outputs for duplicates and overlaps, in stage order (DVC's trie insertion order).
 * @throws OUTPUT_DUPLICATED, OUTPUT_OVERLAPPING (exit 255)
 */
export function checkOutputs(stages: readonly DagStageInput[]): void {
  const owner = new Map<string, { stage: number; display: string }>();
  // every proper prefix of an inserted output → the first output inserted below it
  const firstBelow = new Map<string, string>();
  for (let i = 0; i < stages.length; i++) {
    for (const o of stages[i]!.outs) {
      const dup = owner.get(o.rel);
      if (dup) {
        const names = [...new Set([stages[i]!.address, stages[dup.stage]!.address])];
        if (names.length === 1) {
          throw dvcError('OUTPUT_DUPLICATED', `output '${o.display}' is already specified in stage: '${names[0]}'.\nUse \`dvc remove ${names[0]}\` to stop tracking the overlapping output.`, {
            hint: `keep the output in one place: edit ${stages[i]!.dvcfile}`,
            exitCode: EXIT.UNEXPECTED,
            data: { output: o.rel },
          });
        }
        throw dvcError(
          'OUTPUT_DUPLICATED',
          `output '${o.display}' is specified in:\n${names.map((n) => `\t- ${n}`).join('\n')}\nUse \`dvc remove\` with any of the above targets to stop tracking the overlapping output.`,
          { hint: `remove the output from all but one of them (e.g. \`momo remove ${names[1]}\`)`, exitCode: EXIT.UNEXPECTED, data: { output: o.rel, stages: names } },
        );
      }
      // a tracked output below this one (new out is the parent), else the shortest one above it
      let parent: { stage: number; display: string } | undefined;
      let child: { stage: number; display: string } | undefined;
      const below = firstBelow.get(o.rel);
      if (below !== undefined) {
        parent = { stage: i, display: o.display };
        child = owner.get(below);
      } else {
        const parts = o.rel.split('/');
        for (let k = 1; k < parts.length; k++) {
          const above = owner.get(parts.slice(0, k).join('/'));
          if (above) {
            parent = above;
            child = { stage: i, display: o.display };
            break;
          }
        }
      }
      if (parent && child) {
        throw dvcError(
          'OUTPUT_OVERLAPPING',
          `The output paths:\n'${parent.display}'('${stages[parent.stage]!.address}')\n'${child.display}'('${stages[child.stage]!.address}')\noverlap and are thus in the same tracked directory.\nTo keep reproducibility, outputs should be in separate tracked directories or tracked individually.`,
          { hint: 'track the directory as a whole in one stage, or give each stage its own directory', exitCode: EXIT.UNEXPECTED },
        );
      }
      owner.set(o.rel, { stage: i, display: o.display });
      const parts = o.rel.split('/');
      for (let k = 1; k < parts.length; k++) {
        const prefix = parts.slice(0, k).join('/');
        if (!firstBelow.has(prefix)) firstBelow.set(prefix, o.rel);
      }
    }
  }
}

/**
 * Builds the graph after {@link checkOutputs}: DVC files inside outputs are refused, edges are
 * added, cycles refused.
 * @throws STAGE_INSIDE_OUTPUT, PIPELINE_CYCLE (exit 255)
 */
export function buildStageGraph(stages: readonly DagStageInput[]): StageGraph {
  checkOutputs(stages);
  const outOwner = new Map<string, number>();
  const sortedOuts: string[] = [];
  stages.forEach((s, i) => {
    for (const o of s.outs) {
      outOwner.set(o.rel, i);
      sortedOuts.push(o.rel);
    }
  });
  sortedOuts.sort();
  // a DVC file inside an output directory (shortest covering output wins, as a trie prefix search)
  stages.forEach((s) => {
    const parts = s.dvcfile.split('/');
    for (let k = 1; k <= parts.length; k++) {
      const prefix = parts.slice(0, k).join('/');
      const owner = outOwner.get(prefix);
      if (owner !== undefined) {
        const display = stages[owner]!.outs.find((o) => o.rel === prefix)!.display;
        throw dvcError('STAGE_INSIDE_OUTPUT', `stage: '${s.address}' is within an output '${display}' of another stage`, {
          hint: `move '${s.dvcfile}' out of '${display}', or stop tracking '${display}' as an output`,
          exitCode: EXIT.UNEXPECTED,
        });
      }
    }
  });
  const edges: number[][] = stages.map(() => []);
  stages.forEach((s, i) => {
    const set = new Set<number>();
    for (const d of s.deps) {
      if (d.match) {
        // glob dependency (momo extension): outputs matching the pattern, inside a match, or
        // containing the pattern's static base
        for (const [rel, owner] of outOwner) {
          if (d.match(rel) || (d.base !== undefined && isInside(d.base, rel))) set.add(owner);
          else {
            const parts = rel.split('/');
            for (let k = 1; k < parts.length; k++) if (d.match(parts.slice(0, k).join('/'))) set.add(owner);
          }
        }
        continue;
      }
      // outputs that are the dependency or one of its parents
      const parts = d.rel === '' ? [] : d.rel.split('/');
      for (let k = 1; k <= parts.length; k++) {
        const owner = outOwner.get(parts.slice(0, k).join('/'));
        if (owner !== undefined) set.add(owner);
      }
      // outputs inside the dependency (a directory containing outputs)
      const prefix = d.rel === '' ? '' : d.rel + '/';
      let lo = 0;
      let hi = sortedOuts.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sortedOuts[mid]! < prefix) lo = mid + 1;
        else hi = mid;
      }
      for (let k = lo; k < sortedOuts.length && sortedOuts[k]!.startsWith(prefix); k++) set.add(outOwner.get(sortedOuts[k]!)!);
    }
    edges[i] = [...set].sort((a, b) => a - b);
  });
  const graph = withDependents(edges);
  checkAcyclic(graph, stages);
  return graph;
}

function withDependents(edges: number[][]): StageGraph {
  const dependents: number[][] = edges.map(() => []);
  edges.forEach((ups, i) => {
    for (const u of ups) dependents[u]!.push(i);
  });
  return { size: edges.length, edges, dependents };
}

function checkAcyclic(graph: StageGraph, stages: readonly DagStageInput[]): void {
  const color = new Uint8Array(graph.size);
  const stack: number[] = [];
  const visit = (n: number): number[] | undefined => {
    color[n] = 1;
    stack.push(n);
    for (const m of graph.edges[n]!) {
      if (color[m] === 1) return stack.slice(stack.indexOf(m));
      if (color[m] === 0) {
        const c = visit(m);
        if (c) return c;
      }
    }
    stack.pop();
    color[n] = 2;
    return undefined;
  };
  for (let i = 0; i < graph.size; i++) {
    if (color[i] !== 0) continue;
    const cycle = visit(i);
    if (cycle) {
      const names = cycle.map((k) => stages[k]!.address);
      throw dvcError(
        'PIPELINE_CYCLE',
        `Same item(s) are defined as both a dependency and an output in ${names.length === 1 ? 'stage' : 'stages'}: ${names.join(', ')}.`,
        { hint: 'a stage cannot (even indirectly) depend on its own output: remove one of the dependencies', exitCode: EXIT.UNEXPECTED, data: { stages: names } },
      );
    }
  }
}

/** `get_active_graph`: frozen stages do not pull in their upstream (their out-edges removed). */
export function activeGraph(graph: StageGraph, stages: readonly Pick<DagStageInput, 'frozen'>[]): StageGraph {
  return withDependents(graph.edges.map((e, i) => (stages[i]!.frozen ? [] : e)));
}

/** Stages reachable from `sources` following dependencies (or dependents with `downstream`). */
export function reachable(graph: StageGraph, sources: readonly number[], downstream = false): Set<number> {
  const adj = downstream ? graph.dependents : graph.edges;
  const seen = new Set<number>();
  const stack = [...sources];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const m of adj[n]!) if (!seen.has(m)) stack.push(m);
  }
  return seen;
}

/** The weakly connected component ("pipeline") of each node: component id per node. */
export function components(graph: StageGraph): number[] {
  const comp = new Array<number>(graph.size).fill(-1);
  let id = 0;
  for (let i = 0; i < graph.size; i++) {
    if (comp[i] !== -1) continue;
    const stack = [i];
    while (stack.length) {
      const n = stack.pop()!;
      if (comp[n] !== -1) continue;
      comp[n] = id;
      for (const m of graph.edges[n]!) if (comp[m] === -1) stack.push(m);
      for (const m of graph.dependents[n]!) if (comp[m] === -1) stack.push(m);
    }
    id++;
  }
  return comp;
}

/**
 * `plan_repro`: the stages to consider, every stage after all of its (selected) dependencies.
 * - default: targets plus their upstream;
 * - `downstream`: targets plus their downstream;
 * - `pipeline`: the whole pipelines containing the targets;
 * - no targets: every stage.
 * Among independent stages the order follows the targets, then collection order (DVC's order
 * there is unspecified).
 */
export function planOrder(graph: StageGraph, targets: readonly number[] | undefined, opts: { downstream?: boolean; pipeline?: boolean } = {}): number[] {
  let selected: Set<number>;
  if (!targets) selected = new Set(Array.from({ length: graph.size }, (_, i) => i));
  else if (opts.pipeline) {
    const comp = components(graph);
    const wanted = new Set(targets.map((t) => comp[t]));
    selected = new Set([...Array(graph.size).keys()].filter((i) => wanted.has(comp[i]!)));
  } else selected = reachable(graph, targets, opts.downstream);
  const order: number[] = [];
  const done = new Set<number>();
  const visit = (n: number) => {
    if (done.has(n)) return;
    done.add(n);
    for (const m of graph.edges[n]!) if (selected.has(m)) visit(m);
    order.push(n);
  };
  for (const t of targets ?? []) visit(t);
  for (let i = 0; i < graph.size; i++) if (selected.has(i)) visit(i);
  return order;
}

/** Sorts strings by code point (used for deterministic renderings). */
export function sortedByCodePoint(items: Iterable<string>): string[] {
  return [...items].sort(compareCodePoints);
}
