/**
 * Params files: parsing by extension and key lookup, as DVC does it
 * (`dvc/utils/serialize/__init__.py::LOADERS`, `dvc/dependency/param.py::read_param_file`).
 *
 * - `.json` → Python `json.loads` semantics ({@link parseJsonPython});
 * - `.toml` → TOML (tomlkit in DVC; here smol-toml, ints kept exact, floats as {@link PyFloat});
 * - `.py` → not supported: DVC evaluates module-level literal assignments with Python's `ast`;
 *   momo raises `PARAMS_FORMAT_UNSUPPORTED` and suggests converting the file to YAML;
 * - anything else (`.yaml`, `.yml`, no extension) → YAML 1.2 as ruamel's safe loader types it.
 *
 * A file whose content is falsy in Python (`{}`, `[]`, `0`, empty) loads as an empty mapping
 * (`load(...) or {}`). Mappings are `Map`s so key order and key types are those of the file.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { MomoError } from '@momo/errors';
import { isMomoError } from '@momo/errors';
import { dvcError, EXIT } from '../errors/dvc-error.js';
import { parseYaml, keyToString, type YamlKey, type YamlValue } from '../yaml/parse.js';
import { PyFloat, YamlTimestamp } from '../yaml/values.js';
import { parse as parseToml } from 'smol-toml';
import { parseJsonPython, JsonSyntaxError } from './params-json.js';
import { fnmatchRegExp } from './fnmatch.js';

/** Default params file of a stage (`ParamsDependency.DEFAULT_PARAMS_FILE`). */
export const DEFAULT_PARAMS_FILE = 'params.yaml';

export type ParamsFormat = 'yaml' | 'json' | 'toml' | 'py';

/** The loader DVC picks for `path`: by the lower-cased suffix of the file name. */
export function paramsFormatOf(path: string): ParamsFormat {
  const base = posix.basename(path.replace(/\\/g, '/'));
  const dot = base.lastIndexOf('.');
  // pathlib's suffix: no suffix for names like `.hidden` or ending in a dot
  const suffix = dot > 0 && dot < base.length - 1 ? base.slice(dot).toLowerCase() : '';
  if (suffix === '.json') return 'json';
  if (suffix === '.toml') return 'toml';
  if (suffix === '.py') return 'py';
  return 'yaml';
}

function corrupted(file: string, what: string, detail?: string, cause?: unknown): MomoError {
  return dvcError('PARAMS_FILE_INVALID', `unable to read: '${file}', ${what} file structure is corrupted${detail ? `\n${detail}` : ''}`, {
    hint: `fix the syntax of '${file}'`,
    data: { file },
    exitCode: EXIT.UNEXPECTED,
    cause,
  });
}

function isFalsy(v: YamlValue): boolean {
  if (v === null || v === false || v === '' || v === 0 || v === 0n) return true;
  if (v instanceof PyFloat) return v.value === 0;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof Map) return v.size === 0;
  return false;
}

