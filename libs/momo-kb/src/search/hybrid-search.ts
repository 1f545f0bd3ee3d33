import type { DocumentFilter } from '@momo/store-document';
import { tokenize, tokenizePath } from '../text/tokenize.js';
import type { Chunk, SearchHit } from '../types.js';
import { LexicalIndex } from './lexical-index.js';
import { matchesFilter } from './match-filter.js';

/**
 * Weights of the hybrid score. Defaults chosen with bench/kb-quality.mjs on momo's own code:
 * coordinate ascent on the dev splits only (the dev half of benchmarks/kb_queries.yaml and the dev
 * half of the held-out doc-comment queries); the test splits are reported, never tuned on. Features
 * that did not help on dev (query-term coverage of the chunk or its file, symbol-name overlap, the
 * kind prior, file support, graph centrality) stay in the ranker at weight 0 so that they can be
 * measured again. `exported` stays small on purpose: a larger bonus raises the held-out score only
 * because that benchmark samples exported symbols, and it lowers the hand-written one.
 */
export interface RankWeights {
  /** BM25 field weights: chunk body, symbol names, path. */
  fieldBody: number;
  fieldNames: number;
  fieldPath: number;
  /** BM25 field weight of the doc comments of the symbols a chunk declares (also part of the body). */
  fieldDoc: number;
  /** Normalised BM25 (score / best candidate's score). */
  lexical: number;
  /** Cosine similarity of query and chunk embeddings. */
  vector: number;
  /** Share of query terms found in the chunk's main symbol name. */
  name: number;
  /** Share of query terms found in the chunk's path. */
  path: number;
  /** Import in-degree of the file and reference count of the symbol (log-scaled to [0, 1]). */
  centrality: number;
  /** Bonus for exported (public) symbols. */
  exported: number;
  /** Penalty for test files (`*.spec.*`, `*.test.*`, `__tests__/`, `test_*.py`). */
  test: number;
  /** Support from other candidate chunks of the same file, x / (1 + x) of their normalised BM25. */
  file: number;
  /** Prior by the kind of the chunk's main symbol (functions and classes over properties). */
  kind: number;
  /** idf-weighted share of the query terms the chunk matches (any field). */
  coverage: number;
  /** idf-weighted share of the query terms matched anywhere in the chunk's file. */
  fileCoverage: number;
  /** Penalty for Markdown chunks (prose about the code rather than the code). */
  docs: number;
  /** BM25 of the chunk's whole file (body, path and doc comments as one document), normalised. */
  fileLex: number;
  /** 1: a chunk whose lines overlap a better hit of the same file (the `overlap` windows of one declaration) is left out. */
  dedup: number;
  /** How many lexical candidates are re-ranked. */
  candidates: number;
  /** Terms in more than this share of the chunks only re-score candidates that rarer terms found. */
  prune: number;
}

export const DEFAULT_RANK_WEIGHTS: RankWeights = {
  fieldBody: 1,
  fieldNames: 1,
  fieldPath: 0.15,
  fieldDoc: 0.5,
  lexical: 1,
  vector: 0.3,
  name: 0,
  path: 0.2,
  centrality: 0,
  exported: 0.05,
  test: 0.3,
  file: 0,
  kind: 0,
  coverage: 0,
  fileCoverage: 0,
  docs: 0.3,
  fileLex: 0.2,
  dedup: 1,
  candidates: 100,
  prune: 0.05,
};

/** Per-chunk structural facts the ranker uses. */
export interface ChunkSignals {
  /** Import in-degree of the chunk's file. */
  fileInDegree: number;
  /** Doc comments of the symbols declared in the chunk, joined ('' when none). */
  docs?: string;
  /** Incoming references of the chunk's main symbol. */
  symbolRefs: number;
  /** Main symbol is exported. */
  exported: boolean;
}

/** A document saved through `KnowledgeBase.save`, as the ranker sees it. */
export interface RankedDocumentInput {
  id: string;
  title: string;
  source: string;
  content: string;
  /** Raw BM25 score from the document store. */
  bm25: number;
  vector?: Float32Array;
  record: Record<string, unknown>;
}

