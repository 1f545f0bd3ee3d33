import { posix, relative, resolve, sep, join } from 'node:path';
import { withOperation, isMomoError } from '@momo/errors';
import { Repo, type RepoOptions } from '../repo/repo.js';
import { gitRevTree, hasCommits, workspaceTree, type RevTree } from '../repo/rev-tree.js';
import { loadPipeline } from '../models/pipeline.js';
import { parseParams, lookupParam, normPosix, DEFAULT_PARAMS_FILE } from '../models/params.js';
import { parseLockfile, findLockEntry } from '../models/lockfile.js';
import type { YamlKey, YamlValue } from '../yaml/parse.js';
import { PyFloat } from '../yaml/values.js';
import { diffFiles, type ValueChange } from '../planning/diff-values.js';
export { flattenDotted, formatDict } from '../planning/diff-values.js';
import { LOCK_FILE } from '../constants.js';
import { pyStr } from '../models/templating/py-str.js';
export { pyJsonValue } from '../models/py-json-value.js';

/** One file's values for a revision, or why they could not be read. */
export type FileValues = { data: YamlValue } | { error: { type: string; msg: string } };

function fileError(type: string, msg: string): FileValues {
  return { error: { type, msg } };
}

interface LoadedPipeline {
  path: string;
  dir: string;
  stages: ReturnType<typeof loadPipeline>['stages'];
  topParams: YamlValue[];
  topMetrics: YamlValue[];
}

function loadPipelinesAt(tree: RevTree): LoadedPipeline[] {
  const out: LoadedPipeline[] = [];
  for (const path of tree.pipelineFiles()) {
    const text = tree.read(path);
    if (text === undefined) continue;
    const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
    const loaded = loadPipeline({
      text,
      file: path,
      load: (p) => {
        if (tree.isDir(p)) return { status: 'directory' };
        const t = tree.read(p);
        return t === undefined ? { status: 'missing' } : { status: 'ok', data: parseParams({ text: t, file: p }) };
      },
    });
    out.push({ path, dir, stages: loaded.stages, topParams: loaded.resolver.resolveTop('params'), topMetrics: loaded.resolver.resolveTop('metrics') });
  }
  return out;
}

function stageWdir(p: LoadedPipeline, wdir: string): string {
  const w = normPosix(p.dir ? `${p.dir}/${wdir}` : wdir);
  return w === '.' ? '' : w;
}

function joinRel(dir: string, path: string): string {
  const r = normPosix(dir ? `${dir}/${path}` : path);
  return r === '.' ? '' : r;
}

/** `dpath.search` + merge: the listed key paths of `data`, as nested mappings. */
function selectNested(data: YamlValue, keys: readonly string[]): Map<YamlKey, YamlValue> {
  const out = new Map<YamlKey, YamlValue>();
  for (const key of keys) {
    const r = lookupParam(data, key);
    if (!r.found) continue;
    const segs = key.split('.');
    let node = out;
    segs.forEach((seg, i) => {
      if (i === segs.length - 1) node.set(seg, r.value);
      else {
        let next = node.get(seg);
        if (!(next instanceof Map)) {
          next = new Map();
          node.set(seg, next);
        }
        node = next as Map<YamlKey, YamlValue>;
      }
    });
  }
  return out;
}

/**
 * The params of one revision (`dvc/repo/params/show.py`, E9): every stage params dependency,
 * plus (unless `deps`) top-level `params:` files and the root `params.yaml`, plus values used
 * through `${}`; `targets` replaces all of it with whole files. Keys are repo-relative paths.
 */
export function collectParams(tree: RevTree, opts: { targets?: string[]; deps?: boolean } = {}): Map<string, FileValues> {
  const wanted = new Map<string, Set<string> | 'whole'>();
  const want = (file: string, keys: readonly string[] | 'whole') => {
    const cur = wanted.get(file);
    if (keys === 'whole' || cur === 'whole') {
      wanted.set(file, 'whole');
      return;
    }
    const set = cur ?? new Set<string>();
    for (const k of keys) set.add(k);
    wanted.set(file, set);
  };
  if (opts.targets?.length) for (const t of opts.targets) want(t, 'whole');
  else {
    for (const p of loadPipelinesAt(tree)) {
      for (const s of p.stages) {
        const wdir = stageWdir(p, s.wdir);
        for (const dep of s.params) want(joinRel(wdir, dep.path), dep.keys.length ? dep.keys : 'whole');
        for (const [file, vals] of s.trackedVars) want(normPosix(file), [...vals.keys()]);
      }
      if (!opts.deps) for (const f of p.topParams) if (typeof f === 'string') want(joinRel(p.dir, f), 'whole');
    }
    if (!opts.deps && tree.read(DEFAULT_PARAMS_FILE) !== undefined) want(DEFAULT_PARAMS_FILE, 'whole');
  }
  const out = new Map<string, FileValues>();
  for (const [file, keys] of wanted) {
    const text = tree.read(file);
    if (text === undefined) {
      out.set(file, fileError('FileNotFoundError', `[Errno 2] No such file or directory: '${file}'`));
      continue;
    }
    try {
      const data = parseParams({ text, file });
      out.set(file, { data: keys === 'whole' ? data : selectNested(data, [...keys]) });
    } catch (e) {
      out.set(file, fileError('ParseError', (e as Error).message));
    }
  }
  return out;
}