function fromToml(v: unknown): YamlValue {
  if (typeof v === 'bigint') {
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  if (typeof v === 'number') return new PyFloat(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(fromToml);
  if (v instanceof Date) {
    // tomlkit gives date/datetime/time objects; keep their ISO text (date-times with a space, as
    // Python's isoformat(' ') writes them back)
    const s = String((v as { toISOString(): string }).toISOString());
    return new YamlTimestamp(s.replace('T', ' ').replace(/\.000(?=Z|$)/, '').replace(/Z$/, '+00:00'));
  }
  if (v && typeof v === 'object') {
    const m = new Map<YamlKey, YamlValue>();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) m.set(k, fromToml(x));
    return m;
  }
  return null;
}

export interface ParseParamsOptions {
  text: string;
  /** Display path, used in messages and to choose the format. */
  file: string;
  /** Overrides the format chosen from the file name. */
  format?: ParamsFormat;
}

/**
 * Parses a params file the way DVC loads it.
 *
 * @throws MomoError `PARAMS_FILE_INVALID` ("unable to read: '<file>', YAML file structure is
 *   corrupted"), `PARAMS_FORMAT_UNSUPPORTED` for `.py` files
 */
export function parseParams(options: ParseParamsOptions): YamlValue {
  const { text, file } = options;
  const format = options.format ?? paramsFormatOf(file);
  let value: YamlValue;
  switch (format) {
    case 'py':
      throw dvcError('PARAMS_FORMAT_UNSUPPORTED', `'${file}': Python params files are not supported by momo`, {
        hint: `convert '${file}' to params YAML (e.g. 'params.yaml') or JSON; DVC reads module-level literal assignments of .py files, momo does not`,
        data: { file },
        exitCode: EXIT.UNEXPECTED,
      });
    case 'json':
      try {
        value = parseJsonPython(text);
      } catch (e) {
        if (e instanceof JsonSyntaxError) throw corrupted(file, 'JSON', e.message, e);
        throw e;
      }
      break;
    case 'toml':
      value = parseTomlText(text, file);
      break;
    default:
      try {
        value = parseYaml(text, file, { mappings: 'map', code: 'PARAMS_FILE_INVALID' }).data;
      } catch (e) {
        if (isMomoError(e, 'PARAMS_FILE_INVALID')) {
          throw corrupted(file, 'YAML', e.message.split('\n').slice(2).join('\n') || undefined, e);
        }
        throw e;
      }
  }
  return isFalsy(value) ? new Map() : value;
}

function parseTomlText(text: string, file: string): YamlValue {
  try {
    return fromToml(parseToml(text, { integersAsBigInt: true }));
  } catch (e) {
    throw corrupted(file, 'TOML', (e as Error).message, e);
  }
}

const GLOB = /[*?[]/;

/** Result of looking a key up in a params file. */
export type ParamLookup = { found: true; value: YamlValue } | { found: false; ambiguous?: boolean };

/**
 * Looks up a dotted key path (`train.lr`, `layers.0.units`) like DVC's
 * `dpath.get(config, key, separator=".")`: segments are matched against the Python `str()` of
 * mapping keys and list indices (glob characters `*?[` act as globs; a glob matching several
 * values is reported as `ambiguous`).
 */
export function lookupParam(data: YamlValue, key: string): ParamLookup {
  const segments = key.split('.');
  const results: YamlValue[] = [];
  const walk = (node: YamlValue, depth: number): void => {
    if (results.length > 1) return;
    if (depth === segments.length) {
      results.push(node);
      return;
    }
    const seg = segments[depth]!;
    const isGlob = GLOB.test(seg);
    const re = isGlob ? fnmatchRegExp(seg) : undefined;
    const matches = (s: string) => (re ? re.test(s) : s === seg);
    if (node instanceof Map) {
      for (const [k, v] of node) if (matches(keyToString(k))) walk(v, depth + 1);
    } else if (Array.isArray(node)) {
      node.forEach((v, i) => {
        if (matches(String(i))) walk(v, depth + 1);
      });
    }
  };
  walk(data, 0);
  if (results.length === 1) return { found: true, value: results[0]! };
  return results.length > 1 ? { found: false, ambiguous: true } : { found: false };
}

/**
 * Values of `keys` in a loaded params file, in `keys` order, for the keys that exist
 * (`read_param_file(..., flatten=True)`), plus the keys that are missing.
 *
 * @throws MomoError `PARAMS_FILE_INVALID` when a glob key matches several values
 */
export function selectParams(
  data: YamlValue,
  keys: readonly string[],
  file = DEFAULT_PARAMS_FILE,
): { values: Map<string, YamlValue>; missing: string[] } {
  const values = new Map<string, YamlValue>();
  const missing: string[] = [];
  for (const k of keys) {
    if (values.has(k)) continue;
    const r = lookupParam(data, k);
    if (r.found) values.set(k, r.value);
    else if (r.ambiguous) {
      // dpath raises ValueError, which DVC does not catch
      throw dvcError('PARAMS_FILE_INVALID', `params key '${k}' matches more than one value in '${file}'`, {
        hint: `glob characters (*, ?, [) in params keys are matched like dpath globs; name a single key instead of '${k}'`,
        data: { file, key: k },
        exitCode: EXIT.UNEXPECTED,
      });
    } else missing.push(k);
  }
  return { values, missing };
}

/** What reading a params file from disk found. */
export type ReadParamsResult =
  | { status: 'ok'; data: YamlValue }
  | { status: 'missing' }
  | { status: 'directory' };

/**
 * Reads and parses `path` (relative to `root`, POSIX separators).
 * A missing file or a directory is reported, not thrown: DVC treats them differently per command.
 */
export function readParamsFile(options: { root: string; path: string }): ReadParamsResult {
  const abs = join(options.root, options.path);
  let st;
  try {
    st = statSync(abs);
  } catch {
    // a missing params file is a normal state (stage status "deleted"/"new"), not an error here
    return { status: 'missing' };
  }
  if (st.isDirectory()) return { status: 'directory' };
  return { status: 'ok', data: parseParams({ text: readFileSync(abs, 'utf8'), file: options.path }) };
}

/** The error DVC gives when stage params keys are missing (`dvc/stage/cache.py` → `get_hash`). */
export function paramsMissingError(file: string, keys: readonly string[]): MomoError {
  return dvcError('PARAMS_MISSING', `Parameters '${keys.join(', ')}' are missing from '${file}'.`, {
    hint: `add ${keys.length > 1 ? 'them' : 'it'} to '${file}' or remove ${keys.length > 1 ? 'them' : 'it'} from the stage's params in dvc.yaml`,
    data: { file, keys: [...keys] },
    exitCode: EXIT.UNEXPECTED,
  });
}

/** POSIX normpath (no leading `./`, `a/../b` → `b`, `..` kept at the start). */
export function normPosix(path: string): string {
  const abs = path.startsWith('/');
  const out: string[] = [];
  for (const seg of path.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else if (seg === '..' && abs) continue;
    else out.push(seg);
  }
  return (abs ? '/' : '') + out.join('/') || (abs ? '/' : '.');
}

/** What {@link readParamsDependency} found for one params dependency of a stage. */
export interface ReadParamsDependencyResult {
  /** The file relative to the repo root (POSIX). */
  file: string;
  /** The key DVC writes under `params:` in dvc.lock: the path relative to the wdir, normalised (E5). */
  lockPath: string;
  status: 'ok' | 'missing' | 'directory';
  /**
   * Values as `read_params()` returns them: the listed keys that exist, or the whole file's
   * top-level entries for a wholly tracked file. Undefined when the file could not be read or a
   * wholly tracked file is not a mapping (DVC then records nothing for it).
   */
  values?: Map<string, YamlValue>;
  /** Listed keys the file does not have. */
  missing: string[];
}

/**
 * Reads the current values of a stage's params dependency (`ParamsDependency.read_params`).
 *
 * @param options.root repository root (absolute)
 * @param options.wdir the stage's working directory relative to the root (POSIX, `.` or `''` for the root)
 * @param options.dep the params dependency as loaded from dvc.yaml (path relative to the wdir)
 */
export function readParamsDependency(options: { root: string; wdir: string; dep: { path: string; keys: readonly string[] } }): ReadParamsDependencyResult {
  const { dep } = options;
  const wdir = options.wdir === '.' ? '' : options.wdir;
  const file = normPosix(wdir ? `${wdir}/${dep.path}` : dep.path);
  const lockPath = normPosix(dep.path);
  const r = readParamsFile({ root: options.root, path: file });
  if (r.status !== 'ok') return { file, lockPath, status: r.status, missing: [...dep.keys] };
  if (!dep.keys.length) {
    const values = r.data instanceof Map ? new Map([...r.data].map(([k, v]) => [keyToString(k), v] as [string, YamlValue])) : undefined;
    return { file, lockPath, status: 'ok', values, missing: [] };
  }
  const { values, missing } = selectParams(r.data, dep.keys, file);
  return { file, lockPath, status: 'ok', values, missing };
}
