/**
 * The stage-to-stage edges of the DVC graph across every `dvc.yaml` of the workspace, following
 * DVC's rule (dvc-compat §11.4, DVC `dvc/repo/graph.py::build_graph`): stage S depends on stage P
 * when one of S's path dependencies (deps and params files) equals one of P's outputs, lies inside
 * it, or contains it. Pure: works on {@link PipelineInfo}s only.
 *
 * A dependency written as a glob (momo's glob-dependency extension, before the sync generator
 * expands it) is related to every output one of its matches would be related to.
 */
import { globTouches, hasGlobMagic } from './glob.js';
import type { PipelineInfo, StageInfo } from './pipelines.js';

/** An edge "stage `from` reads what stage `to` writes". */
export interface StageEdge {
  from: StageInfo;
  to: StageInfo;
  /** the dependency of `from` that matched */
  dep: string;
  /** the output of `to` that matched */
  out: string;
}

function isInside(child: string, parent: string): boolean {
  return parent === '.' || child.startsWith(`${parent}/`);
}

/**
 * Computes every edge between stages (self-edges, which DVC reports as cycles, are left out: the
 * engine reports them when it runs). Output lookup is by exact path and by parent directories; the
 * "output inside a dependency directory" case uses a sorted list and a prefix search.
 */
export function computeStageEdges(pipelines: readonly PipelineInfo[]): StageEdge[] {
  const byPath = new Map<string, StageInfo[]>();
  for (const p of pipelines) {
    for (const s of p.stages) {
      for (const o of s.outs) {
        if (!o.path) continue;
        const list = byPath.get(o.path);
        if (list) list.push(s);
        else byPath.set(o.path, [s]);
      }
    }
  }
  const sortedOuts = [...byPath.keys()].sort();
  const edges: StageEdge[] = [];
  const seen = new Set<string>();
  const add = (from: StageInfo, to: StageInfo, dep: string, out: string) => {
    if (from === to) return;
    const key = `${from.file}\0${from.name}\0${to.file}\0${to.name}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push({ from, to, dep, out });
  };
  for (const p of pipelines) {
    for (const s of p.stages) {
      const deps = [...s.deps.map((d) => d.path).filter((d): d is string => d !== undefined), ...s.paramsFiles];
      for (const dep of deps) {
        if (hasGlobMagic(dep)) {
          for (const out of sortedOuts) if (globTouches(dep, out)) for (const producer of byPath.get(out)!) add(s, producer, dep, out);
          continue;
        }
        // the output is the dependency or one of its parent directories
        for (let cur = dep; ; ) {
          for (const producer of byPath.get(cur) ?? []) add(s, producer, dep, cur);
          const slash = cur.lastIndexOf('/');
          if (slash < 0) break;
          cur = cur.slice(0, slash);
        }
        // outputs inside the dependency directory
        const prefix = dep === '.' ? '' : `${dep}/`;
        let lo = 0;
        let hi = sortedOuts.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (sortedOuts[mid] < prefix) lo = mid + 1;
          else hi = mid;
        }
        for (let i = lo; i < sortedOuts.length && isInside(sortedOuts[i], dep); i++) {
          for (const producer of byPath.get(sortedOuts[i]) ?? []) add(s, producer, dep, sortedOuts[i]);
        }
      }
    }
  }
  return edges;
}
