import { parseYaml, type YamlPathSegment } from '../yaml/parse.js';
import { dvcError } from '../errors/dvc-error.js';

/**
 * One output (or dependency) entry of a `.dvc` file or `dvc.lock`, with DVC's keys
 * (dvc/output.py SCHEMA). Unknown-to-momo keys are kept in `extra` so a round trip loses nothing.
 */
export interface OutEntry {
  path: string;
  md5?: string;
  /** 'md5' for DVC 3 entries; absent for legacy 2.x (`md5-dos2unix`) */
  hash?: string;
  size?: number;
  nfiles?: number;
  isexec?: boolean;
  cache?: boolean;
  persist?: boolean;
  remote?: string;
  push?: boolean;
  /** every other key, in file order */
  extra?: Record<string, unknown>;
}

/** A parsed single-stage `.dvc` file. */
export interface DvcFileModel {
  outs: OutEntry[];
  deps: OutEntry[];
  /** the whole document as plain data, in file order (for round-trip preservation) */
  raw: Record<string, unknown>;
}

/** Top-level keys of SINGLE_STAGE_SCHEMA (dvc/schema.py). */
const TOP_KEYS = new Set(['md5', 'wdir', 'deps', 'outs', 'frozen', 'locked', 'always_changed', 'desc', 'meta']);
/** Keys of an out entry (dvc/output.py SCHEMA). */
const OUT_KEYS = new Set([
  'path', 'md5', 'etag', 'checksum', 'hash', 'size', 'nfiles', 'isexec', 'version_id', 'cloud', 'files', 'cache',
  'persist', 'remote', 'push', 'desc', 'type', 'labels', 'meta', 'fs_config', 'metric', 'plot', 'repo', 'db',
]);
const KNOWN = new Set(['path', 'md5', 'hash', 'size', 'nfiles', 'isexec', 'cache', 'persist', 'remote', 'push']);

/** Maps (as the YAML loader returns them) → plain objects, keys as strings; other values as loaded. */
function toPlain(v: unknown): unknown {
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) o[String(k)] = toPlain(x);
    return o;
  }
  if (Array.isArray(v)) return v.map(toPlain);
  return v;
}

/**
 * Parses and validates a `.dvc` file's text. `file` is the repo-relative path used in messages.
 * DVC-written files take the fast loader; the full YAML parser is loaded only for others.
 * @throws DVCFILE_INVALID naming the file, line and key path
 */
export function parseDvcFile(text: string, file: string): DvcFileModel {
  const parsed = parseYaml(text, file, { mappings: 'map', code: 'DVCFILE_INVALID' });
  const where = (path: YamlPathSegment[]) => {
    const pos = parsed.locate(path);
    return pos ? `, line ${pos.line}, column ${pos.column}` : '';
  };
  const data = toPlain(parsed.data ?? {});
  const bad = (msg: string, path: (string | number)[]) =>
    dvcError('DVCFILE_INVALID', `'${file}' validation failed.\n${msg}, in ${path.join(' -> ')}${where(path)}`, {
      hint: `fix '${file}' by hand, or remove it with \`momo remove ${file}\` and add the data again`,
      data: { file, keyPath: path.join('.') },
    });
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw bad('expected a dictionary', []);
  const raw = data as Record<string, unknown>;
  for (const k of Object.keys(raw)) if (!TOP_KEYS.has(k)) throw bad('extra keys not allowed', [k]);
  const entries = (key: 'outs' | 'deps'): OutEntry[] => {
    const v = raw[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw bad('expected a list', [key]);
    return v.map((item, i) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) throw bad('expected a dictionary', [key, i]);
      const rec = item as Record<string, unknown>;
      for (const k of Object.keys(rec)) if (!OUT_KEYS.has(k)) throw bad('extra keys not allowed', [key, i, k]);
      if (typeof rec.path !== 'string' || !rec.path) throw bad("required key not provided: 'path'", [key, i]);
      return toEntry(rec, (msg, k) => bad(msg, [key, i, k]));
    });
  };
  return { outs: entries('outs'), deps: entries('deps'), raw };
}

function toEntry(rec: Record<string, unknown>, bad: (msg: string, key: string) => Error): OutEntry {
  const e: OutEntry = { path: rec.path as string };
  if (rec.md5 !== undefined && rec.md5 !== null) e.md5 = String(rec.md5).toLowerCase();
  if (rec.hash !== undefined) e.hash = String(rec.hash);
  for (const k of ['size', 'nfiles'] as const) {
    if (rec[k] === undefined || rec[k] === null) continue;
    if (typeof rec[k] !== 'number' || !Number.isInteger(rec[k])) throw bad('expected int', k);
    e[k] = rec[k] as number;
  }
  for (const k of ['isexec', 'cache', 'persist', 'push'] as const) {
    if (rec[k] === undefined) continue;
    if (typeof rec[k] !== 'boolean') throw bad('expected bool', k);
    e[k] = rec[k] as boolean;
  }
  if (rec.remote !== undefined) e.remote = String(rec.remote);
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rec)) if (!KNOWN.has(k)) extra[k] = v;
  if (Object.keys(extra).length) e.extra = extra;
  return e;
}