/** Only numbers, strings, booleans and non-empty mappings of those (`_extract_metrics`, E21). */
export function extractMetrics(v: YamlValue): YamlValue | undefined {
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean' || v instanceof PyFloat) return v;
  if (!(v instanceof Map)) return undefined;
  const out = new Map<YamlKey, YamlValue>();
  for (const [k, x] of v) {
    const m = extractMetrics(x);
    if (m === undefined || (m instanceof Map && m.size === 0)) continue;
    out.set(k, m);
  }
  return out;
}

/**
 * The metrics of one revision (`dvc/repo/metrics/show.py`): outputs flagged as metrics and the
 * files/directories of top-level `metrics:`, or `targets`. A metric that is a cached output
 * missing from the revision's tree is read from the local cache by its dvc.lock hash.
 */
export function collectMetrics(repo: Repo, tree: RevTree, opts: { targets?: string[] } = {}): Map<string, FileValues> {
  const files: string[] = [];
  const cached = new Map<string, string>();
  const cachedOuts = new Set<string>();
  if (opts.targets?.length) files.push(...opts.targets);
  else {
    for (const p of loadPipelinesAt(tree)) {
      const lockText = tree.read(p.dir ? `${p.dir}/${LOCK_FILE}` : LOCK_FILE);
      let lock;
      try {
        lock = lockText ? parseLockfile({ text: lockText, file: LOCK_FILE }) : undefined;
      } catch {
        // an invalid lock at that revision: no cached metric can be located
        lock = undefined;
      }
      for (const s of p.stages) {
        for (const o of s.outs) {
          if (!o.metric) continue;
          const rel = joinRel(stageWdir(p, s.wdir), o.path);
          files.push(rel);
          if (o.cache) cachedOuts.add(rel);
          const le = lock?.stages.get(s.name) ? findLockEntry(lock.stages.get(s.name)!, 'outs', o.path) : undefined;
          if (le && typeof le.md5 === 'string' && o.cache) cached.set(rel, le.md5);
        }
      }
      for (const m of p.topMetrics) {
        if (typeof m !== 'string') continue;
        const rel = joinRel(p.dir, m);
        if (tree.isDir(rel)) files.push(...tree.filesUnder(rel));
        else files.push(rel);
      }
    }
  }
  const out = new Map<string, FileValues>();
  for (const file of [...new Set(files)]) {
    let text = tree.read(file);
    if (text === undefined && cached.has(file)) {
      try {
        text = repo.odb.read(cached.get(file)!).toString('utf8');
      } catch {
        // not in the local cache either
        text = undefined;
      }
    }
    if (text === undefined) {
      // DVC reads through its DVCFileSystem: a cached output with no data says "No storage files"
      const why = cachedOuts.has(file) ? 'No storage files available' : 'No such file or directory';
      out.set(file, fileError('FileNotFoundError', `[Errno 2] ${why}: '${file}'`));
      continue;
    }
    try {
      const m = extractMetrics(parseParams({ text, file }));
      out.set(file, { data: m === undefined || (m instanceof Map && !m.size) ? new Map() : m });
    } catch (e) {
      out.set(file, fileError('ParseError', (e as Error).message));
    }
  }
  return out;
}

function treeFor(repo: Repo, rev: string): RevTree {
  return rev === 'workspace' ? workspaceTree(repo) : gitRevTree(repo, rev);
}

function toCwdKeys<T>(repo: Repo, cwd: string, m: Map<string, T>): Map<string, T> {
  return new Map([...m].map(([k, v]) => [relative(cwd, join(repo.root, k)).split(sep).join('/') || '.', v]));
}

function targetsRel(repo: Repo, cwd: string, targets?: string[]): string[] | undefined {
  return targets?.map((t) => relative(repo.root, resolve(cwd, t)).split(sep).join('/'));
}

export interface DiffOptions extends RepoOptions {
  /** old revision (default `HEAD`) */
  aRev?: string;
  /** new revision (default `workspace`) */
  bRev?: string;
  /** limit to these files (whole) */
  targets?: string[];
  /** include unchanged values */
  all?: boolean;
}

