import { compareCodePoints } from '@momo/common';

/**
 * Python's `json.dumps(value, sort_keys=True)` with default separators and `ensure_ascii=True`.
 * DVC hashes `.dir` manifests and stage dicts through it (dvc_data/hashfile/tree.py), so the
 * bytes must match exactly: keys sorted by code point, `", "` / `": "` separators, every
 * character outside U+0020..U+007E escaped as lowercase `\uXXXX` (surrogate pairs above U+FFFF).
 */
export function pyJsonDumps(value: unknown, opts: { sortKeys?: boolean } = {}): string {
  const sortKeys = opts.sortKeys ?? true;
  const rec = (v: unknown): string => dump(v, sortKeys, rec);
  return rec(value);
}

function dump(value: unknown, sortKeys: boolean, rec: (v: unknown) => string): string {
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value);
    return pyFloatRepr(value);
  }
  if (typeof value === 'string') return pyJsonString(value);
  if (Array.isArray(value)) return '[' + value.map(rec).join(', ') + ']';
  if (typeof value === 'object') {
    const keys = Object.keys(value as object);
    if (sortKeys) keys.sort(compareCodePoints);
    return '{' + keys.map((k) => pyJsonString(k) + ': ' + rec((value as Record<string, unknown>)[k])).join(', ') + '}';
  }
  throw new TypeError(`cannot serialise ${typeof value}`);
}

function pyFloatRepr(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  // Python repr: shortest round-trip, exponent form with 'e+XX'/'e-XX' outside [1e-4, 1e16)
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mant, exp] = n.toExponential().split('e');
    const e = Number(exp);
    return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const s = String(n);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

const SHORT: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** A JSON string literal as Python writes it with ensure_ascii=True. */
export function pyJsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) continue;
    out += s.slice(start, i);
    const ch = s[i];
    const short = SHORT[ch];
    // JS strings are UTF-16 already: each code unit (surrogates included) becomes one \uXXXX
    out += short ?? '\\u' + c.toString(16).padStart(4, '0');
    start = i + 1;
  }
  return out + s.slice(start) + '"';
}

/** Compares strings by Unicode code point, as Python's `sorted()` does (not by UTF-16 unit). */
export { compareCodePoints };
