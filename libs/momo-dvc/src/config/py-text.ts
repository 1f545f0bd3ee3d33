/**
 * Small Python-compatible text helpers the config layer needs to match DVC byte for byte: Python's
 * whitespace set, `str.splitlines`, `repr()`/`str()` of strings and lists, `int()`/`float()`
 * parsing, and the UTF-8 decode error text. Pure functions, no I/O.
 */

/**
 * Characters Python's `str.isspace()` (and `\s` in `re` str patterns) treat as whitespace. This
 * differs from JavaScript's `\s`: Python includes U+001C–U+001F and U+0085, JavaScript includes
 * U+FEFF (a BOM is *not* whitespace for configobj).
 */
export const PY_WS_CLASS =
  '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const WS_RE = new RegExp(`[${PY_WS_CLASS}]`);
const LEADING_WS = new RegExp(`^[${PY_WS_CLASS}]+`);
const TRAILING_WS = new RegExp(`[${PY_WS_CLASS}]+$`);

/** True when `ch` (one character) is whitespace for Python. */
export function isPyWhitespace(ch: string): boolean {
  return ch.length > 0 && WS_RE.test(ch);
}

/** Python `str.strip()` with no argument. */
export function pyStrip(s: string): string {
  return s.replace(LEADING_WS, '').replace(TRAILING_WS, '');
}

/**
 * Python `str.splitlines()` (without keepends) after universal-newline translation, i.e. what
 * configobj sees when DVC opens a config file in text mode: `\r\n` and `\r` become `\n`, then the
 * text is split at `\n`, `\v`, `\f`, U+001C–U+001E, U+0085, U+2028 and U+2029. The separator is
 * dropped only when it is `\n` (configobj strips `\r\n` from each kept-ends line); other
 * separators stay at the end of their line.
 */
export function splitConfigLines(text: string): string[] {
  const t = text.replace(/\r\n?/g, '\n');
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    const isBreak =
      c === 0x0a || c === 0x0b || c === 0x0c || c === 0x1c || c === 0x1d || c === 0x1e || c === 0x85 || c === 0x2028 || c === 0x2029;
    if (!isBreak) continue;
    out.push(c === 0x0a ? t.slice(start, i) : t.slice(start, i + 1));
    start = i + 1;
  }
  if (start < t.length) out.push(t.slice(start));
  return out;
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function escapeChar(ch: string): string {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** Python `repr()` of a str: quote choice and escapes as CPython does. */
export function pyReprStr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) out += escapeChar(ch);
    else out += ch;
  }
  return out + quote;
}

/** A value as the config layer holds it (see config-tree.ts); only the shapes matter here. */
type PyValue = string | number | boolean | null | undefined | { toString(): string } | PyValue[] | Map<string, unknown>;

/** Python `repr()` of a config value (str, bool, int/float, list, dict). */
export function pyRepr(v: unknown): string {
  if (typeof v === 'string') return pyReprStr(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pyNumber(v);
  if (v === null || v === undefined) return 'None';
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v instanceof Map) return `{${[...v.entries()].map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  return pyReprStr(String(v));
}

/** Python `str()` of a config value: strings print bare, everything else as `repr()`. */
export function pyStr(v: PyValue | unknown): string {
  if (typeof v === 'string') return v;
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map)) return String(v);
  return pyRepr(v);
}

/** Python `str()` of a number: integers print plainly; other floats are not produced by the config layer. */
function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return String(n);
}

const INT_RE = /^[+-]?\d(?:_?\d)*$/;
const FLOAT_RE = /^[+-]?(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const FLOAT_SPECIAL_RE = /^([+-]?)(inf|infinity|nan)$/i;

/** Python `int(s)` for a str (base 10, surrounding whitespace and `_` separators allowed); undefined when Python raises. */
export function pyInt(s: string): number | undefined {
  const t = pyStrip(s);
  if (!INT_RE.test(t)) return undefined;
  return Number.parseInt(t.replace(/_/g, ''), 10);
}

/** Python `float(s)` for a str; undefined when Python raises. */
export function pyFloat(s: string): number | undefined {
  const t = pyStrip(s);
  const special = FLOAT_SPECIAL_RE.exec(t);
  if (special) {
    if (special[2].toLowerCase() === 'nan') return Number.NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  if (!FLOAT_RE.test(t)) return undefined;
  return Number.parseFloat(t.replace(/_/g, ''));
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes UTF-8 strictly. On invalid input returns the error text CPython's decoder produces
 * (`'utf-8' codec can't decode byte 0xff in position 3: invalid start byte`).
 */
export function decodeUtf8(buf: Uint8Array): { text: string } | { error: string } {
  try {
    // a BOM stays in the text, as with Python's 'utf-8' codec
    return { text: STRICT_UTF8.decode(buf) };
  } catch {
    // invalid input: find the offending bytes below to word the error like CPython
  }
  const bad = findUtf8Error(buf);
  if (!bad) return { text: Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8') };
  const { start, end, reason } = bad;
  const where =
    end - start === 1
      ? `byte 0x${buf[start].toString(16).padStart(2, '0')} in position ${start}`
      : `bytes in position ${start}-${end - 1}`;
  return { error: `'utf-8' codec can't decode ${where}: ${reason}` };
}

function findUtf8Error(b: Uint8Array): { start: number; end: number; reason: string } | undefined {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return { start: i, end: i + 1, reason: 'invalid start byte' };
    for (let k = 1; k <= need; k++) {
      if (i + k >= b.length) return { start: i, end: b.length, reason: 'unexpected end of data' };
      const cc = b[i + k];
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (cc < min || cc > max) return { start: i, end: i + k, reason: 'invalid continuation byte' };
    }
    i += need + 1;
  }
  return undefined;
}
