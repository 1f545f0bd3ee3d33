/**
 * `parseYaml`: YAML text → data typed the way DVC's loader (ruamel.yaml 0.19.1 "safe", YAML 1.2)
 * types it, plus source positions for error messages.
 *
 * Built on the `yaml` package for syntax (parsed with its failsafe schema so every scalar keeps its
 * source text), then typed here with ruamel's resolver and constructor rules
 * (`ruamel/yaml/resolver.py`, `constructor.py::SafeConstructor`):
 * - plain scalars: {@link resolvePlainTag}; ints → `number` (or `bigint` beyond 2^53), floats →
 *   {@link PyFloat}, `true/True/TRUE` → boolean, `~/null/Null/NULL/` → null, dates →
 *   {@link YamlTimestamp} (text as Python writes it back), `<<` → merge key;
 * - quoted scalars are strings; explicit `!!str/!!int/!!float/!!bool/!!null` tags are honoured;
 * - duplicate keys, several documents, and unknown tags are errors (DVC reports the file as invalid);
 * - an empty document, or one whose value is falsy in Python (`0`, `''`, `[]`, `false`, `null`), is
 *   `{}` (`dvc/utils/serialize/_yaml.py::parse_yaml` returns `load(text) or {}`).
 *
 * Mappings are `Map`s when `mappings: 'map'` (exact key order and key types, as Python dicts keep
 * them) or plain objects (the default; non-string keys are stringified).
 */
import type { Document, Node, Scalar, YAMLMap } from 'yaml';
import { yamlLib } from './lazy-yaml.js';
import type { MomoError } from '@momo/errors';
import { dvcError, EXIT } from '../errors/dvc-error.js';
import type { DvcErrorCode } from '../errors/codes.js';
import { resolvePlainTag } from './resolve-scalar.js';
import { PyFloat, YamlTimestamp } from './values.js';
import { fastParseYaml } from './fast-parse.js';

/** A mapping key as Python can hold it. */
export type YamlKey = string | number | bigint | boolean | null | PyFloat | YamlTimestamp;
/** A loaded YAML value (mappings as `Map` in map mode). */
export type YamlValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | PyFloat
  | YamlTimestamp
  | YamlValue[]
  | Map<YamlKey, YamlValue>
  | { [key: string]: YamlValue };

/** 1-based source position. */
export interface YamlPosition {
  line: number;
  column: number;
}

/** One segment of a key path: a mapping key or a sequence index. */
export type YamlPathSegment = string | number;

export interface ParseYamlOptions {
  /** `'map'`: mappings become `Map`s (exact Python key types and order). Default `'object'`. */
  mappings?: 'object' | 'map';
  /** Error code for syntax errors. Default `DVCFILE_INVALID`. */
  code?: DvcErrorCode;
}

export interface ParsedYaml<T = YamlValue> {
  data: T;
  text: string;
  /** Display path of the file, as used in messages (e.g. `./dvc.yaml`). */
  file: string;
  /** Position of the node at `path` (its first character), or undefined when there is none. */
  locate(path: readonly YamlPathSegment[]): YamlPosition | undefined;
  /** Position of the key of the last path segment when it is a mapping key. */
  locateKey(path: readonly YamlPathSegment[]): YamlPosition | undefined;
  /**
   * The position DVC reports for a schema error at `path` (`dvc/utils/strictyaml.py::determine_linecol`):
   * the start of the nearest collection at or above `path`, walking up at most 4 levels; `step` is
   * how many levels (1 = the path itself) were needed, which DVC uses to size the code excerpt.
   */
  errorPosition(path: readonly YamlPathSegment[]): { line?: number; column?: number; step: number };
  /** The source line `n` (1-based), without its line break. */
  sourceLine(n: number): string;
}

/** Git merge conflict markers (`dvc/utils/strictyaml.py::merge_conflict_marker`). */
const MERGE_CONFLICT_MARKER = /^([<=>]{7}) .*$/m;

const DEFAULT_CODE: DvcErrorCode = 'DVCFILE_INVALID';

function capitalize(s: string): string {
  // Python's str.capitalize: first character upper, the rest lower
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1).toLowerCase();
}

