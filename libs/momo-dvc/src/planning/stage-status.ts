/**
 * Is a stage changed, and how (spec §11.1–11.2, E4, E18, E19). Mirrors DVC 3.67.1
 * `dvc/stage/__init__.py::Stage.status`/`changed`, `dvc/output.py::status`/`workspace_status`,
 * `dvc/dependency/param.py::ParamsDependency.workspace_status`:
 * - list order: `{"changed deps": …}`, `{"changed outs": …}`, `"always changed"`,
 *   `"changed command"`; deps in dvc.yaml order, then params files;
 * - a frozen stage shows no deps (but still "always changed"/"changed command");
 * - a dependency without a recorded hash is `modified`; a missing one `deleted`;
 * - params: whole file missing → `deleted`; never recorded → `new`; else per key
 *   `deleted`/`new`/`modified`, values compared with Python equality.
 * Dependencies are hashed "dry" (nothing enters the cache); the hash memo makes repeats cheap.
 */
import { relative, sep } from 'node:path';
import type { Repo } from '../repo/repo.js';
import type { TrackedOut, IndexStage, DvcFileStage } from '../repo/index.js';
import { outsOfStages } from '../repo/index.js';
import type { PipelineStageEntry, StageDep, StageParamsDep } from '../repo/pipeline-index.js';
import { computeOutStatus, type OutStatus } from './out-status.js';
import { hashOutput, type OutputHash } from '../hashing/hash-output.js';
import { HashState } from '../managers/hash-state.js';
import { hashGlobDependency } from '../repo/glob-deps.js';
import { readParamsDependency } from '../models/params.js';
import { lockParamsFor } from '../models/lockfile.js';
import { pyEquals } from '../models/py-compare.js';
import type { YamlValue } from '../yaml/parse.js';
import { dvcError, EXIT } from '../errors/dvc-error.js';
import { keyToString } from '../yaml/parse.js';
import { join } from 'node:path';

/** One stage's findings, DVC's `--json` shape. */
export type StageStatusList = Array<{ 'changed deps': Record<string, string | Record<string, string>> } | { 'changed outs': Record<string, OutStatus> } | string>;

/** Shared state of one status/repro pass (memo for paths outside the repo, CWD for display). */
export interface StatusContext {
  repo: Repo;
  cwd: string;
  jobs?: number;
  /** hash memo for dependencies outside the repository (kept apart from in-repo keys) */
  external?: HashState;
}

/** A new status context (call {@link closeStatusContext} to save the external memo). */
export function createStatusContext(repo: Repo, cwd: string, jobs?: number): StatusContext {
  return { repo, cwd, jobs, external: new HashState(join(repo.tmpDir, 'momo', 'state-external')) };
}

/** Saves what the context memoised. */
export function closeStatusContext(ctx: StatusContext): void {
  ctx.external?.save();
}

/** How a path is shown: relative to the CWD when inside the repo, else as DVC shows it. */
export function displayDep(ctx: StatusContext, d: { def: string; abs?: string; inRepo: boolean; url?: boolean }): string {
  if (d.url || d.def.startsWith('/')) return d.def;
  if (!d.inRepo) return d.abs!;
  return relative(ctx.cwd, d.abs!).split(sep).join('/') || '.';
}

/** `cmd` in dvc.lock differs from the resolved one (plain YAML value equality, §8.3). */
export function isCmdChanged(s: PipelineStageEntry): boolean {
  return s.lock !== undefined && !pyEquals(s.lock.cmd, s.stage.cmd);
}

/** A stage with a command, no dependencies (params count) and no outputs: always runs. */
export function isCallback(s: PipelineStageEntry): boolean {
  const cmd = s.stage.cmd;
  const hasCmd = Array.isArray(cmd) ? cmd.length > 0 : Boolean(cmd);
  return hasCmd && s.deps.length === 0 && s.params.length === 0 && s.outs.length === 0;
}

