/**
 * The diff of params/metrics between two revisions (pure). Mirrors DVC 3.67.1
 * `dvc/utils/diff.py` (`diff`, `_diff`, `_diff_dicts`, `_diff_vals`, `format_dict`) and
 * `dvc/utils/flatten.py` (spec §12.2–12.3, E7, E8):
 * - lists become their Python `str()` first; nested mappings are flattened with `.`;
 * - a key is reported when the values differ in Python equality (all keys with `all`);
 * - `diff` = new − old when both are numbers (booleans count as 0/1);
 * - a file whose data is not a mapping is compared under the key `""`; against a mapping, its
 *   keys read "unable to parse".
 */
import type { YamlValue } from '../yaml/parse.js';
import { PyFloat } from '../yaml/values.js';
import { pyEquals, compareCodePoints } from '../models/py-compare.js';
import { pyStr } from '../models/templating/py-str.js';

/** One changed value. */
export interface ValueChange {
  old: YamlValue | null;
  new: YamlValue | null;
  diff?: number | PyFloat | bigint;
}

/** `format_dict`: lists → `str(list)`, recursively through mappings. */
export function formatDict(v: YamlValue): YamlValue {
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, formatDict(x)]));
  if (Array.isArray(v)) return pyStr(v);
  return v;
}

/** `flatten_dict.flatten(d, reducer="dot")`: leaves under dotted keys (empty mappings vanish). */
export function flattenDotted(v: Map<unknown, YamlValue>, prefix = '', out = new Map<string, YamlValue>()): Map<string, YamlValue> {
  for (const [k, x] of v) {
    const key = prefix ? `${prefix}.${pyStr(k)}` : pyStr(k);
    if (x instanceof Map) flattenDotted(x, key, out);
    else out.set(key, x);
  }
  return out;
}

function isNum(v: unknown): boolean {
  return typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v instanceof PyFloat;
}

function subtract(a: unknown, b: unknown): number | PyFloat | bigint {
  const val = (x: unknown) => (typeof x === 'boolean' ? (x ? 1 : 0) : x instanceof PyFloat ? x.value : typeof x === 'bigint' ? Number(x) : (x as number));
  const r = val(a) - val(b);
  return a instanceof PyFloat || b instanceof PyFloat ? new PyFloat(r) : r;
}

function diffVals(old: YamlValue | null, neu: YamlValue | null, all: boolean): ValueChange | undefined {
  if (!all && pyEquals(old, neu)) return undefined;
  const res: ValueChange = { old, new: neu };
  if (isNum(old) && isNum(neu)) res.diff = subtract(neu, old);
  return res;
}

function flattenSide(d: YamlValue | undefined): { get(k: string): YamlValue | null; keys: string[] } {
  const empty = d === undefined || d === null || (d instanceof Map && d.size === 0) || d === '' || (Array.isArray(d) && !d.length);
  if (empty) return { get: () => null, keys: [] };
  if (d instanceof Map) {
    const f = flattenDotted(d);
    return { get: (k) => (f.has(k) ? f.get(k)! : null), keys: [...f.keys()] };
  }
  return { get: () => 'unable to parse', keys: [] };
}

/** The changes of one file's data (already passed through {@link formatDict}). */
export function diffFileData(oldData: YamlValue | undefined, newData: YamlValue | undefined, all = false): Map<string, ValueChange> {
  const res = new Map<string, ValueChange>();
  if (oldData instanceof Map || newData instanceof Map) {
    const o = flattenSide(oldData);
    const n = flattenSide(newData);
    const keys = [...new Set([...o.keys, ...n.keys])].sort(compareCodePoints);
    for (const k of keys) {
      const c = diffVals(o.get(k), n.get(k), all);
      if (c) res.set(k, c);
    }
    return res;
  }
  const c = diffVals(oldData ?? null, newData ?? null, all);
  if (c) res.set('', c);
  return res;
}

/** `diff(old, new)` over files: file → key → change, files sorted (DVC's order is a set's). */
export function diffFiles(oldFiles: ReadonlyMap<string, YamlValue>, newFiles: ReadonlyMap<string, YamlValue>, all = false): Map<string, Map<string, ValueChange>> {
  const out = new Map<string, Map<string, ValueChange>>();
  const files = [...new Set([...oldFiles.keys(), ...newFiles.keys()])].sort(compareCodePoints);
  for (const f of files) {
    const d = diffFileData(oldFiles.has(f) ? formatDict(oldFiles.get(f)!) : undefined, newFiles.has(f) ? formatDict(newFiles.get(f)!) : undefined, all);
    if (d.size) out.set(f, d);
  }
  return out;
}
