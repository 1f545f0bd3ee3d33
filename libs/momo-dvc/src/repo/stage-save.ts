/**
 * Saving a pipeline stage after it ran (or was restored/committed): hash dependencies, read params,
 * hash (and, unless `--no-commit`, store and relink) outputs, git-ignore cached outputs, build the
 * `dvc.lock` entry and write it. Mirrors DVC 3.67.1 `dvc/stage/__init__.py::Stage.save`/`commit`,
 * `dvc/output.py::Output.save`/`commit`/`ignore`, `dvc/stage/serialize.py::to_single_stage_lockfile`
 * and `dvc/dvcfile.py::Lockfile.dump_stages` (spec §8.2, §8.4, §11.7).
 */
import { readFileSync, rmSync, lstatSync, mkdirSync, renameSync, chmodSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { Repo } from './repo.js';
import type { TrackedOut } from './index.js';
import type { PipelineStageEntry, StageDep } from './pipeline-index.js';
import { relToCwd } from './pipeline-index.js';
import { hashDependency, displayDep, type StatusContext } from '../planning/stage-status.js';
import { commitOutputData, storingHashOptions } from './commit-out.js';
import { hashOutput, type OutputHash } from '../hashing/hash-output.js';
import { storeManifest, unprotectOutput } from './output-ops.js';
import { readManifest } from '../planning/out-status.js';
import { readParamsDependency, paramsMissingError } from '../models/params.js';
import {
  applyLockStages,
  buildLockEntry,
  buildLockStage,
  parseLockfile,
  serializeLockfile,
  type LockEntry,
  type LockParamsInput,
  type LockStage,
} from '../models/lockfile.js';
import { displayPath } from '../models/pipeline.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { dvcError, EXIT } from '../errors/dvc-error.js';
import type { LinkType } from '../cache/odb.js';

/** What saving a stage produced. */
export interface SavedStage {
  entry: LockStage;
  /** `.gitignore` files that changed (absolute) */
  gitignores: string[];
  /** outputs whose `.gitignore` entry this save added (DVC removes them again if the command fails) */
  ignoredPaths: string[];
}

/** Hash info of one dep as the lock records it. */
export function lockEntryFor(def: string, h: OutputHash, legacy = false): LockEntry {
  return buildLockEntry({
    path: def,
    hash: { name: legacy ? 'md5-dos2unix' : 'md5', value: h.md5 },
    size: h.size,
    nfiles: h.isDir ? h.nfiles : undefined,
    isexec: h.isDir ? undefined : h.isexec,
  });
}

/** `dependency '<p>' does not exist`. */
export function dependencyMissing(ctx: StatusContext, d: { def: string; abs?: string; inRepo: boolean; url?: boolean }) {
  const shown = displayDep(ctx, d);
  return dvcError('DEPENDENCY_NOT_FOUND', `dependency '${shown}' does not exist`, {
    hint: `create '${shown}' (or the stage that produces it), or remove it from the stage's deps`,
    exitCode: EXIT.UNEXPECTED,
    data: { dep: d.def },
  });
}

/** Hashes the path dependencies of a stage (`save_deps`). @throws DEPENDENCY_NOT_FOUND */
export async function saveDeps(ctx: StatusContext, s: PipelineStageEntry): Promise<LockEntry[]> {
  const entries: LockEntry[] = [];
  for (const d of s.deps) entries.push(await saveDep(ctx, d));
  return entries;
}

async function saveDep(ctx: StatusContext, d: StageDep): Promise<LockEntry> {
  const h = await hashDependency(ctx, d);
  if (!h) throw dependencyMissing(ctx, d);
  return lockEntryFor(d.def, h);
}

/**
 * Reads every params dependency (`ParamsDependency.save`/`get_hash`).
 * @throws DEPENDENCY_NOT_FOUND for a missing file; PARAMS_MISSING for missing keys (`strictKeys`)
 */
export function saveParams(ctx: StatusContext, s: PipelineStageEntry, strictKeys: boolean): LockParamsInput[] {
  const out: LockParamsInput[] = [];
  for (const p of s.params) {
    const r = readParamsDependency({ root: ctx.repo.root, wdir: s.wdir, dep: { path: p.def, keys: p.keys } });
    if (r.status === 'missing') throw dependencyMissing(ctx, p);
    if (r.status === 'directory') {
      throw dvcError('PARAMS_FILE_INVALID', `'${displayDep(ctx, p)}' is a directory, expected a parameters file`, {
        hint: 'point the params entry at a YAML/JSON/TOML file',
        exitCode: EXIT.UNEXPECTED,
      });
    }
    if (strictKeys && r.missing.length) throw paramsMissingError(displayDep(ctx, p), r.missing);
    out.push({ defPath: p.def, path: r.lockPath, keys: p.keys, values: r.values });
  }
  return out;
}

/** `output '<p>' does not exist`. */
export function outputMissing(ctx: StatusContext, o: TrackedOut) {
  const shown = relative(ctx.cwd, o.abs).split(sep).join('/');
  return dvcError('OUTPUT_NOT_FOUND', `output '${shown}' does not exist`, {
    hint: "make the stage's command create it, or remove it from the stage's outs",
    exitCode: EXIT.UNEXPECTED,
    data: { output: o.entry.path },
  });
}

/** Options of {@link saveStage}. */
export interface SaveStageOptions {
  /** store outputs in the cache and relink them (false for `--no-commit`) */
  commit: boolean;
  /** params keys that are missing fail the save */
  strictKeys?: boolean;
  /** reuse dependency entries hashed just before (repro hashes them right after the command) */
  deps?: LockEntry[];
  /** relink committed outputs to the configured link type (default true; `commit --no-relink`) */
  relink?: boolean;
}

/**
 * Hashes everything a stage records and (unless `commit: false`) stores its cached outputs.
 * @throws DEPENDENCY_NOT_FOUND, OUTPUT_NOT_FOUND, PARAMS_MISSING, OUTPUT_TRACKED_BY_SCM
 */
export async function saveStage(ctx: StatusContext, s: PipelineStageEntry, opts: SaveStageOptions): Promise<SavedStage> {
  const repo = ctx.repo;
  const deps = opts.deps ?? (await saveDeps(ctx, s));
  const params = saveParams(ctx, s, opts.strictKeys ?? false);
  const cachedInRepo = s.outs.filter((o) => o.cache && o.inRepo !== false);
  if (cachedInRepo.length && repo.scm.enabled) {
    const tracked = repo.scm.tracked(cachedInRepo.map((o) => o.rel));
    const i = tracked.findIndex(Boolean);
    if (i >= 0) {
      const shown = relative(ctx.cwd, cachedInRepo[i]!.abs).split(sep).join('/');
      throw dvcError('OUTPUT_TRACKED_BY_SCM', ` output '${shown}' is already tracked by SCM (e.g. Git).`, {
        hint: `stop tracking it with git first: \`git rm -r --cached '${shown}'\` and commit`,
        exitCode: EXIT.UNEXPECTED,
      });
    }
  }
  // every output must exist before any is committed (save_outs runs before commit in DVC)
  for (const o of s.outs) if (!lstatSync(o.abs, { throwIfNoEntry: false })) throw outputMissing(ctx, o);
  const outs: LockEntry[] = [];
  const gitignores = new Set<string>();
  const ignoredPaths: string[] = [];
  for (const o of s.outs) {
    let h: OutputHash | undefined;
    if (o.cache && o.inRepo !== false && opts.commit) h = await commitOutputData(repo, o, { jobs: ctx.jobs, relink: opts.relink });
    else h = await hashOutput(o.abs, { ...storingHashOptions(repo, ctx.jobs, false), name: 'md5' });
    if (!h) throw outputMissing(ctx, o);
    if (o.cache && o.inRepo !== false) {
      const gi = repo.scm.ignore(o.abs);
      if (gi) {
        gitignores.add(gi);
        ignoredPaths.push(o.abs);
      }
    }
    outs.push(lockEntryFor(o.entry.path, h));
  }
  const cmd = s.stage.cmd as string | string[];
  return { entry: buildLockStage({ cmd, deps, params, outs }), gitignores: [...gitignores], ignoredPaths };
}

/**
 * Copies outputs that are not cached (`cache: false`) into the cache, so a run-cache entry can
 * restore them (`StageCache._uncached_outs`: copy link type).
 */
export async function storeUncachedOuts(ctx: StatusContext, s: PipelineStageEntry): Promise<void> {
  for (const o of s.outs) {
    if (o.cache || o.inRepo === false) continue;
    const h = await hashOutput(o.abs, storingHashOptions(ctx.repo, ctx.jobs));
    if (h) storeManifest(ctx.repo, h);
  }
}

/** The lines of a stage's `cmd`: a string runs line by line (`splitlines`), a list item by item. */
export function commandsOf(cmd: unknown): string[] {
  if (Array.isArray(cmd)) return cmd.map(String);
  if (typeof cmd !== 'string' || !cmd) return [];
  const lines = cmd.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * `_can_hash` once every dependency has been saved: may this stage have a run-cache entry?
 * Not for callback/always_changed stages, stages without cmd, deps or outs, URL deps, and
 * outputs that persist or lie outside the repository.
 */
export function isRunCacheEligible(s: PipelineStageEntry): boolean {
  if (s.stage.alwaysChanged || !commandsOf(s.stage.cmd).length) return false;
  if (!(s.deps.length + s.params.length) || !s.outs.length) return false;
  if (s.deps.some((d) => d.url)) return false;
  if (s.outs.some((o) => o.inRepo === false || o.entry.persist)) return false;
  return true;
}

/** Result of {@link writeLockEntry}. */
export interface LockWriteResult {
  /** "Generating lock file '…'" / "Updating lock file '…'" */
  messages: string[];
  /** the lock changed (the CLI lists it for `git add`) */
  modified: boolean;
  /** absolute path of the dvc.lock */
  path: string;
}

/**
 * Writes one stage's entry into its dvc.lock, re-reading the file first (other stages of the same
 * file may have been written meanwhile): replaced in place, or appended; other entries untouched.
 */
export function writeLockEntry(repo: Repo, cwd: string, s: PipelineStageEntry, entry: LockStage): LockWriteResult {
  const abs = join(repo.root, s.file.lockPath);
  const shown = relToCwd(repo.root, cwd, s.file.lockPath);
  let text: string | undefined;
  try {
    text = readFileSync(abs, 'utf8');
  } catch {
    // no lock yet
    text = undefined;
  }
  const existing = text !== undefined && text.trim() ? parseLockfile({ text, file: displayPath(shown) }) : undefined;
  const r = applyLockStages(existing, [[s.name, entry]]);
  const messages: string[] = [];
  if (r.generated) messages.push(`Generating lock file '${shown}'`);
  if (r.modified) messages.push(`Updating lock file '${shown}'`);
  const out = serializeLockfile(r.lock);
  if (out !== text) writeFileAtomic(abs, out);
  s.lock = entry;
  if (s.file.lock) s.file.lock.stages.set(s.name, entry);
  else s.file.lock = r.lock;
  return { messages, modified: r.modified, path: abs };
}

/** Deletes (or, for `persist`, unprotects) a stage's outputs before its command runs. */
export function removeOuts(repo: Repo, s: PipelineStageEntry): void {
  for (const o of s.outs) {
    if (o.inRepo === false) continue;
    if (o.entry.persist) {
      unprotectOutput(repo, o.abs);
      continue;
    }
    rmSync(o.abs, { recursive: true, force: true });
  }
}

/**
 * Checks an output out of the cache into an empty place (run-cache restore). `copy` forces a copy
 * (outputs that are not cached are restored as plain files).
 */
export function checkoutRecorded(repo: Repo, abs: string, md5: string, opts: { legacy?: boolean; copy?: boolean; isexec?: boolean } = {}): void {
  const types: LinkType[] = opts.copy ? ['copy'] : [...repo.odb.types];
  const legacy = Boolean(opts.legacy);
  rmSync(abs, { recursive: true, force: true });
  const place = (dest: string, oid: string, exec?: boolean) => {
    mkdirSync(dirname(dest), { recursive: true });
    const tmp = join(dirname(dest), `.${Math.random().toString(36).slice(2)}.momo.tmp`);
    const empty = statSync(repo.odb.oidPath(oid, legacy)).size === 0;
    repo.odb.link(oid, tmp, legacy, types, empty);
    if (exec) chmodSync(tmp, lstatSync(tmp).mode | 0o100);
    renameSync(tmp, dest);
  };
  if (!md5.endsWith('.dir')) {
    place(abs, md5, opts.isexec);
    return;
  }
  mkdirSync(abs, { recursive: true });
  for (const e of readManifest(repo, md5, legacy) ?? []) place(join(abs, e.relpath), e.md5, e.isexec);
}
