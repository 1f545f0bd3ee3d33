/** Chunk vectors as stored in `data/vectors` (row i of `data` belongs to `ids[i]`). */
export interface ChunkVectors {
  /** Chunk ids, `<path>:<startLine>-<endLine>`. */
  ids: string[];
  /** Row-major float32, `ids.length × dimension`. */
  data: Float32Array;
  dimension: number;
}

/** One related module with its similarity. */
export interface RelatedModule {
  name: string;
  /** Cosine similarity of the two modules' centred mean chunk embeddings, in [-1, 1]. */
  similarity: number;
}

/** Options of {@link computeRelatedModules}. */
export interface RelatedModulesOptions {
  vectors: ChunkVectors;
  /** Module of each file (repo-relative path → module name). */
  moduleOfPath: Map<string, string>;
  /** Modules to compare, in output order. */
  modules: string[];
  /** Only pairs at least this similar are related. */
  threshold: number;
  /** At most this many related modules per module. */
  limit: number;
}

/**
 * Related modules by embedding similarity: each module is the mean of its chunks' embeddings; the
 * mean over all modules is subtracted first (centring), because the vocabulary every module shares
 * (`import`, `export`, `const`, ...) otherwise makes every pair look alike. Pairs are compared by
 * cosine; ties break by name. Deterministic: float64 sums in chunk-id order.
 */
export function computeRelatedModules(options: RelatedModulesOptions): Map<string, RelatedModule[]> {
  const { vectors, moduleOfPath, modules, threshold, limit } = options;
  const d = vectors.dimension;
  const sums = new Map<string, { v: Float64Array; n: number }>();
  for (const m of modules) sums.set(m, { v: new Float64Array(d), n: 0 });
  for (let i = 0; i < vectors.ids.length; i++) {
    const id = vectors.ids[i];
    const colon = id.lastIndexOf(':');
    const m = moduleOfPath.get(colon > 0 ? id.slice(0, colon) : id);
    const s = m === undefined ? undefined : sums.get(m);
    if (!s) continue;
    for (let k = 0; k < d; k++) s.v[k] += vectors.data[i * d + k];
    s.n++;
  }
  const present = modules.filter((m) => sums.get(m)!.n > 0);
  const centroid = new Map<string, Float64Array>();
  const mean = new Float64Array(d);
  for (const m of present) {
    const s = sums.get(m)!;
    const c = s.v.map((x) => x / s.n);
    centroid.set(m, c);
    for (let k = 0; k < d; k++) mean[k] += c[k] / present.length;
  }
  const unit = new Map<string, Float64Array>();
  for (const m of present) {
    const c = centroid.get(m)!.map((x, k) => (present.length > 2 ? x - mean[k] : x));
    let norm = 0;
    for (const x of c) norm += x * x;
    norm = Math.sqrt(norm);
    if (norm > 0) unit.set(m, c.map((x) => x / norm));
  }
  const out = new Map<string, RelatedModule[]>();
  for (const a of modules) {
    const ua = unit.get(a);
    const list: RelatedModule[] = [];
    if (ua) {
      for (const b of modules) {
        const ub = unit.get(b);
        if (b === a || !ub) continue;
        let dot = 0;
        for (let k = 0; k < d; k++) dot += ua[k] * ub[k];
        const similarity = Math.round(dot * 1000) / 1000;
        if (similarity >= threshold) list.push({ name: b, similarity });
      }
    }
    list.sort((x, y) => y.similarity - x.similarity || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    out.set(a, list.slice(0, limit));
  }
  return out;
}
