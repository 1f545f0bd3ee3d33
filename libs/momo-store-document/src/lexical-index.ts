import { BM25_B, BM25_K1 } from './constants.js';
import { compareCodePoints } from '@momo/common';

/** Lucene's BM25 idf: always positive, so a document matching any term scores above 0. */
export function bm25Idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** One term's BM25 contribution. */
export function bm25Term(idf: number, tf: number, docLength: number, avgLength: number): number {
  return (idf * (tf * (BM25_K1 + 1))) / (tf + BM25_K1 * (1 - BM25_B + (BM25_B * docLength) / avgLength));
}

/** A scored document ordinal. */
export interface ScoredOrdinal {
  ordinal: number;
  score: number;
}

class Postings {
  docs = new Int32Array(4);
  tfs = new Int32Array(4);
  length = 0;
  /** Entries whose document was removed, still in the arrays until compaction. */
  dead = 0;
  /** Live documents containing the term. */
  df = 0;
  /** The ordinal of the last document added to this list (to count term frequency in place). */
  lastOrdinal = -1;
  push(ord: number, tf: number): void {
    if (this.length === this.docs.length) {
      const docs = new Int32Array(this.docs.length * 2);
      docs.set(this.docs);
      this.docs = docs;
      const tfs = new Int32Array(this.tfs.length * 2);
      tfs.set(this.tfs);
      this.tfs = tfs;
    }
    this.docs[this.length] = ord;
    this.tfs[this.length] = tf;
    this.length++;
    this.df++;
  }
  compact(alive: Uint8Array): void {
    let w = 0;
    for (let r = 0; r < this.length; r++) {
      if (alive[this.docs[r]]) {
        this.docs[w] = this.docs[r];
        this.tfs[w] = this.tfs[r];
        w++;
      }
    }
    this.length = w;
    this.dead = 0;
  }
}

/**
 * An in-memory BM25 inverted index over string ids, with compact typed-array postings.
 * Removal is lazy (tombstones) with per-term compaction, so updates stay O(terms of the document).
 */
export class LexicalIndex {
  private terms = new Map<string, Postings>();
  private ordinalOf = new Map<string, number>();
  private idOf: string[] = [];
  private docTerms: Array<Postings[] | null> = [];
  /** Term frequencies parallel to docTerms (to score a few documents without walking postings). */
  private docTfs: Array<Int32Array | null> = [];
  private lengths: number[] = [];
  private alive = new Uint8Array(16);
  private liveCount = 0;
  private totalLength = 0;
  private scores = new Float64Array(0);
  /** Per-ordinal BM25 length norm k1·(1 − b + b·len/avg), valid for `normsAvg` and `normsCount` ordinals. */
  private norms = new Float64Array(0);
  private normsAvg = Number.NaN;
  private normsCount = 0;

  get size(): number {
    return this.liveCount;
  }

  /** The id of a live ordinal. */
  idAt(ordinal: number): string {
    return this.idOf[ordinal];
  }

  /** Indexes `tokens` under `id`, replacing what was there. */
  add(id: string, tokens: readonly string[]): void {
    this.remove(id);
    const ord = this.idOf.length;
    this.idOf.push(id);
    this.ordinalOf.set(id, ord);
    if (ord >= this.alive.length) {
      const a = new Uint8Array(this.alive.length * 2);
      a.set(this.alive);
      this.alive = a;
    }
    this.alive[ord] = 1;
    // Count term frequencies in place: a term seen again in this document bumps its last posting.
    const list: Postings[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const term = tokens[i];
      let p = this.terms.get(term);
      if (!p) this.terms.set(term, (p = new Postings()));
      if (p.lastOrdinal === ord && p.length > 0 && p.docs[p.length - 1] === ord) {
        p.tfs[p.length - 1]++;
      } else {
        p.push(ord, 1);
        p.lastOrdinal = ord;
        list.push(p);
      }
    }
    this.docTerms.push(list);
    const tfs = new Int32Array(list.length);
    for (let i = 0; i < list.length; i++) tfs[i] = list[i].tfs[list[i].length - 1];
    this.docTfs.push(tfs);
    this.lengths.push(tokens.length);
    this.liveCount++;
    this.totalLength += tokens.length;
  }

