/**
 * `dvc.lock`: parse, validate, build and serialize, byte-identical to DVC 3.67.1.
 *
 * Matches DVC `dvc/schema.py::LOCKFILE_SCHEMA`, `dvc/stage/serialize.py::to_single_stage_lockfile`
 * and `_serialize_params_values`, `dvc/dvcfile.py::Lockfile.dump_stages`/`remove_stage`,
 * `dvc/stage/loader.py::StageLoader.fill_from_lock`:
 * - stage keys `cmd, deps, params, outs` (empty ones omitted); deps and outs sorted by their path
 *   text (code point order); metrics and plots outputs are ordinary `outs` entries;
 * - entry keys `path, hash: md5, <hash>, size, nfiles, isexec, version_id, etag, checksum, md5,
 *   cloud` (only those present); legacy DVC 2.x entries have no `hash` key (md5-dos2unix);
 * - params: `params.yaml` first, then the other files in order of their path as written in
 *   dvc.yaml; keys sorted at the first level only; a file is keyed by its normalised
 *   wdir-relative path (E5);
 * - updating replaces whole stage entries in place and appends new ones; a new file starts with
 *   `schema: '2.0'`; removing the last stage deletes the file (E30).
 *
 * Parsed files keep their key order, so re-serialising an unchanged lock gives the same bytes.
 */
import { LOCK_FILE, LOCKFILE_SCHEMA_VERSION } from '../constants.js';
import { dumpYaml } from '../yaml/dump.js';
import { parseYaml, type YamlKey, type YamlValue } from '../yaml/parse.js';
import { LOCKFILE_SCHEMA } from '../schema/pipeline-schema.js';
import { validate } from '../schema/validator.js';
import { schemaValidationError } from '../schema/validation-error.js';
import { compareCodePoints, pyEquals } from './py-compare.js';
import { DEFAULT_PARAMS_FILE } from './params.js';

/** One `deps`/`outs` entry of a lock stage. */
export interface LockEntry {
  /** The path text exactly as written in dvc.yaml (def_path). */
  path: string;
  /** `md5` for DVC 3 entries; undefined for legacy DVC 2.x entries (md5-dos2unix). */
  hash?: string;
  md5?: string | null;
  etag?: string | null;
  checksum?: string | null;
  size?: number;
  nfiles?: number;
  isexec?: boolean;
  version_id?: string;
  /** `{remote name: {etag/checksum/version_id…}}` */
  cloud?: YamlValue;
  files?: YamlValue[];
  dataset?: YamlValue;
  /** Key order read from the file (or decided when built); serialisation follows it. */
  keyOrder?: string[];
}

/** The lock entry of one stage. */
export interface LockStage {
  cmd: string | string[];
  deps: LockEntry[];
  /** params file (normalised, wdir-relative) → key → value, in file order. */
  params: Map<string, Map<string, YamlValue>>;
  outs: LockEntry[];
  keyOrder?: string[];
}

/** A whole `dvc.lock`. */
export interface Lockfile {
  schema: string;
  /** Stage name → entry, in file order. */
  stages: Map<string, LockStage>;
  datasets?: YamlValue;
  keyOrder?: string[];
}

const ENTRY_KEYS = ['path', 'hash', 'md5', 'etag', 'checksum', 'size', 'nfiles', 'isexec', 'version_id', 'cloud', 'files', 'dataset'] as const;
type EntryKey = (typeof ENTRY_KEYS)[number];

function str(m: Map<YamlKey, YamlValue>, k: string): string | undefined {
  const v = m.get(k);
  return typeof v === 'string' ? v : undefined;
}

function entryFromData(m: Map<YamlKey, YamlValue>): LockEntry {
  const e: LockEntry = { path: str(m, 'path')!, keyOrder: [...m.keys()].map(String) };
  for (const key of ENTRY_KEYS) {
    if (key === 'path' || !m.has(key)) continue;
    const v = m.get(key)!;
    if (key === 'md5' || key === 'etag' || key === 'checksum') {
      // CHECKSUM_SCHEMA accepts ints (coerced to str) and '' (None)
      e[key] = v === null || v === '' ? null : String(v);
    } else if (key === 'size' || key === 'nfiles') e[key] = typeof v === 'bigint' ? Number(v) : (v as number);
    else (e as unknown as Record<string, unknown>)[key] = v;
  }
  return e;
}