/** Hashes a dependency as DVC records it (glob deps as a set). Undefined when it does not exist. */
export async function hashDependency(ctx: StatusContext, d: StageDep): Promise<OutputHash | undefined> {
  if (d.url) {
    throw dvcError('DEPENDENCY_UNSUPPORTED', `dependency '${d.def}' is a URL: momo does not check remote dependencies`, {
      hint: 'download the data into the repository (e.g. with `dvc import-url`) and depend on the local copy',
      exitCode: EXIT.UNEXPECTED,
      data: { dep: d.def },
    });
  }
  if (d.glob) return hashGlobDependency(ctx.repo, d.def.endsWith('/') ? `${d.rel}/` : d.rel, ctx.jobs);
  const legacy = d.lockEntry !== undefined && typeof d.lockEntry.md5 === 'string' && d.lockEntry.hash === undefined;
  const repo = ctx.repo;
  return hashOutput(d.abs!, {
    state: d.inRepo ? repo.state : (ctx.external ?? repo.state),
    walk: (dir) => repo.walker.walk(dir),
    root: d.inRepo ? repo.root : '',
    name: legacy ? 'md5-dos2unix' : 'md5',
    jobs: ctx.jobs ?? repo.settings.checksumJobs,
  });
}

/** Status of a path dependency: `deleted`, `modified`, or undefined when unchanged. */
export async function depStatus(ctx: StatusContext, d: StageDep): Promise<'deleted' | 'modified' | undefined> {
  const h = await hashDependency(ctx, d);
  if (!h) return 'deleted';
  const recorded = d.lockEntry?.md5;
  if (typeof recorded !== 'string' || recorded !== h.md5) return 'modified';
  return undefined;
}

/** Status of a params dependency: a word for the whole file, a key → word map, or undefined. */
export function paramsStatus(ctx: StatusContext, s: PipelineStageEntry, p: StageParamsDep): string | Record<string, string> | undefined {
  const r = readParamsDependency({ root: ctx.repo.root, wdir: s.wdir, dep: { path: p.def, keys: p.keys } });
  if (r.status === 'missing') return 'deleted';
  const info = s.lock ? lockParamsFor(s.lock, p.def, p.keys) : undefined;
  if (!info) return 'new';
  const actual: Map<string, YamlValue> = r.values ?? new Map();
  const keys = p.keys.length ? p.keys : [...new Set([...actual.keys(), ...info.keys()])];
  const out: Record<string, string> = {};
  for (const k of keys) {
    if (!actual.has(k)) out[k] = 'deleted';
    else if (!info.has(k)) out[k] = 'new';
    else if (!pyEquals(actual.get(k), info.get(k))) out[k] = 'modified';
  }
  return Object.keys(out).length ? out : undefined;
}

function outDisplay(ctx: StatusContext, o: TrackedOut): string {
  return relative(ctx.cwd, o.abs).split(sep).join('/') || '.';
}

/** Status of the outputs of a stage (in-repo ones), keyed by their path relative to the CWD. */
export async function outsStatus(ctx: StatusContext, outs: readonly TrackedOut[], only?: (o: TrackedOut) => boolean): Promise<Record<string, OutStatus>> {
  const res: Record<string, OutStatus> = {};
  for (const o of outs) {
    if (o.inRepo === false || (only && !only(o))) continue;
    const st = await computeOutStatus(ctx.repo, o, ctx.jobs);
    if (st) res[outDisplay(ctx, o)] = st;
  }
  return res;
}

/** `workspace_status` of an output: like its status, but never `not in cache`. */
export async function outWorkspaceStatus(ctx: StatusContext, o: TrackedOut): Promise<'deleted' | 'modified' | undefined> {
  const st = await computeOutStatus(ctx.repo, { ...o, cache: false }, ctx.jobs);
  return st === 'deleted' || st === 'modified' ? st : st === 'new' ? 'modified' : undefined;
}

/**
 * `Stage.changed_entries` (what `dvc commit` asks about): changed deps and outs (workspace status,
 * shown relative to the CWD) and the changed-command note.
 */
