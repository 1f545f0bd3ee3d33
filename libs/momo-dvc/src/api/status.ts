import { relative, sep, resolve } from 'node:path';
import { withOperation } from '@momo/errors';
import { Repo, type RepoOptions } from '../repo/repo.js';
import { loadIndex, isSubPath, type TrackedOut } from '../repo/index.js';
import { computeOutStatus, type OutStatus } from '../planning/out-status.js';
import { dvcError } from '../errors/dvc-error.js';

export interface StatusOptions extends RepoOptions {
  /** `.dvc` files, stage addresses or output paths; default: everything */
  targets?: string[];
  jobs?: number;
}

/** One stage's findings, in DVC's order: changed deps, changed outs, always changed, changed command/checksum. */
export type StageStatus = Array<{ 'changed deps': Record<string, unknown> } | { 'changed outs': Record<string, OutStatus> } | string>;

export interface StatusResult {
  /** stage address → findings; stages without findings are omitted (DVC's `--json` shape) */
  stages: Record<string, StageStatus>;
  /** false when the project tracks nothing at all */
  hasStages: boolean;
}

/**
 * Compares the workspace with what `.dvc` files record, like `dvc status` (dvc/repo/status.py,
 * spec §11.1–11.2). Read-only: takes the repo lock shared, so statuses never wait on each other.
 * @example
 * const { stages } = await status({ cwd: '/repo' });
 * // { 'foo.dvc': [{ 'changed outs': { foo: 'modified' } }] }
 */
export async function status(opts: StatusOptions): Promise<StatusResult> {
  return withOperation('status', () =>
    Repo.withRepo(opts, 'read', async (repo) => {
      const index = loadIndex(repo);
      const outs = selectOuts(repo, opts.cwd, index.outs, opts.targets);
      const stages: Record<string, StageStatus> = {};
      const toCwd = (p: string) => relative(opts.cwd, resolve(repo.root, p)).split(sep).join('/') || '.';
      for (const out of outs) {
        const st = await computeOutStatus(repo, out, opts.jobs);
        if (!st) continue;
        const key = toCwd(out.stage);
        const list = (stages[key] ??= []);
        let bucket = list.find((x): x is { 'changed outs': Record<string, OutStatus> } => typeof x === 'object' && 'changed outs' in x);
        if (!bucket) {
          bucket = { 'changed outs': {} };
          list.push(bucket);
        }
        bucket['changed outs'][toCwd(out.rel)] = st;
      }
      return { stages, hasStages: index.stages.length > 0 };
    }),
  );
}

/** Resolves targets (a `.dvc` file, a tracked path, or a path inside/above tracked outputs). */
export function selectOuts(repo: Repo, cwd: string, outs: TrackedOut[], targets?: string[]): TrackedOut[] {
  if (!targets?.length) return outs;
  const picked = new Set<TrackedOut>();
  for (const t of targets) {
    const rel = relative(repo.root, resolve(cwd, t)).split(sep).join('/');
    const matches = outs.filter((o) => o.dvcfile === rel || isSubPath(o.rel, rel) || isSubPath(rel, o.rel));
    if (!matches.length) {
      throw dvcError('TARGET_NOT_FOUND', `'${t}' does not exist as an output or a stage name in 'dvc.yaml'`, {
        hint: 'list what is tracked with `momo ls-files`',
      });
    }
    for (const m of matches) picked.add(m);
  }
  return outs.filter((o) => picked.has(o));
}
