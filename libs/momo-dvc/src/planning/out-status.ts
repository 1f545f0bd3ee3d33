import { existsSync } from 'node:fs';
import type { Repo } from '../repo/repo.js';
import type { TrackedOut } from '../repo/index.js';
import { hashOutput, type OutputHash } from '../hashing/hash-output.js';
import { parseDirManifest, type TreeEntry } from '../hashing/dir-manifest.js';

/** Output status words DVC prints (dvc/output.py::status). */
export type OutStatus = 'not in cache' | 'deleted' | 'modified' | 'new';

/**
 * Is everything an output records present (and trusted) in the local cache? For a directory:
 * its manifest and every file object (spec §11.1 "not in cache").
 */
export function isOutInCache(repo: Repo, out: TrackedOut): boolean {
  const md5 = out.entry.md5;
  if (!md5) return false;
  if (!repo.odb.check(md5, out.legacy)) return false;
  if (!md5.endsWith('.dir')) return true;
  const entries = readManifest(repo, md5, out.legacy);
  if (!entries) return false;
  // many objects: one listing of the cache's prefix dirs beats a stat per object
  if (entries.length > 256) return entries.every((e) => repo.odb.listed(e.md5, out.legacy));
  for (const e of entries) if (!repo.odb.check(e.md5, out.legacy)) return false;
  return true;
}

/** Reads a directory manifest from the local cache, or undefined when missing/corrupted. */
export function readManifest(repo: Repo, md5: string, legacy: boolean): TreeEntry[] | undefined {
  const p = repo.odb.oidPath(md5, legacy);
  if (!existsSync(p)) return undefined;
  try {
    return parseDirManifest(repo.odb.read(md5, legacy), md5);
  } catch {
    // corrupted manifest: same as missing
    return undefined;
  }
}

/** Hashes an output's workspace path with the algorithm its entry records. */
export function hashWorkspaceOut(repo: Repo, out: TrackedOut, jobs?: number): Promise<OutputHash | undefined> {
  return hashOutput(out.abs, {
    state: repo.state,
    dirMemo: repo.dirMemo,
    walk: (d) => repo.walker.walk(d),
    root: repo.root,
    name: out.legacy ? 'md5-dos2unix' : 'md5',
    jobs: jobs ?? repo.settings.checksumJobs,
  });
}

/**
 * The status of one output, first match wins (spec §11.1): not in cache → deleted → modified →
 * new. Returns undefined when the output is up to date.
 */
export async function computeOutStatus(repo: Repo, out: TrackedOut, jobs?: number): Promise<OutStatus | undefined> {
  const recorded = out.entry.md5;
  if (recorded && out.cache && !isOutInCache(repo, out)) return 'not in cache';
  if (repo.walker.ignoredBy(out.rel, false) !== undefined) return 'deleted';
  const h = await hashWorkspaceOut(repo, out, jobs);
  if (!h) return 'deleted';
  if (!recorded) return 'modified';
  if (h.md5 !== recorded) return 'modified';
  return undefined;
}