  /** Removes `id`; true when it was indexed. */
  remove(id: string): boolean {
    const ord = this.ordinalOf.get(id);
    if (ord === undefined) return false;
    this.ordinalOf.delete(id);
    this.alive[ord] = 0;
    for (const p of this.docTerms[ord]!) {
      p.df--;
      p.dead++;
      if (p.dead > 32 && p.dead * 2 > p.length) p.compact(this.alive);
    }
    this.docTerms[ord] = null;
    this.docTfs[ord] = null;
    this.liveCount--;
    this.totalLength -= this.lengths[ord];
    // Renumber when most ordinals are dead, so memory tracks the live set.
    if (this.idOf.length > 1024 && this.liveCount * 2 < this.idOf.length) this.renumber();
    return true;
  }

  clear(): void {
    this.terms = new Map();
    this.ordinalOf = new Map();
    this.idOf = [];
    this.docTerms = [];
    this.docTfs = [];
    this.lengths = [];
    this.alive = new Uint8Array(16);
    this.liveCount = 0;
    this.totalLength = 0;
  }

  private renumber(): void {
    const map = new Int32Array(this.idOf.length).fill(-1);
    const idOf: string[] = [];
    const docTerms: Array<Postings[] | null> = [];
    const docTfs: Array<Int32Array | null> = [];
    const lengths: number[] = [];
    for (let o = 0; o < this.idOf.length; o++) {
      if (!this.alive[o]) continue;
      map[o] = idOf.length;
      idOf.push(this.idOf[o]);
      docTerms.push(this.docTerms[o]);
      docTfs.push(this.docTfs[o]);
      lengths.push(this.lengths[o]);
    }
    for (const [term, p] of this.terms) {
      p.compact(this.alive);
      if (p.length === 0) {
        this.terms.delete(term);
        continue;
      }
      for (let i = 0; i < p.length; i++) p.docs[i] = map[p.docs[i]];
    }
    this.idOf = idOf;
    this.docTerms = docTerms;
    this.docTfs = docTfs;
    this.lengths = lengths;
    this.alive = new Uint8Array(Math.max(16, idOf.length * 2));
    this.alive.fill(1, 0, idOf.length);
    this.ordinalOf = new Map(idOf.map((id, i) => [id, i]));
  }

  /** Length norms for every ordinal under average length `avg`, recomputed only after writes. */
  private lengthNorms(avg: number): Float64Array {
    const count = this.idOf.length;
    if (this.normsAvg === avg && this.normsCount === count) return this.norms;
    if (this.norms.length < count) this.norms = new Float64Array(Math.max(count, this.norms.length * 2));
    for (let o = 0; o < count; o++) this.norms[o] = BM25_K1 * (1 - BM25_B + (BM25_B * this.lengths[o]) / avg);
    this.normsAvg = avg;
    this.normsCount = count;
    return this.norms;
  }

  /**
   * BM25 scores of live documents matching any of `queryTerms` (each distinct term counted once,
   * summed in sorted term order so every driver adds in the same order).
   * Returns the best `limit` hits with score >= threshold that `accept` allows, best first, ties by id.
   */
  search(
    queryTerms: readonly string[],
    options: { limit: number; threshold: number; accept?: (id: string) => boolean; only?: ReadonlySet<string> },
  ): ScoredOrdinal[] {
    const unique = [...new Set(queryTerms)].sort();
    if (this.liveCount === 0 || unique.length === 0 || options.limit <= 0) return [];
    const n = this.liveCount;
    const avg = this.totalLength / n || 1;
    if (this.scores.length < this.idOf.length) this.scores = new Float64Array(Math.max(this.idOf.length, this.scores.length * 2));
    const norms = this.lengthNorms(avg);
    const only = options.only;
    if (only) {
      // Few allowed documents: score them directly from their own term lists when that touches fewer
      // entries than walking the query terms' postings. Terms are added in the same sorted order as
      // the postings walk, so the scores are the same bits either way.
      const postings = unique.map((t) => this.terms.get(t)).filter((p): p is Postings => p !== undefined && p.df > 0);
      let walk = 0;
      for (const p of postings) walk += p.length;
      if (only.size * 64 < walk) return this.scoreDirect(only, postings, n, norms, options);
    }
    const scores = this.scores;
    const alive = this.alive;
    const touched: number[] = [];
    for (const term of unique) {
      const p = this.terms.get(term);
      if (!p || p.df === 0) continue;
      const idf = bm25Idf(n, p.df);
      const docs = p.docs;
      const tfs = p.tfs;
      const checkAlive = p.dead > 0;
      for (let i = 0; i < p.length; i++) {
        const ord = docs[i];
        if (checkAlive && !alive[ord]) continue;
        if (scores[ord] === 0) touched.push(ord);
        const tf = tfs[i];
        // Same operations, in the same order, as bm25Term(): the scores are bit-identical to it.
        scores[ord] += (idf * (tf * (BM25_K1 + 1))) / (tf + norms[ord]);
      }
    }
    const heap = new TopK(options.limit, (o) => this.idOf[o]);
    for (const ord of touched) {
      const s = scores[ord];
      scores[ord] = 0;
      if (
        s > 0 &&
        s >= options.threshold &&
        heap.wouldAccept(s, ord) &&
        (!only || only.has(this.idOf[ord])) &&
        (!options.accept || options.accept(this.idOf[ord]))
      ) {
        heap.push(s, ord);
      }
    }
    return heap.drain();
  }

