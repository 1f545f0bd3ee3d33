import { execFileSync } from 'node:child_process';
import { relative, sep, join } from 'node:path';
import { withOperation } from '@momo/errors';
import { Repo, type RepoOptions } from '../repo/repo.js';
import { loadIndex, type TrackedOut } from '../repo/index.js';
import { parseDvcFile } from '../models/dvcfile.js';
import { readManifest, hashWorkspaceOut, isOutInCache } from '../planning/out-status.js';
import { compareCodePoints } from '../hashing/py-json.js';
import { DVC_FILE_SUFFIX } from '../constants.js';
import type { TreeEntry } from '../hashing/dir-manifest.js';

export interface DataStatusOptions extends RepoOptions {
  /** also report files inside tracked directories */
  granular?: boolean;
  /** also list what did not change */
  unchanged?: boolean;
}

type Changes = { modified?: string[]; added?: string[]; deleted?: string[] };

export interface DataStatusResult {
  not_in_cache?: string[];
  committed?: Changes;
  uncommitted?: Changes;
  unchanged?: string[];
  git: { is_dirty: boolean; is_empty: boolean };
}

interface Known {
  md5?: string;
  legacy: boolean;
  isDir: boolean;
}

/**
 * A summary of data changes, like `dvc data status` (dvc/repo/data.py, dvc-compat §11.3, E17):
 * what the `.dvc` files changed since git's HEAD ("committed"), how the workspace differs from
 * them ("uncommitted"), and what is missing from the cache.
 */
export async function dataStatus(opts: DataStatusOptions): Promise<DataStatusResult> {
  return withOperation('data status', () =>
    Repo.withRepo(opts, 'read', async (repo) => {
      const rel = (p: string) => relative(opts.cwd, join(repo.root, p)).split(sep).join('/') || '.';
      const outs = loadIndex(repo).outs.filter((o) => o.cache);
      const current = new Map<string, Known>(outs.map((o) => [o.rel, { md5: o.entry.md5, legacy: o.legacy, isDir: o.entry.md5?.endsWith('.dir') ?? false }]));
      const head = readHeadOutputs(repo);
      const result: DataStatusResult = { git: gitState(repo) };
      const push = (bucket: 'committed' | 'uncommitted', kind: keyof Changes, p: string) => {
        const b = (result[bucket] ??= {});
        (b[kind] ??= []).push(p);
      };
      const label = (p: string, isDir: boolean) => rel(p) + (isDir ? '/' : '');
      // committed: HEAD's dvc files vs the current ones
      if (head) {
        for (const [p, k] of current) {
          const h = head.get(p);
          if (!h) push('committed', 'added', label(p, k.isDir));
          else if (h.md5 !== k.md5) push('committed', 'modified', label(p, k.isDir));
        }
        for (const [p, h] of head) if (!current.has(p)) push('committed', 'deleted', label(p, h.isDir));
      } else {
        for (const [p, k] of current) push('committed', 'added', label(p, k.isDir));
      }
      // "unchanged" means unchanged against HEAD too
      const committedPaths = () => new Set(Object.values(result.committed ?? {}).flat());
      // uncommitted / not in cache / unchanged: the workspace vs the current dvc files
      for (const out of outs) {
        const isDir = out.entry.md5?.endsWith('.dir') ?? false;
        if (out.entry.md5 && !isOutInCache(repo, out)) (result.not_in_cache ??= []).push(label(out.rel, isDir));
        const h = await hashWorkspaceOut(repo, out);
        if (!h) {
          push('uncommitted', 'deleted', label(out.rel, isDir));
          continue;
        }
        if (h.md5 !== out.entry.md5) push('uncommitted', 'modified', label(out.rel, isDir || h.isDir));
        else if (opts.unchanged && !committedPaths().has(label(out.rel, isDir))) (result.unchanged ??= []).push(label(out.rel, isDir));
        if (opts.granular && (isDir || h.isDir)) granular(repo, out, result, opts.unchanged ?? false, rel, push);
      }
      // DVC's order of states: modified, added, deleted; paths sorted
      const order = (b?: Changes): Changes | undefined => {
        if (!b) return undefined;
        const o: Changes = {};
        for (const k of ['modified', 'added', 'deleted'] as const) if (b[k]) o[k] = b[k]!.sort(compareCodePoints);
        return o;
      };
      result.committed = order(result.committed);
      result.uncommitted = order(result.uncommitted);
      if (!result.committed) delete result.committed;
      if (!result.uncommitted) delete result.uncommitted;
      result.not_in_cache?.sort(compareCodePoints);
      result.unchanged?.sort(compareCodePoints);
      const ordered: DataStatusResult = { git: result.git };
      if (result.not_in_cache) ordered.not_in_cache = result.not_in_cache;
      if (result.committed) ordered.committed = result.committed;
      if (result.uncommitted) ordered.uncommitted = result.uncommitted;
      if (result.unchanged) ordered.unchanged = result.unchanged;
      return ordered;
    }),
  );
}