export interface HybridSearchOptions {
  limit: number;
  threshold?: number;
  filters?: DocumentFilter;
  /** `bm25`: plain BM25 over chunk text only (the baseline); `hybrid`: everything. @default 'hybrid' */
  mode?: 'hybrid' | 'bm25';
  explain?: boolean;
  /** Embedding of the query (hybrid mode with vectors). */
  queryVector?: Float32Array;
  /** Extra candidates from a vector index (chunk ordinal numbers). */
  vectorCandidates?: number[];
}

/** Prior of a chunk by its main symbol's kind, for the `kind` weight. */
const KIND_PRIOR: Record<string, number> = {
  function: 1,
  class: 1,
  method: 0.9,
  constructor: 0.7,
  interface: 0.7,
  type: 0.6,
  enum: 0.6,
  namespace: 0.5,
  section: 0.6,
  variable: 0.4,
  property: 0.3,
};

/** Below this many chunks, vector candidates come from a brute-force scan (above it, from an HNSW index if built). */
export const EXACT_VECTOR_CANDIDATES_MAX = 5000;
/** Vector candidates added to the lexical ones. */
const VECTOR_CANDIDATES = 20;

const TEST_PATH = /(^|\/)(__tests__|__fixtures__|__mocks__|tests?|spec|e2e)\/|\.(spec|test)\.[cm]?[jt]sx?$|(^|\/)test_[^/]*\.py$|_test\.py$/;

function termSet(terms: string[]): Set<string> {
  return new Set(terms);
}

/** The metadata record of a chunk, as filters see it (`source`, `category`, `tags`, `custom.*`). */
export function chunkRecord(c: Chunk): Record<string, unknown> {
  const tags: string[] = [c.language];
  if (c.kind) tags.push(c.kind);
  return {
    id: c.id,
    title: c.symbol ?? '',
    source: c.path,
    category: c.language === 'markdown' ? 'docs' : 'code',
    tags,
    custom: {
      module: c.module,
      language: c.language,
      ...(c.symbol ? { symbol: c.symbol } : {}),
      ...(c.kind ? { kind: c.kind } : {}),
      startLine: c.startLine,
      endLine: c.endLine,
    },
  };
}

/**
 * Hybrid code search: multi-field BM25 (chunk body, symbol names, path, doc comments of the declared
 * symbols) gives candidates, which are re-ranked by a weighted sum of normalised BM25, embedding
 * cosine, BM25 of the chunk's whole file, symbol-name and path term overlap, graph centrality
 * (import in-degree, reference count), exported-ness, and penalties for test files and Markdown
 * prose; overlapping windows of one declaration are returned once. `mode: 'bm25'` returns plain
 * single-field BM25 for comparison.
 */
export class HybridSearch {
  private readonly chunks: Chunk[];
  private readonly signals: ChunkSignals[];
  private readonly index: LexicalIndex;
  private readonly nameTerms: Array<Set<string>>;
  private readonly pathTerms: Array<Set<string>>;
  private readonly isTest: Uint8Array;
  private readonly isDoc: Uint8Array;
  /** Dense file number of each chunk (chunks of one path share it). */
  private readonly fileOf: Int32Array;
  private readonly chunkMask: Int32Array;
  private readonly fileMask: Int32Array;
  private readonly fileCount: number;
  /** Whole-file BM25 index (file number = document id), built on first use. */
  private fileIndex: LexicalIndex | undefined;
  private readonly records: Array<Record<string, unknown> | undefined>;
  private readonly maxFileInDegree: number;
  private readonly maxSymbolRefs: number;
  private vectors: Float32Array | undefined;
  private dimension = 0;
  weights: RankWeights;

