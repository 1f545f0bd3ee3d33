import { MomoError } from '@momo/errors';
import { compareCodePoints } from '@momo/common';
import type { DocumentFilter, FilterScalar, JsonValue, StoredDocument } from './types.js';

/** A validated filter, shared by every driver (memory evaluates it, DuckDB compiles it to SQL). */
export type FilterNode =
  | { type: 'and'; children: FilterNode[] }
  | { type: 'or'; children: FilterNode[] }
  | { type: 'field'; path: string[]; op: FieldOp; value: FilterScalar | FilterScalar[] | boolean };

/** Field operators after normalisation. */
export type FieldOp = 'eq' | 'ne' | 'in' | 'nin' | 'gt' | 'gte' | 'lt' | 'lte' | 'exists';

const OPS: Record<string, FieldOp> = {
  $eq: 'eq',
  $ne: 'ne',
  $in: 'in',
  $nin: 'nin',
  $gt: 'gt',
  $gte: 'gte',
  $lt: 'lt',
  $lte: 'lte',
  $exists: 'exists',
};

/** Top-level names a filter path may start with. */
export const FILTER_ROOTS: ReadonlySet<string> = new Set(['id', 'title', 'source', 'category', 'tags', 'custom']);

const SEGMENT_RE = /^[^."\\\u0000-\u001f]+$/;

function invalid(message: string, data: Record<string, unknown> = {}): MomoError {
  return new MomoError('DOCUMENT_FILTER_INVALID', message, {
    hint: "Filters look like { category: 'code', 'custom.difficulty': 'beginner', tags: { $in: ['ts'] } }.",
    data,
  });
}

function isScalar(v: unknown): v is FilterScalar {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function parsePath(key: string): string[] {
  const path = key.split('.');
  if (!path.every((s) => SEGMENT_RE.test(s))) {
    throw invalid(`filter path ${JSON.stringify(key)} is malformed: segments must be non-empty and free of quotes, backslashes and control characters`, { path: key });
  }
  if (!FILTER_ROOTS.has(path[0])) {
    throw invalid(`filter path ${JSON.stringify(key)} starts with "${path[0]}", expected one of ${[...FILTER_ROOTS].join(', ')}`, {
      path: key,
    });
  }
  if (path[0] !== 'custom' && path.length > 1) {
    throw invalid(`filter path ${JSON.stringify(key)} goes below "${path[0]}", which holds no object; only custom.* paths nest`, {
      path: key,
    });
  }
  return path;
}

function parseField(key: string, spec: unknown): FilterNode[] {
  const path = parsePath(key);
  if (isScalar(spec)) return [{ type: 'field', path, op: 'eq', value: spec }];
  if (Array.isArray(spec)) {
    if (!spec.every(isScalar)) throw invalid(`filter ${JSON.stringify(key)}: an array must hold only strings, numbers, booleans or null`, { path: key });
    return [{ type: 'field', path, op: 'in', value: spec }];
  }
  if (spec === null || typeof spec !== 'object') throw invalid(`filter ${JSON.stringify(key)} has a ${typeof spec} value`, { path: key });
  const nodes: FilterNode[] = [];
  const entries = Object.entries(spec as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) throw invalid(`filter ${JSON.stringify(key)} has an empty operator object`, { path: key });
  for (const [name, value] of entries) {
    const op = OPS[name];
    if (!op) throw invalid(`filter ${JSON.stringify(key)} uses unknown operator ${JSON.stringify(name)}; known: ${Object.keys(OPS).join(', ')}`, { path: key, operator: name });
    if (op === 'in' || op === 'nin') {
      if (!Array.isArray(value) || !value.every(isScalar)) throw invalid(`filter ${JSON.stringify(key)}: ${name} needs an array of scalars`, { path: key });
    } else if (op === 'exists') {
      if (typeof value !== 'boolean') throw invalid(`filter ${JSON.stringify(key)}: $exists needs true or false`, { path: key });
    } else if (op === 'eq' || op === 'ne') {
      if (!isScalar(value)) throw invalid(`filter ${JSON.stringify(key)}: ${name} needs a string, number, boolean or null`, { path: key });
    } else if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
      throw invalid(`filter ${JSON.stringify(key)}: ${name} needs a finite number or a string`, { path: key });
    }
    nodes.push({ type: 'field', path, op, value: value as FilterScalar | FilterScalar[] });
  }
  return nodes;
}

/**
 * Validates a {@link DocumentFilter} and turns it into a {@link FilterNode} tree.
 * Returns undefined for "no filter" (undefined or `{}`).
 *
 * @throws MomoError DOCUMENT_FILTER_INVALID
 */
export function parseFilter(filter: DocumentFilter | undefined): FilterNode | undefined {
  if (filter === undefined) return undefined;
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) throw invalid('filters must be an object');
  const children: FilterNode[] = [];
  for (const [key, spec] of Object.entries(filter)) {
    if (spec === undefined) continue;
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(spec) || spec.length === 0) throw invalid(`${key} needs a non-empty array of filters`);
      const subs = spec.map((s) => parseFilter(s as DocumentFilter) ?? { type: 'and' as const, children: [] });
      children.push({ type: key === '$and' ? 'and' : 'or', children: subs });
      continue;
    }
    if (key.startsWith('$')) throw invalid(`unknown top-level filter operator ${JSON.stringify(key)}; use $and or $or`);
    children.push(...parseField(key, spec));
  }
  if (children.length === 0) return undefined;
  return children.length === 1 ? children[0] : { type: 'and', children };
}

