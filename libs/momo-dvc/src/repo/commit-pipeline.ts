/**
 * `dvc commit` for dvc.yaml stages (spec §12.5, E3, E25), mirroring DVC 3.67.1
 * `dvc/repo/commit.py::commit`:
 * - without `force`, a stage whose deps/outs (workspace status) or command changed needs a yes to
 *   "dependencies ['a'] and outputs ['b'] of stage: 'x' changed. Are you sure you want to commit
 *   it?"; no answer means "unable to commit changed stage: 'x'. Use `-f|--force` to force.";
 * - a changed (or forced) stage is re-saved and gets a run-cache entry when eligible (plain
 *   `cache: false` outputs included: they are copied into the cache); an unchanged one is only
 *   committed;
 * - outputs are stored in the cache and relinked; the stage's dvc.lock entry is written.
 */
import { isMomoError } from '@momo/errors';
import type { Repo } from './repo.js';
import type { RepoIndex } from './index.js';
import type { PipelineStageEntry } from './pipeline-index.js';
import { collectTargets, addressOf } from './targets.js';
import { changedEntries, createStatusContext, closeStatusContext } from '../planning/stage-status.js';
import { saveStage, storeUncachedOuts, writeLockEntry, isRunCacheEligible } from './stage-save.js';
import { RunCache } from '../managers/run-cache.js';
import { pyRepr } from '../models/templating/py-str.js';
import { dvcError } from '../errors/dvc-error.js';

/** Options the pipeline part of `commit` reads. */
export interface CommitPipelineOptions {
  cwd: string;
  targets?: string[];
  force?: boolean;
  noRelink?: boolean;
  jobs?: number;
  /** answers DVC's "Are you sure you want to commit it?" (absent: no) */
  confirm?: (message: string) => Promise<boolean>;
}

/** What the pipeline part did; targets it did not handle go to the `.dvc` path of `commit`. */
export interface CommitPipelineResult {
  handledTargets: string[];
  committed: string[];
  messages: string[];
  gitFiles: string[];
}

/** The commit question DVC asks for a changed stage (`_prepare_message`). */
export function commitQuestion(address: string, changes: { deps: string[]; outs: string[]; stage?: string }): string {
  const stage = `stage: '${address}'`;
  let msg: string;
  if (changes.deps.length && changes.outs.length) msg = `dependencies ${pyRepr(changes.deps)} and outputs ${pyRepr(changes.outs)} of ${stage} changed.`;
  else if (changes.deps.length) msg = `dependencies ${pyRepr(changes.deps)} of ${stage} changed.`;
  else if (changes.outs.length) msg = `outputs ${pyRepr(changes.outs)} of ${stage} changed.`;
  else msg = `'cmd' of ${stage} has changed.`;
  return `${msg} Are you sure you want to commit it?`;
}

/** Commits the dvc.yaml stages named by `targets` (all of them without targets). */
export async function commitPipelineStages(repo: Repo, index: RepoIndex, opts: CommitPipelineOptions): Promise<CommitPipelineResult> {
  const res: CommitPipelineResult = { handledTargets: [], committed: [], messages: [], gitFiles: [] };
  let stages: PipelineStageEntry[] = [];
  if (!opts.targets?.length) {
    stages = index.all.filter((s): s is PipelineStageEntry => s.kind === 'pipeline');
  } else {
    for (const t of opts.targets) {
      let picked;
      try {
        picked = collectTargets(repo, index, opts.cwd, [t], { outputs: true });
      } catch (e) {
        // not a pipeline target: the `.dvc` path reports it
        if (isMomoError(e)) continue;
        throw e;
      }
      if (!picked.length || picked.some((p) => p.stage.kind !== 'pipeline')) continue;
      res.handledTargets.push(t);
      for (const p of picked) if (!stages.includes(p.stage as PipelineStageEntry)) stages.push(p.stage as PipelineStageEntry);
    }
  }
  if (!stages.length) return res;
  const ctx = createStatusContext(repo, opts.cwd, opts.jobs);
  const runCache = new RunCache(repo.odb.cacheDir);
  try {
    for (const s of stages) {
      const address = addressOf(repo, opts.cwd, s);
      let resave = Boolean(opts.force);
      if (!opts.force) {
        const changes = await changedEntries(ctx, s);
        if (changes.deps.length || changes.outs.length || changes.stage) {
          const ok = opts.confirm ? await opts.confirm(commitQuestion(address, changes)) : false;
          if (!ok) {
            throw dvcError('STAGE_CHANGED', `unable to commit changed stage: '${address}'. Use \`-f|--force\` to force.`, {
              hint: `check the changes with \`momo status ${address}\`, then run \`momo commit -f ${address}\``,
            });
          }
          resave = true;
        }
      }
      const saved = await saveStage(ctx, s, { commit: true, relink: !opts.noRelink });
      if (resave && isRunCacheEligible(s)) {
        await storeUncachedOuts(ctx, s);
        runCache.save(saved.entry, repo.odb.dirMode);
      }
      const w = writeLockEntry(repo, opts.cwd, s, saved.entry);
      res.messages.push(...w.messages);
      if (w.modified) res.gitFiles.push(w.path);
      res.gitFiles.push(...saved.gitignores);
      res.committed.push(address);
    }
  } finally {
    closeStatusContext(ctx);
  }
  res.gitFiles = [...new Set(res.gitFiles)];
  return res;
}
