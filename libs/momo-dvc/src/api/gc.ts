import * as fs from 'node:fs';
import { join } from 'node:path';
import { withOperation } from '@momo/errors';
import { Repo, type RepoOptions } from '../repo/repo.js';
import { collectUsedObjects, selectRevs, usedKey } from '../repo/used-objects.js';
import { dvcError, EXIT } from '../errors/dvc-error.js';

export interface GcOptions extends RepoOptions {
  workspace?: boolean;
  allBranches?: boolean;
  allTags?: boolean;
  allCommits?: boolean;
  /** keep what these revisions use too */
  revs?: string[];
  /** do not ask for confirmation */
  force?: boolean;
  /** report what would be removed, remove nothing */
  dry?: boolean;
  /** answers the confirmation question (the CLI prompts on a TTY); absent means "no" */
  confirm?: (message: string) => Promise<boolean>;
}

export interface GcResult {
  /** removed (or, with dry, removable) objects per ODB: DVC 3 `repo` and legacy */
  removed: { repo: string[]; legacy: string[] };
  /** the WARNING line DVC prints on every run */
  warning: string;
}

/** Lists the objects of an ODB root: exactly `xx/<rest>` two levels down (spec §5.1). */
function listObjects(root: string, skipTop: Set<string>): string[] {
  const out: string[] = [];
  let tops: string[];
  try {
    tops = fs.readdirSync(root);
  } catch {
    return out;
  }
  for (const t of tops) {
    if (t.length !== 2 || skipTop.has(t) || !/^[0-9a-f]{2}$/.test(t)) continue;
    let names: string[];
    try {
      names = fs.readdirSync(join(root, t));
    } catch {
      continue;
    }
    for (const n of names) if (!n.startsWith('.') && !n.endsWith('.unpacked')) out.push(t + n);
  }
  return out;
}

/**
 * Removes cache objects no selected revision uses, like `dvc gc` (dvc/repo/gc.py, spec §10.7,
 * A14): `.dir` objects first, never the run-cache. Needs a scope flag; asks unless `force`.
 * @throws GC_SCOPE_MISSING (255), GC_NOT_CONFIRMED (1)
 */
export async function gc(opts: GcOptions): Promise<GcResult> {
  return withOperation('gc', async () => {
    if (!opts.workspace && !opts.allBranches && !opts.allTags && !opts.allCommits && !opts.revs?.length) {
      throw dvcError(
        'GC_SCOPE_MISSING',
        'Either of `-w|--workspace`, `-a|--all-branches`, `-T|--all-tags` `--all-experiments`, `--all-commits`, `--date` or `--rev` needs to be set.',
        { hint: 'run `momo gc -w` to keep only what the workspace uses', exitCode: EXIT.UNEXPECTED },
      );
    }
    return Repo.withRepo(opts, 'write', async (repo) => {
      const scope = ['the workspace'];
      if (opts.allBranches) scope.push('all git branches');
      if (opts.allTags) scope.push('all git tags');
      if (opts.allCommits) scope.push('all git commits');
      const warning = `This will remove all cache except items used in ${scope.join(' and ')} of the current repo.`;
      if (!opts.force && !opts.dry) {
        const ok = opts.confirm ? await opts.confirm('Are you sure you want to proceed?') : false;
        if (!ok) throw Object.assign(dvcError('GC_NOT_CONFIRMED', 'Are you sure you want to proceed? - answered no', { hint: 'run again with `-f` to skip the question' }), { warning });
      }
      const used = collectUsedObjects(repo, selectRevs(repo, opts));
      if (used.missingManifests.length && !opts.force) {
        throw dvcError('CACHE_OBJECT_MISSING', `Missing cache for directory '${used.missingManifests[0]}'. Cache for files inside will be lost.`, {
          hint: 'fetch it first (`momo fetch`), or run `momo gc -f` to continue anyway',
        });
      }
      const sweep = (root: string, legacy: boolean, skip: Set<string>) => {
        const objs = listObjects(root, skip).filter((o) => !used.keys.has(usedKey(o, legacy)));
        // .dir objects first, then files (dvc_data/hashfile/gc.py)
        objs.sort((a, b) => Number(b.endsWith('.dir')) - Number(a.endsWith('.dir')));
        if (!opts.dry) for (const o of objs) fs.rmSync(join(root, o.slice(0, 2), o.slice(2)), { force: true });
        return objs;
      };
      const removed = {
        repo: sweep(repo.odb.objectsDir, false, new Set()),
        legacy: sweep(repo.odb.cacheDir, true, new Set()),
      };
      return { removed, warning };
    });
  });
}