  /**
   * Indexes the chunks. `onBodyTerms(i, terms)` sees the tokenised text of chunk i, so a caller can
   * embed from the same tokens instead of tokenising every chunk twice.
   */
  constructor(args: { chunks: Chunk[]; signals: ChunkSignals[]; weights?: Partial<RankWeights>; onBodyTerms?: (i: number, terms: string[]) => void }) {
    this.chunks = args.chunks;
    this.signals = args.signals;
    this.weights = { ...DEFAULT_RANK_WEIGHTS, ...(args.weights ?? {}) };
    this.index = new LexicalIndex([
      { name: 'body', weight: this.weights.fieldBody },
      { name: 'names', weight: this.weights.fieldNames },
      { name: 'path', weight: this.weights.fieldPath },
      { name: 'doc', weight: this.weights.fieldDoc },
    ]);
    this.nameTerms = [];
    this.pathTerms = [];
    this.isTest = new Uint8Array(args.chunks.length);
    this.isDoc = new Uint8Array(args.chunks.length);
    this.fileOf = new Int32Array(args.chunks.length);
    const fileIds = new Map<string, number>();
    this.records = new Array(args.chunks.length);
    let maxIn = 0;
    let maxRefs = 0;
    for (let i = 0; i < args.chunks.length; i++) {
      const c = args.chunks[i];
      const names = c.symbols.length ? c.symbols.join(' ') : '';
      const pathToks = tokenizePath(c.path);
      const body = tokenize(c.text);
      this.index.add([body, names, pathToks, args.signals[i].docs ?? '']);
      args.onBodyTerms?.(i, body);
      this.nameTerms.push(termSet(c.symbol ? tokenize(c.symbol.split(/[.>]/).pop() ?? '') : []));
      this.pathTerms.push(termSet(pathToks));
      this.isTest[i] = TEST_PATH.test(c.path) ? 1 : 0;
      this.isDoc[i] = c.language === 'markdown' ? 1 : 0;
      let f = fileIds.get(c.path);
      if (f === undefined) fileIds.set(c.path, (f = fileIds.size));
      this.fileOf[i] = f;
      const s = args.signals[i];
      if (s.fileInDegree > maxIn) maxIn = s.fileInDegree;
      if (s.symbolRefs > maxRefs) maxRefs = s.symbolRefs;
    }
    this.maxFileInDegree = maxIn;
    this.maxSymbolRefs = maxRefs;
    this.chunkMask = new Int32Array(args.chunks.length);
    this.fileMask = new Int32Array(fileIds.size);
    this.fileCount = fileIds.size;
    this.index.freeze();
  }

  /** The whole-file index: each file's chunk texts, path and doc comments as one document. */
  private ensureFileIndex(): LexicalIndex {
    if (this.fileIndex) return this.fileIndex;
    const body: string[][] = Array.from({ length: this.fileCount }, () => []);
    const docs: string[] = new Array(this.fileCount).fill('');
    const paths: string[] = new Array(this.fileCount).fill('');
    for (let i = 0; i < this.chunks.length; i++) {
      const f = this.fileOf[i];
      tokenize(this.chunks[i].text, body[f]);
      docs[f] += this.signals[i].docs ?? '';
      paths[f] = this.chunks[i].path;
    }
    const index = new LexicalIndex([
      { name: 'body', weight: 1 },
      { name: 'path', weight: 1 },
      { name: 'doc', weight: 1 },
    ]);
    for (let f = 0; f < this.fileCount; f++) index.add([body[f], tokenizePath(paths[f]), docs[f]]);
    index.freeze();
    this.fileIndex = index;
    return index;
  }

  get size(): number {
    return this.chunks.length;
  }

  /** Attaches chunk embeddings (row i = chunk i, L2-normalised), laid out in one Float32Array. */
  setVectors(vectors: Float32Array, dimension: number): void {
    if (vectors.length !== dimension * this.chunks.length) throw new Error('vector matrix does not match the chunk count');
    this.vectors = vectors;
    this.dimension = dimension;
  }

  /** The attached chunk embeddings (row-major), if any. */
  getVectors(): Float32Array | undefined {
    return this.vectors;
  }

  get hasVectors(): boolean {
    return this.vectors !== undefined;
  }

  private record(i: number): Record<string, unknown> {
    let r = this.records[i];
    if (!r) this.records[i] = r = chunkRecord(this.chunks[i]);
    return r;
  }

  private cosine(i: number, q: Float32Array): number {
    const v = this.vectors!;
    const d = this.dimension;
    let s = 0;
    const off = i * d;
    for (let k = 0; k < d; k++) s += v[off + k] * q[k];
    return s;
  }