function granular(
  repo: Repo,
  out: TrackedOut,
  result: DataStatusResult,
  unchanged: boolean,
  rel: (p: string) => string,
  push: (bucket: 'committed' | 'uncommitted', kind: keyof Changes, p: string) => void,
): void {
  const recorded = out.entry.md5 ? readManifest(repo, out.entry.md5, out.legacy) : undefined;
  const want = new Map((recorded ?? []).map((e: TreeEntry) => [e.relpath, e.md5]));
  const files = repo.walker.walk(out.abs);
  const haveRel = new Set(files.map((f) => f.rel));
  // per-file hashes from the memo (hashWorkspaceOut above filled it)
  for (const f of files) {
    const md5 = repo.state.get(`${out.rel}/${f.rel}`, f.st, out.legacy ? 'md5-dos2unix' : 'md5');
    const p = rel(`${out.rel}/${f.rel}`);
    const w = want.get(f.rel);
    if (w === undefined) push('uncommitted', 'added', p);
    else if (md5 !== undefined && md5 !== w) push('uncommitted', 'modified', p);
    else if (unchanged && md5 === w) (result.unchanged ??= []).push(p);
  }
  for (const [r] of want) if (!haveRel.has(r)) push('uncommitted', 'deleted', rel(`${out.rel}/${r}`));
}

/** Outputs recorded by `.dvc` files at git HEAD (undefined without git or commits). */
function readHeadOutputs(repo: Repo): Map<string, Known> | undefined {
  if (!repo.scm.enabled) return undefined;
  const git = (args: string[], input?: string) => execFileSync('git', args, { cwd: repo.root, input, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['pipe', 'pipe', 'ignore'] });
  let names: string[];
  try {
    names = git(['ls-tree', '-r', '--name-only', '-z', 'HEAD']).split('\0').filter((f) => f.endsWith(DVC_FILE_SUFFIX));
  } catch {
    // no commits yet
    return undefined;
  }
  const map = new Map<string, Known>();
  if (!names.length) return map;
  // one `git cat-file --batch` for all files
  const raw = execFileSync('git', ['cat-file', '--batch'], { cwd: repo.root, input: names.map((n) => `HEAD:${n}`).join('\n') + '\n', maxBuffer: 1 << 28 });
  let pos = 0;
  for (const name of names) {
    const nl = raw.indexOf(10, pos);
    const header = raw.subarray(pos, nl).toString();
    const size = Number(header.split(' ')[2]);
    const text = raw.subarray(nl + 1, nl + 1 + size).toString('utf8');
    pos = nl + 1 + size + 1;
    let model;
    try {
      model = parseDvcFile(text, name);
    } catch {
      // a broken .dvc file at HEAD records nothing
      continue;
    }
    const dir = name.includes('/') ? name.slice(0, name.lastIndexOf('/') + 1) : '';
    for (const o of model.outs) {
      if (o.cache === false) continue;
      map.set((dir + o.path).replace(/\/$/, ''), { md5: o.md5, legacy: o.md5 !== undefined && o.hash === undefined, isDir: o.md5?.endsWith('.dir') ?? false });
    }
  }
  return map;
}

function gitState(repo: Repo): { is_dirty: boolean; is_empty: boolean } {
  if (!repo.scm.enabled) return { is_dirty: false, is_empty: true };
  const git = (args: string[]) => execFileSync('git', args, { cwd: repo.root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  let empty = false;
  try {
    git(['rev-parse', '--verify', '-q', 'HEAD']);
  } catch {
    empty = true;
  }
  const dirty = git(['status', '--porcelain', '--untracked-files=no']).trim() !== '';
  return { is_dirty: dirty, is_empty: empty };
}
