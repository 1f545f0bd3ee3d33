import * as fs from 'node:fs';
import { join, dirname } from 'node:path';
import type { Repo } from './repo.js';
import type { OutputHash } from '../hashing/hash-output.js';
import type { TreeEntry } from '../hashing/dir-manifest.js';
import type { LinkType } from '../cache/odb.js';

/**
 * After data entered the cache, make the workspace use the configured link type
 * (dvc_data/hashfile/checkout.py relink, spec §5.3 step 2): files that already are the right
 * kind of link are left alone; with copy/reflink first, a plain file with unchanged content is
 * kept. Returns the number of files re-linked.
 */
export function relinkOutput(repo: Repo, abs: string, h: OutputHash, legacy = false): number {
  const first = repo.odb.types[0];
  if (first === 'copy' || first === 'reflink') {
    // a symlinked file (e.g. `dvc add` of a symlink) is replaced by a regular copy
    if (!h.isDir && fs.lstatSync(abs).isSymbolicLink()) {
      replaceWithLink(repo, abs, h.md5, legacy, [...repo.odb.types], h.size === 0);
      if (h.isexec) fs.chmodSync(abs, fs.statSync(abs).mode | 0o100);
      return 1;
    }
    // a file output is "made writable again": mode 0o666 & ~umask, plus the owner exec bit when
    // isexec (observed with DVC 3.67.1); files inside directory outputs keep their modes
    if (!h.isDir) {
      const want = repo.odb.fileMode | (h.isexec ? 0o100 : 0);
      if ((fs.statSync(abs).mode & 0o777) !== want) fs.chmodSync(abs, want);
    }
    return 0;
  }
  const types = [...repo.odb.types];
  let n = 0;
  if (!h.isDir) {
    if (needsRelink(repo, abs, h.md5, legacy, first, h.size === 0)) {
      replaceWithLink(repo, abs, h.md5, legacy, types, h.size === 0);
      n++;
    }
    return n;
  }
  for (const e of h.tree ?? []) {
    const p = join(abs, e.relpath);
    if (needsRelink(repo, p, e.md5, legacy, first, e.size === 0)) {
      replaceWithLink(repo, p, e.md5, legacy, types, e.size === 0);
      n++;
    }
  }
  return n;
}

function needsRelink(repo: Repo, p: string, md5: string, legacy: boolean, first: LinkType, empty: boolean): boolean {
  let lst: fs.Stats;
  try {
    lst = fs.lstatSync(p);
  } catch {
    return true;
  }
  const obj = repo.odb.oidPath(md5, legacy);
  if (first === 'hardlink') {
    if (empty) return lst.isSymbolicLink();
    try {
      return lst.isSymbolicLink() || lst.ino !== fs.statSync(obj).ino;
    } catch {
      return true;
    }
  }
  if (first === 'symlink') return !(lst.isSymbolicLink() && fs.readlinkSync(p) === obj);
  return lst.isSymbolicLink();
}

/** Replaces the workspace file `p` by a link/copy of object `md5` (atomic for copies). */
export function replaceWithLink(repo: Repo, p: string, md5: string, legacy: boolean, types: LinkType[], empty: boolean): LinkType {
  // Odb.link goes through a temp sibling and renames over the old file: never a moment without data
  return repo.odb.link(md5, p, legacy, types, empty);
}

/** Makes a cached workspace file writable and independent (dvc unprotect). */
export function unprotectFile(repo: Repo, p: string): void {
  const lst = fs.lstatSync(p);
  if (lst.isSymbolicLink() || lst.nlink > 1) {
    const tmp = join(dirname(p), `.${Math.random().toString(36).slice(2)}.momo.tmp`);
    fs.copyFileSync(p, tmp);
    fs.chmodSync(tmp, repo.odb.fileMode);
    fs.renameSync(tmp, p);
    return;
  }
  if ((lst.mode & 0o200) === 0) fs.chmodSync(p, repo.odb.fileMode);
}

/** Unprotects every file of an output (file or directory). */
export function unprotectOutput(repo: Repo, abs: string): void {
  let lst: fs.Stats;
  try {
    lst = fs.lstatSync(abs);
  } catch {
    return;
  }
  if (lst.isDirectory()) {
    for (const f of repo.walker.walk(abs)) unprotectFile(repo, join(abs, f.rel));
  } else unprotectFile(repo, abs);
}

/** Stores a directory's manifest and all of its entries' sizes into the cache. */
export function storeManifest(repo: Repo, h: OutputHash): void {
  if (h.isDir && h.manifest) repo.odb.addBytes(h.md5, h.manifest);
}

export type { TreeEntry };
