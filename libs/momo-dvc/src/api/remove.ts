import * as fs from 'node:fs';
import { relative, resolve, sep, join } from 'node:path';
import { withOperation } from '@momo/errors';
import { Repo, type RepoOptions } from '../repo/repo.js';
import { loadIndex } from '../repo/index.js';
import { unprotectOutput } from '../repo/output-ops.js';
import { dvcError } from '../errors/dvc-error.js';
import { DVC_FILE_SUFFIX } from '../constants.js';

export interface RemoveOptions extends RepoOptions {
  /** `.dvc` files to remove */
  targets: string[];
  /** also delete the outputs from the workspace */
  outs?: boolean;
}

export interface RemoveResult {
  /** repo-relative `.dvc` files removed */
  removed: string[];
  /** .gitignore files changed (absolute) */
  gitignores: string[];
}

/**
 * Stops tracking data: deletes the `.dvc` file and the output's `.gitignore` entry, after making
 * the workspace files plain writable copies (or deleting them with `outs`), like `dvc remove`
 * (dvc/stage/__init__.py::remove, spec §6.5 and A16). The cache is never touched.
 * @throws NOT_A_DVC_FILE, TARGET_NOT_FOUND
 */
export async function remove(opts: RemoveOptions): Promise<RemoveResult> {
  return withOperation('remove', () =>
    Repo.withRepo(opts, 'write', async (repo) => {
      const index = loadIndex(repo);
      const plan = opts.targets.map((t) => {
        const rel = relative(repo.root, resolve(opts.cwd, t)).split(sep).join('/');
        const stage = index.stages.find((s) => s.path === rel);
        if (stage) return stage;
        if (fs.existsSync(join(repo.root, rel + DVC_FILE_SUFFIX))) {
          throw dvcError('NOT_A_DVC_FILE', `'${t}' is not a .dvc file. Do you mean '${t}${DVC_FILE_SUFFIX}'?`, {
            hint: `run \`momo remove ${t}${DVC_FILE_SUFFIX}\``,
          });
        }
        throw dvcError('TARGET_NOT_FOUND', `'${t}' does not exist`, { hint: 'list tracked files with `momo ls-files`' });
      });
      const result: RemoveResult = { removed: [], gitignores: [] };
      for (const stage of plan) {
        for (const out of index.outs.filter((o) => o.source === stage)) {
          if (opts.outs) fs.rmSync(out.abs, { recursive: true, force: true });
          else if (out.cache) unprotectOutput(repo, out.abs);
          const gi = repo.scm.unignore(out.abs);
          if (gi) result.gitignores.push(gi);
        }
        fs.rmSync(join(repo.root, stage.path));
        result.removed.push(stage.path);
      }
      return result;
    }),
  );
}