export async function changedEntries(ctx: StatusContext, s: PipelineStageEntry): Promise<{ deps: string[]; outs: string[]; stage?: string; address?: string }> {
  const deps: string[] = [];
  for (const d of s.deps) if (await depStatus(ctx, d)) deps.push(displayDep(ctx, d));
  for (const p of s.params) if (paramsStatus(ctx, s, p)) deps.push(displayDep(ctx, p));
  const outs: string[] = [];
  for (const o of s.outs) if (o.inRepo !== false && (await outWorkspaceStatus(ctx, o))) outs.push(outDisplay(ctx, o));
  return { deps, outs, stage: isCmdChanged(s) ? 'cmd' : undefined };
}

/** The status list of one stage (`Stage.status`); empty when up to date. */
export async function computeStageStatus(ctx: StatusContext, stage: IndexStage, only?: (o: TrackedOut) => boolean): Promise<StageStatusList> {
  const list: StageStatusList = [];
  if (stage.kind === 'dvcfile') {
    const outs = await outsStatus(ctx, outsOfStages(ctx.repo, [stage as DvcFileStage]), only);
    if (Object.keys(outs).length) list.push({ 'changed outs': outs });
    return list;
  }
  if (!stage.frozen) {
    const deps: Record<string, string | Record<string, string>> = {};
    for (const d of stage.deps) {
      const st = await depStatus(ctx, d);
      if (st) deps[displayDep(ctx, d)] = st;
    }
    for (const p of stage.params) {
      const st = paramsStatus(ctx, stage, p);
      if (st) deps[displayDep(ctx, p)] = st;
    }
    if (Object.keys(deps).length) list.push({ 'changed deps': deps });
  }
  const outs = await outsStatus(ctx, stage.outs, only);
  if (Object.keys(outs).length) list.push({ 'changed outs': outs });
  if (isCallback(stage) || stage.stage.alwaysChanged) list.push('always changed');
  if (isCmdChanged(stage)) list.push('changed command');
  return list;
}

/** Options of {@link isStageChanged}. */
export interface ChangedOptions {
  /** ignore missing data (`--allow-missing`): deleted/not-in-cache outs, deleted deps */
  allowMissing?: boolean;
  /** the stage's upstream stages (a deleted dep they would produce differently still counts) */
  upstream?: readonly IndexStage[];
}

/**
 * `Stage.changed` with DVC's short-circuit order: command, then dependencies (frozen: none;
 * callback/always_changed: always), then outputs.
 */
export async function isStageChanged(ctx: StatusContext, stage: IndexStage, opts: ChangedOptions = {}): Promise<boolean> {
  if (stage.kind === 'pipeline') {
    if (isCmdChanged(stage)) return true;
    if (!stage.frozen) {
      if (isCallback(stage) || stage.stage.alwaysChanged) return true;
      for (const d of stage.deps) {
        const st = await depStatus(ctx, d);
        if (!st) continue;
        if (opts.allowMissing && st === 'deleted' && !upstreamWouldChange(ctx, d, opts.upstream)) continue;
        return true;
      }
      for (const p of stage.params) {
        const st = paramsStatus(ctx, stage, p);
        if (!st) continue;
        if (opts.allowMissing && st === 'deleted') continue;
        return true;
      }
    }
  }
  const outs = stage.kind === 'pipeline' ? stage.outs : outsOfStages(ctx.repo, [stage]);
  for (const o of outs) {
    if (o.inRepo === false) continue;
    const st = await computeOutStatus(ctx.repo, o, ctx.jobs);
    if (!st) continue;
    if (opts.allowMissing && (st === 'not in cache' || st === 'deleted')) continue;
    return true;
  }
  return false;
}

/** allow-missing rule: a deleted dep counts when an upstream stage records a different hash for it. */
function upstreamWouldChange(ctx: StatusContext, d: StageDep, upstream?: readonly IndexStage[]): boolean {
  for (const u of upstream ?? []) {
    const outs = u.kind === 'pipeline' ? u.outs : outsOfStages(ctx.repo, [u]);
    for (const o of outs) if (o.abs === d.abs && o.entry.md5 !== d.lockEntry?.md5) return true;
  }
  return false;
}

export { keyToString };