function stageFromData(m: Map<YamlKey, YamlValue>): LockStage {
  const params = new Map<string, Map<string, YamlValue>>();
  const p = m.get('params');
  if (p instanceof Map) {
    for (const [file, values] of p) params.set(String(file), new Map([...(values as Map<YamlKey, YamlValue>)].map(([k, v]) => [String(k), v])));
  }
  const list = (k: string) => ((m.get(k) as YamlValue[] | undefined) ?? []).map((x) => entryFromData(x as Map<YamlKey, YamlValue>));
  return {
    cmd: m.get('cmd') as string | string[],
    deps: list('deps'),
    params,
    outs: list('outs'),
    keyOrder: [...m.keys()].map(String),
  };
}

/**
 * Parses and validates `dvc.lock` text.
 *
 * @param options.file display path for messages (DVC prints `./dvc.lock` or `sub/dvc.lock`)
 * @throws MomoError `LOCKFILE_INVALID`: YAML errors ("'./dvc.lock' is invalid."), schema errors
 *   ("'./dvc.lock' validation failed." with paths), including `invalid schema version`
 */
export function parseLockfile(options: { text: string; file?: string }): Lockfile {
  const file = options.file ?? `./${LOCK_FILE}`;
  const parsed = parseYaml(options.text, file, { mappings: 'map', code: 'LOCKFILE_INVALID' });
  const errors = validate(LOCKFILE_SCHEMA, parsed.data);
  if (errors.length) throw schemaValidationError(errors, parsed, 'LOCKFILE_INVALID');
  const data = parsed.data as Map<YamlKey, YamlValue>;
  const stages = new Map<string, LockStage>();
  const s = data.get('stages');
  if (s instanceof Map) for (const [name, st] of s) stages.set(String(name), stageFromData(st as Map<YamlKey, YamlValue>));
  const lock: Lockfile = { schema: String(data.get('schema')), stages, keyOrder: [...data.keys()].map(String) };
  if (data.has('datasets')) lock.datasets = data.get('datasets')!;
  return lock;
}

function ordered(keyOrder: readonly string[] | undefined, canonical: readonly string[], present: (k: string) => boolean): string[] {
  const out: string[] = [];
  for (const k of keyOrder ?? []) if (present(k) && !out.includes(k)) out.push(k);
  for (const k of canonical) if (present(k) && !out.includes(k)) out.push(k);
  return out;
}

/** The mapping DVC writes for one entry. */
export function lockEntryToData(e: LockEntry): Map<string, YamlValue> {
  const rec = e as unknown as Record<string, YamlValue | undefined>;
  const m = new Map<string, YamlValue>();
  for (const k of ordered(e.keyOrder, ENTRY_KEYS, (k) => (ENTRY_KEYS as readonly string[]).includes(k) && rec[k] !== undefined)) {
    m.set(k, rec[k as EntryKey]!);
  }
  return m;
}

/** The mapping DVC writes for one stage (`to_single_stage_lockfile`). */
export function lockStageToData(s: LockStage): Map<string, YamlValue> {
  const values: Record<string, YamlValue | undefined> = {
    cmd: s.cmd,
    deps: s.deps.length ? s.deps.map(lockEntryToData) : undefined,
    params: s.params.size ? new Map([...s.params].map(([f, v]) => [f, new Map(v)])) : undefined,
    outs: s.outs.length ? s.outs.map(lockEntryToData) : undefined,
  };
  const m = new Map<string, YamlValue>();
  for (const k of ordered(s.keyOrder, ['cmd', 'deps', 'params', 'outs'], (k) => values[k] !== undefined)) m.set(k, values[k]!);
  return m;
}

