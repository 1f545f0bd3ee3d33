/**
 * A reader and writer for the INI dialect of Python's `configobj` (5.0.9), which is what DVC uses
 * for `.dvc/config` (DVC `dvc/config.py::Config.load_file` / `_save_config`). Pure: text in,
 * tree out, and back.
 *
 * Reading follows configobj's defaults as DVC uses them (`list_values=True`,
 * `interpolation='configparser'`, `unrepr=False`):
 * - blank lines and lines whose first non-blank character is `#` are comments;
 * - `[name]`, `[[name]]`, … open (nested) sections; the name may be quoted; the number of `[`
 *   must equal the number of `]`, and a section may only be one level deeper than its parent;
 * - `key = value` with free indentation; the key may be quoted; an unquoted value ends at the
 *   first `#` (the rest is an inline comment), surrounding whitespace is dropped;
 * - an unquoted comma makes a list (`a, b` → `['a','b']`, `a,` → `['a']`, `,` → `[]`);
 * - values may be quoted with `'` or `"`, or span lines with `'''`/`"""`;
 * - duplicate keys or sections in one section are errors; errors are collected and the first is
 *   reported (`… at line N.`), or `Parsing failed with several errors.\nFirst error at line N.`;
 * - `%(name)s` is replaced by the value of `name` from the same section, its `DEFAULT`
 *   subsection, or an enclosing section (when the tree is converted to plain maps).
 *
 * Writing follows `ConfigObj.write` for a ConfigObj built from a dict: four-space indentation per
 * depth, scalars before subsections in every section, `key = value`, values quoted only when
 * needed (see {@link quoteIniValue}), `\n` after every line (an empty file is a single `\n`).
 *
 * The grammar below is written from configobj's documented and observed behaviour
 * (configobj/__init__.py `ConfigObj._parse`, `_handle_value`, `_multiline`, `_quote`); the
 * regular expressions use Python's whitespace set so a BOM or U+0085 behaves as in Python.
 */
import { PY_WS_CLASS, pyRepr, pyReprStr, pyStrip, splitConfigLines } from './py-text.js';

/** A value as configobj parses it: a string or a list of strings. */
export type IniValue = string | string[];

/** One section of a parsed file (the root is depth 0 and has no name). */
export interface IniSection {
  name: string | null;
  depth: number;
  parent: IniSection | null;
  /** key → value, in file order */
  scalars: Map<string, IniValue>;
  /** subsection name → section, in file order */
  sections: Map<string, IniSection>;
  /** 1-based line number of each key and subsection marker */
  lines: Map<string, number>;
}

/** A syntax error with configobj's wording. */
export interface IniSyntaxError {
  message: string;
  /** 1-based line of the (first) error */
  line: number;
}

/** A plain tree: scalars first, then subsections, as configobj's `dict()` returns it. */
export type IniTree = Map<string, IniValue | IniTree>;

const W = `[${PY_WS_CLASS}]`;
const NW = `[^${PY_WS_CLASS}]`;
const ANY = '[^\\n]';

// `[name]`: indentation, one or more `[`, a name (quoted, or starting with a non-blank,
// non-quote character), one or more `]`, an optional comment.
const SECTION_LINE = new RegExp(
  `^(${W}*)((?:\\[${W}*)+)("${W}*${NW}${ANY}*?${W}*"|'${W}*${NW}${ANY}*?${W}*'|[^'"${PY_WS_CLASS}]${ANY}*?)((?:${W}*\\])+)${W}*(#${ANY}*)?$`,
);
// `key = value`: the key is quoted, or runs (lazily) up to the first `=`.
const KEY_LINE = new RegExp(`^(${W}*)("${ANY}*?"|'${ANY}*?'|[^'"=]${ANY}*?)${W}*=${W}*(${ANY}*)$`);
// A value: zero or more comma-terminated list items, then an optional last item (or a lone
// comma for an empty list), then an optional comment.
const VALUE = new RegExp(
  `^(?:((?:(?:"${ANY}*?"|'${ANY}*?'|[^'",#][^,#]*?)${W}*,${W}*)*)("${ANY}*?"|'${ANY}*?'|[^'",#${PY_WS_CLASS}][^,]*?|(?<!,))?|(,))${W}*(#${ANY}*)?$`,
);
// One comma-terminated item inside the list part of a value.
const LIST_ITEM = new RegExp(`("${ANY}*?"|'${ANY}*?'|[^'",#]?${ANY}*?)${W}*,${W}*`, 'g');
const TRIPLE = {
  "'''": {
    oneLine: new RegExp(`^'''(${ANY}*?)'''${W}*(#${ANY}*)?$`),
    lastLine: new RegExp(`^(${ANY}*?)'''${W}*(#${ANY}*)?$`),
  },
  '"""': {
    oneLine: new RegExp(`^"""(${ANY}*?)"""${W}*(#${ANY}*)?$`),
    lastLine: new RegExp(`^(${ANY}*?)"""${W}*(#${ANY}*)?$`),
  },
} as const;

