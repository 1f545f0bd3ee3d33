/**
 * `dvc.yaml` stages of the index: each pipeline file parsed, templated and loaded with the models
 * of ../models (pipeline.ts, lockfile.ts), every stage paired with its entry of the sibling
 * `dvc.lock`, and its paths resolved against the stage wdir.
 *
 * Mirrors DVC 3.67.1 `dvc/dvcfile.py::ProjectFile` + `Lockfile`, `dvc/stage/loader.py::StageLoader`
 * (`fill_from_lock`: deps/outs looked up by the path text as written, params by the file as
 * written, E5) and `dvc/output.py` path handling (def_path kept verbatim; the filesystem path is
 * normalised; absolute in-repo paths relativised, E22).
 */
import { readFileSync } from 'node:fs';
import { join, posix, relative, resolve, sep } from 'node:path';
import { LOCK_FILE, PROJECT_FILE } from '../constants.js';
import { loadPipeline, displayPath, type PipelineFile, type PipelineStage, type PipelineOut } from '../models/pipeline.js';
import { parseLockfile, findLockEntry, type Lockfile, type LockStage, type LockEntry } from '../models/lockfile.js';
import { readParamsFile, normPosix } from '../models/params.js';
import type { PipelineResolver } from '../models/templating/resolver.js';
import type { ParsingConfig } from '../models/templating/interpolate.js';
import type { OutEntry } from '../models/dvcfile.js';
import type { Repo } from './repo.js';
import type { TrackedOut } from './index.js';
import { hasGlobMagic } from './glob-deps.js';

/** One `dvc.yaml` of the repository with its lock. */
export interface PipelineFileEntry {
  kind: 'pipeline-file';
  /** repo-relative POSIX path of the dvc.yaml */
  path: string;
  /** repo-relative directory ('' at the root) */
  dir: string;
  /** repo-relative path of the sibling dvc.lock */
  lockPath: string;
  pipeline: PipelineFile;
  resolver: PipelineResolver;
  /** the parsed dvc.lock (undefined when there is none or it is empty) */
  lock?: Lockfile;
  /** the dvc.lock text as read (undefined when missing) */
  lockText?: string;
  stages: PipelineStageEntry[];
  /** warnings from templating ("item is already specified …") */
  warnings: string[];
  /** momo extensions this file uses (glob deps), for the CLI's warning */
  extensions: string[];
}

/** Where a dependency or output path points. */
export interface ResolvedPath {
  /** def_path: the text as written in dvc.yaml (after interpolation) */
  def: string;
  /**
   * repo-relative, normalised, POSIX (no trailing slash); starts with `../` or is absolute when
   * the path leaves the repository
   */
  rel: string;
  /** absolute filesystem path (undefined for URLs) */
  abs?: string;
  /** inside the repository (URLs and paths outside are external) */
  inRepo: boolean;
  /** a URL (`s3://…`, `remote://…`): momo does not check these */
  url?: boolean;
}

/** A path dependency of a pipeline stage. */
export interface StageDep extends ResolvedPath {
  /** the lock entry with the same path text, when the stage was run before */
  lockEntry?: LockEntry;
  /** momo extension: a wildcard dependency (`libs/*\/momo_*\/`), hashed as one set */
  glob?: boolean;
}

/** A params dependency of a pipeline stage (one per file). */
export interface StageParamsDep extends ResolvedPath {
  /** listed keys; empty: the whole file is tracked */
  keys: string[];
  /** the key DVC writes under `params:` in dvc.lock (normalised, wdir-relative) */
  lockPath: string;
}

/** A `dvc.yaml` stage of the index. */
export interface PipelineStageEntry {
  kind: 'pipeline';
  /** stage name (`train`, `build@m1`) */
  name: string;
  /** repo-relative dvc.yaml path */
  path: string;
  /** repo-relative directory of the dvc.yaml ('' at the root) */
  dir: string;
  /** repo-relative addressing `dvc.yaml:train`, `sub/dvc.yaml:train` */
  address: string;
  /** repo-relative wdir ('' at the root) */
  wdir: string;
  stage: PipelineStage;
  /** this stage's dvc.lock entry */
  lock?: LockStage;
  file: PipelineFileEntry;
  deps: StageDep[];
  params: StageParamsDep[];
  outs: TrackedOut[];
  frozen: boolean;
}

const URL_RE = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;

/** Resolves a dep/out path of a stage whose wdir is `wdir` (repo-relative). */
export function resolveStagePath(root: string, wdir: string, def: string): ResolvedPath {
  if (URL_RE.test(def)) return { def, rel: def, inRepo: false, url: true };
  if (posix.isAbsolute(def) || /^[A-Za-z]:[\\/]/.test(def)) {
    const abs = resolve(def);
    const r = relative(root, abs);
    const inRepo = r === '' || (!r.startsWith('..') && !posix.isAbsolute(r));
    return { def, rel: inRepo ? r.split(sep).join('/') : abs, abs, inRepo };
  }
  const joined = normPosix(wdir ? `${wdir}/${def}` : def);
  const rel = joined === '.' ? '' : joined;
  const inRepo = !(rel === '..' || rel.startsWith('../'));
  return { def, rel: inRepo ? rel : resolve(root, rel), abs: resolve(root, rel), inRepo };
}

/** DVC's addressing of a pipeline stage seen from `cwd` (`train` or `sub/dvc.yaml:train`). */
export function pipelineAddress(root: string, cwd: string, path: string, name: string): string {
  const rel = relative(cwd, join(root, path)).split(sep).join('/');
  return rel === PROJECT_FILE ? name : `${rel}:${name}`;
}