/** Serialises a lock file exactly as DVC writes it. */
export function serializeLockfile(lock: Lockfile): string {
  const values: Record<string, YamlValue | undefined> = {
    schema: lock.schema,
    stages: new Map([...lock.stages].map(([name, st]) => [name, lockStageToData(st)])),
    datasets: lock.datasets,
  };
  const m = new Map<string, YamlValue>();
  for (const k of ordered(lock.keyOrder, ['schema', 'stages', 'datasets'], (k) => values[k] !== undefined)) m.set(k, values[k]!);
  return dumpYaml(m);
}

/** Hash of a dep/out as recorded by DVC (`HashInfo`): name and value. */
export interface LockHash {
  /** `md5` (DVC 3), `md5-dos2unix` (DVC 2 files), or a cloud checksum name (`etag`, `checksum`). */
  name: string;
  value: string;
}

/** Input of {@link buildLockEntry}: what DVC knows about a dep/out after hashing it. */
export interface LockEntryInput {
  /** def_path: the path text as written in dvc.yaml. */
  path: string;
  hash?: LockHash;
  size?: number;
  nfiles?: number;
  isexec?: boolean;
  versionId?: string;
  etag?: string;
  checksum?: string;
  /** Remote name of cloud-versioned metadata (moved under `cloud:`). */
  remote?: string;
}

const LEGACY_HASH_NAMES = new Set(['md5-dos2unix', 'params']);

/** Builds an entry in DVC's key order (`to_single_stage_lockfile._dumpd`). */
export function buildLockEntry(input: LockEntryInput): LockEntry {
  const d = new Map<string, YamlValue>();
  d.set('path', input.path);
  const hashName = input.hash?.name ?? 'md5';
  if (!LEGACY_HASH_NAMES.has(hashName)) d.set('hash', 'md5');
  if (input.hash?.value) d.set(hashName === 'md5-dos2unix' ? 'md5' : hashName, input.hash.value);
  // Meta.to_dict order; isdir is dropped
  const meta: Array<[string, YamlValue | undefined]> = [
    ['size', input.size ?? undefined],
    ['nfiles', input.nfiles ?? undefined],
    ['isexec', input.isexec ? true : undefined],
    ['version_id', input.versionId || undefined],
    ['etag', input.etag || undefined],
    ['checksum', input.checksum || undefined],
  ];
  const cloudMeta = new Map<string, YamlValue>();
  for (const [k, v] of meta) {
    if (v === undefined) continue;
    // split_file_meta_from_cloud: with a remote, etag/checksum/version_id move under cloud
    if (input.remote && (k === 'etag' || k === 'checksum' || k === 'version_id')) cloudMeta.set(k, v);
    else d.set(k, v);
  }
  if (input.remote && cloudMeta.size) {
    const ordered = new Map<string, YamlValue>();
    for (const k of ['etag', 'checksum', 'version_id']) if (cloudMeta.has(k)) ordered.set(k, cloudMeta.get(k)!);
    d.set('cloud', new Map([[input.remote, ordered]]));
  }
  return entryFromData(d as Map<YamlKey, YamlValue>);
}

/** A params dependency of a stage, as {@link buildLockStage} needs it. */
export interface LockParamsInput {
  /** The file as written in dvc.yaml (`params.yaml`, `config/p.json`, `./p.yaml`…); sorts files. */
  defPath: string;
  /** The file relative to the stage wdir, normalised, POSIX; the key written in dvc.lock. */
  path: string;
  /** Keys listed in dvc.yaml (empty: whole file). */
  keys: readonly string[];
  /** Values read (keyed by the listed key, or the whole file's top-level keys); undefined when not read. */
  values?: ReadonlyMap<string, YamlValue>;
}

export interface BuildLockStageInput {
  /** The resolved command, list or string as in dvc.yaml. */
  cmd: string | string[];
  deps: LockEntry[];
  params: LockParamsInput[];
  /** outs, metrics and plots together. */
  outs: LockEntry[];
}