function newSection(name: string | null, depth: number, parent: IniSection | null): IniSection {
  return { name, depth, parent, scalars: new Map(), sections: new Map(), lines: new Map() };
}

function hasEntry(s: IniSection, key: string): boolean {
  return s.scalars.has(key) || s.sections.has(key);
}

/** Strips one pair of matching outer quotes; undefined for an empty string (configobj raises). */
function unquote(v: string): string | undefined {
  if (!v) return undefined;
  if (v.length >= 1 && v[0] === v[v.length - 1] && (v[0] === '"' || v[0] === "'")) return v.slice(1, -1);
  return v;
}

/** Parses one single-line value (no triple quotes); undefined when configobj reports a parse error. */
function parseValue(raw: string): IniValue | undefined {
  const m = VALUE.exec(raw);
  if (!m) return undefined;
  const listPart = m[1];
  let single: string | undefined = m[2];
  const emptyList = m[3];
  // Python's `re` lets the optional last item match the empty string (its `(?<!,)` branch);
  // ECMAScript never lets a `?` iteration match empty, so the capture stays undefined there.
  if (listPart !== undefined && single === undefined && !listPart.endsWith(',')) single = '';
  if (listPart === '' && single === undefined) return undefined;
  if (emptyList !== undefined) return [];
  if (single !== undefined) {
    if (listPart && !single) single = undefined;
    else {
      const u = unquote(single || '""');
      if (u === undefined) return undefined;
      single = u;
    }
  }
  if (!listPart) return single;
  const items: string[] = [];
  for (const item of listPart.matchAll(LIST_ITEM)) {
    const u = unquote(item[1]);
    if (u === undefined) return undefined;
    items.push(u);
  }
  if (single !== undefined) items.push(single);
  return items;
}

/**
 * Parses configobj text. Returns the root section, or the error configobj would raise (after
 * collecting every error, as configobj does without `raise_errors`).
 */
