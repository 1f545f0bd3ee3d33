import { execFileSync } from 'node:child_process';
import { posix } from 'node:path';
import type { Repo } from './repo.js';
import { loadIndex, outsOfStages, type DvcFileStage, type TrackedOut } from './index.js';
import { parseDvcFile, type OutEntry } from '../models/dvcfile.js';
import { readManifest } from '../planning/out-status.js';
import { DVC_FILE_SUFFIX, LOCK_FILE, PROJECT_FILE } from '../constants.js';
import { parseLockfile, findLockEntry } from '../models/lockfile.js';
import { loadPipeline } from '../models/pipeline.js';
import { parseParams, normPosix } from '../models/params.js';

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

/** A git revision selected by `-a/-T/-A`, with the name DVC shows for it (`dvc/repo/brancher.py`). */
export interface SelectedRev {
  sha: string;
  /** branch/tag names joined by `,`, or the sha (`-A`) */
  name: string;
}

/**
 * The revisions `push`/`fetch`/`pull -a/-T/-A` visit besides the workspace, like DVC's brancher
 * (scmrepo `iter_revs`): one entry per commit, named by the branches and tags that point at it.
 */
export function selectNamedRevs(repo: Repo, scope: { allBranches?: boolean; allTags?: boolean; allCommits?: boolean }): SelectedRev[] {
  if (!repo.scm.enabled || !(scope.allBranches || scope.allTags || scope.allCommits)) return [];
  const git = (args: string[]) => execFileSync('git', args, { cwd: repo.root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 });
  const names = new Map<string, string[]>();
  const add = (sha: string, name: string) => {
    if (!sha) return;
    const l = names.get(sha) ?? [];
    if (!l.includes(name)) l.push(name);
    names.set(sha, l);
  };
  try {
    if (scope.allBranches) for (const l of git(['for-each-ref', '--format=%(objectname) %(refname:short)', 'refs/heads']).split('\n')) add(l.split(' ')[0], l.slice(41));
    if (scope.allTags) for (const l of git(['for-each-ref', '--format=%(*objectname) %(objectname) %(refname:short)', 'refs/tags']).split('\n')) {
      // annotated tags name the commit they point at (%(*objectname)); lightweight ones are the commit
      const [peeled, obj, ...rest] = l.split(' ');
      if (l) add(peeled || obj, rest.join(' '));
    }
    if (scope.allCommits) for (const sha of git(['rev-list', '--all']).split('\n')) add(sha, sha);
  } catch {
    // an empty repository has no revisions
  }
  return [...names].map(([sha, n]) => ({ sha, name: n.join(',') }));
}

/** The part of a tracked output that push/fetch need (see {@link TrackedOut}). */
export type RevOut = Pick<TrackedOut, 'stage' | 'dvcfile' | 'entry' | 'rel' | 'legacy' | 'cache' | 'out'>;

/**
 * The outputs recorded at a git revision, read through git without a checkout: `.dvc` files, and
 * `dvc.lock` entries with the `cache`/`push`/`remote` flags of the `dvc.yaml` of the same revision
 * (params for templating are read at that revision too). Like DVC's index at a revision
 * (`dvc/repo/brancher.py` switches the repo to a GitFileSystem). `.dvcignore` is not applied.
 * @throws a parse error of a `.dvc` file or `dvc.yaml` at that revision (DVC: "failed to collect")
 */
export function outsAtRev(repo: Repo, rev: string): RevOut[] {
  const files = execFileSync('git', ['ls-tree', '-r', '--name-only', '-z', rev], { cwd: repo.root, encoding: 'utf8', maxBuffer: 1 << 28 })
    .split('\0')
    .filter(Boolean);
  // the dvc files of the revision in one `git cat-file --batch` (a process per file is slow with -A)
  const base = (f: string) => posix.basename(f);
  const texts = catFiles(
    repo.root,
    rev,
    files.filter((f) => (f.endsWith(DVC_FILE_SUFFIX) && !f.split('/').includes('.dvc')) || base(f) === PROJECT_FILE || base(f) === LOCK_FILE),
  );
  const show = (f: string): string | undefined => {
    if (texts.has(f)) return texts.get(f);
    try {
      return execFileSync('git', ['show', `${rev}:${f}`], { cwd: repo.root, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return undefined;
    }
  };
  const outs: RevOut[] = [];
  for (const f of files) {
    if (f.endsWith(DVC_FILE_SUFFIX) && !f.split('/').includes('.dvc')) {
      const text = show(f);
      if (text === undefined) continue;
      const dir = posix.dirname(f) === '.' ? '' : posix.dirname(f);
      const stage: DvcFileStage = { kind: 'dvcfile', path: f, dir, model: parseDvcFile(text, f), text };
      outs.push(...outsOfStages(repo, [stage]));
      continue;
    }
    if (posix.basename(f) !== PROJECT_FILE) continue;
    const dir = posix.dirname(f) === '.' ? '' : posix.dirname(f);
    const lockPath = dir ? `${dir}/${LOCK_FILE}` : LOCK_FILE;
    const lockText = show(lockPath);
    const text = show(f);
    if (text === undefined || lockText === undefined || !lockText.trim()) continue;
    const lock = parseLockfile({ text: lockText, file: lockPath });
    const { stages } = loadPipeline({
      text,
      file: f,
      load: (p) => {
        const t = show(normPosix(p));
        return t === undefined ? { status: 'missing' } : { status: 'ok', data: parseParams({ text: t, file: p }) };
      },
    });
    for (const st of stages) {
      const ls = lock.stages.get(st.name);
      if (!ls) continue;
      const wdir = normPosix(dir ? `${dir}/${st.wdir}` : st.wdir);
      for (const o of st.outs) {
        const le = findLockEntry(ls, 'outs', o.path);
        if (!le || typeof le.md5 !== 'string') continue;
        const rel = normPosix(wdir === '.' ? o.path : `${wdir}/${o.path}`);
        if (rel.startsWith('../') || posix.isAbsolute(o.path) || /^[a-z][a-z0-9+.-]*:\/\//i.test(o.path)) continue;
        const entry: OutEntry = { path: o.path, md5: le.md5 };
        if (le.hash !== undefined) entry.hash = le.hash;
        if (!o.cache) entry.cache = false;
        if (!o.push) entry.push = false;
        if (o.remote) entry.remote = o.remote;
        outs.push({ stage: `${f}:${st.name}`, dvcfile: f, entry, rel, legacy: le.hash === undefined, cache: o.cache, out: o });
      }
    }
  }
  return outs;
}

/** Contents of `paths` at `rev` through one `git cat-file --batch` (missing ones are left out). */
function catFiles(root: string, rev: string, paths: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const wanted = paths.filter((p) => !p.includes('\n'));
  if (!wanted.length) return out;
  const buf = execFileSync('git', ['cat-file', '--batch'], { cwd: root, input: wanted.map((p) => `${rev}:${p}\n`).join(''), maxBuffer: 1 << 30 });
  let pos = 0;
  for (const p of wanted) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) break;
    const header = buf.toString('utf8', pos, nl);
    pos = nl + 1;
    // "<sha> <type> <size>" or "<spec> missing"
    const m = /^[0-9a-f]+ (\S+) (\d+)$/.exec(header);
    if (!m) continue;
    const size = Number(m[2]);
    if (m[1] === 'blob') out.set(p, buf.toString('utf8', pos, pos + size));
    pos += size + 1;
  }
  return out;
}
