/**
 * The templating context of a `dvc.yaml`: values from `params.yaml`, `vars` files and inline
 * `vars`, each remembering where it came from, merged without redefinition.
 *
 * Mirrors DVC 3.67.1 `dvc/parsing/context.py` (re-expressed):
 * - containers drop non-string keys (E11: `{2021: a}` is `{}` in the context);
 * - only None, int, float, str and bool leaves are allowed; a date from YAML fails with
 *   "Unsupported value of type 'date' in 'params.yaml:when'" (DVC raises this for any params.yaml
 *   holding a date, templating or not);
 * - merging is deep for mappings; an existing non-mapping leaf cannot be redefined
 *   ("cannot redefine 'lr' from 'vars[0]' as it already exists in 'params.yaml'");
 * - `select('a.b[0]')` walks mappings by key and lists by Python `int()` index (negative allowed);
 * - files can be loaded whole (`path`) or partially (`path:k1,k2`), with DVC's checks.
 */
import type { YamlKey, YamlValue } from '../../yaml/parse.js';
import { PyFloat, YamlTimestamp } from '../../yaml/values.js';

/** Where a context value came from. */
export interface Meta {
  /** A file path (`params.yaml`), `vars[0]`, `train.vars[1]`, or undefined for generated values. */
  source?: string;
  /** Key path inside the source. */
  dpaths: string[];
  /** Local values (inline vars, foreach items) are not tracked as params. */
  local: boolean;
}

function metaStr(m: Meta): string {
  return `${m.source ?? '<local>'}:${m.dpaths.join('.')}`;
}

/** A templating failure; `kind` decides how DVC formats it (colon+newline for parse/merge errors). */
export class ContextError extends Error {
  constructor(
    message: string,
    readonly kind: 'context' | 'parse' | 'merge' | 'vars-loaded' | 'key-not-found' | 'reserved' | 'params-load' | 'type' = 'context',
  ) {
    super(message);
  }
}

export type CtxNode = CtxValue | CtxDict | CtxList;

/** A leaf value. */
export class CtxValue {
  constructor(
    readonly value: YamlValue,
    public meta: Meta,
  ) {}
}

function isPrimitive(v: YamlValue): boolean {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v instanceof PyFloat;
}

function convert(value: YamlValue | CtxNode, meta: Meta): CtxNode {
  if (value instanceof CtxValue || value instanceof CtxDict || value instanceof CtxList) return value;
  if (isPrimitive(value)) return new CtxValue(value, meta);
  if (value instanceof Map) return new CtxDict(value, meta);
  if (Array.isArray(value)) return new CtxList(value, meta);
  const typ = value instanceof YamlTimestamp ? (value.text.length > 10 ? 'datetime' : 'date') : typeof value;
  throw new ContextError(`Unsupported value of type '${typ}' in '${metaStr(meta)}'`, 'type');
}

function childMeta(meta: Meta, key: string | number): Meta {
  return { ...meta, dpaths: [...meta.dpaths, String(key)] };
}

/** A mapping of string keys. */
export class CtxDict {
  readonly data = new Map<string, CtxNode>();
  constructor(
    mapping?: Map<YamlKey, YamlValue | CtxNode>,
    public meta: Meta = { dpaths: [], local: true },
  ) {
    if (mapping) for (const [k, v] of mapping) this.set(k, v);
  }

  /** Sets `key`; non-string keys are ignored, as DVC's CtxDict does. */
  set(key: YamlKey, value: YamlValue | CtxNode): void {
    if (typeof key !== 'string') return;
    this.data.set(key, convert(value, childMeta(this.meta, key)));
  }

  get value(): Map<string, YamlValue> {
    return new Map([...this.data].map(([k, n]) => [k, n.value]));
  }

  clone(): CtxDict {
    const c = new CtxDict(undefined, this.meta);
    for (const [k, v] of this.data) c.data.set(k, v instanceof CtxDict ? v.clone() : v);
    return c;
  }
}

/** A list. */
export class CtxList {
  readonly data: CtxNode[] = [];
  constructor(
    values: Array<YamlValue | CtxNode>,
    public meta: Meta = { dpaths: [], local: true },
  ) {
    values.forEach((v, i) => this.data.push(convert(v, childMeta(meta, i))));
  }
  get value(): YamlValue[] {
    return this.data.map((n) => n.value);
  }
}

/** Python `int(s)` for list indices in expressions (`' 1'`, `+1`, `-1`, `1_0`). */
function pyInt(s: string): number | undefined {
  const t = s.trim();
  if (!/^[-+]?\d+(?:_\d+)*$/.test(t)) return undefined;
  return Number(t.replace(/_/g, ''));
}