/**
 * An out entry as DVC writes it (dvc/output.py::Output.dumpd): hash, then meta (size, nfiles,
 * isexec, version_id, etag, checksum, cloud), `hash: md5` (omitted for legacy), path, fs_config,
 * annotations, then flags (cache false, metric, plot, persist true, remote, push false), files.
 */
export function serializeOutEntry(e: OutEntry): Record<string, unknown> {
  const x = e.extra ?? {};
  const out: Record<string, unknown> = {};
  if (e.md5 !== undefined) out.md5 = e.md5;
  if (e.size !== undefined) out.size = e.size;
  if (e.nfiles !== undefined) out.nfiles = e.nfiles;
  if (e.isexec) out.isexec = true;
  for (const k of ['version_id', 'etag', 'checksum', 'cloud']) if (x[k] !== undefined) out[k] = x[k];
  if (e.hash !== undefined) out.hash = e.hash;
  out.path = e.path;
  if (x.fs_config !== undefined) out.fs_config = x.fs_config;
  for (const k of ['desc', 'type', 'labels', 'meta']) if (x[k] !== undefined && x[k] !== null && x[k] !== '') out[k] = x[k];
  if (e.cache === false) out.cache = false;
  if (x.metric !== undefined) out.metric = x.metric;
  if (x.plot !== undefined) out.plot = x.plot;
  if (e.persist) out.persist = true;
  if (e.remote !== undefined) out.remote = e.remote;
  if (e.push === false) out.push = false;
  if (x.files !== undefined) out.files = x.files;
  for (const k of ['repo', 'db']) if (x[k] !== undefined) out[k] = x[k];
  return out;
}

/**
 * The new `.dvc` content for `outs`, merged onto the previous file as DVC does
 * (dvc/dvcfile.py + dvc/utils/serialize apply_diff, spec §6.3): top-level `desc`/`meta` and each
 * output's annotations, `remote` and `push` are carried over (matched by path); existing keys keep
 * their place, vanished keys are dropped, new keys are appended.
 */
export function computeDvcFileData(outs: OutEntry[], previous?: DvcFileModel): Record<string, unknown> {
  const prevByPath = new Map((previous?.outs ?? []).map((o) => [o.path, o]));
  const merged = outs.map((o) => {
    const p = prevByPath.get(o.path);
    if (!p) return o;
    const extra = { ...(o.extra ?? {}) };
    for (const k of ['desc', 'type', 'labels', 'meta']) if (p.extra?.[k] !== undefined) extra[k] = p.extra[k];
    return { ...o, remote: o.remote ?? p.remote, push: o.push ?? p.push, extra: Object.keys(extra).length ? extra : undefined };
  });
  const fresh: Record<string, unknown> = {};
  const prevRaw = previous?.raw ?? {};
  // top-level order: desc, md5, cmd, wdir, frozen, deps, outs, always_changed, meta
  if (prevRaw.desc) fresh.desc = prevRaw.desc;
  for (const k of ['md5', 'wdir', 'frozen']) if (prevRaw[k]) fresh[k] = prevRaw[k];
  if (Array.isArray(prevRaw.deps) && prevRaw.deps.length) fresh.deps = prevRaw.deps;
  fresh.outs = merged.map(serializeOutEntry);
  if (prevRaw.always_changed) fresh.always_changed = prevRaw.always_changed;
  if (prevRaw.meta !== undefined && prevRaw.meta !== null) fresh.meta = prevRaw.meta;
  return previous ? applyDiff(prevRaw, fresh) as Record<string, unknown> : fresh;
}

/** DVC's apply_diff on plain data: keep old key order, replace values, drop vanished, append new. */
export function applyDiff(old: unknown, fresh: unknown): unknown {
  if (isPlainObject(old) && isPlainObject(fresh)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(old)) if (k in fresh) out[k] = applyDiff(old[k], fresh[k]);
    for (const k of Object.keys(fresh)) if (!(k in old)) out[k] = fresh[k];
    return out;
  }
  if (Array.isArray(old) && Array.isArray(fresh) && old.length === fresh.length) {
    return fresh.map((v, i) => applyDiff(old[i], v));
  }
  return fresh;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
