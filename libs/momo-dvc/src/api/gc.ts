import * as fs from 'node:fs';
import { join } from 'node:path';
import { withOperation } from '@momo/errors';
import { Repo, type RepoOptions } from '../repo/repo.js';
import { collectUsedObjects, selectRevs, usedKey } from '../repo/used-objects.js';
import { dvcError, EXIT } from '../errors/dvc-error.js';
import { resolveRemoteConfig } from '../config/load-config.js';
import { openRemote, remotePath } from '../repo/data-cloud.js';
import type { Remote } from '@momo/remotes';

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
  /** `-c`: also remove unused objects from the remote */
  cloud?: boolean;
  /** `-r`: the remote for `-c` / `--not-in-remote` (default core.remote) */
  remote?: string;
  /** keep only used objects that are not on the remote yet */
  notInRemote?: boolean;
  /** answers the confirmation question (the CLI prompts on a TTY); absent means "no" */
  confirm?: (message: string) => Promise<boolean>;
}

export interface GcResult {
  /** removed (or, with dry, removable) objects per ODB: DVC 3 `repo` and legacy */
  removed: { repo: string[]; legacy: string[] };
  /** with `cloud`: objects removed from the remote, DVC 3 layout and legacy */
  remote?: { repo: string[]; legacy: string[] };
  /** the WARNING line DVC prints on every run */
  warning: string;
  /** temp files of interrupted writes removed from the cache (counted apart from objects) */
  leftoverTemps: number;
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

/** A temp file of an interrupted write: momo's `.<pid>-<hex>-<n>.tmp` or DVC's `.<token>.tmp`. */
const LEFTOVER_TEMP = /^\..+\.tmp$/;

/**
 * Removes the temp files interrupted writes left in an ODB (its root and its `xx/` directories), as
 * `dvc gc` does when it takes them for unused objects (dvc_objects/db.py::path_to_oid,
 * dvc_data/hashfile/gc.py). Safe under the repo lock, which every writer of the cache holds.
 * Returns how many there were.
 */
function sweepLeftoverTemps(root: string, dry: boolean): number {
  let n = 0;
  const clean = (dir: string) => {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (!LEFTOVER_TEMP.test(name)) continue;
      n++;
      if (!dry) fs.rmSync(join(dir, name), { force: true });
    }
  };
  clean(root);
  let tops: string[] = [];
  try {
    tops = fs.readdirSync(root);
  } catch {
    return n;
  }
  for (const t of tops) if (/^[0-9a-f]{2}$/.test(t)) clean(join(root, t));
  return n;
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
    if (opts.cloud && opts.notInRemote) {
      throw dvcError('USAGE_INVALID', '`--not-in-remote` and `--cloud` are mutually exclusive', { hint: 'use one of the two', exitCode: EXIT.UNEXPECTED });
    }
    return Repo.withRepo(opts, 'write', async (repo) => {
      // -c / --not-in-remote need a remote: a config error (251) when there is none (A14)
      const remoteName = opts.cloud || opts.notInRemote ? resolveRemoteConfig(repo.settings.config, { name: opts.remote, command: 'gc' }).name : undefined;
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
      let remote: Remote | undefined;
      if (remoteName) remote = await openRemote(repo, remoteName);
      try {
      if (opts.notInRemote && remote) {
        // used objects already on the remote do not need a local copy
        const keys = [...used.keys];
        const there = await remote.existsMany(keys.map((k) => remotePath(k.startsWith('L:') ? { md5: k.slice(2), legacy: true } : { md5: k, legacy: false })));
        keys.forEach((k, i) => there[i] && used.keys.delete(k));
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
      const leftoverTemps = sweepLeftoverTemps(repo.odb.objectsDir, Boolean(opts.dry)) + sweepLeftoverTemps(repo.odb.cacheDir, Boolean(opts.dry));
      const result: GcResult = { removed, warning, leftoverTemps };
      if (opts.cloud && remote) {
        const found = { repo: [] as string[], legacy: [] as string[] };
        for await (const p of remote.list('')) {
          let m = /^files\/md5\/([0-9a-f]{2})\/([0-9a-f]{30}(?:\.dir)?)$/.exec(p);
          if (m) {
            if (!used.keys.has(usedKey(m[1] + m[2], false))) found.repo.push(m[1] + m[2]);
            continue;
          }
          m = /^([0-9a-f]{2})\/([0-9a-f]{30}(?:\.dir)?)$/.exec(p);
          if (m && !used.keys.has(usedKey(m[1] + m[2], true))) found.legacy.push(m[1] + m[2]);
        }
        const byDirFirst = (a: string, b: string) => Number(b.endsWith('.dir')) - Number(a.endsWith('.dir'));
        found.repo.sort(byDirFirst);
        found.legacy.sort(byDirFirst);
        if (!opts.dry) {
          for (const o of found.repo) await remote.delete(remotePath({ md5: o, legacy: false }));
          for (const o of found.legacy) await remote.delete(remotePath({ md5: o, legacy: true }));
        }
        result.remote = found;
      }
      return result;
      } finally {
        await remote?.close();
      }
    });
  });
}
