/**
 * `${…}` expressions: finding, syntax-checking, rendering values into strings, and resolving a
 * value recursively against a {@link Context}.
 *
 * Mirrors DVC 3.67.1 `dvc/parsing/interpolate.py` and `Context.resolve`/`resolve_str`
 * (re-expressed):
 * - `${expr}` not preceded by `\`; the inner text is matched lazily up to the first `}` on the line;
 * - grammar: `name ( .name | [name] )*`, names are runs of characters other than `.[]`;
 *   a syntax error is reported with the expression, a caret and pyparsing's explanation;
 * - a string that is exactly one `${expr}` becomes the selected value with its type (lists and
 *   mappings are rejected outside `foreach`/`matrix` unless the field is `cmd` and the value a
 *   mapping); otherwise values are rendered with {@link toStr} and `\${` becomes `${`;
 * - mappings render as command-line arguments (`--k v`), honouring `parsing.bool` and
 *   `parsing.list` from the DVC config (E13).
 */
import type { YamlKey, YamlValue } from '../../yaml/parse.js';
import { PyFloat } from '../../yaml/values.js';
import { ContextError, CtxDict, CtxList, CtxValue, type Context, type CtxNode } from './context.js';
import { pyStr, shlexQuote } from './py-str.js';

/** DVC config `parsing` section: how booleans and lists render in `cmd` mappings. */
export interface ParsingConfig {
  /** `store_true` (default) or `boolean_optional` (adds `--no-k` for false). */
  bool?: 'store_true' | 'boolean_optional';
  /** `nargs` (default: `--k a b`) or `append` (`--k a --k b`). */
  list?: 'nargs' | 'append';
}

interface Match {
  start: number;
  end: number;
  inner: string;
}

const KEYCRE = /(?<!\\)\$\{([^\n]*?)\}/g;

/** All `${…}` occurrences in `s`. */
export function getMatches(s: string): Match[] {
  const out: Match[] = [];
  for (const m of s.matchAll(KEYCRE)) out.push({ start: m.index!, end: m.index! + m[0].length, inner: m[1]! });
  return out;
}

/** True when `v` is a string containing an interpolation. */
export function isInterpolatedString(v: unknown): boolean {
  return typeof v === 'string' && getMatches(v).length > 0;
}

const NOT_WORD = new Set(['.', '[', ']']);

/**
 * Checks the expression grammar and returns it normalised (`a[b].c` → `a.b.c`), as DVC's pyparsing
 * grammar does; throws a `parse` ContextError with DVC's caret layout otherwise.
 */
export function parseExpr(inner: string): string {
  // pyparsing expands tabs before parsing
  const s = inner.replace(/\t/g, (_m, off: number) => ' '.repeat(8 - (off % 8)));
  let pos = 0;
  const tokens: string[] = [];
  const word = (at: number): number => {
    let p = at;
    while (p < s.length && !NOT_WORD.has(s[p]!)) p++;
    return p;
  };
  const fail = (loc: number, expected: string): never => {
    const embraced = '${' + s + '}';
    const at = loc + 2;
    const found = at < embraced.length ? `'${embraced[at]}'` : 'end of text';
    throw new ContextError(
      `${embraced}\n${' '.repeat(at)}^\nParseException: Expected ${expected}, found ${found}  (at char ${at}), (line:1, col:${at + 1})`,
      'parse',
    );
  };
  let end = word(pos);
  if (end === pos) fail(pos, '!W:(.[])');
  tokens.push(s.slice(pos, end));
  pos = end;
  while (pos < s.length) {
    const c = s[pos];
    if (c === '.') {
      const e = word(pos + 1);
      if (e === pos + 1) break;
      tokens.push(s.slice(pos + 1, e));
      pos = e;
    } else if (c === '[') {
      const e = word(pos + 1);
      if (e === pos + 1 || s[e] !== ']') break;
      tokens.push(s.slice(pos + 1, e));
      pos = e + 1;
    } else break;
  }
  if (pos < s.length) fail(pos, 'end of text');
  return tokens.join('.');
}

/** Throws on the first syntax error in any string of `data` (keys included). */
export function checkRecursiveParseErrors(data: YamlValue): void {
  if (typeof data === 'string') {
    for (const m of getMatches(data)) parseExpr(m.inner);
  } else if (Array.isArray(data)) data.forEach(checkRecursiveParseErrors);
  else if (data instanceof Map) {
    for (const [k, v] of data) {
      checkRecursiveParseErrors(k as YamlValue);
      checkRecursiveParseErrors(v);
    }
  }
}

