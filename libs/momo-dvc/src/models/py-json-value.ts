/**
 * Python `json.dumps` of loaded YAML/JSON data (Maps, PyFloat, bigint, timestamps), as DVC prints
 * `--json` results and hashes run-cache entries: `", "`/`": "` separators, `ensure_ascii`, floats
 * with Python's repr (`0.1`, `1.0`, `1e-05`, `NaN`, `Infinity`).
 */
import { pyJsonString, compareCodePoints } from '../hashing/py-json.js';
import { PyFloat, YamlTimestamp } from '../yaml/values.js';

/** Options of {@link pyJsonValue}. */
export interface PyJsonValueOptions {
  /** `sort_keys=True` */
  sortKeys?: boolean;
  /** mapping keys dropped at every depth (`dict_filter`) */
  exclude?: ReadonlySet<string>;
}

/** Python's `repr(float)` as json.dumps writes it. */
export function pyJsonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return new PyFloat(x).toString();
}

/** `json.dumps(value)` of loaded data. */
export function pyJsonValue(value: unknown, opts: PyJsonValueOptions = {}): string {
  const rec = (v: unknown): string => {
    if (v === null || v === undefined) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyJsonFloat(v);
    if (v instanceof PyFloat) return pyJsonFloat(v.value);
    if (v instanceof YamlTimestamp) return pyJsonString(v.text);
    if (typeof v === 'string') return pyJsonString(v);
    if (Array.isArray(v)) return '[' + v.map(rec).join(', ') + ']';
    let entries: Array<[string, unknown]> = v instanceof Map ? [...v].map(([k, x]) => [String(k), x]) : Object.entries(v as Record<string, unknown>);
    if (opts.exclude) entries = entries.filter(([k]) => !opts.exclude!.has(k));
    if (opts.sortKeys) entries.sort((a, b) => compareCodePoints(a[0], b[0]));
    return '{' + entries.map(([k, x]) => `${pyJsonString(k)}: ${rec(x)}`).join(', ') + '}';
  };
  return rec(value);
}