/**
 * The value at a filter path: `id` and `title` are the document's own fields, everything else is read
 * from `metadata` (`custom.a.b` descends through objects only, never into arrays).
 */
export function resolveFilterPath(doc: StoredDocument, path: readonly string[]): JsonValue | undefined {
  const root = path[0];
  if (root === 'id') return doc.id;
  if (root === 'title') return doc.title;
  let cur = (doc.metadata as { [key: string]: JsonValue | undefined })[root];
  for (let i = 1; i < path.length && cur !== undefined; i++) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as { [key: string]: JsonValue })[path[i]];
  }
  return cur;
}

function scalarEquals(v: JsonValue, x: FilterScalar): boolean {
  return (v === null || typeof v !== 'object') && v === x;
}

function scalarCompare(v: JsonValue, bound: number | string, op: FieldOp): boolean {
  let c: number;
  if (typeof bound === 'number' && typeof v === 'number') c = v < bound ? -1 : v > bound ? 1 : 0;
  else if (typeof bound === 'string' && typeof v === 'string') c = compareCodePoints(v, bound);
  else return false;
  return op === 'gt' ? c > 0 : op === 'gte' ? c >= 0 : op === 'lt' ? c < 0 : c <= 0;
}

function anyElement(v: JsonValue, pred: (e: JsonValue) => boolean): boolean {
  return Array.isArray(v) ? v.some(pred) : pred(v);
}

function matchesEq(v: JsonValue | undefined, x: FilterScalar): boolean {
  if (v === undefined) return x === null;
  return anyElement(v, (e) => scalarEquals(e, x));
}

/** Evaluates a parsed filter against a document (the reference semantics every driver must match). */
export function matchesFilter(node: FilterNode | undefined, doc: StoredDocument): boolean {
  if (!node) return true;
  switch (node.type) {
    case 'and':
      return node.children.every((c) => matchesFilter(c, doc));
    case 'or':
      return node.children.some((c) => matchesFilter(c, doc));
    case 'field': {
      const v = resolveFilterPath(doc, node.path);
      switch (node.op) {
        case 'eq':
          return matchesEq(v, node.value as FilterScalar);
        case 'ne':
          return !matchesEq(v, node.value as FilterScalar);
        case 'in':
          return (node.value as FilterScalar[]).some((x) => matchesEq(v, x));
        case 'nin':
          return !(node.value as FilterScalar[]).some((x) => matchesEq(v, x));
        case 'exists':
          return (v !== undefined) === node.value;
        default:
          return v !== undefined && anyElement(v, (e) => scalarCompare(e, node.value as number | string, node.op));
      }
    }
  }
}