/** Builds a stage entry as DVC serialises it (sorting deps, outs, params files and keys). */
export function buildLockStage(input: BuildLockStageInput): LockStage {
  const byPath = (a: LockEntry, b: LockEntry) => compareCodePoints(a.path, b.path);
  const params = new Map<string, Map<string, YamlValue>>();
  const sorted = [...input.params].sort((a, b) => compareCodePoints(a.defPath, b.defPath));
  let defaultEntry: [string, Map<string, YamlValue>] | undefined;
  for (const p of sorted) {
    // ParamsDependency.dumpd: values when read; otherwise `params or {}` (a key list is not a dict)
    let vals: ReadonlyMap<string, YamlValue> | undefined = p.values && p.values.size ? p.values : undefined;
    if (!vals) {
      if (p.keys.length) continue;
      vals = new Map();
    }
    const keys = [...vals.keys()].sort(compareCodePoints);
    const m = new Map(keys.map((k) => [k, vals!.get(k)!]));
    if (p.path === DEFAULT_PARAMS_FILE) defaultEntry = [p.path, m];
    params.set(p.path, m);
  }
  if (defaultEntry) {
    params.delete(defaultEntry[0]);
    const rest = [...params];
    params.clear();
    params.set(defaultEntry[0], defaultEntry[1]);
    for (const [k, v] of rest) params.set(k, v);
  }
  return {
    cmd: input.cmd,
    deps: [...input.deps].sort(byPath).map((e) => ({ ...e, keyOrder: e.keyOrder })),
    params,
    outs: [...input.outs].sort(byPath),
  };
}

/** Python equality of two stage entries (order-insensitive mappings), as `dump_stages` compares them. */
export function lockStagesEqual(a: LockStage | undefined, b: LockStage | undefined): boolean {
  if (!a || !b) return a === b;
  return pyEquals(lockStageToData(a), lockStageToData(b));
}

/** Result of {@link applyLockStages}. */
export interface ApplyLockStagesResult {
  lock: Lockfile;
  /** No lock existed: pass `undefined` for a missing or empty file ("Generating lock file 'dvc.lock'"). */
  generated: boolean;
  /** Some entry changed ("Updating lock file 'dvc.lock'"; the file should be git-added). */
  modified: boolean;
}

/**
 * Writes stage entries into a lock (`Lockfile.dump_stages`): existing entries are replaced in
 * place, new ones appended; other stages are untouched.
 */
export function applyLockStages(existing: Lockfile | undefined, stages: ReadonlyArray<readonly [string, LockStage]>): ApplyLockStagesResult {
  const generated = !existing;
  const lock: Lockfile = existing
    ? { ...existing, stages: new Map(existing.stages) }
    : { schema: LOCKFILE_SCHEMA_VERSION, stages: new Map(), keyOrder: ['schema', 'stages'] };
  let modified = false;
  for (const [name, st] of stages) {
    if (!lockStagesEqual(lock.stages.get(name), st)) modified = true;
    lock.stages.set(name, st);
  }
  return { lock, generated, modified };
}

/**
 * Removes a stage entry (`Lockfile.remove_stage`). Returns `lock: undefined` when no stage is left:
 * DVC then deletes `dvc.lock`, even when it has `datasets`.
 */
export function removeLockStage(lock: Lockfile, name: string): { lock: Lockfile | undefined; removed: boolean } {
  if (!lock.stages.has(name)) return { lock, removed: false };
  const stages = new Map(lock.stages);
  stages.delete(name);
  return { lock: stages.size ? { ...lock, stages } : undefined, removed: true };
}

/** The lock entry for a dep/out of a stage, looked up by the path text as written in dvc.yaml. */
export function findLockEntry(stage: LockStage, kind: 'deps' | 'outs', defPath: string): LockEntry | undefined {
  return stage[kind].find((e) => e.path === defPath);
}

/**
 * Recorded values of a params dependency (`get_in(lock, ['params', def_path])`): looked up by the
 * path *as written* in dvc.yaml, so `./p.yaml` is never found (E5). For listed keys only those
 * keys are kept; for a wholly tracked file all values.
 */
export function lockParamsFor(stage: LockStage, defPath: string, keys: readonly string[]): Map<string, YamlValue> | undefined {
  const recorded = stage.params.get(defPath);
  if (!recorded) return undefined;
  if (!keys.length) return new Map(recorded);
  const out = new Map<string, YamlValue>();
  for (const k of keys) if (recorded.has(k)) out.set(k, recorded.get(k)!);
  return out;
}