/** Builds DVC's "'<file>' is invalid." error with a cause line and the offending source line. */
function syntaxError(
  file: string,
  text: string,
  problem: string,
  pos: YamlPosition | undefined,
  code: DvcErrorCode,
  cause?: unknown,
): MomoError {
  const hint = MERGE_CONFLICT_MARKER.test(text) ? ' (possible merge conflicts)' : '';
  let message = `'${file}' is invalid${hint}.`;
  if (pos) {
    const lines = text.split(/\r\n|\r|\n/);
    const src = pos.line <= lines.length ? lines[pos.line - 1]! : '';
    message += `\n\n${capitalize(problem)}, in line ${pos.line}, column ${pos.column}\n${String(pos.line).padStart(3)} │ ${src}`;
  } else {
    message += `\n\n${capitalize(problem)}`;
  }
  return dvcError(code, message, {
    hint: hint
      ? `resolve the git merge conflict in '${file}' and try again`
      : `fix the YAML syntax in '${file}' at the position shown`,
    data: { file, line: pos?.line, column: pos?.column },
    exitCode: EXIT.UNEXPECTED,
    cause,
  });
}

export class ConstructError extends Error {
  constructor(
    message: string,
    readonly offset: number | undefined,
  ) {
    super(message);
  }
}

const TWO = (n: number) => String(n).padStart(2, '0');