export interface ParamsDiffOptions extends DiffOptions {
  /** only stage params dependencies (and templated values) */
  deps?: boolean;
}

/** file (relative to the CWD) → key → change, files and keys sorted. */
export interface DiffResult {
  diff: Map<string, Map<string, ValueChange>>;
  /** revisions whose files failed to load (DVC prints "DVC failed to load some metrics …") */
  errored: string[];
  /** `WARNING:` lines ("failed to load params in revision 'HEAD', …") */
  warnings: string[];
  aRev: string;
  bRev: string;
}

function diffRevs(repo: Repo, cwd: string, aRev: string, bRev: string, all: boolean, kind: 'params' | 'metrics', collect: (t: RevTree) => Map<string, FileValues>): DiffResult {
  if (!hasCommits(repo)) return { diff: new Map(), errored: [], warnings: [], aRev, bRev };
  const warnings: string[] = [];
  const failed = new Set<string>();
  // a revision that cannot be loaded at all (e.g. a broken dvc.yaml) is reported and compared as
  // empty (dvc/repo/params/show.py, metrics/show.py: "failed to load params in revision …")
  const load = (rev: string): Map<string, FileValues> => {
    try {
      return collect(treeFor(repo, rev));
    } catch (e) {
      if (!isMomoError(e) || e.code === 'REV_NOT_FOUND') throw e;
      warnings.push(`failed to load ${kind} in revision '${rev}', ${e.message}`);
      failed.add(rev);
      return new Map();
    }
  };
  // DVC walks the workspace before the revisions
  const order = bRev === 'workspace' ? [bRev, aRev] : [aRev, bRev];
  const loaded = new Map<string, Map<string, FileValues>>();
  for (const rev of order) if (!loaded.has(rev)) loaded.set(rev, load(rev));
  const a = loaded.get(aRev)!;
  const b = loaded.get(bRev)!;
  const data = (m: Map<string, FileValues>) => new Map([...m].flatMap(([k, v]) => ('data' in v ? [[k, v.data] as [string, YamlValue]] : [])));
  const errored = [...new Set([aRev, bRev])].filter((r) => failed.has(r) || [...(r === aRev ? a : b).values()].some((v) => 'error' in v && v.error.type !== 'FileNotFoundError'));
  return { diff: toCwdKeys(repo, cwd, diffFiles(data(a), data(b), all)), errored, warnings, aRev, bRev };
}

/**
 * `dvc params diff` (spec §12.2, E7–E9): params of two revisions compared key by key.
 * An empty git repository gives an empty diff.
 */
export async function paramsDiff(opts: ParamsDiffOptions): Promise<DiffResult> {
  return withOperation('params diff', () =>
    Repo.withRepo(opts, 'read', async (repo) => {
      const targets = targetsRel(repo, opts.cwd, opts.targets);
      return diffRevs(repo, opts.cwd, opts.aRev ?? 'HEAD', opts.bRev ?? 'workspace', Boolean(opts.all), 'params', (t) => collectParams(t, { targets, deps: opts.deps }));
    }),
  );
}

/** `dvc metrics diff` (spec §12.3). */
export async function metricsDiff(opts: DiffOptions): Promise<DiffResult> {
  return withOperation('metrics diff', () =>
    Repo.withRepo(opts, 'read', async (repo) => {
      const targets = targetsRel(repo, opts.cwd, opts.targets);
      return diffRevs(repo, opts.cwd, opts.aRev ?? 'HEAD', opts.bRev ?? 'workspace', Boolean(opts.all), 'metrics', (t) => collectMetrics(repo, t, { targets }));
    }),
  );
}

export interface MetricsShowOptions extends RepoOptions {
  targets?: string[];
}

/** `dvc metrics show` of the workspace: file (relative to the CWD) → values or error (E2: JSON under `""`). */
export async function metricsShow(opts: MetricsShowOptions): Promise<Map<string, FileValues>> {
  return withOperation('metrics show', () =>
    Repo.withRepo(opts, 'read', async (repo) => toCwdKeys(repo, opts.cwd, collectMetrics(repo, workspaceTree(repo), { targets: targetsRel(repo, opts.cwd, opts.targets) }))),
  );
}

/**
 * A value as DVC's tables show it (`dvc/compare.py::_format_field`): Python `str()`, floats
 * rounded to `precision` digits first when given (`round(x, n)`), null as `-`.
 */
export function formatTableValue(v: unknown, precision?: number): string {
  if (v === null || v === undefined) return '-';
  if (precision && (v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v)))) {
    const x = v instanceof PyFloat ? v.value : v;
    if (!Number.isFinite(x)) return pyStr(new PyFloat(x));
    return pyStr(new PyFloat(Number(x.toFixed(precision))));
  }
  return pyStr(v);
}
