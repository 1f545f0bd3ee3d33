/**
 * The in-memory shape of one config level and of the merged config, and the pure transforms DVC
 * applies between configobj and its dict (DVC `dvc/config.py`: `_lower_keys`, `_parse_named`,
 * `_pack_named`, `merge`).
 */
import type { IniTree, IniWriteTree } from './configobj.js';
import { ConfigPath } from './config-paths.js';

/**
 * A leaf value: text or a list from the file, a value set by code (written with Python's
 * `str()`: `True`, `4`), a resolved path, or `null` (Python `None`, written as `None`; DVC stores
 * it for `remote modify <name> <option>` without a value).
 */
export type ConfigLeaf = string | string[] | boolean | number | ConfigPath | null;
/** A config section (or the whole config): ordered keys → leaves or subsections. */
export type ConfigTree = Map<string, ConfigLeaf | ConfigTree>;

/** Sections whose entries are named subsections written as `['remote "name"']`. */
export const NAMED_SECTIONS = ['remote', 'machine', 'db'] as const;

const NAMED_HEADER = /^\s*(remote|machine|db)\s*"(.*)"\s*$/;

export function isTree(v: unknown): v is ConfigTree {
  return v instanceof Map;
}

/** Lower-cases every key, recursively (a later duplicate replaces an earlier one in place). */
export function lowerKeys(tree: IniTree): ConfigTree {
  const out: ConfigTree = new Map();
  for (const [k, v] of tree) out.set(k.toLowerCase(), v instanceof Map ? lowerKeys(v) : v);
  return out;
}

/**
 * Moves `remote "name"` / `machine "name"` / `db "name"` sections under `remote` / `machine` /
 * `db` (which come first, in that order), keeping other sections in file order.
 */
export function parseNamed(tree: ConfigTree): ConfigTree {
  const out: ConfigTree = new Map([
    ['remote', new Map()],
    ['machine', new Map()],
    ['db', new Map()],
  ]);
  for (const [section, value] of tree) {
    const m = NAMED_HEADER.exec(section);
    if (m) {
      const group = out.get(m[1]);
      if (isTree(group)) group.set(m[2], value);
      else out.set(m[1], new Map([[m[2], value]]));
    } else out.set(section, value);
  }
  return out;
}

function isFalsy(v: ConfigLeaf | ConfigTree): boolean {
  if (isTree(v)) return v.size === 0;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof ConfigPath) return false;
  return v === '' || v === false || v === 0 || v === null;
}

/**
 * The inverse of {@link parseNamed} for writing: drops empty top-level entries, then appends
 * every named subsection as a `<kind> "<name>"` section (remotes, then machines, then dbs).
 */
export function packNamed(tree: ConfigTree): ConfigTree {
  const out: ConfigTree = new Map();
  for (const [k, v] of tree) if (!isFalsy(v)) out.set(k, v);
  for (const kind of NAMED_SECTIONS) {
    const group = tree.get(kind);
    if (isTree(group)) for (const [name, v] of group) out.set(`${kind} "${name}"`, v);
    out.delete(kind);
  }
  return out;
}

/** Deep copy (leaf arrays copied; ConfigPath values are immutable and shared). */
export function cloneTree(tree: ConfigTree): ConfigTree {
  const out: ConfigTree = new Map();
  for (const [k, v] of tree) out.set(k, isTree(v) ? cloneTree(v) : Array.isArray(v) ? [...v] : v);
  return out;
}

/** DVC `merge`: recursive per key, later wins; subsections merge key by key. Mutates `into`. */
export function mergeInto(into: ConfigTree, update: ConfigTree): ConfigTree {
  for (const [k, v] of update) {
    const cur = into.get(k);
    if (isTree(cur) && isTree(v)) mergeInto(cur, v);
    else into.set(k, isTree(v) ? cloneTree(v) : v);
  }
  return into;
}

/** Converts leaves to what configobj writes (paths become their text). */
export function toWriteTree(tree: ConfigTree): IniWriteTree {
  const out: IniWriteTree = new Map();
  for (const [k, v] of tree) {
    out.set(k, isTree(v) ? toWriteTree(v) : v instanceof ConfigPath ? v.path : v === null ? 'None' : v);
  }
  return out;
}

/** Reads a nested value; undefined when any step is missing or not a section. */
export function getIn(tree: ConfigTree, keys: readonly string[]): ConfigLeaf | ConfigTree | undefined {
  let cur: ConfigLeaf | ConfigTree | undefined = tree;
  for (const k of keys) {
    if (!isTree(cur)) return undefined;
    cur = cur.get(k);
  }
  return cur;
}

/** Flattens to `a.b.c → value` (DVC `flatten_dict(..., reducer="dot")`; empty sections vanish). */
export function flattenTree(tree: ConfigTree, prefix = ''): Array<[string, ConfigLeaf]> {
  const out: Array<[string, ConfigLeaf]> = [];
  for (const [k, v] of tree) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isTree(v)) out.push(...flattenTree(v, key));
    else out.push([key, v]);
  }
  return out;
}