function selectIn(node: CtxNode, key: string): CtxNode {
  const dot = key.indexOf('.');
  const head = (dot < 0 ? key : key.slice(0, dot)).trim();
  const rest = dot < 0 ? undefined : key.slice(dot + 1);
  let d: CtxNode | undefined;
  if (node instanceof CtxDict) d = node.data.get(head);
  else if (node instanceof CtxList) {
    const i = pyInt(head);
    if (i !== undefined) d = node.data[i < 0 ? node.data.length + i : i];
  }
  if (d === undefined) throw new Error(`Could not find '${head}'`);
  if (rest === undefined) return d;
  if (d instanceof CtxValue) throw new Error(`${head} is a primitive value, cannot get '${rest}'`);
  return selectIn(d, rest);
}

/** `a[0].b` → `a.0.b` (`normalize_key`). */
export function normalizeKey(key: string): string {
  return key.replace(/\[/g, '.').replace(/]/g, '');
}

function isMappingNode(n: CtxNode | undefined): n is CtxDict {
  return n instanceof CtxDict;
}

function mergeInto(into: CtxDict, update: CtxDict, overwrite: boolean): void {
  for (const [key, val] of update.data) {
    const existing = into.data.get(key);
    if (isMappingNode(existing) && isMappingNode(val)) {
      mergeInto(existing, val, overwrite);
      continue;
    }
    if (existing !== undefined && !overwrite) {
      throw new ContextError(
        `cannot redefine '${val.meta.dpaths.join('.')}' from '${val.meta.source}' as it already exists in '${existing.meta.source}'`,
        'merge',
      );
    }
    into.data.set(key, val);
  }
}

/** Loads a params/vars file for the context: the parsed value, or why it cannot be read. */
export type LoadVarsFile = (path: string) => { status: 'ok'; data: YamlValue } | { status: 'missing' } | { status: 'directory' };

