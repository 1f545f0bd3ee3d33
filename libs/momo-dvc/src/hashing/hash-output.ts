import { lstatSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { md5File, md5Dos2UnixFile } from './md5.js';
import { computeDirHash, type TreeEntry } from './dir-manifest.js';
import type { HashState, HashName } from '../managers/hash-state.js';
import { DirMemo } from '../managers/dir-memo.js';
import { storeFiles } from '../cache/hash-pool.js';
import { dvcError } from '../errors/dvc-error.js';

/** Whether the process umask removes read bits from a 0o444 create (then objects need a chmod). */
const UMASK_STRIPS_READ = (0o444 & ~process.umask()) !== 0o444;

/** A file found under a directory output, with its stat (symlinks to files followed). */
export interface WalkedFile {
  /** path relative to the walked directory, `/`-separated */
  rel: string;
  st: Stats;
}

/** Lists the files under an output directory with `.dvcignore` applied (see ignore/). */
export type WalkFn = (absDir: string) => WalkedFile[];

/** The hash of a workspace path as DVC would record it. */
export interface OutputHash {
  md5: string;
  size: number;
  isDir: boolean;
  nfiles?: number;
  isexec?: boolean;
  /** directory entries (with sizes and exec bits) */
  tree?: TreeEntry[];
  /** manifest bytes of a directory */
  manifest?: Buffer;
}

export interface HashOptions {
  state: HashState;
  /** directory-level memo (status/checkout comparisons; not used when storing) */
  dirMemo?: DirMemo;
  walk: WalkFn;
  /** repo root; memo keys are relative to it */
  root: string;
  name?: HashName;
  jobs?: number;
  /** when set, hashing also stores new objects under this `files/md5` dir (add/commit) */
  storeObjects?: string;
  dirMode?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Hashes a workspace file or directory with the memo (an unchanged file is never re-read) and,
 * for `add`/`commit`, stores new objects in the same pass. Returns undefined when the path does
 * not exist.
 */
export async function hashOutput(absPath: string, opts: HashOptions): Promise<OutputHash | undefined> {
  let lst: Stats;
  try {
    lst = lstatSync(absPath);
  } catch {
    return undefined;
  }
  const st = lst.isSymbolicLink() ? safeStat(absPath) : lst;
  if (!st) return undefined;
  if (!st.isDirectory()) {
    const [h] = await hashFiles([{ abs: absPath, st }], opts);
    return { md5: h.md5, size: h.size, isDir: false, isexec: (st.mode & 0o111) !== 0 || undefined };
  }
  const files = opts.walk(absPath);
  const memoKey = absPath.slice(opts.root.length + 1);
  const fp = opts.dirMemo && !opts.storeObjects ? DirMemo.fingerprint(files) : undefined;
  if (fp) {
    const hit = opts.dirMemo!.get(memoKey, fp, opts.name ?? 'md5');
    if (hit) return { md5: hit.md5, size: hit.size, nfiles: hit.nfiles, isDir: true };
  }
  const hashed = await hashFiles(
    files.map((f) => ({ abs: absPath + '/' + f.rel, st: f.st })),
    opts,
  );
  const tree: TreeEntry[] = files.map((f, i) => ({
    relpath: f.rel,
    md5: hashed[i].md5,
    size: hashed[i].size,
    isexec: (f.st.mode & 0o111) !== 0 || undefined,
  }));
  const dir = computeDirHash(tree);
  if (opts.dirMemo) {
    opts.dirMemo.set(memoKey, { fp: fp ?? DirMemo.fingerprint(files), md5: dir.md5, size: dir.size, nfiles: dir.nfiles, name: opts.name ?? 'md5' });
  }
  return { md5: dir.md5, size: dir.size, nfiles: dir.nfiles, isDir: true, tree, manifest: dir.manifest };
}

function safeStat(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

/** Hashes files, memo first; misses go through the (possibly parallel) hash+store pool. */
export async function hashFiles(
  files: { abs: string; st: Stats }[],
  opts: HashOptions,
): Promise<{ md5: string; size: number }[]> {
  const name = opts.name ?? 'md5';
  const out: { md5: string; size: number }[] = new Array(files.length);
  const missIdx: number[] = [];
  const rootLen = opts.root.length + 1;
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    const key = f.abs.slice(rootLen);
    const memo = opts.state.get(key, f.st, name);
    if (memo !== undefined && (!opts.storeObjects || objectPresent(opts.storeObjects, memo))) {
      out[i] = { md5: memo, size: f.st.size };
    } else missIdx.push(i);
  }
  if (missIdx.length === 0) return out;
  if (name === 'md5-dos2unix') {
    // legacy trees are only ever re-checked, never stored: hash in this thread
    for (const i of missIdx) {
      const r = md5Dos2UnixFile(files[i].abs);
      out[i] = r;
      opts.state.set(files[i].abs.slice(rootLen), files[i].st, r.md5, name);
    }
    return out;
  }
  let totalBytes = 0;
  for (const i of missIdx) totalBytes += files[i].st.size;
  const results = await storeFiles(
    missIdx.map((i) => ({ src: files[i].abs, size: files[i].st.size, objects: opts.storeObjects, dirMode: opts.dirMode, chmod: UMASK_STRIPS_READ })),
    { jobs: opts.jobs, totalBytes },
  );
  const failed: string[] = [];
  results.forEach((r, k) => {
    const i = missIdx[k];
    if ('error' in r) {
      failed.push(`${r.error.path}: ${r.error.message}`);
      return;
    }
    out[i] = { md5: r.md5, size: r.size };
    // the memo is only valid for the stat we saw before reading: the reader's fstat after the
    // read must still match it (a concurrent edit changes mtime or size, a replacement the inode)
    const st = files[i].st;
    if (r.mtimeMs === st.mtimeMs && r.size === st.size && r.ino === st.ino) opts.state.set(files[i].abs.slice(rootLen), st, r.md5, name);
  });
  if (failed.length) {
    throw dvcError('TARGET_NOT_FOUND', `failed to hash ${failed.length} file(s):\n${failed.slice(0, 20).join('\n')}`, {
      hint: 'check the files are readable and not being modified, then run the command again',
    });
  }
  return out;
}

function objectPresent(objects: string, md5: string): boolean {
  try {
    lstatSync(join(objects, md5.slice(0, 2), md5.slice(2)));
    return true;
  } catch {
    return false;
  }
}

export { md5File };
