/**
 * The stage graph of a loaded index: every `.dvc` file and dvc.yaml stage of the repository
 * (planning/dag.ts does the pure work; this file maps index stages onto it).
 */
import { relative, sep } from 'node:path';
import type { Repo } from './repo.js';
import type { IndexStage, RepoIndex } from './index.js';
import { outsOfStages } from './index.js';
import { addressOf } from './targets.js';
import { buildStageGraph, type DagStageInput, type StageGraph } from '../planning/dag.js';
import { globMatcher, splitGlob } from './glob-deps.js';
import { dvcError, EXIT } from '../errors/dvc-error.js';

/** The graph of an index and where each stage sits in it. */
export interface IndexGraph {
  graph: StageGraph;
  /** `index.all` order */
  stages: IndexStage[];
  position: Map<IndexStage, number>;
  inputs: DagStageInput[];
}

/**
 * Builds (and checks) the graph of all stages: duplicated/overlapping outputs, DVC files inside
 * outputs, cached outputs outside the repository, cycles.
 * @throws OUTPUT_DUPLICATED, OUTPUT_OVERLAPPING, STAGE_INSIDE_OUTPUT, OUTPUT_OUTSIDE_REPO, PIPELINE_CYCLE
 */
export function buildIndexGraph(repo: Repo, index: RepoIndex, cwd: string): IndexGraph {
  const show = (abs: string) => relative(cwd, abs).split(sep).join('/') || '.';
  const inputs: DagStageInput[] = index.all.map((s) => {
    const address = addressOf(repo, cwd, s);
    if (s.kind === 'dvcfile') {
      const outs = outsOfStages(repo, [s]);
      return { address, dvcfile: s.path, outs: outs.map((o) => ({ rel: o.rel, display: show(o.abs) })), deps: [], frozen: s.model.raw.frozen === true };
    }
    const external = s.outs.filter((o) => !o.inRepo && o.cache);
    if (external.length) {
      throw dvcError(
        'OUTPUT_OUTSIDE_REPO',
        `Cached output(s) outside of DVC project: ${external.map((o) => o.entry.path).join(', ')}. See <https://dvc.org/doc/user-guide/pipelines/external-dependencies-and-outputs> for more info.`,
        { hint: `move the output inside the repository, or mark it \`cache: false\` in ${s.path}`, exitCode: EXIT.UNEXPECTED },
      );
    }
    const deps: DagStageInput['deps'] = [];
    for (const d of [...s.deps, ...s.params]) {
      if (!d.inRepo) continue;
      if ('glob' in d && d.glob) deps.push({ rel: d.rel, match: globMatcher(d.rel), base: splitGlob(d.rel).base });
      else deps.push({ rel: d.rel });
    }
    return {
      address,
      dvcfile: s.path,
      outs: s.outs.filter((o) => o.inRepo).map((o) => ({ rel: o.rel, display: show(o.abs) })),
      deps,
      frozen: s.frozen,
    };
  });
  const graph = buildStageGraph(inputs);
  const position = new Map<IndexStage, number>();
  index.all.forEach((s, i) => position.set(s, i));
  return { graph, stages: index.all, position, inputs };
}
