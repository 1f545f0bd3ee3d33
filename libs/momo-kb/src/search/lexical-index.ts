import { tokenize } from '../text/tokenize.js';

/** BM25 parameters (Robertson/Lucene defaults). */
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;
/** Posting lists shorter than this are never pruned (small indexes are scored exactly). */
export const PRUNE_MIN_POSTINGS = 2000;

/** One field of a document to index, with its weight in the combined score. */
export interface LexicalField {
  name: string;
  weight: number;
}

interface FieldIndex {
  weight: number;
  /** term id -> posting doc ids (ascending) */
  docs: Int32Array[];
  /** term id -> precomputed BM25 tf component per posting */
  tfw: Float32Array[];
  idf: Float32Array;
}

/** A scored document id. */
export interface LexicalHit {
  doc: number;
  score: number;
}

/**
 * An in-memory inverted index with one BM25 index per field (body, symbol names, path), whose
 * scores add up with per-field weights. Built once from all documents, then frozen into typed
 * arrays: term-frequency components are precomputed, so a query only sums `idf * w` per posting.
 * Document ids are dense integers in insertion order.
 */
export class LexicalIndex {
  private readonly fields: LexicalField[];
  private readonly terms = new Map<string, number>();
  private building: Array<{ pairs: GrowableInt32; lengths: number[] }>;
  private frozen: FieldIndex[] | undefined;
  private docCount = 0;
  private acc = new Float32Array(0);
  private mask = new Int32Array(0);

  constructor(fields: LexicalField[]) {
    this.fields = fields;
    this.building = fields.map(() => ({ pairs: new GrowableInt32(), lengths: [] }));
  }

  get size(): number {
    return this.docCount;
  }

  /** Adds a document; `texts[i]` is the text of field i (or pre-tokenised terms). Returns its id. */
  add(texts: Array<string | string[]>): number {
    if (this.frozen) throw new Error('LexicalIndex.add after freeze');
    const doc = this.docCount++;
    for (let f = 0; f < this.fields.length; f++) {
      const t = texts[f];
      const toks = typeof t === 'string' ? tokenize(t) : (t ?? []);
      const b = this.building[f];
      b.lengths.push(toks.length);
      // term frequencies without a per-document Map: a stamp per term id marks "seen in this field of this doc"
      const stamp = doc * this.fields.length + f + 1;
      const touched = this.touchedIds;
      touched.length = 0;
      for (const tok of toks) {
        let id = this.terms.get(tok);
        if (id === undefined) {
          id = this.terms.size;
          this.terms.set(tok, id);
          this.grow(id + 1);
        }
        if (this.stamps[id] !== stamp) {
          this.stamps[id] = stamp;
          this.counts[id] = 0;
          touched.push(id);
        }
        this.counts[id]++;
      }
      // (doc, term, tf) triples; grouped by term at freeze time
      for (const id of touched) b.pairs.push3(doc, id, this.counts[id]);
    }
    return doc;
  }

  private stamps = new Int32Array(1024);
  private counts = new Int32Array(1024);
  private readonly touchedIds: number[] = [];

  private grow(n: number): void {
    if (n <= this.stamps.length) return;
    const size = Math.max(n, this.stamps.length * 2);
    const s = new Int32Array(size);
    s.set(this.stamps);
    this.stamps = s;
    const c = new Int32Array(size);
    c.set(this.counts);
    this.counts = c;
  }

  /** Precomputes BM25 weights into typed arrays; no more adds afterwards. */
  freeze(): void {
    if (this.frozen) return;
    const N = this.docCount;
    const nTerms = this.terms.size;
    this.frozen = this.fields.map((field, f) => {
      const b = this.building[f];
      const avg = b.lengths.reduce((a, x) => a + x, 0) / Math.max(1, N) || 1;
      const docs: Int32Array[] = new Array(nTerms);
      const tfw: Float32Array[] = new Array(nTerms);
      const idf = new Float32Array(nTerms);
      const df = new Int32Array(nTerms);
      const triples = b.pairs.view();
      for (let i = 0; i < triples.length; i += 3) df[triples[i + 1]]++;
      for (let t = 0; t < nTerms; t++) {
        docs[t] = new Int32Array(df[t]);
        tfw[t] = new Float32Array(df[t]);
        idf[t] = df[t] ? Math.log(1 + (N - df[t] + 0.5) / (df[t] + 0.5)) : 0;
      }
      const fill = new Int32Array(nTerms);
      // triples are in doc order, so postings come out sorted by doc
      for (let i = 0; i < triples.length; i += 3) {
        const doc = triples[i];
        const t = triples[i + 1];
        const n = triples[i + 2];
        const norm = BM25_K1 * (1 - BM25_B + (BM25_B * b.lengths[doc]) / avg);
        const j = fill[t]++;
        docs[t][j] = doc;
        tfw[t][j] = (n * (BM25_K1 + 1)) / (n + norm);
      }
      return { weight: field.weight, docs, tfw, idf };
    });
    this.building = [];
    this.acc = new Float32Array(N);
    this.mask = new Int32Array(N);
  }

