/**
 * Python's `str()` / `repr()` of loaded values, and `shlex.quote`: the renderings DVC's templating
 * produces (`dvc/parsing/interpolate.py::to_str`, `escape_str`).
 */
import type { YamlValue } from '../../yaml/parse.js';
import { PyFloat, YamlTimestamp, pythonFloatRepr } from '../../yaml/values.js';

/** Python `str(float)` (`inf`, `nan` rather than YAML's `.inf`). */
export function pyFloatStr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return pythonFloatRepr(x);
}

/** Python `repr(str)`. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + quote;
}

/** Python `repr()` of a loaded value (inside lists and dicts). */
export function pyRepr(v: unknown): string {
  if (typeof v === 'string') return pyStrRepr(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  if (v instanceof YamlTimestamp) return `datetime.date(${v.text})`;
  return pyStr(v);
}

/** Python `str()` of a loaded value. */
export function pyStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v instanceof PyFloat) return pyFloatStr(v.value);
  if (typeof v === 'string') return v;
  if (v instanceof YamlTimestamp) return v.text;
  if (Array.isArray(v) || v instanceof Map) return pyRepr(v);
  return String(v as YamlValue);
}

const SHLEX_UNSAFE = /[^\w@%+=:,./-]/;

/** Python `shlex.quote` (POSIX shells; DVC uses `subprocess.list2cmdline` on Windows). */
export function shlexQuote(s: string): string {
  if (s === '') return "''";
  if (!SHLEX_UNSAFE.test(s)) return s;
  return "'" + s.replace(/'/g, `'"'"'`) + "'";
}
