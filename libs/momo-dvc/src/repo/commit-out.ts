import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Repo } from './repo.js';
import type { TrackedOut, DvcFileStage } from './index.js';
import { hashOutput, type OutputHash } from '../hashing/hash-output.js';
import { relinkOutput, storeManifest } from './output-ops.js';
import { computeDvcFileData, type OutEntry } from '../models/dvcfile.js';
import { dumpYaml } from '../yaml/dump.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';

/** Hash options that store objects into the repo's cache in the same pass. */
export function storingHashOptions(repo: Repo, jobs?: number, store = true) {
  return {
    state: repo.state,
    // hashing without storing must still produce the tree (the memo's fast path does not)
    dirMemo: store ? repo.dirMemo : undefined,
    walk: (d: string) => repo.walker.walk(d),
    root: repo.root,
    jobs: jobs ?? repo.settings.checksumJobs,
    storeObjects: store ? repo.odb.objectsDir : undefined,
    dirMode: repo.odb.dirMode,
  };
}

/** Hashes an output, stores it (file objects + manifest) and relinks the workspace. */
export async function commitOutputData(repo: Repo, out: TrackedOut, opts: { jobs?: number; relink?: boolean } = {}): Promise<OutputHash | undefined> {
  const h = await hashOutput(out.abs, storingHashOptions(repo, opts.jobs));
  if (!h) return undefined;
  storeManifest(repo, h);
  if (opts.relink !== false) relinkOutput(repo, out.abs, h);
  repo.links.mark(out.rel, out.abs);
  return h;
}

/** The entry recorded for freshly hashed data (keeps flags and annotations of the old entry). */
export function entryFromHash(prev: OutEntry, h: OutputHash): OutEntry {
  return {
    ...prev,
    md5: h.md5,
    size: h.size,
    nfiles: h.isDir ? h.nfiles : undefined,
    isexec: h.isDir ? undefined : h.isexec,
    hash: 'md5',
  };
}

/** Rewrites a `.dvc` file with new entries for some of its outputs (DVC's apply-diff round trip). */
export function rewriteDvcFile(repo: Repo, stage: DvcFileStage, replace: Map<number, OutEntry>): void {
  const outs = stage.model.outs.map((o, i) => replace.get(i) ?? o);
  const data = computeDvcFileData(outs, stage.model);
  writeFileAtomic(join(repo.root, stage.path), dumpYaml(data));
}

export { writeFileSync };
