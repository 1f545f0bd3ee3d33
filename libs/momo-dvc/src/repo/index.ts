import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parseDvcFile, type DvcFileModel, type OutEntry } from '../models/dvcfile.js';
import type { Repo } from './repo.js';
import { dvcError } from '../errors/dvc-error.js';
import { DVC_FILE_SUFFIX, PROJECT_FILE } from '../constants.js';
import { collectDvcFiles } from './collect-dvc-files.js';
import { loadPipelineFile, type PipelineFileEntry, type PipelineStageEntry } from './pipeline-index.js';
import type { PipelineOut } from '../models/pipeline.js';

/** A single-stage `.dvc` file (from `add`) with its parsed content. */
export interface DvcFileStage {
  kind: 'dvcfile';
  /** repo-relative POSIX path of the `.dvc` file */
  path: string;
  /** repo-relative directory of the file ('' at the root) */
  dir: string;
  model: DvcFileModel;
  text: string;
}

/** One output known to the repo, from a `.dvc` file or a `dvc.lock`. */
export interface TrackedOut {
  /** addressing used in messages and status keys: `foo.dvc` or `dvc.yaml:train` */
  stage: string;
  /** repo-relative path of the file that records it */
  dvcfile: string;
  /** the recorded entry (hash may be absent: never committed) */
  entry: OutEntry;
  /** repo-relative POSIX path of the output */
  rel: string;
  /** absolute path */
  abs: string;
  /** no `hash: md5` → legacy md5-dos2unix */
  legacy: boolean;
  /** `cache: true` (default) */
  cache: boolean;
  /** index of the entry inside its file's outs */
  index: number;
  /** the `.dvc` file or the dvc.yaml stage that defines it */
  source: DvcFileStage | PipelineStageEntry;
  /** false for pipeline outputs outside the repository (`cache: false` external outputs) */
  inRepo?: boolean;
  /** the dvc.yaml definition (flags, metric/plot) of a pipeline output */
  out?: PipelineOut;
}

/** A stage of the index: a `.dvc` file or a dvc.yaml stage. */
export type IndexStage = DvcFileStage | PipelineStageEntry;

/** All stages (`.dvc` files and dvc.yaml stages) and their outputs. */
export interface RepoIndex {
  /** the `.dvc` files */
  stages: DvcFileStage[];
  /** the dvc.yaml files, each with its stages and lock */
  pipelines: PipelineFileEntry[];
  /** every stage in collection order (files in walk order, dvc.yaml stages in definition order) */
  all: IndexStage[];
  /** outputs of every stage (local, in-repo ones are what status/checkout/commit/gc/push use) */
  outs: TrackedOut[];
}

/** Loads and parses the given `.dvc` files (repo-relative). Parse errors abort, as in DVC. */
export function loadDvcFileStages(repo: Repo, files: string[]): DvcFileStage[] {
  return files.map((path) => {
    let text: string;
    try {
      text = readFileSync(join(repo.root, path), 'utf8');
    } catch {
      throw dvcError('TARGET_NOT_FOUND', `'${path}' does not exist`, { hint: 'check the path of the .dvc file' });
    }
    const model = parseDvcFile(text, path);
    const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
    return { kind: 'dvcfile', path, dir, model, text } as DvcFileStage;
  });
}

/** Outputs of `.dvc` stages, with resolved paths (wdir = the file's directory, or `wdir:`). */
export function outsOfStages(repo: Repo, stages: DvcFileStage[]): TrackedOut[] {
  const outs: TrackedOut[] = [];
  for (const s of stages) {
    const wdirRaw = typeof s.model.raw.wdir === 'string' ? s.model.raw.wdir : '.';
    const wdir = posix.normalize(posix.join(s.dir || '.', wdirRaw));
    s.model.outs.forEach((entry, index) => {
      const rel = posix.normalize(posix.join(wdir, entry.path)).replace(/\/$/, '');
      if (rel.startsWith('../') || posix.isAbsolute(entry.path)) return; // external outputs are not local data
      outs.push({
        stage: s.path,
        dvcfile: s.path,
        entry,
        rel,
        abs: join(repo.root, rel),
        legacy: entry.md5 !== undefined && entry.hash === undefined,
        cache: entry.cache !== false,
        index,
        source: s,
      });
    });
  }
  return outs;
}

/**
 * Loads every `.dvc` file of the repo, collected like DVC (repo/collect-dvc-files.ts: .dvcignore,
 * git-ignore and subrepos honoured, output directories not entered). Each file is parsed once.
 */
export function loadIndex(repo: Repo): RepoIndex {
  const stages: DvcFileStage[] = [];
  const pipelines: PipelineFileEntry[] = [];
  const all: IndexStage[] = [];
  const outDirs = new Set<string>();
  collectDvcFiles({
    root: repo.root,
    ignore: repo.ignore,
    scm: repo.scm,
    onDvcFile: (rel) => {
      if (posix.basename(rel) === PROJECT_FILE) {
        // dvc.yaml: parsed only when present, so `.dvc`-only repos pay nothing for pipelines
        const file = loadPipelineFile(repo, rel);
        pipelines.push(file);
        for (const s of file.stages) {
          all.push(s);
          for (const o of s.outs) if (o.inRepo) outDirs.add(o.rel);
        }
        return;
      }
      if (!rel.endsWith(DVC_FILE_SUFFIX)) return;
      const [stage] = loadDvcFileStages(repo, [rel]);
      stages.push(stage);
      all.push(stage);
      for (const o of outsOfStages(repo, [stage])) outDirs.add(o.rel);
    },
    isOutputDir: (relDir) => outDirs.has(relDir),
  });
  const outs: TrackedOut[] = [];
  for (const s of all) {
    if (s.kind === 'dvcfile') outs.push(...outsOfStages(repo, [s]));
    else for (const o of s.outs) if (o.inRepo) outs.push(o);
  }
  return { stages, pipelines, all, outs };
}

/** The outputs of one stage of the index (in-repo ones). */
export function outsOf(repo: Repo, stage: IndexStage): TrackedOut[] {
  return stage.kind === 'dvcfile' ? outsOfStages(repo, [stage]) : stage.outs.filter((o) => o.inRepo);
}

/** Is `child` equal to or inside `parent` (repo-relative POSIX)? */
export function isSubPath(child: string, parent: string): boolean {
  return child === parent || parent === '' || child.startsWith(parent + '/');
}
