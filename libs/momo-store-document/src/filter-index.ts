import type { FilterNode } from './filters.js';
import { resolveFilterPath } from './filters.js';
import type { FilterScalar, JsonValue, StoredDocument } from './types.js';

const keyOf = (v: FilterScalar): string => `${typeof v}:${String(v)}`;

/**
 * Equality indexes over filter paths, built on first use: path → scalar value → ids holding it
 * (array fields index every scalar element). A filter whose top-level AND contains `$eq`/`$in` on a
 * path narrows search candidates to a set lookup instead of evaluating the filter on every BM25
 * candidate, which matters for selective filters (one module of a monorepo) over common words.
 */
export class FilterIndex {
  private paths = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly all: () => Iterable<StoredDocument>) {}

  private static scalarsAt(doc: StoredDocument, path: readonly string[]): FilterScalar[] {
    const v: JsonValue | undefined = resolveFilterPath(doc, path);
    if (v === undefined) return [];
    const list = Array.isArray(v) ? v : [v];
    return list.filter((x): x is FilterScalar => x === null || typeof x !== 'object');
  }

  private build(path: readonly string[]): Map<string, Set<string>> {
    const key = path.join('.');
    let index = this.paths.get(key);
    if (index) return index;
    index = new Map();
    for (const doc of this.all()) this.addTo(index, path, doc);
    this.paths.set(key, index);
    return index;
  }

  private addTo(index: Map<string, Set<string>>, path: readonly string[], doc: StoredDocument): void {
    for (const s of FilterIndex.scalarsAt(doc, path)) {
      const k = keyOf(s);
      let ids = index.get(k);
      if (!ids) index.set(k, (ids = new Set()));
      ids.add(doc.id);
    }
  }

  /** Keeps built indexes in step: call with the old document (if any) and the new one (if any). */
  update(before: StoredDocument | undefined, after: StoredDocument | undefined): void {
    for (const [key, index] of this.paths) {
      const path = key.split('.');
      if (before) {
        for (const s of FilterIndex.scalarsAt(before, path)) {
          const ids = index.get(keyOf(s));
          ids?.delete(before.id);
          if (ids && ids.size === 0) index.delete(keyOf(s));
        }
      }
      if (after) this.addTo(index, path, after);
    }
  }

  clear(): void {
    this.paths = new Map();
  }

  /**
   * A set every matching document belongs to (the smallest among the indexable conjuncts), or
   * undefined when the filter has no top-level `$eq`/`$in` on a non-null value. The caller still
   * evaluates the full filter on members.
   */
  candidates(node: FilterNode | undefined): ReadonlySet<string> | undefined {
    if (!node) return undefined;
    const conjuncts = node.type === 'and' ? node.children : [node];
    let best: ReadonlySet<string> | undefined;
    for (const c of conjuncts) {
      if (c.type !== 'field') continue;
      let values: FilterScalar[];
      if (c.op === 'eq' && c.value !== null) values = [c.value as FilterScalar];
      else if (c.op === 'in' && (c.value as FilterScalar[]).every((v) => v !== null)) values = c.value as FilterScalar[];
      else continue;
      const index = this.build(c.path);
      let set: ReadonlySet<string>;
      if (values.length === 1) set = index.get(keyOf(values[0])) ?? new Set();
      else {
        const union = new Set<string>();
        for (const v of values) for (const id of index.get(keyOf(v)) ?? []) union.add(id);
        set = union;
      }
      if (!best || set.size < best.size) best = set;
    }
    return best;
  }
}