/** Python-style list join for messages: "a, b and c". */
export function humanJoin(words: string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** POSIX `normpath(join(wdir, path))` as DVC computes file paths of vars. */
export function joinNorm(wdir: string, path: string): string {
  const full = path.startsWith('/') ? path : wdir ? `${wdir}/${path}` : path;
  const abs = full.startsWith('/');
  const out: string[] = [];
  for (const seg of full.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else if (seg === '..' && abs) continue;
    else out.push(seg);
  }
  const s = (abs ? '/' : '') + out.join('/');
  return s || '.';
}

/** The top-level templating context. */
export class Context extends CtxDict {
  /** Loaded files: path → null (whole) or the partially loaded keys. */
  imports = new Map<string, string[] | null>();
  private reservedKeys: string[] = [];
  private tracking: Map<string, Map<string, YamlValue>> | undefined;

  static fromMapping(data: Map<YamlKey, YamlValue>, meta: Meta): Context {
    const c = new Context(undefined, meta);
    for (const [k, v] of data) c.set(k, v);
    return c;
  }

  override clone(): Context {
    const c = new Context(undefined, this.meta);
    for (const [k, v] of this.data) c.data.set(k, v instanceof CtxDict ? v.clone() : v);
    c.imports = new Map([...this.imports].map(([k, v]) => [k, v ? [...v] : null]));
    c.reservedKeys = [...this.reservedKeys];
    return c;
  }

  /** Starts recording values read from files (for `params show/diff`); returns the record. */
  track(): Map<string, Map<string, YamlValue>> {
    this.tracking = new Map();
    return this.tracking;
  }
  stopTracking(): void {
    this.tracking = undefined;
  }

  /**
   * Selects `key` (`a.b`, `a[0]`); throws `Could not find '<key>'` with the key as written.
   */
  select(key: string): CtxNode {
    let node: CtxNode;
    try {
      node = selectIn(this, normalizeKey(key));
    } catch {
      // any lookup failure is reported with the whole expression, as KeyNotInContext does
      throw new ContextError(`Could not find '${key}'`, 'key-not-found');
    }
    if (this.tracking && !node.meta.local && node.meta.source) {
      const file = this.tracking.get(node.meta.source) ?? new Map<string, YamlValue>();
      file.set(node.meta.dpaths.join('.'), node.value);
      this.tracking.set(node.meta.source, file);
    }
    return node;
  }

  /** Merges another context; reserved keys (`item`, `key` while generating) cannot be set. */
  mergeUpdate(other: CtxDict, overwrite = false): void {
    const clash = this.reservedKeys.filter((k) => other.data.has(k));
    if (clash.length) throw reservedKeyError(clash);
    mergeInto(this, other, overwrite);
  }

  /** Loads `item` (`path` or `path:k1,k2`) relative to `wdir` (`Context.merge_from`). */
  mergeFrom(load: LoadVarsFile, item: string, wdir: string): void {
    const colon = item.indexOf(':');
    const rawPath = colon < 0 ? item : item.slice(0, colon);
    const keysStr = colon < 0 ? '' : item.slice(colon + 1);
    const path = joinNorm(wdir, rawPath);
    const selectKeys = keysStr ? keysStr.split(',').filter(Boolean) : null;
    const keys = selectKeys && selectKeys.length ? selectKeys : null;
    if (this.imports.has(path)) {
      if (!keys && this.imports.get(path) === null) return;
      this.checkLoaded(path, item, keys);
    }
    const ctx = loadFrom(load, path, keys);
    try {
      this.mergeUpdate(ctx);
    } catch (e) {
      if (e instanceof ContextError && e.kind === 'reserved') throw reservedKeyError((e as ReservedError).keys, item);
      throw e;
    }
    const cp = ctx.imports.get(path) ?? null;
    if (!this.imports.has(path)) this.imports.set(path, cp);
    else if (cp) this.imports.get(path)!.push(...cp);
  }

  private checkLoaded(path: string, item: string, keys: string[] | null): void {
    const imported = this.imports.get(path);
    if (!keys && Array.isArray(imported)) throw new ContextError(`cannot load '${item}' as it's partially loaded already`, 'vars-loaded');
    if (keys && imported === null) throw new ContextError(`cannot partially load '${item}' as it's already loaded.`, 'vars-loaded');
    if (Array.isArray(imported) && keys && keys.some((k) => imported.includes(k))) {
      throw new ContextError(`cannot load '${item}' as it's partially loaded already`, 'vars-loaded');
    }
  }

  /** Loads the default `params.yaml` (when it exists) and then each `vars` item (`load_from_vars`). */
  loadFromVars(load: LoadVarsFile, vars: YamlValue[], wdir: string, stageName?: string, defaultFile?: string): void {
    if (defaultFile) {
      const r = load(joinNorm(wdir, defaultFile));
      if (r.status !== 'missing') this.mergeFrom(load, defaultFile, wdir);
    }
    vars.forEach((item, index) => {
      if (typeof item === 'string') this.mergeFrom(load, item, wdir);
      else {
        const joiner = stageName ? '.' : '';
        const meta: Meta = { source: `${stageName ?? ''}${joiner}vars[${index}]`, dpaths: [], local: true };
        this.mergeUpdate(Context.fromMapping(item as Map<YamlKey, YamlValue>, meta));
      }
    });
  }

  /**
   * Runs `fn` with `values` set at the top level (`set_temporarily`); with `reserve`, the keys
   * cannot be redefined by stage vars meanwhile.
   */
  withTemporarily<T>(values: Map<string, YamlValue | CtxNode>, reserve: boolean, fn: () => T): T {
    const previous = new Map<string, CtxNode | undefined>();
    for (const k of values.keys()) previous.set(k, this.data.get(k));
    const added = reserve ? [...values.keys()].filter((k) => !this.reservedKeys.includes(k)) : [];
    for (const [k, v] of values) this.set(k, v);
    this.reservedKeys.push(...added);
    try {
      return fn();
    } finally {
      this.reservedKeys = this.reservedKeys.filter((k) => !added.includes(k));
      for (const [k, v] of previous) {
        if (v === undefined) this.data.delete(k);
        else this.data.set(k, v);
      }
    }
  }
}

class ReservedError extends ContextError {
  constructor(
    message: string,
    readonly keys: string[],
  ) {
    super(message, 'reserved');
  }
}

function reservedKeyError(keys: string[], path?: string): ReservedError {
  const n = keys.length > 1 ? 'keys' : 'key';
  return new ReservedError(`attempted to modify reserved ${n} ${humanJoin(keys)}${path ? ` in '${path}'` : ''}`, keys);
}

function loadFrom(load: LoadVarsFile, path: string, selectKeys: string[] | null): Context {
  const r = load(path);
  if (r.status === 'missing') throw new ContextError(`'${path}' does not exist`, 'params-load');
  if (r.status === 'directory') throw new ContextError(`'${path}' is a directory`, 'params-load');
  let data = r.data;
  if (!(data instanceof Map)) {
    const typ = Array.isArray(data) ? 'list' : typeof data === 'string' ? 'str' : 'object';
    throw new ContextError(`expected a dictionary, got '${typ}' in file '${path}'`, 'params-load');
  }
  if (selectKeys) {
    const picked = new Map<YamlKey, YamlValue>();
    for (const k of selectKeys) {
      if (!data.has(k)) throw new ContextError(`could not find '${k}' in '${path}'`, 'params-load');
      picked.set(k, data.get(k)!);
    }
    data = picked;
  }
  const ctx = Context.fromMapping(data, { source: path, dpaths: [], local: false });
  ctx.imports.set(path, selectKeys ? [...selectKeys] : null);
  return ctx;
}