  private scoreDirect(
    only: ReadonlySet<string>,
    postings: Postings[],
    n: number,
    norms: Float64Array,
    options: { limit: number; threshold: number; accept?: (id: string) => boolean },
  ): ScoredOrdinal[] {
    const idfs = postings.map((p) => bm25Idf(n, p.df));
    const heap = new TopK(options.limit, (o) => this.idOf[o]);
    for (const id of only) {
      const ord = this.ordinalOf.get(id);
      if (ord === undefined) continue;
      const terms = this.docTerms[ord]!;
      const tfs = this.docTfs[ord]!;
      let score = 0;
      for (let q = 0; q < postings.length; q++) {
        const i = terms.indexOf(postings[q]);
        if (i < 0) continue;
        const tf = tfs[i];
        score += (idfs[q] * (tf * (BM25_K1 + 1))) / (tf + norms[ord]);
      }
      if (score > 0 && score >= options.threshold && heap.wouldAccept(score, ord) && (!options.accept || options.accept(id))) heap.push(score, ord);
    }
    return heap.drain();
  }
}

/** Keeps the best k (score desc, id asc) with a binary min-heap whose root is the worst kept. */
class TopK {
  private scores: number[] = [];
  private ords: number[] = [];
  constructor(
    private readonly k: number,
    private readonly idOf: (ord: number) => string,
  ) {}

  /** True when (a) ranks below (b): lower score, or same score and larger id. */
  private worse(sa: number, oa: number, sb: number, ob: number): boolean {
    if (sa !== sb) return sa < sb;
    return compareCodePoints(this.idOf(oa), this.idOf(ob)) > 0;
  }

  wouldAccept(score: number, ord: number): boolean {
    return this.scores.length < this.k || this.worse(this.scores[0], this.ords[0], score, ord);
  }

  push(score: number, ord: number): void {
    if (this.scores.length < this.k) {
      this.scores.push(score);
      this.ords.push(ord);
      this.up(this.scores.length - 1);
    } else {
      this.scores[0] = score;
      this.ords[0] = ord;
      this.down(0);
    }
  }

  private swap(i: number, j: number): void {
    [this.scores[i], this.scores[j]] = [this.scores[j], this.scores[i]];
    [this.ords[i], this.ords[j]] = [this.ords[j], this.ords[i]];
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.worse(this.scores[i], this.ords[i], this.scores[p], this.ords[p])) break;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.scores.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.worse(this.scores[l], this.ords[l], this.scores[m], this.ords[m])) m = l;
      if (r < n && this.worse(this.scores[r], this.ords[r], this.scores[m], this.ords[m])) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  drain(): ScoredOrdinal[] {
    const out = this.scores.map((score, i) => ({ score, ordinal: this.ords[i] }));
    return out.sort((a, b) => b.score - a.score || compareCodePoints(this.idOf(a.ordinal), this.idOf(b.ordinal)));
  }
}