export function parseIni(text: string): { root: IniSection } | { error: IniSyntaxError } {
  const lines = splitConfigLines(text);
  const root = newSection(null, 0, null);
  const errors: IniSyntaxError[] = [];
  const fail = (what: string, index: number) => errors.push({ message: `${what} at line ${index + 1}.`, line: index + 1 });
  let current = root;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const stripped = pyStrip(line);
    if (!stripped || stripped.startsWith('#')) continue;

    const sm = SECTION_LINE.exec(line);
    if (sm) {
      const depth = (sm[2].match(/\[/g) ?? []).length;
      if (depth !== (sm[4].match(/\]/g) ?? []).length) {
        fail('Cannot compute the section depth', i);
        continue;
      }
      let parent: IniSection;
      if (depth < current.depth) {
        let s: IniSection = current;
        while (depth < s.depth && s.parent) s = s.parent;
        if (s.depth !== depth || !s.parent) {
          fail('Cannot compute nesting level', i);
          continue;
        }
        parent = s.parent;
      } else if (depth === current.depth) {
        parent = current.parent ?? current;
      } else if (depth === current.depth + 1) {
        parent = current;
      } else {
        fail('Section too nested', i);
        continue;
      }
      const name = unquote(sm[3]) ?? sm[3];
      if (hasEntry(parent, name)) {
        fail('Duplicate section name', i);
        continue;
      }
      const section = newSection(name, depth, parent);
      parent.sections.set(name, section);
      parent.lines.set(name, i + 1);
      current = section;
      continue;
    }

    const km = KEY_LINE.exec(line);
    if (!km) {
      fail(`Invalid line (${pyReprLine(line)}) (matched as neither section nor keyword)`, i);
      continue;
    }
    const rawValue = km[3];
    let value: IniValue | undefined;
    const start = i;
    const quote = rawValue.slice(0, 3);
    if (quote === "'''" || quote === '"""') {
      const res = parseMultiline(quote, rawValue, lines, i);
      if (!res) {
        fail('Parse error in multiline value', start);
        continue;
      }
      value = res.value;
      i = res.lastIndex;
    } else {
      value = parseValue(rawValue);
      if (value === undefined) {
        fail('Parse error in value', i);
        continue;
      }
    }
    const key = unquote(km[2]) ?? km[2];
    if (hasEntry(current, key)) {
      fail('Duplicate keyword name', i);
      continue;
    }
    current.scalars.set(key, value);
    current.lines.set(key, start + 1);
  }
  if (errors.length === 1) return { error: errors[0] };
  if (errors.length > 1) {
    return {
      error: { message: `Parsing failed with several errors.\nFirst error at line ${errors[0].line}.`, line: errors[0].line },
    };
  }
  return { root };
}

function parseMultiline(
  quote: "'''" | '"""',
  raw: string,
  lines: string[],
  index: number,
): { value: string; lastIndex: number } | undefined {
  const { oneLine, lastLine } = TRIPLE[quote];
  const one = oneLine.exec(raw);
  if (one) return { value: one[1], lastIndex: index };
  let value = raw.slice(3);
  if (value.includes(quote)) return undefined;
  let i = index;
  let closing: string | undefined;
  while (i < lines.length - 1) {
    i++;
    value += '\n';
    if (!lines[i].includes(quote)) value += lines[i];
    else {
      closing = lines[i];
      break;
    }
  }
  if (closing === undefined) return undefined;
  const last = lastLine.exec(closing);
  if (!last) return undefined;
  return { value: value + last[1], lastIndex: i };
}

/** `repr()` of a line for the "Invalid line" message (configobj formats it with `{0!r}`). */
function pyReprLine(line: string): string {
  return pyReprStr(line);
}

/** Raised when `%(name)s` interpolation fails (configobj `InterpolationError`). */
export class IniInterpolationError extends Error {}

const INTERPOLATION = /%\(([^)]*)\)s/;

function fetchRaw(section: IniSection, key: string): { value: IniValue; section: IniSection } {
  let s: IniSection = section;
  for (;;) {
    const own = s.scalars.get(key);
    if (own !== undefined) return { value: own, section: s };
    const dflt = s.sections.get('DEFAULT')?.scalars.get(key);
    if (dflt !== undefined) return { value: dflt, section: s };
    if (!s.parent) break;
    s = s.parent;
  }
  throw new IniInterpolationError(`missing option "${key}" in interpolation.`);
}

function interpolate(key: string, value: string, section: IniSection, trail: Set<string>): string {
  // configobj keys its loop guard on (option, section name)
  const mark = `${key}\u0000${section.name ?? ''}`;
  if (trail.has(mark)) throw new IniInterpolationError(`interpolation loop detected in value "${key}".`);
  trail.add(mark);
  let out = value;
  let from = 0;
  for (;;) {
    const m = INTERPOLATION.exec(out.slice(from));
    if (!m) break;
    const at = from + m.index;
    const found = fetchRaw(section, m[1]);
    if (typeof found.value !== 'string') {
      throw new IniInterpolationError(`interpolation of "${m[1]}" refers to a list value`);
    }
    const replacement = interpolate(m[1], found.value, found.section, trail);
    out = out.slice(0, at) + replacement + out.slice(at + m[0].length);
    from = at + replacement.length;
  }
  trail.delete(mark);
  return out;
}

/**
 * Converts a parsed section to plain maps (configobj `Section.dict()`): scalars first, then
 * subsections, with `%(name)s` interpolation applied to every string.
 * @throws IniInterpolationError for a missing option or an interpolation loop
 */