/** The repo-relative display path of a file relative to cwd (`dvc.yaml`, `../dvc.yaml`). */
export function relToCwd(root: string, cwd: string, rel: string): string {
  return relative(cwd, join(root, rel)).split(sep).join('/') || '.';
}

/**
 * Loads one dvc.yaml (repo-relative `path`) and its dvc.lock: templating resolved, every stage
 * loaded and paired with its lock entry. Messages name files relative to the CWD, as DVC does.
 * @throws PIPELINE_FILE_INVALID, LOCKFILE_INVALID, TEMPLATE_RESOLVE_FAILED, STAGE_NOT_FOUND,
 *   PARAMS_LIST_INVALID, PARAMS_FILE_INVALID
 */
export function loadPipelineFile(repo: Repo, path: string): PipelineFileEntry {
  return loadPipelineFileText(repo, path, readFileSync(join(repo.root, path), 'utf8'));
}

/** {@link loadPipelineFile} for given dvc.yaml text (e.g. a file about to be written). */
export function loadPipelineFileText(repo: Repo, path: string, text: string): PipelineFileEntry {
  const cwd = repo.ctx.cwd;
  const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
  const fileFromCwd = relToCwd(repo.root, cwd, path);
  const parsing = repo.settings.config.values.get('parsing');
  const parsingConfig: ParsingConfig | undefined =
    parsing instanceof Map ? { bool: parsing.get('bool') as ParsingConfig['bool'], list: parsing.get('list') as ParsingConfig['list'] } : undefined;
  const loaded = loadPipeline({
    text,
    file: fileFromCwd,
    load: (p) => readParamsFile({ root: cwd, path: p }),
    config: parsingConfig,
  });
  const lockPath = dir ? `${dir}/${LOCK_FILE}` : LOCK_FILE;
  let lockText: string | undefined;
  try {
    lockText = readFileSync(join(repo.root, lockPath), 'utf8');
  } catch {
    // no dvc.lock: no stage has run yet
  }
  const lock = lockText !== undefined && lockText.trim() ? parseLockfile({ text: lockText, file: displayPath(relToCwd(repo.root, cwd, lockPath)) }) : undefined;
  const file: PipelineFileEntry = {
    kind: 'pipeline-file',
    path,
    dir,
    lockPath,
    pipeline: loaded.pipeline,
    resolver: loaded.resolver,
    lock,
    lockText,
    stages: [],
    warnings: [...loaded.resolver.warnings],
    extensions: [],
  };
  for (const stage of loaded.stages) file.stages.push(stageEntry(repo, file, stage));
  if (file.stages.some((s) => s.deps.some((d) => d.glob))) file.extensions.push('glob dependencies');
  return file;
}

function stageEntry(repo: Repo, file: PipelineFileEntry, stage: PipelineStage): PipelineStageEntry {
  const wdir = stage.wdir === '.' ? file.dir : normPosix(file.dir ? `${file.dir}/${stage.wdir}` : stage.wdir);
  const wdirRel = wdir === '.' ? '' : wdir;
  const lock = file.lock?.stages.get(stage.name);
  const address = `${file.path}:${stage.name}`;
  const entry: PipelineStageEntry = {
    kind: 'pipeline',
    name: stage.name,
    path: file.path,
    dir: file.dir,
    address,
    wdir: wdirRel,
    stage,
    lock,
    file,
    deps: [],
    params: [],
    outs: [],
    frozen: stage.frozen,
  };
  for (const d of stage.deps) {
    const r = resolveStagePath(repo.root, wdirRel, d.path);
    const dep: StageDep = { ...r, lockEntry: lock ? findLockEntry(lock, 'deps', d.path) : undefined };
    if (!r.url && hasGlobMagic(d.path)) dep.glob = true;
    entry.deps.push(dep);
  }
  for (const p of stage.params) {
    const r = resolveStagePath(repo.root, wdirRel, p.path);
    entry.params.push({ ...r, keys: [...p.keys], lockPath: normPosix(p.path) });
  }
  stage.outs.forEach((o, index) => {
    const r = resolveStagePath(repo.root, wdirRel, o.path);
    const le = lock ? findLockEntry(lock, 'outs', o.path) : undefined;
    entry.outs.push({
      stage: address,
      dvcfile: file.path,
      entry: outEntryOf(o, le),
      rel: r.rel,
      abs: r.abs ?? r.rel,
      legacy: le !== undefined && typeof le.md5 === 'string' && le.hash === undefined,
      cache: o.cache,
      index,
      source: entry,
      inRepo: r.inRepo && !r.url,
      out: o,
    });
  });
  return entry;
}

/** The recorded state of a pipeline output, in the shape `.dvc` outputs use. */
function outEntryOf(o: PipelineOut, le: LockEntry | undefined): OutEntry {
  const e: OutEntry = { path: o.path };
  if (le) {
    if (typeof le.md5 === 'string') e.md5 = le.md5;
    if (le.hash !== undefined) e.hash = le.hash;
    if (le.size !== undefined) e.size = le.size;
    if (le.nfiles !== undefined) e.nfiles = le.nfiles;
    if (le.isexec) e.isexec = true;
  }
  if (!o.cache) e.cache = false;
  if (o.persist) e.persist = true;
  if (!o.push) e.push = false;
  if (o.remote) e.remote = o.remote;
  return e;
}