/** Python `datetime.isoformat(' ')` / `date.isoformat()` of a YAML timestamp (SafeConstructor). */
function constructTimestamp(text: string): YamlTimestamp {
  const m =
    /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?(?:[ \t]*(Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$/.exec(
      text,
    );
  if (!m) throw new ConstructError(`failed to construct timestamp from "${text}"`, undefined);
  const date = `${m[1]}-${TWO(Number(m[2]))}-${TWO(Number(m[3]))}`;
  if (m[4] === undefined) return new YamlTimestamp(date);
  let out = `${date} ${TWO(Number(m[4]))}:${m[5]}:${m[6]}`;
  if (m[7]) {
    const micro = Math.min(999999, Math.round(Number(`0.${m[7]}`) * 1e6));
    if (micro > 0) out += `.${String(micro).padStart(6, '0')}`;
  }
  const tz = m[8];
  if (tz !== undefined) {
    if (tz === 'Z') out += '+00:00';
    else {
      const [h, mm] = tz.slice(1).split(':');
      out += `${tz[0]}${TWO(Number(h))}:${mm ?? '00'}`;
    }
  }
  return new YamlTimestamp(out);
}

function constructInt(text: string): number | bigint {
  let s = text.replace(/_/g, '');
  let sign = 1n;
  if (s[0] === '-') sign = -1n;
  if (s[0] === '+' || s[0] === '-') s = s.slice(1);
  let v: bigint;
  if (s.startsWith('0b')) v = BigInt('0b' + s.slice(2));
  else if (s.startsWith('0x')) v = BigInt('0x' + s.slice(2));
  else if (s.startsWith('0o')) v = BigInt('0o' + s.slice(2));
  else v = BigInt(s);
  v *= sign;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function constructFloat(text: string): PyFloat {
  const s = text.replace(/_/g, '').toLowerCase();
  let sign = 1;
  let body = s;
  if (body[0] === '-') sign = -1;
  if (body[0] === '+' || body[0] === '-') body = body.slice(1);
  if (body === '.inf') return new PyFloat(sign * Infinity);
  if (body === '.nan') return new PyFloat(NaN);
  return new PyFloat(sign * Number(body));
}

/** Converts a scalar given its resolved tag. */
export function constructScalar(tag: string, text: string, offset: number | undefined): YamlValue {
  switch (tag) {
    case 'str':
      return text;
    case 'null':
      return null;
    case 'bool':
      return text.toLowerCase() === 'true';
    case 'int':
      try {
        return constructInt(text);
      } catch {
        // an explicit !!int on a non-number, e.g. `!!int abc`: Python's int() raises too
        throw new ConstructError(`invalid literal for int() with base 10: '${text}'`, offset);
      }
    case 'float': {
      const f = constructFloat(text);
      if (Number.isNaN(f.value) && !/nan/i.test(text)) {
        throw new ConstructError(`could not convert string to float: '${text}'`, offset);
      }
      return f;
    }
    case 'timestamp':
      try {
        return constructTimestamp(text);
      } catch (e) {
        throw new ConstructError((e as Error).message, offset);
      }
    default:
      throw new ConstructError(`could not determine a constructor for the tag 'tag:yaml.org,2002:${tag}'`, offset);
  }
}

const STD_TAG = 'tag:yaml.org,2002:';

/** Python-ish string form of a key, for object mode and path matching. */
export function keyToString(k: YamlKey): string {
  if (k === null) return 'None';
  if (typeof k === 'boolean') return k ? 'True' : 'False';
  return String(k);
}

/** Python equality for hashable keys (1 == 1.0 == True). */
export function keyIdentity(k: YamlKey): string {
  if (k === null) return 'n';
  if (typeof k === 'boolean') return `#${k ? 1 : 0}`;
  if (typeof k === 'number' || typeof k === 'bigint') return `#${k}`;
  if (k instanceof PyFloat) return Number.isInteger(k.value) ? `#${BigInt(k.value)}` : `#f${k.value}`;
  if (k instanceof YamlTimestamp) return `t${k.text}`;
  return `s${k}`;
}

function setObjectKey(obj: Record<string, YamlValue>, key: string, value: YamlValue): void {
  // defineProperty keeps a `__proto__` key an ordinary property
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

class Builder {
  private anchors = new Map<Node, YamlValue>();
  constructor(
    private readonly doc: Document,
    private readonly mapMode: boolean,
  ) {}

  build(node: unknown): YamlValue {
    if (node === null || node === undefined) return null;
    if (yamlLib().isAlias(node)) {
      const target = node.resolve(this.doc);
      if (!target) throw new ConstructError(`found undefined alias '${node.source}'`, node.range?.[0]);
      const seen = this.anchors.get(target);
      return seen !== undefined ? seen : this.build(target);
    }
    if (yamlLib().isScalar(node)) return this.scalar(node);
    if (yamlLib().isSeq(node)) {
      const out: YamlValue[] = [];
      if (node.anchor) this.anchors.set(node, out);
      for (const item of node.items) out.push(this.build(item));
      return out;
    }
    if (yamlLib().isMap(node)) return this.mapping(node);
    throw new ConstructError('unsupported YAML node', undefined);
  }

  private scalar(node: Scalar): YamlValue {
    const text = String(node.value ?? '');
    const offset = node.range?.[0];
    let v: YamlValue;
    const tag = node.tag;
    if (tag && tag !== '!') {
      if (!tag.startsWith(STD_TAG)) throw new ConstructError(`could not determine a constructor for the tag '${tag}'`, offset);
      v = constructScalar(tag.slice(STD_TAG.length), text, offset);
    } else if (node.type === 'PLAIN' && tag !== '!') {
      v = constructScalar(resolvePlainTag(text), text, offset);
    } else {
      v = text;
    }
    if (node.anchor) this.anchors.set(node, v);
    return v;
  }

  private mapping(node: YAMLMap): YamlValue {
    const entries: Array<[YamlKey, YamlValue]> = [];
    const result: YamlValue = this.mapMode ? new Map<YamlKey, YamlValue>() : {};
    if (node.anchor) this.anchors.set(node, result);
    const merged: Array<[YamlKey, YamlValue]> = [];
    const own = new Set<string>();
    for (const pair of node.items) {
      if (!yamlLib().isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      if (yamlLib().isScalar(keyNode) && keyNode.type === 'PLAIN' && !keyNode.tag && keyNode.value === '<<') {
        // merge key (SafeConstructor.flatten_mapping): merged pairs come first, own keys win
        const src = pair.value;
        // for a list of mappings the first one wins: they are applied in reverse order
        const sources = yamlLib().isSeq(src) ? [...src.items].reverse() : [src];
        for (const s of sources) {
          const v = this.build(s);
          const m = v instanceof Map ? [...v.entries()] : v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof PyFloat) && !(v instanceof YamlTimestamp) ? Object.entries(v) : undefined;
          if (!m) throw new ConstructError('expected a mapping or list of mappings for merging', (src as Node | null)?.range?.[0]);
          merged.push(...(m as Array<[YamlKey, YamlValue]>));
        }
        continue;
      }
      const key = this.build(keyNode);
      if (key !== null && typeof key === 'object' && !(key instanceof PyFloat) && !(key instanceof YamlTimestamp)) {
        throw new ConstructError('found unhashable key', keyNode?.range?.[0]);
      }
      const id = keyIdentity(key as YamlKey);
      if (own.has(id)) {
        // ruamel's DuplicateKeyError also catches keys equal in Python (`1` and `1.0`)
        throw new ConstructError(`found duplicate key "${keyToString(key as YamlKey)}"`, keyNode?.range?.[0]);
      }
      own.add(id);
      entries.push([key as YamlKey, this.build(pair.value)]);
    }
    const all = merged.length ? [...merged, ...entries] : entries;
    if (result instanceof Map) {
      const ids = new Map<string, YamlKey>();
      for (const [k, v] of all) {
        const id = keyIdentity(k);
        const existing = ids.get(id);
        if (existing !== undefined) result.set(existing, v);
        else {
          ids.set(id, k);
          result.set(k, v);
        }
      }
    } else {
      for (const [k, v] of all) setObjectKey(result as Record<string, YamlValue>, keyToString(k), v);
    }
    return result;
  }
}

function isFalsyPython(v: YamlValue): boolean {
  if (v === null || v === false || v === '' || v === 0 || v === 0n) return true;
  if (v instanceof PyFloat) return v.value === 0;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof Map) return v.size === 0;
  if (typeof v === 'object' && !(v instanceof YamlTimestamp)) return Object.keys(v).length === 0;
  return false;
}

/** Finds the AST node at a key path (mapping keys compared by their Python string form). */
function nodeAt(doc: Document, path: readonly YamlPathSegment[]): { node: unknown; keyNode?: unknown } | undefined {
  let cur: unknown = doc.contents;
  let keyNode: unknown;
  for (const seg of path) {
    if (yamlLib().isAlias(cur)) cur = cur.resolve(doc);
    if (yamlLib().isMap(cur)) {
      const pair = cur.items.find((p) => {
        const k = p.key;
        if (yamlLib().isScalar(k)) return String(k.value) === String(seg);
        return false;
      });
      if (!pair) return undefined;
      keyNode = pair.key;
      cur = pair.value;
    } else if (yamlLib().isSeq(cur)) {
      const i = typeof seg === 'number' ? seg : Number(seg);
      if (!Number.isInteger(i) || i < 0 || i >= cur.items.length) return undefined;
      keyNode = undefined;
      cur = cur.items[i];
    } else {
      return undefined;
    }
  }
  return { node: cur, keyNode };
}

/** Zero-width marker tokens of the `yaml` lexer (document, flow-error-end, scalar). */
const MARKERS = new Set(['\x02', '\x18', '\x1f']);

/**
 * ruamel.yaml's scanner (like PyYAML's) does not accept tabs as separation in block context:
 * `a:\t1`, `a: b\tc` or a tab-indented line fail with "found character '\t' that cannot start any
 * token". Tabs inside quoted scalars, block scalars, comments and flow collections are fine.
 * Returns the offset of the first offending tab.
 */
function findBlockContextTab(text: string): number | undefined {
  let offset = 0;
  let flow = 0;
  let afterBlockHeader = false;
  let plainNext = false;
  for (const tok of new (yamlLib().Lexer)().lex(text)) {
    if (MARKERS.has(tok)) {
      if (tok === '\x1f') plainNext = true;
      continue;
    }
    const type = yamlLib().CST.tokenType(tok);
    if (plainNext) {
      plainNext = false;
      if (afterBlockHeader) afterBlockHeader = false;
      else if (flow === 0 && tok.includes('\t')) return offset + tok.indexOf('\t');
    } else if (type === 'block-scalar-header') afterBlockHeader = true;
    else if (type === 'flow-map-start' || type === 'flow-seq-start') flow++;
    else if (type === 'flow-map-end' || type === 'flow-seq-end') flow = Math.max(0, flow - 1);
    else if (type === 'space' && flow === 0 && tok.includes('\t')) return offset + tok.indexOf('\t');
    offset += tok.length;
  }
  return undefined;
}

/**
 * Parses YAML text the way DVC loads `.dvc`, `dvc.yaml`, `dvc.lock` and YAML params files.
 *
 * @param text file contents
 * @param file display path used in error messages (DVC prints it relative to the CWD with `./`)
 * @throws MomoError (`options.code`, default `DVCFILE_INVALID`, exit 255) with DVC's wording:
 *   `'./dvc.yaml' is invalid.` (+ ` (possible merge conflicts)`), the problem, line and column, and
 *   the offending source line
 */
export function parseYaml<T = YamlValue>(text: string, file: string, options: ParseYamlOptions = {}): ParsedYaml<T> {
  if (options.mappings === 'map') {
    // DVC-layout files (dvc.lock, DVC-written dvc.yaml) load through the fast path; positions are
    // only needed for error messages, so the full parse happens lazily then
    const fast = fastParseYaml(text);
    if (fast !== undefined) {
      let full: ParsedYaml<T> | undefined;
      const getFull = () => (full ??= fullParseYaml<T>(text, file, options));
      const lines = text.split(/\r\n|\r|\n/);
      return {
        data: (isFalsyPython(fast) ? new Map() : fast) as T,
        text,
        file,
        locate: (p) => getFull().locate(p),
        locateKey: (p) => getFull().locateKey(p),
        errorPosition: (p) => getFull().errorPosition(p),
        sourceLine: (n) => lines[n - 1] ?? '',
      };
    }
  }
  return fullParseYaml<T>(text, file, options);
}

/** The general parser (no fast path); `parseYaml` uses it for anything outside DVC's own layout. */
export function fullParseYaml<T = YamlValue>(text: string, file: string, options: ParseYamlOptions = {}): ParsedYaml<T> {
  const code = options.code ?? DEFAULT_CODE;
  const lineCounter = new (yamlLib().LineCounter)();
  const doc = yamlLib().parseDocument(text, {
    schema: 'failsafe',
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
    version: '1.2',
  });
  const posOf = (offset: number | undefined): YamlPosition | undefined => {
    if (offset === undefined) return undefined;
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw syntaxError(file, text, e.message, posOf(e.pos?.[0]), code, e);
  }
  if (text.includes('\t')) {
    const tab = findBlockContextTab(text);
    if (tab !== undefined) throw syntaxError(file, text, "found character '\\t' that cannot start any token", posOf(tab), code);
  }
  for (const w of doc.warnings) {
    // unresolved custom tags: ruamel's safe loader cannot construct them either
    if (w.code === 'TAG_RESOLVE_FAILED' && !/tag:yaml\.org,2002:(str|int|float|bool|null|timestamp)$/.test(w.message)) {
      throw syntaxError(file, text, w.message.replace('Unresolved tag', 'could not determine a constructor for the tag'), posOf(w.pos?.[0]), code, w);
    }
  }
  let data: YamlValue;
  try {
    data = new Builder(doc, options.mappings === 'map').build(doc.contents);
  } catch (e) {
    if (e instanceof ConstructError) throw syntaxError(file, text, e.message, posOf(e.offset), code, e);
    throw e;
  }
  if (isFalsyPython(data)) data = options.mappings === 'map' ? new Map() : {};
  const lines = text.split(/\r\n|\r|\n/);
  const locate = (path: readonly YamlPathSegment[]): YamlPosition | undefined => {
    const found = nodeAt(doc, path);
    const n = found?.node as Node | undefined;
    return posOf(n?.range?.[0]);
  };
  return {
    data: data as T,
    text,
    file,
    locate,
    locateKey(path) {
      const found = nodeAt(doc, path);
      return posOf((found?.keyNode as Node | undefined)?.range?.[0]);
    },
    errorPosition(path) {
      let p = [...path];
      let step = 1;
      while (p.length > 0 && step < 5) {
        const found = nodeAt(doc, p);
        let n = found?.node;
        if (yamlLib().isAlias(n)) n = n.resolve(doc);
        if (yamlLib().isMap(n) || yamlLib().isSeq(n)) {
          const pos = posOf((n as Node).range?.[0]);
          if (pos) return { line: pos.line, column: pos.column, step };
        }
        step++;
        p = p.slice(0, -1);
      }
      return { step };
    },
    sourceLine: (n) => lines[n - 1] ?? '',
  };
}
