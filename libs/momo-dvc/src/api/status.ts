import { relative, sep, resolve } from 'node:path';
import { withOperation } from '@momo/errors';
import { Repo, type RepoOptions } from '../repo/repo.js';
import { loadIndex, isSubPath, type TrackedOut, type RepoIndex, type IndexStage } from '../repo/index.js';
import { dvcError } from '../errors/dvc-error.js';
import { collectTargets, addressOf, type StageSelection } from '../repo/targets.js';
import { computeStageStatus, createStatusContext, closeStatusContext, type StageStatusList } from '../planning/stage-status.js';
import { buildIndexGraph } from '../repo/index-graph.js';
import { reachable } from '../planning/dag.js';

export interface StatusOptions extends RepoOptions {
  /** `.dvc` files, stage addresses (`train`, `sub/dvc.yaml:train`) or output paths; default: everything */
  targets?: string[];
  /** `--with-deps`: also the upstream stages of the targets */
  withDeps?: boolean;
  /** `-R`: directory targets select every stage inside them */
  recursive?: boolean;
  jobs?: number;
}

/** One stage's findings, in DVC's order: changed deps, changed outs, always changed, changed command/checksum. */
export type StageStatus = StageStatusList;

export interface StatusResult {
  /** stage address (relative to the CWD) → findings; stages without findings are omitted (DVC's `--json` shape) */
  stages: Record<string, StageStatus>;
  /** false when the project tracks nothing at all */
  hasStages: boolean;
  /** `WARNING:` lines (frozen stages, templating) */
  warnings: string[];
}

/**
 * Compares the workspace with what `.dvc` files and `dvc.lock` record, like `dvc status`
 * (dvc/repo/status.py, spec §11.1–11.2, E18, E19). Read-only: takes the repo lock shared, so
 * statuses never wait on each other.
 * @throws TARGET_NOT_FOUND, STAGE_NOT_FOUND, PIPELINE_FILE_INVALID, LOCKFILE_INVALID,
 *   TEMPLATE_RESOLVE_FAILED (the CLI exits 1 for all of them, as DVC's status does)
 * @example
 * const { stages } = await status({ cwd: '/repo' });
 * // { 'foo.dvc': [{ 'changed outs': { foo: 'modified' } }], train: ['changed command'] }
 */
export async function status(opts: StatusOptions): Promise<StatusResult> {
  return withOperation('status', () =>
    Repo.withRepo(opts, 'read', async (repo) => {
      const index = loadIndex(repo);
      const pairs = selectStages(repo, index, opts.cwd, opts);
      const ctx = createStatusContext(repo, opts.cwd, opts.jobs);
      const stages: Record<string, StageStatus> = {};
      const warnings: string[] = [];
      for (const p of index.pipelines) {
        warnings.push(...p.warnings);
        if (p.extensions.length) warnings.push(`'${relative(opts.cwd, resolve(repo.root, p.path)).split(sep).join('/')}' uses momo extensions (${p.extensions.join(', ')}): real DVC cannot reproduce these stages`);
      }
      try {
        for (const { stage, filter } of pairs) {
          const address = addressOf(repo, opts.cwd, stage);
          if (stage.kind === 'pipeline' && stage.frozen) warnings.push(`stage: '${address}' is frozen. Its dependencies are not going to be shown in the status output.`);
          const only = filter === undefined ? undefined : (o: TrackedOut) => isSubPath(filter, o.rel);
          const list = await computeStageStatus(ctx, stage, only);
          if (list.length) stages[address] = list;
        }
      } finally {
        closeStatusContext(ctx);
      }
      return { stages, hasStages: index.all.length > 0, warnings };
    }),
  );
}

/** The (stage, output filter) pairs a status-like command looks at (`collect_granular`). */
export function selectStages(repo: Repo, index: RepoIndex, cwd: string, opts: { targets?: string[]; withDeps?: boolean; recursive?: boolean }): StageSelection[] {
  if (!opts.targets?.length) return index.all.map((stage) => ({ stage }));
  const picked = collectTargets(repo, index, cwd, opts.targets, { outputs: true, recursive: opts.recursive });
  if (!opts.withDeps) return picked;
  const { graph, position } = buildIndexGraph(repo, index, cwd);
  const ids = reachable(graph, picked.map((p) => position.get(p.stage)!));
  const out: StageSelection[] = [...picked];
  const have = new Set<IndexStage>(picked.map((p) => p.stage));
  index.all.forEach((s, i) => {
    if (ids.has(i) && !have.has(s)) out.push({ stage: s });
  });
  return out;
}

/**
 * Resolves targets (a `.dvc` file, a stage, a tracked path, or a path inside/above tracked
 * outputs) to the outputs they cover. Stage targets need `index`.
 */
export function selectOuts(repo: Repo, cwd: string, outs: TrackedOut[], targets?: string[], index?: RepoIndex): TrackedOut[] {
  if (!targets?.length) return outs;
  const picked = new Set<TrackedOut>();
  for (const t of targets) {
    const rel = relative(repo.root, resolve(cwd, t)).split(sep).join('/');
    let matches = outs.filter((o) => o.dvcfile === rel || isSubPath(o.rel, rel) || isSubPath(rel, o.rel));
    if (!matches.length && index) {
      // a stage name / address: its outputs
      let stages: StageSelection[] = [];
      try {
        stages = collectTargets(repo, index, cwd, [t], { outputs: true });
      } catch {
        // not a stage either: reported below with DVC's message
        stages = [];
      }
      const chosen = new Set(stages.map((s) => s.stage));
      matches = outs.filter((o) => chosen.has(o.source));
    }
    if (!matches.length) {
      throw dvcError('TARGET_NOT_FOUND', `'${t}' does not exist as an output or a stage name in 'dvc.yaml'`, {
        hint: 'list what is tracked with `momo ls-files`',
      });
    }
    for (const m of matches) picked.add(m);
  }
  return outs.filter((o) => picked.has(o));
}