  /** Query terms that exist in the index (deduplicated, in query order). */
  queryTerms(query: string): number[] {
    const seen = new Set<number>();
    for (const t of tokenize(query)) {
      const id = this.terms.get(t);
      if (id !== undefined) seen.add(id);
    }
    return [...seen];
  }

  /** idf of a term in field `f` (0 when the term is not in that field). */
  idf(termId: number, f = 0): number {
    this.freeze();
    return this.frozen![f].idf[termId] ?? 0;
  }

  /** Term id of a token, if indexed. */
  termId(token: string): number | undefined {
    return this.terms.get(token);
  }

  /**
   * The top `limit` documents for a query by weighted multi-field BM25.
   * `accept` filters documents (metadata filters) before they compete for the top places.
   * `fieldWeights` overrides the construction-time weights for this query.
   * With `prune`, terms in more than `prune` of the documents of a field (and at least
   * PRUNE_MIN_POSTINGS of them) only add to documents
   * that rarer terms already matched (scores of matched documents stay exact; documents that match
   * only very common terms are left out), which keeps latency flat on large indexes.
   * `visit` sees every matching (accepted) document with its score and a bit mask of the query
   * terms it matched (bit i = the i-th term of `queryTerms`, first 31 terms).
   */
  search(
    query: string | number[],
    limit: number,
    accept?: (doc: number) => boolean,
    fieldWeights?: number[],
    prune?: number,
    visit?: (doc: number, score: number, matched: number) => void,
  ): LexicalHit[] {
    this.freeze();
    const frozen = this.frozen!;
    const termIds = typeof query === 'string' ? this.queryTerms(query) : query;
    if (!termIds.length) return [];
    const acc = this.acc;
    const mask = this.mask;
    const touched: number[] = [];
    const N = this.docCount;
    const deferred: Array<{ docs: Int32Array; w: Float32Array; k: number; bit: number }> = [];
    let seeded = false;
    for (let f = 0; f < frozen.length; f++) {
      const fi = frozen[f];
      const fw = fieldWeights ? fieldWeights[f] : fi.weight;
      if (!fw) continue;
      for (let q = 0; q < termIds.length; q++) {
        const t = termIds[q];
        const docs = fi.docs[t];
        if (!docs.length) continue;
        const w = fi.tfw[t];
        const k = fi.idf[t] * fw;
        const bit = q < 31 ? 1 << q : 0;
        if (prune !== undefined && docs.length > Math.max(prune * N, PRUNE_MIN_POSTINGS)) {
          deferred.push({ docs, w, k, bit });
          continue;
        }
        seeded = true;
        for (let i = 0; i < docs.length; i++) {
          const d = docs[i];
          if (acc[d] === 0) touched.push(d);
          acc[d] += k * w[i];
          mask[d] |= bit;
        }
      }
    }
    if (deferred.length) {
      // rarest deferred list seeds when no rare term matched anything
      deferred.sort((a, b) => a.docs.length - b.docs.length);
      for (const { docs, w, k, bit } of deferred) {
        if (!seeded) {
          for (let i = 0; i < docs.length; i++) {
            const d = docs[i];
            if (acc[d] === 0) touched.push(d);
            acc[d] += k * w[i];
            mask[d] |= bit;
          }
          seeded = true;
          continue;
        }
        if (touched.length * 16 < docs.length) {
          for (const d of touched) {
            let lo = 0;
            let hi = docs.length - 1;
            while (lo <= hi) {
              const mid = (lo + hi) >> 1;
              const v = docs[mid];
              if (v === d) {
                acc[d] += k * w[mid];
                mask[d] |= bit;
                break;
              }
              if (v < d) lo = mid + 1;
              else hi = mid - 1;
            }
          }
        } else {
          for (let i = 0; i < docs.length; i++) {
            const d = docs[i];
            if (acc[d] !== 0) {
              acc[d] += k * w[i];
              mask[d] |= bit;
            }
          }
        }
      }
    }
    // keep the best `limit` with a small binary-insertion list (limit is small; touched may be large)
    const top: LexicalHit[] = [];
    let floor = -Infinity;
    for (const d of touched) {
      const s = acc[d];
      acc[d] = 0;
      const m = mask[d];
      mask[d] = 0;
      if (visit && (!accept || accept(d))) visit(d, s, m);
      if (top.length >= limit && s <= floor) continue;
      if (accept && !accept(d)) continue;
      let lo = 0;
      let hi = top.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const m = top[mid];
        if (m.score > s || (m.score === s && m.doc < d)) lo = mid + 1;
        else hi = mid;
      }
      top.splice(lo, 0, { doc: d, score: s });
      if (top.length > limit) top.pop();
      if (top.length >= limit) floor = top[top.length - 1].score;
    }
    return top;
  }
}

/** An append-only Int32 buffer that doubles when full. */
class GrowableInt32 {
  private buf = new Int32Array(1024);
  private n = 0;
  push3(a: number, b: number, c: number): void {
    if (this.n + 3 > this.buf.length) {
      const next = new Int32Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = a;
    this.buf[this.n++] = b;
    this.buf[this.n++] = c;
  }
  view(): Int32Array {
    return this.buf.subarray(0, this.n);
  }
}