export function iniToTree(section: IniSection): IniTree {
  const out: IniTree = new Map();
  for (const [key, value] of section.scalars) {
    if (typeof value === 'string') out.set(key, value.includes('%') ? interpolate(key, value, section, new Set()) : value);
    else out.set(key, value.map((v) => (v.includes('%') ? interpolate(key, v, section, new Set()) : v)));
  }
  for (const [key, sub] of section.sections) out.set(key, iniToTree(sub));
  return out;
}

/** A value the writer accepts: what configobj's `stringify` turns into text. */
export type IniWritable = string | number | boolean | { toString(): string } | IniWritable[];

/** A tree to write: section name → entries; a Map value is a (sub)section. */
export type IniWriteTree = Map<string, IniWritable | IniWriteTree>;

/** Raised when a value cannot be written so that configobj reads it back. */
export class IniQuoteError extends Error {
  constructor(readonly value: string) {
    super(`Value "${value}" cannot be safely quoted.`);
  }
}

const QUOTE_TRIGGER = " \r\n\v\t'\"";

function pyStrOf(v: IniWritable): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

function singleQuote(value: string): string {
  if (value.includes("'") && value.includes('"')) throw new IniQuoteError(value);
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

/**
 * Quotes a value as configobj's `_quote` does.
 * - Lists (only when `multiline`): `[]` → `,`; one item → `item,`; more → items joined by `, `.
 * - `''` → `""`.
 * - A value with a newline, or with both quote kinds (when `multiline`), is written as `'''…'''`.
 *   A value containing `'''` or `"""` cannot be read back after configobj writes it, so it is
 *   refused.
 * - A value starting or ending with whitespace or a quote, or containing `,` or `#`, is quoted
 *   with `"`, or with `'` when it contains `"`.
 * @throws IniQuoteError when configobj could not quote the value safely
 */
export function quoteIniValue(v: IniWritable, multiline = true): string {
  if (Array.isArray(v)) {
    if (!multiline) return quoteIniValue(pyRepr(v), false);
    if (v.length === 0) return ',';
    if (v.length === 1) return `${quoteIniValue(v[0], false)},`;
    return v.map((x) => quoteIniValue(x, false)).join(', ');
  }
  const value = pyStrOf(v);
  if (!value) return '""';
  const needTriple = multiline && ((value.includes("'") && value.includes('"')) || value.includes('\n'));
  if (needTriple) {
    // configobj wraps a value containing """ in """ and one containing ''' in ''' without
    // escaping, which it cannot read back: refuse both.
    if (value.includes('"""') || value.includes("'''")) throw new IniQuoteError(value);
    return `'''${value}'''`;
  }
  if (value.includes('\n')) throw new IniQuoteError(value);
  const plain = !QUOTE_TRIGGER.includes(value[0]) && !QUOTE_TRIGGER.includes(value[value.length - 1]) && !value.includes(',');
  if (plain && !value.includes('#')) return value;
  return singleQuote(value);
}

const INDENT = '    ';

function writeSection(tree: IniWriteTree, depth: number, out: string[]): void {
  const indent = INDENT.repeat(depth);
  for (const [key, value] of tree) {
    if (value instanceof Map) continue;
    out.push(`${indent}${quoteIniValue(key, false)} = ${quoteIniValue(value)}`);
  }
  for (const [key, value] of tree) {
    if (!(value instanceof Map)) continue;
    out.push(`${indent}${'['.repeat(depth + 1)}${quoteIniValue(key, false)}${']'.repeat(depth + 1)}`);
    writeSection(value, depth + 1, out);
  }
}

/**
 * Serialises a tree as configobj writes a ConfigObj built from a dict: `\n` line ends, every line
 * (including the last) terminated, an empty tree written as a single `\n`.
 * @throws IniQuoteError for a value configobj cannot quote
 */
export function serializeIni(tree: IniWriteTree): string {
  const out: string[] = [];
  writeSection(tree, 0, out);
  const text = out.join('\n');
  return text.endsWith('\n') ? text : `${text}\n`;
}
