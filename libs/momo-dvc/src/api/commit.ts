import { relative, resolve, sep, join } from 'node:path';
import { withOperation } from '@momo/errors';
import { Repo, type RepoOptions } from '../repo/repo.js';
import { loadIndex, isSubPath, type TrackedOut, type DvcFileStage } from '../repo/index.js';
import { computeOutStatus } from '../planning/out-status.js';
import { commitOutputData, entryFromHash, rewriteDvcFile, storingHashOptions } from '../repo/commit-out.js';
import { hashOutput } from '../hashing/hash-output.js';
import { dvcError } from '../errors/dvc-error.js';
import type { OutEntry } from '../models/dvcfile.js';
import { selectOuts } from './status.js';
import { commitPipelineStages } from '../repo/commit-pipeline.js';

export interface CommitOptions extends RepoOptions {
  /** `.dvc` files, stages or paths (also paths inside a tracked directory: granular commit) */
  targets?: string[];
  /** commit even when outputs changed since they were recorded */
  force?: boolean;
  /** keep workspace files as they are (no relink to the configured link type) */
  noRelink?: boolean;
  jobs?: number;
  /** answers "… of stage: 'x' changed. Are you sure you want to commit it?" (absent: no) */
  confirm?: (message: string) => Promise<boolean>;
}

export interface CommitResult {
  /** stages (`.dvc` files, dvc.yaml stage addresses) whose outputs were committed */
  committed: string[];
  /** lines DVC logs ("Updating lock file 'dvc.lock'") */
  messages: string[];
  /** files to `git add` (absolute): dvc.lock and .gitignore files that changed */
  gitFiles: string[];
}

/**
 * Records the current workspace data of tracked outputs and stores it in the cache, like
 * `dvc commit` (dvc/repo/commit.py, spec §12.5 and E25). Without `force`, an output whose data
 * changed since it was recorded is refused (DVC asks; non-interactive means no).
 * @throws STAGE_CHANGED ("unable to commit changed stage"), TARGET_NOT_FOUND
 */
export async function commit(opts: CommitOptions): Promise<CommitResult> {
  return withOperation('commit', () =>
    Repo.withRepo(opts, 'write', async (repo) => {
      const index = loadIndex(repo);
      const targets = opts.targets ?? [];
      // dvc.yaml stages: DVC's `commit` over collect_granular (repo/commit-pipeline.ts)
      const piped = await commitPipelineStages(repo, index, opts);
      if (piped.handledTargets.length === targets.length && targets.length) {
        return { committed: piped.committed, messages: piped.messages, gitFiles: piped.gitFiles };
      }
      const dvcTargets = targets.filter((t) => !piped.handledTargets.includes(t));
      // a target inside a tracked directory commits just that part of it (granular commit)
      const granular: Array<{ out: TrackedOut; sub: string }> = [];
      const whole: string[] = [];
      const dvcOuts = index.outs.filter((o) => o.source.kind === 'dvcfile');
      for (const t of dvcTargets) {
        const rel = relative(repo.root, resolve(opts.cwd, t)).split(sep).join('/');
        const parent = dvcOuts.find((o) => o.rel !== rel && isSubPath(rel, o.rel) && o.dvcfile !== rel);
        if (parent) granular.push({ out: parent, sub: rel.slice(parent.rel.length + 1) });
        else whole.push(t);
      }
      const outs = whole.length || !targets.length ? selectOuts(repo, opts.cwd, dvcOuts, whole.length ? whole : undefined) : [];
      const byStage = new Map<DvcFileStage, Map<number, OutEntry>>();
      if (!opts.force) {
        for (const out of outs) {
          const st = await computeOutStatus(repo, out, opts.jobs);
          if (st === 'modified' || st === 'deleted') {
            throw dvcError('STAGE_CHANGED', `unable to commit changed stage: '${out.stage}'. Use \`-f|--force\` to force.`, {
              hint: `check the changes with \`momo status ${out.stage}\`, then run \`momo commit -f ${out.stage}\``,
            });
          }
        }
      }
      for (const out of outs) {
        if (!out.cache) continue;
        const h = await commitOutputData(repo, out, { jobs: opts.jobs, relink: !opts.noRelink });
        if (!h) throw dvcError('OUTPUT_NOT_FOUND', `output '${out.rel}' does not exist`, { hint: `restore it with \`momo checkout ${out.stage}\`` });
        const source = out.source as DvcFileStage;
        const m = byStage.get(source) ?? new Map<number, OutEntry>();
        m.set(out.index, entryFromHash(out.entry, h));
        byStage.set(source, m);
      }
      for (const { out, sub } of granular) {
        // store the directory's manifest and the objects under `sub` only
        const md5 = out.entry.md5;
        if (!md5?.endsWith('.dir')) continue;
        const h = await hashOutput(out.abs, storingHashOptions(repo, opts.jobs, false));
        if (!h?.tree) continue;
        if (h.md5 !== md5 && !opts.force) {
          throw dvcError('STAGE_CHANGED', `unable to commit changed stage: '${out.stage}'. Use \`-f|--force\` to force.`, {
            hint: `run \`momo commit -f ${out.stage}\``,
          });
        }
        repo.odb.addBytes(h.md5, h.manifest!);
        await hashOutput(join(out.abs, sub), storingHashOptions(repo, opts.jobs));
      }
      for (const [stage, repl] of byStage) rewriteDvcFile(repo, stage, repl);
      const committed = [...new Set([...byStage.keys()].map((s) => s.path).concat(granular.map((g) => g.out.stage)))];
      return { committed: [...piped.committed, ...committed], messages: piped.messages, gitFiles: piped.gitFiles };
    }),
  );
}
