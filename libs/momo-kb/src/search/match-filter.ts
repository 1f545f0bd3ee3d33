import type { DocumentFilter, FilterOperators, FilterScalar } from '@momo/store-document';

/** Reads a dotted path (`custom.difficulty`) from a record. */
function readPath(record: Record<string, unknown>, path: string): { present: boolean; value: unknown } {
  let cur: unknown = record;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(part in (cur as Record<string, unknown>))) return { present: false, value: undefined };
    cur = (cur as Record<string, unknown>)[part];
  }
  return { present: true, value: cur };
}

function scalarEq(a: unknown, b: FilterScalar): boolean {
  if (b === null) return a === null || a === undefined;
  return a === b;
}

function anyOf(value: unknown, pred: (v: unknown) => boolean): boolean {
  return Array.isArray(value) ? value.some(pred) : pred(value);
}

function compare(a: unknown, b: number | string): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

function matchOperators(present: boolean, value: unknown, ops: FilterOperators): boolean {
  if (ops.$exists !== undefined && ops.$exists !== present) return false;
  if (ops.$eq !== undefined && !anyOf(value, (v) => scalarEq(v, ops.$eq!))) return false;
  if (ops.$ne !== undefined && anyOf(value, (v) => scalarEq(v, ops.$ne!))) return false;
  if (ops.$in !== undefined && !anyOf(value, (v) => ops.$in!.some((x) => scalarEq(v, x)))) return false;
  if (ops.$nin !== undefined && anyOf(value, (v) => ops.$nin!.some((x) => scalarEq(v, x)))) return false;
  const cmp = (bound: number | string | undefined, ok: (c: number) => boolean) =>
    bound === undefined || anyOf(value, (v) => {
      const c = compare(v, bound);
      return c !== undefined && ok(c);
    });
  return cmp(ops.$gt, (c) => c > 0) && cmp(ops.$gte, (c) => c >= 0) && cmp(ops.$lt, (c) => c < 0) && cmp(ops.$lte, (c) => c <= 0);
}

/**
 * True when a record (`{ id, title, source, category, tags, custom }`) matches a document filter,
 * with the semantics of the document store's filters: scalars mean `$eq` (any element of an array
 * field), arrays mean `$in`, operator objects apply every operator, `$and`/`$or` combine.
 */
export function matchesFilter(record: Record<string, unknown>, filter: DocumentFilter | undefined): boolean {
  if (!filter) return true;
  for (const [key, cond] of Object.entries(filter)) {
    if (cond === undefined) continue;
    if (key === '$and') {
      if (!(cond as DocumentFilter[]).every((f) => matchesFilter(record, f))) return false;
      continue;
    }
    if (key === '$or') {
      if (!(cond as DocumentFilter[]).some((f) => matchesFilter(record, f))) return false;
      continue;
    }
    const { present, value } = readPath(record, key);
    if (Array.isArray(cond)) {
      if (!anyOf(value, (v) => (cond as FilterScalar[]).some((x) => scalarEq(v, x)))) return false;
    } else if (cond !== null && typeof cond === 'object') {
      if (!matchOperators(present, value, cond as FilterOperators)) return false;
    } else if (!anyOf(value, (v) => scalarEq(v, cond as FilterScalar))) return false;
  }
  return true;
}