/** `flatten_dict.flatten(d, reducer="dot")`: nested mappings joined with dots; empty ones vanish. */
function flatten(d: Map<YamlKey, YamlValue>, prefix = '', out = new Map<string, YamlValue>()): Map<string, YamlValue> {
  for (const [k, v] of d) {
    const key = prefix ? `${prefix}.${pyStr(k)}` : pyStr(k);
    if (v instanceof Map) flatten(v, key, out);
    else out.set(key, v);
  }
  return out;
}

/** DVC's `to_str`: how a value is rendered inside a longer string. */
export function toStr(value: YamlValue, config: ParsingConfig = {}): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Map) {
    let result = '';
    for (const [k, v] of flatten(value)) {
      if (typeof v === 'boolean') {
        if (v) result += `--${k} `;
        else if ((config.bool ?? 'store_true') === 'boolean_optional') result += `--no-${k} `;
      } else if (typeof v === 'string') {
        result += `--${k} ${shlexQuote(v)} `;
      } else if (Array.isArray(v)) {
        v.forEach((item, n) => {
          let i: string;
          if (typeof item === 'string') i = shlexQuote(item);
          else if (Array.isArray(item) || item instanceof Map) {
            throw new ContextError(`Cannot interpolate nested iterable in '${k}'`, 'parse');
          } else i = pyStr(item);
          if ((config.list ?? 'nargs') === 'append') result += `--${k} ${i} `;
          else result += n > 0 ? `${i} ` : `--${k} ${i} `;
        });
      } else {
        result += `--${k} ${pyStr(v)} `;
      }
    }
    return result.trimEnd();
  }
  return pyStr(value);
}

/** Python type name of a value (for messages). */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || typeof v === 'bigint') return 'int';
  if (v instanceof PyFloat) return 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v) || v instanceof CtxList) return 'list';
  if (v instanceof Map || v instanceof CtxDict) return 'dict';
  if (v instanceof CtxValue) return pyTypeName(v.value);
  return 'object';
}

function isPrimitive(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v instanceof PyFloat;
}

/** `validate_value`: which interpolated values are allowed where. */
function validateValue(value: unknown, key: string | undefined): void {
  const notPrimitive = value !== null && !isPrimitive(value);
  const notForeach = key !== undefined && !key.includes('foreach');
  if (notPrimitive && notForeach) {
    if (value instanceof Map && key === 'cmd') return;
    throw new ContextError(`Cannot interpolate data of type '${pyTypeName(value)}'`, 'parse');
  }
}

/** Options of {@link resolveValue}. */
export interface ResolveOptions {
  /** Return context nodes instead of plain values (foreach/matrix data). */
  unwrap?: boolean;
  /** Use the raw expression text without a grammar check (generated stages; checked once). */
  skipChecks?: boolean;
  /** The stage field being resolved (`cmd`, `deps`…), for the type check; undefined: no check. */
  key?: string;
  config?: ParsingConfig;
}

/** Resolution of one string (`Context.resolve_str`). */
export function resolveStr(ctx: Context, src: string, options: ResolveOptions = {}): YamlValue | CtxNode {
  const unwrap = options.unwrap ?? true;
  const matches = getMatches(src);
  const expr = (m: Match) => (options.skipChecks ? m.inner : parseExpr(m.inner));
  if (matches.length === 1 && matches[0]!.start === 0 && matches[0]!.end === src.length) {
    const node = ctx.select(expr(matches[0]!));
    const value = unwrap ? node.value : node;
    validateValue(unwrap ? value : node instanceof CtxValue ? node.value : node, options.key);
    return value;
  }
  let buf = '';
  let index = 0;
  for (const m of matches) {
    const value = ctx.select(expr(m)).value;
    validateValue(value, options.key);
    buf += src.slice(index, m.start) + toStr(value, options.config);
    index = m.end;
  }
  buf += src.slice(index);
  return buf.replace(/\\\$\{/g, '${');
}

/** Resolves strings anywhere in `data` (mapping keys included), as `Context.resolve` does. */
export function resolveValue(ctx: Context, data: YamlValue, options: ResolveOptions = {}): YamlValue | CtxNode {
  if (typeof data === 'string') return resolveStr(ctx, data, options);
  if (Array.isArray(data)) return data.map((d) => resolveValue(ctx, d, options)) as YamlValue;
  if (data instanceof Map) {
    const out = new Map<YamlKey, YamlValue>();
    for (const [k, v] of data) out.set(resolveValue(ctx, k as YamlValue, options) as YamlKey, resolveValue(ctx, v, options) as YamlValue);
    return out;
  }
  return data;
}