  /** Searches chunks and (already retrieved) saved documents; returns hits best first. */
  search(query: string, options: HybridSearchOptions, documents: RankedDocumentInput[] = []): SearchHit[] {
    const w = this.weights;
    const filters = options.filters;
    const accept = filters ? (d: number) => matchesFilter(this.record(d), filters) : undefined;
    if (options.mode === 'bm25') {
      const hits = this.index.search(query, options.limit, accept, [1, 0, 0, 0]);
      return hits
        .filter((h) => options.threshold === undefined || h.score >= options.threshold)
        .map((h) => this.toHit(h.doc, h.score, options.explain ? { bm25: h.score } : undefined));
    }
    // which query terms each matching chunk (and each file, over all its chunks) contains, idf-weighted
    const termIds = this.index.queryTerms(query);
    const termWeight = termIds.map((t) => Math.max(this.index.idf(t, 0), this.index.idf(t, 1), this.index.idf(t, 2), this.index.idf(t, 3)));
    const totalWeight = termWeight.reduce((a, x) => a + x, 0);
    const chunkMask = this.chunkMask;
    const fileMask = this.fileMask;
    const maskedChunks: number[] = [];
    const maskedFiles: number[] = [];
    const wantMasks = (w.coverage || w.fileCoverage) && totalWeight > 0;
    const visit = wantMasks
      ? (d: number, _s: number, m: number) => {
          chunkMask[d] = m;
          maskedChunks.push(d);
          const f = this.fileOf[d];
          if (fileMask[f] === 0) maskedFiles.push(f);
          fileMask[f] |= m;
        }
      : undefined;
    const candidates = this.index.search(termIds, w.candidates, accept, [w.fieldBody, w.fieldNames, w.fieldPath, w.fieldDoc], w.prune, visit);
    const share = (m: number) => {
      if (!m) return 0;
      let s = 0;
      for (let i = 0; i < termWeight.length && i < 31; i++) if (m & (1 << i)) s += termWeight[i];
      return s / totalWeight;
    };
    const qTerms = [...new Set(tokenize(query))];
    // whole-file relevance: BM25 of each file as one document, normalised by the best file
    const fileLex = new Map<number, number>();
    if (w.fileLex) {
      const fi = this.ensureFileIndex();
      const hits = fi.search(query, 200, undefined, [w.fieldBody, w.fieldPath, w.fieldDoc]);
      const best = hits[0]?.score ?? 0;
      if (best > 0) for (const h of hits) fileLex.set(h.doc, h.score / best);
    }
    const lexByDoc = new Map<number, number>();
    for (const c of candidates) lexByDoc.set(c.doc, c.score);
    let vectorCandidates = options.vectorCandidates;
    if (!vectorCandidates && options.queryVector && this.vectors && this.chunks.length <= EXACT_VECTOR_CANDIDATES_MAX) {
      vectorCandidates = this.nearest(options.queryVector, VECTOR_CANDIDATES);
    }
    if (vectorCandidates) {
      for (const d of vectorCandidates) if (!lexByDoc.has(d) && (!accept || accept(d))) lexByDoc.set(d, 0);
    }
    let maxLex = 0;
    for (const s of lexByDoc.values()) if (s > maxLex) maxLex = s;
    for (const d of documents) if (d.bm25 > maxLex) maxLex = d.bm25;
    const q = options.queryVector && this.vectors ? options.queryVector : undefined;
    const logIn = Math.log1p(this.maxFileInDegree) || 1;
    const logRefs = Math.log1p(this.maxSymbolRefs) || 1;
    const overlap = (set: Set<string>) => {
      if (!qTerms.length || !set.size) return 0;
      let n = 0;
      for (const t of qTerms) if (set.has(t)) n++;
      return n / qTerms.length;
    };
    // evidence that a chunk's file as a whole is about the query: the other candidates from it
    const fileMass = new Map<string, number>();
    if (w.file) {
      for (const [d, lex] of lexByDoc) {
        const p = this.chunks[d].path;
        fileMass.set(p, (fileMass.get(p) ?? 0) + (maxLex > 0 ? lex / maxLex : 0));
      }
    }
    const scored: Array<{ score: number; hit: () => SearchHit; doc?: number }> = [];
    for (const [d, lex] of lexByDoc) {
      const sig = this.signals[d];
      const others = w.file ? (fileMass.get(this.chunks[d].path) ?? 0) - (maxLex > 0 ? lex / maxLex : 0) : 0;
      const parts = {
        lexical: maxLex > 0 ? lex / maxLex : 0,
        vector: q ? Math.max(0, this.cosine(d, q)) : 0,
        name: overlap(this.nameTerms[d]),
        path: overlap(this.pathTerms[d]),
        centrality: 0.5 * (Math.log1p(sig.fileInDegree) / logIn) + 0.5 * (Math.log1p(sig.symbolRefs) / logRefs),
        exported: sig.exported ? 1 : 0,
        test: this.isTest[d] ? -1 : 0,
        file: others > 0 ? others / (1 + others) : 0,
        kind: KIND_PRIOR[this.chunks[d].kind ?? ''] ?? 0.2,
        coverage: wantMasks ? share(chunkMask[d]) : 0,
        fileCoverage: wantMasks ? share(fileMask[this.fileOf[d]]) : 0,
        docs: this.isDoc[d] ? -1 : 0,
        fileLex: fileLex.get(this.fileOf[d]) ?? 0,
      };
      const score =
        w.lexical * parts.lexical +
        w.vector * parts.vector +
        w.name * parts.name +
        w.path * parts.path +
        w.centrality * parts.centrality +
        w.exported * parts.exported +
        w.test * parts.test +
        w.file * parts.file +
        w.kind * parts.kind +
        w.coverage * parts.coverage +
        w.fileCoverage * parts.fileCoverage +
        w.docs * parts.docs +
        w.fileLex * parts.fileLex;
      scored.push({ score, doc: d, hit: () => this.toHit(d, score, options.explain ? { ...parts, bm25: lex } : undefined) });
    }
    for (const d of maskedChunks) chunkMask[d] = 0;
    for (const f of maskedFiles) fileMask[f] = 0;
    for (const doc of documents) {
      const parts = {
        lexical: maxLex > 0 ? doc.bm25 / maxLex : 0,
        vector: q && doc.vector ? Math.max(0, dot(doc.vector, q)) : 0,
        name: overlap(termSet(tokenize(doc.title))),
        path: overlap(termSet(tokenizePath(doc.source))),
      };
      const score = w.lexical * parts.lexical + w.vector * parts.vector + w.name * parts.name + w.path * parts.path;
      scored.push({
        score,
        hit: () => ({
          id: doc.id,
          path: doc.source,
          startLine: 1,
          endLine: Math.max(1, doc.content.split('\n').length),
          score: round(score),
          type: 'document' as const,
          text: doc.content,
          ...(options.explain ? { explain: { ...parts, bm25: doc.bm25 } } : {}),
        }),
      });
    }
    scored.sort((a, b) => b.score - a.score);
    const out: SearchHit[] = [];
    const taken = new Map<number, Array<[number, number]>>();
    for (const s of scored) {
      if (options.threshold !== undefined && s.score < options.threshold) break;
      if (w.dedup && s.doc !== undefined) {
        const c = this.chunks[s.doc];
        const f = this.fileOf[s.doc];
        const spans = taken.get(f) ?? taken.set(f, []).get(f)!;
        if (spans.some(([a, b]) => c.startLine <= b && a <= c.endLine)) continue;
        spans.push([c.startLine, c.endLine]);
      }
      out.push(s.hit());
      if (out.length >= options.limit) break;
    }
    // equal scores: order by id so results never depend on Map iteration details
    return out.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The `k` chunks nearest to `q` by brute force (small indexes only). */
  private nearest(q: Float32Array, k: number): number[] {
    const best: Array<{ d: number; s: number }> = [];
    for (let d = 0; d < this.chunks.length; d++) {
      const s = this.cosine(d, q);
      if (s <= 0 || (best.length >= k && s <= best[best.length - 1].s)) continue;
      let i = best.length;
      while (i > 0 && best[i - 1].s < s) i--;
      best.splice(i, 0, { d, s });
      if (best.length > k) best.pop();
    }
    return best.map((b) => b.d);
  }

  private toHit(d: number, score: number, explain?: Record<string, number>): SearchHit {
    const c = this.chunks[d];
    const hit: SearchHit = {
      id: c.id,
      path: c.path,
      startLine: c.startLine,
      endLine: c.endLine,
      score: round(score),
      type: 'chunk',
      text: c.text,
    };
    if (c.symbol) hit.symbol = c.symbol;
    if (c.kind) hit.kind = c.kind;
    if (c.module) hit.module = c.module;
    if (explain) hit.explain = explain;
    return hit;
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
