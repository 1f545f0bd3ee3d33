import { execFileSync } from 'node:child_process';
import type { Repo } from './repo.js';
import { loadIndex } from './index.js';
import { parseDvcFile, type OutEntry } from '../models/dvcfile.js';
import { readManifest } from '../planning/out-status.js';
import { DVC_FILE_SUFFIX, LOCK_FILE } from '../constants.js';
import { parseLockfile } from '../models/lockfile.js';

/** Objects in use, keyed `md5` for DVC 3 objects and `L:md5` for legacy ones. */
export interface UsedObjects {
  keys: Set<string>;
  /** `.dir` objects whose manifest is not in the cache (their files cannot be known) */
  missingManifests: string[];
}

export function usedKey(md5: string, legacy: boolean): string {
  return legacy ? `L:${md5}` : md5;
}

function addEntry(repo: Repo, used: UsedObjects, e: OutEntry, where: string): void {
  if (!e.md5 || e.cache === false) return;
  const legacy = e.hash === undefined;
  used.keys.add(usedKey(e.md5, legacy));
  if (!e.md5.endsWith('.dir')) return;
  const entries = readManifest(repo, e.md5, legacy);
  if (!entries) {
    used.missingManifests.push(where);
    return;
  }
  for (const f of entries) used.keys.add(usedKey(f.md5, legacy));
}

/** Revisions selected by gc's scope flags (git only). */
export function selectRevs(repo: Repo, scope: { allBranches?: boolean; allTags?: boolean; allCommits?: boolean; revs?: string[] }): string[] {
  if (!repo.scm.enabled) return [];
  const git = (args: string[]) => execFileSync('git', args, { cwd: repo.root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const revs = new Set<string>();
  try {
    if (scope.allCommits) for (const r of git(['rev-list', '--all']).split('\n')) if (r) revs.add(r);
    if (scope.allBranches) for (const r of git(['for-each-ref', '--format=%(objectname)', 'refs/heads']).split('\n')) if (r) revs.add(r);
    if (scope.allTags) for (const r of git(['for-each-ref', '--format=%(objectname)', 'refs/tags']).split('\n')) if (r) revs.add(r);
    for (const rev of scope.revs ?? []) revs.add(git(['rev-parse', rev]).trim());
  } catch {
    // an empty repository has no revisions
  }
  return [...revs];
}

/** Every object used by the workspace and by `.dvc` files at the given git revisions. */
export function collectUsedObjects(repo: Repo, revs: string[]): UsedObjects {
  const used: UsedObjects = { keys: new Set(), missingManifests: [] };
  for (const out of loadIndex(repo).outs) addEntry(repo, used, out.entry, out.rel);
  for (const rev of revs) {
    const files = execFileSync('git', ['ls-tree', '-r', '--name-only', '-z', rev], { cwd: repo.root, encoding: 'utf8', maxBuffer: 1 << 28 })
      .split('\0')
      .filter((f) => f.endsWith(DVC_FILE_SUFFIX) || f === LOCK_FILE || f.endsWith(`/${LOCK_FILE}`));
    for (const f of files) {
      let text: string;
      try {
        text = execFileSync('git', ['show', `${rev}:${f}`], { cwd: repo.root, encoding: 'utf8', maxBuffer: 1 << 28 });
      } catch {
        continue;
      }
      if (f === LOCK_FILE || f.endsWith(`/${LOCK_FILE}`)) {
        // pipeline outputs recorded at that revision (their `cache:` flags live in dvc.yaml: every
        // recorded output is kept, which can only keep more than DVC, never less)
        let lock;
        try {
          lock = parseLockfile({ text, file: `${rev.slice(0, 7)}:${f}` });
        } catch {
          // a broken dvc.lock in history uses nothing
          continue;
        }
        for (const st of lock.stages.values()) {
          for (const o of st.outs) {
            if (typeof o.md5 === 'string') addEntry(repo, used, { path: o.path, md5: o.md5, hash: o.hash }, `${rev.slice(0, 7)}:${f}`);
          }
        }
        continue;
      }
      let model;
      try {
        model = parseDvcFile(text, `${rev.slice(0, 7)}:${f}`);
      } catch {
        // a broken .dvc file in history uses nothing
        continue;
      }
      for (const o of model.outs) addEntry(repo, used, o, `${rev.slice(0, 7)}:${f}`);
    }
  }
  return used;
}
