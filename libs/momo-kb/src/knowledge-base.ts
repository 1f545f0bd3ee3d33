import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { EXIT, MomoError } from '@momo/errors';
import type { GraphStore, TraversalResult } from '@momo/graph-store';
import type { VectorStore } from '@momo/vector-store';
import type { DocumentFilter, DocumentInput, DocumentStore, SaveDocumentResult, StoredDocument } from '@momo/store-document';
import {
  DEFAULT_CHUNK_OVERLAP,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_EMBEDDING_DIMENSIONS,
  DEFAULT_EMBEDDING_MODEL,
  DEFAULT_MAX_FILE_BYTES,
} from './constants.js';
import { createEmbedder } from './embed/create-embedder.js';
import { HashingEmbedder } from './embed/hashing-embedder.js';
import { tokenize } from './text/tokenize.js';
import type { Embedder } from './embed/embedder.js';
import { assertSameEmbedder, type StoredEmbedder } from './embed/check-embedder.js';
import { exportKnowledgeFiles, type KbManifest } from './export/export-knowledge.js';
import { readKnowledgeFiles } from './export/read-knowledge.js';
import { buildGraph } from './graph/build-graph.js';
import { linkKnowledge, nodeId, type LinkResult } from './graph/link-knowledge.js';
import { runParsePool, type ParseTask } from './ingest/parse-pool.js';
import { processFile, type FileRecord, type ProcessOutcome, type ProcessSettings } from './ingest/process-file.js';
import { createModuleLocator, detectModules, type ModuleCandidate } from './modules/detect-modules.js';
import { loadPythonParser } from './parse/parse-python.js';
import { readPathAliases, type PathAlias } from './resolve/read-path-aliases.js';
import { chunkRecord, DEFAULT_RANK_WEIGHTS, HybridSearch, type ChunkSignals, type RankedDocumentInput, type RankWeights } from './search/hybrid-search.js';
import { matchesFilter } from './search/match-filter.js';
import type { Chunk, CodeSymbol, KbLanguage, KbModule, SearchHit, SkipReport } from './types.js';
import { emptySkipReport, recordSkip, walkRepo } from './walk/walk-repo.js';
import { saveVectors, loadVectors } from './export/vectors-io.js';

/** Options of {@link KnowledgeBase}. Numeric params mirror `kb_config.*` in params.yaml. */
export interface KnowledgeBaseOptions {
  /** Absolute path of the repository root; ingested paths are stored relative to it. */
  root: string;
  /** Maximum characters per chunk. @default 1500 */
  chunkSize?: number;
  /** Characters repeated between windows of a declaration cut in several chunks. @default 200 */
  overlap?: number;
  /** Files larger than this many bytes are skipped as `huge`. @default 1000000 */
  maxFileBytes?: number;
  /**
   * Embedding model: `hash-v1` (built in, offline, deterministic) or `none` (no vectors), or the
   * name/path of a local ONNX sentence-embedding directory. @default 'hash-v1'
   */
  embeddingModel?: string;
  /** Vector size of the built-in hashing embedder. @default 256 */
  embeddingDimensions?: number;
  /** Directory where named ONNX models are looked up (`<modelsDir>/<embeddingModel>`). */
  modelsDir?: string;
  /** An embedder to use instead of the one `embeddingModel` names. */
  embedder?: Embedder;
  /** Store for documents given to {@link KnowledgeBase.save}. @default an in-memory store */
  documentStore?: DocumentStore;
  /** Store the code graph is loaded into for traversals. @default an in-memory store */
  graphStore?: GraphStore;
  /** Walk into vendored directories (node_modules, vendor, .venv). @default false */
  includeVendored?: boolean;
  /** Walk into generated directories (dist, build). @default false */
  includeGenerated?: boolean;
  /** Blank doc comments out before parsing (for retrieval benchmarks that hold them out). @default false */
  holdOutDocComments?: boolean;
  /** Overrides of the ranking weights. */
  rankWeights?: Partial<RankWeights>;
  /**
   * Paths (absolute, or relative to the root) that are neither ingested nor counted as skipped,
   * typically the artifact directory, so that a second run sees the same tree as the first.
   */
  exclude?: string[];
  /** Only index these languages (others are skipped as `unsupported`). @default all */
  languages?: KbLanguage[];
  /**
   * How `buildVectors` indexes the vectors: `exact` (brute force; the default) or `hnsw` (an
   * approximate graph index from @momo/vector-store, which then also proposes search candidates
   * that BM25 missed). @default 'exact'
   */
  vectorIndex?: 'exact' | 'hnsw';
  /** Parallelism of parsing: this thread plus `jobs - 1` worker threads. @default the number of CPUs (at most 8) */
  jobs?: number;
  /** Parse on worker threads only when at least this many files are new or changed. @default 400 */
  parallelThreshold?: number;
  /** Progress callback for long operations; never required. */
  onProgress?: (event: { phase: 'walk' | 'parse' | 'link' | 'embed'; done: number; total: number }) => void;
}

/** Options of {@link KnowledgeBase.ingest}. */
export interface IngestOptions {
  /** Directory to ingest, absolute or relative to the root. @default the root */
  path?: string;
  /** Treat `path` as a module of this kind even without a manifest. */
  moduleKind?: 'lib' | 'app';
}

/** A file the parser could not read at all (it is left out; the run goes on). */
export interface IngestFailure {
  path: string;
  message: string;
}

/** Result of an ingestion. */
export interface IngestResult {
  /** Repo-relative directory that was ingested ('' for the root). */
  path: string;
  /** Files in the knowledge base after this run (all scopes). */
  files: number;
  /** Files parsed in this run (new or changed content). */
  parsed: number;
  /** Files whose content hash was unchanged, so their previous parse was reused. */
  reused: number;
  /** Files that were in the knowledge base under `path` and are gone now. */
  removed: number;
  /** Repo-relative paths parsed in this run, sorted. */
  parsedPaths: string[];
  /** What the walk left out, by reason. */
  skipped: SkipReport;
  /** Syntax problems found (the files are still indexed). */
  problems: Array<{ path: string; line: number; message: string }>;
  /** Files that could not be parsed at all. */
  failures: IngestFailure[];
  /** Modules known after this run, sorted. */
  modules: string[];
}

/** Options of {@link KnowledgeBase.search}. */
export interface KbSearchOptions {
  /** Metadata filters (`source`, `category`, `tags`, `custom.module`, `custom.difficulty`, ...). */
  filters?: DocumentFilter;
  /** @default 10 */
  limit?: number;
  /** Minimum score a hit needs. */
  threshold?: number;
  /** `hybrid` (default) or `bm25` (the plain baseline). */
  mode?: 'hybrid' | 'bm25';
  /** Attach score components to each hit. */
  explain?: boolean;
}

/** What documentation generation needs about one module. */
export interface ModuleDescription {
  module: KbModule;
  /** Files of the module with their language, size and number of symbols. */
  files: Array<{ path: string; language: string; lines: number; symbols: number }>;
  /** Public (exported) symbols with signatures and doc comments, by path then line. */
  symbols: CodeSymbol[];
  /** Markdown sections of the module's docs (README, momo.md, docs/). */
  sections: CodeSymbol[];
  /** Text of the module's `momo.md`, else its README, when indexed ('' otherwise). */
  overview: string;
  /** Incoming references (resolved calls and named imports) per public symbol id: a centrality for ordering docs. */
  references: Record<string, number>;
  /** Direct dependencies and dependents (module names). */
  dependencies: string[];
  dependents: string[];
  externalDependencies: string[];
}

/** Result of {@link KnowledgeBase.moduleGraph}. */
export interface ModuleGraphResult {
  module: KbModule;
  /** Modules reachable along `depends-on` edges, with hop depth (1 = direct). */
  dependencies: Array<{ name: string; depth: number }>;
  /** Modules that reach this one along `depends-on` edges. */
  dependents: Array<{ name: string; depth: number }>;
  /** Files of this module imported by other modules, with how many files import them. */
  entryFiles: Array<{ path: string; importedBy: number }>;
}

/** Result of buildVectors, buildGraphs and exportKnowledge. */
export interface WriteResult {
  dir: string;
  /** Files written, relative to `dir`, sorted. */
  files: string[];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

function positiveInt(name: string, v: number | undefined, def: number, min = 1): number {
  if (v === undefined) return def;
  if (!Number.isInteger(v) || v < min) {
    throw new MomoError('KB_PARAM_INVALID', `'${name}' must be an integer >= ${min}, got ${v}`, {
      hint: `set kb_config.${name} to a whole number of at least ${min}`,
      exitCode: EXIT.CONFIG,
      data: { name, value: v },
    });
  }
  return v;
}

/**
 * A local, private code knowledge base: ingest a monorepo's code into symbols, chunks, a code graph
 * and vectors; search it with hybrid ranking; export byte-deterministic artifacts and load them back.
 *
 * @example
 * const kb = new KnowledgeBase({ root: '/repo' });
 * await kb.ingest();
 * await kb.buildVectors('/repo/data/vectors');
 * await kb.buildGraphs('/repo/data/graphs');
 * await kb.exportKnowledge('/repo/data/knowledge-base');
 * const hits = await kb.search('where are remotes configured', { limit: 5 });
 */
export class KnowledgeBase {
  readonly root: string;
  private readonly settings: ProcessSettings;
  private readonly maxFileBytes: number;
  private readonly embeddingModel: string;
  private readonly embeddingDimensions: number;
  private readonly opts: KnowledgeBaseOptions;
  private rankWeights: Partial<RankWeights>;
  private records = new Map<string, FileRecord>();
  private manifests = new Set<string>();
  private forcedModules = new Map<string, ModuleCandidate>();
  private skipped: SkipReport = emptySkipReport();
  private failures = new Map<string, string>();
  private candidates: ModuleCandidate[] = [];
  private link: LinkResult | undefined;
  private engine: HybridSearch | undefined;
  private engineChunks: Chunk[] = [];
  private embedderPromise: Promise<Embedder | undefined> | undefined;
  private docStore: DocumentStore | undefined;
  private docStorePromise: Promise<DocumentStore> | undefined;
  private docVectors = new Map<string, Float32Array>();
  private graphStore: GraphStore | undefined;
  private graphStoreLoaded = false;
  private vectorsDir: string | undefined;
  private graphsDir: string | undefined;
  /** Approximate (HNSW) vector index over the chunks, when built or loaded with `vectorIndex: 'hnsw'`. */
  private annStore: VectorStore | undefined;
  /** tsconfig `paths` of the root, read at each ingest (and kept in the export for re-linking). */
  private pathAliases: PathAlias[] = [];
  private annIndexOf: Map<string, number> | undefined;
  /** Vectors read by {@link load}: chunk id -> vector (used when the chunk set matches). */
  private preloadedVectors: { embedderId: string; ids: string[]; data: Float32Array; dimension: number; store?: VectorStore } | undefined;
  /** The embedder of the vectors {@link load} read; search refuses another until the KB is re-ingested or its vectors rebuilt. */
  private storedEmbedder: StoredEmbedder | undefined;

  constructor(options: KnowledgeBaseOptions) {
    if (!options || typeof options.root !== 'string' || !isAbsolute(options.root)) {
      throw new MomoError('KB_PARAM_INVALID', `'root' must be an absolute path, got ${JSON.stringify(options?.root)}`, {
        hint: 'pass the repository root, e.g. new KnowledgeBase({ root: process.cwd() })',
        exitCode: EXIT.USAGE,
      });
    }
    this.opts = options;
    this.rankWeights = { ...(options.rankWeights ?? {}) };
    this.root = resolve(options.root);
    const chunkSize = positiveInt('chunk_size', options.chunkSize, DEFAULT_CHUNK_SIZE, 50);
    const overlap = positiveInt('overlap', options.overlap, Math.min(DEFAULT_CHUNK_OVERLAP, Math.floor(chunkSize / 4)), 0);
    if (overlap >= chunkSize) {
      throw new MomoError('KB_PARAM_INVALID', `'overlap' (${overlap}) must be smaller than 'chunk_size' (${chunkSize})`, {
        hint: 'use an overlap of at most a quarter of chunk_size',
        exitCode: EXIT.CONFIG,
      });
    }
    this.settings = { chunkSize, overlap, holdOutDocComments: options.holdOutDocComments ?? false };
    this.maxFileBytes = positiveInt('max_file_bytes', options.maxFileBytes, DEFAULT_MAX_FILE_BYTES);
    this.embeddingModel = options.embedder?.id ?? options.embeddingModel ?? DEFAULT_EMBEDDING_MODEL;
    this.embeddingDimensions = positiveInt('embedding_dimensions', options.embeddingDimensions, DEFAULT_EMBEDDING_DIMENSIONS, 8);
  }

  /** The params that shape the artifacts (as written to the manifest's `params`). */
  describeParams(): { chunk_size: number; overlap: number; max_file_bytes: number; embedding_model: string; hold_out_doc_comments: boolean } {
    return {
      chunk_size: this.settings.chunkSize,
      overlap: this.settings.overlap,
      max_file_bytes: this.maxFileBytes,
      embedding_model: this.embeddingModel,
      hold_out_doc_comments: this.settings.holdOutDocComments,
    };
  }

  // ---------------------------------------------------------------- ingestion

  /**
   * Walks `path` (default: the whole root), detects modules, and parses and chunks every new or
   * changed file; files whose content hash is unchanged keep their previous parse. Files under
   * `path` that disappeared are removed. Syntax errors are reported in `problems` and never stop the run.
   * @throws KB_ROOT_NOT_FOUND when the directory does not exist.
   */
  async ingest(options: IngestOptions = {}): Promise<IngestResult> {
    const abs = options.path === undefined ? this.root : resolve(this.root, options.path);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) {
      throw new MomoError('KB_ROOT_NOT_FOUND', `'${options.path ?? this.root}' is not a directory`, {
        hint: 'pass an existing directory inside the repository',
        data: { path: options.path ?? this.root },
      });
    }
    const rel = toPosix(relative(this.root, abs));
    if (rel.startsWith('..') || isAbsolute(rel)) {
      throw new MomoError('KB_ROOT_NOT_FOUND', `'${abs}' is outside the knowledge-base root '${this.root}'`, {
        hint: 'ingest directories inside the root, or create the KnowledgeBase with a higher root',
      });
    }
    const prefix = rel ? `${rel}/` : '';
    const within = (p: string) => !rel || p.startsWith(prefix);
    const walk = walkRepo({
      root: this.root,
      under: rel,
      maxFileBytes: this.maxFileBytes,
      includeVendored: this.opts.includeVendored,
      includeGenerated: this.opts.includeGenerated,
      languages: this.opts.languages,
      exclude: (this.opts.exclude ?? []).map((p) => toPosix(relative(this.root, resolve(this.root, p)))).filter((p) => p && !p.startsWith('..')),
    });
    this.opts.onProgress?.({ phase: 'walk', done: walk.files.length, total: walk.files.length });
    for (const m of [...this.manifests]) if (within(m)) this.manifests.delete(m);
    for (const m of walk.manifests) this.manifests.add(m);
    if (options.moduleKind) {
      this.forcedModules.set(rel, {
        name: basename(abs),
        root: rel,
        kind: options.moduleKind,
        source: 'ingest',
        description: '',
        aliases: [],
        entries: [],
        declaredDependencies: [],
      });
    }
    this.refreshModules();
    this.pathAliases = readPathAliases(this.root);
    const locate = createModuleLocator(this.candidates);

    const skipped = walk.skipped;
    const seen = new Set<string>();
    const parsedPaths: string[] = [];
    const problems: IngestResult['problems'] = [];
    const failures: IngestFailure[] = [];
    let reused = 0;
    let done = 0;
    const handle = (path: string, outcome: ProcessOutcome) => {
      done++;
      if (done % 500 === 0) this.opts.onProgress?.({ phase: 'parse', done, total: walk.files.length });
      if (outcome.kind === 'skip') {
        recordSkip(skipped, outcome.reason, path);
        return;
      }
      if (outcome.kind === 'error') {
        failures.push({ path, message: outcome.message });
        this.failures.set(path, outcome.message);
        return;
      }
      let record: FileRecord;
      if (outcome.kind === 'unchanged') {
        record = this.records.get(path)!;
        const m = locate(path);
        if (record.file.module !== m) {
          record.file.module = m;
          for (const c of record.chunks) c.module = m;
        }
        reused++;
      } else {
        record = outcome.record;
        if (outcome.reused) reused++;
        else parsedPaths.push(path);
      }
      this.failures.delete(path);
      seen.add(path);
      this.records.set(path, record);
      for (const p of record.parsed.problems) problems.push({ path, ...p });
    };
    const jobs = this.opts.jobs ?? Math.min(availableParallelism(), 8);
    const toParse = walk.files.filter((f) => {
      const prev = this.records.get(f.path);
      return !prev || prev.file.size !== f.size;
    }).length;
    let pooled = false;
    const hasPython = walk.files.some((f) => f.language === 'python');
    const pythonParser = hasPython ? await loadPythonParser() : undefined;
    // parses made with other params (a load with overridden chunk_size, ...) are not reused
    const previousOf = (path: string) => (this.reuseParses ? this.records.get(path) : undefined);
    const inline = (t: { path: string; abs: string; language: KbLanguage; module: string }) =>
      processFile({ path: t.path, abs: t.abs, language: t.language, module: t.module, settings: this.settings, previous: previousOf(t.path), pythonParser });
    if (jobs > 1 && toParse >= (this.opts.parallelThreshold ?? 400)) {
      const tasks: ParseTask[] = walk.files.map((f) => {
        const prev = previousOf(f.path);
        return {
          path: f.path,
          abs: f.abs,
          language: f.language,
          module: locate(f.path),
          settings: this.settings,
          ...(prev && prev.file.language === f.language ? { previousHash: prev.file.hash } : {}),
        };
      });
      pooled = await runParsePool(tasks, jobs, inline, (r) => handle(r.path, r.outcome));
    }
    if (!pooled) for (const f of walk.files) handle(f.path, inline({ ...f, module: locate(f.path) }));
    if (!rel) this.reuseParses = true;
    parsedPaths.sort(cmp);
    problems.sort((x, y) => cmp(x.path, y.path) || x.line - y.line);
    failures.sort((x, y) => cmp(x.path, y.path));
    let removed = 0;
    for (const p of [...this.records.keys()]) {
      if (within(p) && !seen.has(p)) {
        this.records.delete(p);
        removed++;
      }
    }
    // modules may have changed under files outside this walk: keep every file's module current
    for (const [p, r] of this.records) {
      const m = locate(p);
      if (r.file.module !== m) {
        r.file.module = m;
        for (const c of r.chunks) c.module = m;
      }
    }
    for (const list of Object.values(skipped.examples)) list.sort(cmp);
    this.mergeSkips(skipped, rel);
    this.invalidate();
    return {
      path: rel,
      files: this.records.size,
      parsed: parsedPaths.length,
      reused,
      removed,
      parsedPaths,
      skipped,
      problems,
      failures,
      modules: this.candidates.map((c) => c.name).sort(cmp),
    };
  }

  /** Ingests one library module directory (a module even without a manifest). */
  async ingestModule(path: string): Promise<IngestResult> {
    return this.ingest({ path, moduleKind: 'lib' });
  }

  /** Ingests one application directory (a module of kind `app`). */
  async ingestApp(path: string): Promise<IngestResult> {
    return this.ingest({ path, moduleKind: 'app' });
  }

  private scopedSkips = new Map<string, SkipReport>();
  /** False after a load whose params differ from the export's: every file is parsed again. */
  private reuseParses = true;

  private mergeSkips(report: SkipReport, scope: string): void {
    // one report per ingested scope; a scope inside another replaces its part of the count only
    for (const k of [...this.scopedSkips.keys()]) if (scope === '' || k.startsWith(`${scope}/`)) this.scopedSkips.delete(k);
    this.scopedSkips.set(scope, report);
    const total = emptySkipReport();
    for (const key of [...this.scopedSkips.keys()].sort(cmp)) {
      const r = this.scopedSkips.get(key)!;
      for (const reason of Object.keys(total.counts) as Array<keyof SkipReport['counts']>) {
        total.counts[reason] += r.counts[reason];
        for (const e of r.examples[reason]) if (total.examples[reason].length < 20) total.examples[reason].push(e);
      }
    }
    for (const reason of Object.keys(total.examples) as Array<keyof SkipReport['counts']>) total.examples[reason].sort(cmp);
    this.skipped = total;
  }

  private refreshModules(): void {
    const detected = detectModules({ root: this.root, manifests: [...this.manifests].sort(cmp) });
    const byRoot = new Map(detected.map((c) => [c.root, c]));
    for (const [root, forced] of this.forcedModules) {
      const hit = byRoot.get(root);
      if (hit) {
        if (forced.kind === 'app') hit.kind = 'app';
        else if (hit.kind === 'package') hit.kind = 'lib';
      } else {
        detected.push({ ...forced });
      }
    }
    const names = new Set<string>();
    for (const c of detected.sort((a, b) => cmp(a.root, b.root))) {
      if (names.has(c.name)) c.name = c.root;
      names.add(c.name);
    }
    this.candidates = detected.sort((a, b) => cmp(a.name, b.name));
  }

  private invalidate(): void {
    // re-ingested: vectors are recomputed as needed (stored ones are reused only for the same embedder)
    this.storedEmbedder = undefined;
    this.link = undefined;
    this.engine = undefined;
    this.graphStoreLoaded = false;
  }

  private ensureLinked(): LinkResult {
    if (!this.link) {
      const locate = createModuleLocator(this.candidates);
      this.link = linkKnowledge({ records: this.sortedRecords(), candidates: this.candidates, locate, aliases: this.pathAliases });
    }
    return this.link;
  }

  private sortedRecords(): Map<string, FileRecord> {
    return new Map([...this.records.entries()].sort((a, b) => cmp(a[0], b[0])));
  }

  // ---------------------------------------------------------------- embeddings & search

  /** The embedder this knowledge base uses (undefined with `embeddingModel: 'none'`). */
  async getEmbedder(): Promise<Embedder | undefined> {
    this.embedderPromise ??= this.opts.embedder
      ? Promise.resolve(this.opts.embedder)
      : createEmbedder({ model: this.embeddingModel, dimension: this.embeddingDimensions, modelsDir: this.opts.modelsDir, root: this.root });
    return this.embedderPromise;
  }

  /** All chunks, sorted by path then start line. */
  getChunks(): Chunk[] {
    const out: Chunk[] = [];
    for (const r of this.sortedRecords().values()) for (const c of r.chunks) out.push(c);
    return out;
  }

  private async ensureEngine(withVectors: boolean): Promise<HybridSearch> {
    const link = this.ensureLinked();
    if (!this.engine) {
      const chunks = this.getChunks();
      const symbolIndex = new Map<string, CodeSymbol>();
      for (const r of this.records.values()) for (const s of r.parsed.symbols) if (!symbolIndex.has(`${s.path}#${s.qualifiedName}`)) symbolIndex.set(`${s.path}#${s.qualifiedName}`, s);
      const signals: ChunkSignals[] = chunks.map((c) => {
        const sym = c.symbol ? symbolIndex.get(`${c.path}#${c.symbol}`) : undefined;
        let docs = '';
        for (const q of c.symbols) {
          const d = symbolIndex.get(`${c.path}#${q}`)?.doc;
          if (d) docs += `${d}\n`;
        }
        return {
          docs,
          fileInDegree: link.fileInDegree.get(c.path) ?? 0,
          symbolRefs: sym ? (link.symbolInDegree.get(sym.id) ?? 0) : 0,
          exported: sym ? sym.exported : false,
        };
      });
      // the built-in embedder works on the same tokens as the index: embed while indexing
      const embedder = withVectors ? await this.getEmbedder() : undefined;
      const hashing = embedder instanceof HashingEmbedder ? embedder : undefined;
      const d = hashing?.dimension ?? 0;
      const pre = this.preloadedVectors;
      const preIndex = hashing && pre && pre.embedderId === hashing.id && pre.dimension === d ? new Map(pre.ids.map((id, i) => [id, i])) : undefined;
      const matrix = hashing ? new Float32Array(chunks.length * d) : undefined;
      const onBodyTerms = hashing
        ? (i: number, terms: string[]) => {
            const c = chunks[i];
            const j = preIndex?.get(c.id);
            if (j !== undefined) matrix!.set(pre!.data.subarray(j * d, (j + 1) * d), i * d);
            else matrix!.set(hashing.embedTerms(tokenize(c.path), tokenize(c.symbol ?? ''), terms), i * d);
          }
        : undefined;
      this.engine = new HybridSearch({ chunks, signals, weights: this.rankWeights, onBodyTerms });
      if (matrix) this.engine.setVectors(matrix, d);
      this.engineChunks = chunks;
      this.annIndexOf = new Map(chunks.map((c, i) => [c.id, i]));
    }
    if (withVectors && !this.engine.hasVectors) {
      const embedder = await this.getEmbedder();
      if (embedder) {
        const matrix = await this.chunkVectors(embedder, this.engineChunks);
        this.engine.setVectors(matrix, embedder.dimension);
      }
    }
    return this.engine;
  }

  /** Embeddings of the chunks as one row-major matrix, reusing vectors loaded from disk when they match. */
  private async chunkVectors(embedder: Embedder, chunks: Chunk[]): Promise<Float32Array> {
    const d = embedder.dimension;
    const out = new Float32Array(chunks.length * d);
    const pre = this.preloadedVectors;
    const preIndex = pre && pre.embedderId === embedder.id && pre.dimension === d ? new Map(pre.ids.map((id, i) => [id, i])) : undefined;
    const missing: number[] = [];
    for (let i = 0; i < chunks.length; i++) {
      const j = preIndex?.get(chunks[i].id);
      if (j !== undefined) out.set(pre!.data.subarray(j * d, (j + 1) * d), i * d);
      else missing.push(i);
    }
    const batch = 256;
    for (let k = 0; k < missing.length; k += batch) {
      const idx = missing.slice(k, k + batch);
      const vecs = await embedder.embed(idx.map((i) => embeddingText(chunks[i])));
      vecs.forEach((v, n) => out.set(v, idx[n] * d));
      this.opts.onProgress?.({ phase: 'embed', done: Math.min(k + batch, missing.length), total: missing.length });
    }
    return out;
  }

  /**
   * Hybrid search over code chunks and saved documents.
   * Hits carry repo-relative `path`, 1-based `startLine`/`endLine`, `score`, and `symbol`/`module` when known.
   */
  async search(query: string, options: KbSearchOptions = {}): Promise<SearchHit[]> {
    const limit = positiveInt('limit', options.limit, 10);
    const mode = options.mode ?? 'hybrid';
    if (mode === 'hybrid' && this.storedEmbedder) assertSameEmbedder(this.storedEmbedder, await this.getEmbedder(), this.embeddingModel);
    const engine = await this.ensureEngine(mode === 'hybrid');
    let queryVector: Float32Array | undefined;
    if (mode === 'hybrid' && engine.hasVectors) {
      const embedder = await this.getEmbedder();
      if (embedder) [queryVector] = await embedder.embed([query]);
    }
    let documents: RankedDocumentInput[] = [];
    if (mode === 'hybrid' && this.docStore && (await this.docStore.count()) > 0) {
      const hits = await this.docStore.search(query, { filters: options.filters, limit: Math.max(limit, 20) });
      const embedder = queryVector ? await this.getEmbedder() : undefined;
      documents = [];
      for (const h of hits) {
        let vector = this.docVectors.get(h.id);
        if (!vector && embedder) {
          [vector] = await embedder.embed([`${h.document.title ?? ''}\n${h.document.content}`]);
          this.docVectors.set(h.id, vector);
        }
        documents.push({
          id: h.id,
          title: h.document.title ?? '',
          source: h.document.metadata.source ?? '',
          content: h.document.content,
          bm25: h.score,
          vector,
          record: { id: h.id, title: h.document.title, ...h.document.metadata },
        });
      }
    }
    let vectorCandidates: number[] | undefined;
    if (this.annStore && this.preloadedVectors && this.annStore === this.preloadedVectors.store && queryVector && this.preloadedVectors.embedderId !== (await this.getEmbedder())?.id) {
      // the loaded approximate index holds another embedder's vectors (the KB was re-ingested with a new model)
      await this.annStore.close();
      this.annStore = undefined;
    }
    if (mode === 'hybrid' && queryVector && this.annStore && this.annIndexOf) {
      // a small candidate list: these only add recall to BM25, so a cheap graph walk is enough
      const ann = await this.annStore.search(queryVector, { limit: 20, ef: 40 });
      vectorCandidates = [];
      for (const h of ann) {
        const i = this.annIndexOf.get(h.id);
        if (i !== undefined) vectorCandidates.push(i);
      }
    }
    return engine.search(
      query,
      { limit, threshold: options.threshold, filters: options.filters, mode, explain: options.explain, queryVector, vectorCandidates },
      documents,
    );
  }

  /** Changes ranking weights for the following searches (the index is not rebuilt). */
  setRankWeights(weights: Partial<RankWeights>): void {
    this.rankWeights = { ...this.rankWeights, ...weights };
    if (this.engine) this.engine.weights = { ...this.engine.weights, ...weights };
  }

  /** The ranking weights in force. */
  getRankWeights(): RankWeights {
    return { ...DEFAULT_RANK_WEIGHTS, ...this.rankWeights };
  }

  // ---------------------------------------------------------------- documents

  private async documents(): Promise<DocumentStore> {
    if (this.docStore) return this.docStore;
    this.docStorePromise ??= (async () => {
      if (this.opts.documentStore) return this.opts.documentStore;
      const { createMemoryDocumentStore } = await import('@momo/store-document');
      return createMemoryDocumentStore();
    })();
    this.docStore = await this.docStorePromise;
    return this.docStore;
  }

  /** Saves (inserts or replaces) a document with metadata (`source`, `category`, `tags`, `custom`). */
  async save(document: DocumentInput): Promise<SaveDocumentResult> {
    if (!document || typeof document.content !== 'string') {
      throw new MomoError('KB_DOCUMENT_INVALID', 'a document needs a string `content`', {
        hint: "call save({ content: '...', metadata: { source, category, tags, custom } })",
        exitCode: EXIT.USAGE,
      });
    }
    const store = await this.documents();
    const res = await store.save(document);
    this.docVectors.delete(res.id);
    return res;
  }

  /** A saved document, or a code chunk viewed as a document (`id` = `<path>:<start>-<end>`). */
  async get(id: string): Promise<StoredDocument | undefined> {
    const store = await this.documents();
    const doc = await store.get(id);
    if (doc) return doc;
    const colon = id.lastIndexOf(':');
    const r = colon > 0 ? this.records.get(id.slice(0, colon)) : undefined;
    const c = r?.chunks.find((x) => x.id === id);
    if (!c) return undefined;
    const rec = chunkRecord(c);
    return {
      id: c.id,
      ...(c.symbol ? { title: c.symbol } : {}),
      content: c.text,
      metadata: { source: c.path, category: rec.category as string, tags: rec.tags as string[], custom: rec.custom as Record<string, string | number> },
    };
  }

  /** Number of saved documents plus code chunks matching `filters` (all when omitted). */
  async count(filters?: DocumentFilter): Promise<number> {
    const store = await this.documents();
    let n = await store.count(filters);
    for (const r of this.records.values()) for (const c of r.chunks) if (!filters || matchesFilter(chunkRecord(c), filters)) n++;
    return n;
  }

  /** Deletes a saved document; true when it existed. Code chunks are owned by ingestion and are not deleted. */
  async delete(id: string): Promise<boolean> {
    const store = await this.documents();
    this.docVectors.delete(id);
    return store.delete(id);
  }

  // ---------------------------------------------------------------- modules & graph

  /** Modules with their files, dependencies and dependents, sorted by name. */
  getModules(): KbModule[] {
    return this.ensureLinked().modules;
  }

  /** Everything docs generation needs about one module. @throws KB_MODULE_NOT_FOUND */
  describeModule(name: string): ModuleDescription {
    const module = this.resolveModule(name);
    const files = module.files.map((p) => {
      const r = this.records.get(p)!;
      return { path: p, language: r.file.language, lines: r.file.lines, symbols: r.parsed.symbols.length };
    });
    const symbols: CodeSymbol[] = [];
    const sections: CodeSymbol[] = [];
    for (const p of module.files) {
      for (const s of this.records.get(p)!.parsed.symbols) {
        if (s.kind === 'section') sections.push(s);
        else if (s.exported) symbols.push(s);
      }
    }
    const link = this.ensureLinked();
    const references: Record<string, number> = {};
    for (const sym of symbols) references[sym.id] = link.symbolInDegree.get(sym.id) ?? 0;
    const prefix = module.root ? `${module.root}/` : '';
    const overviewPath = ['momo.md', 'README.md', 'readme.md'].map((n) => `${prefix}${n}`).find((p) => this.records.has(p));
    const overview = overviewPath ? this.records.get(overviewPath)!.chunks.map((c) => c.text).join('\n\n') : '';
    return {
      module,
      files,
      symbols,
      sections,
      overview,
      references,
      dependencies: module.dependencies,
      dependents: module.dependents,
      externalDependencies: module.externalDependencies,
    };
  }

  private resolveModule(name: string): KbModule {
    const modules = this.getModules();
    const m = modules.find((x) => x.name === name) ?? modules.find((x) => x.aliases.includes(name) || x.root === name);
    if (!m) {
      const names = modules.map((x) => x.name);
      const near = names.filter((n) => n.includes(name) || name.includes(n)).slice(0, 3);
      throw new MomoError('KB_MODULE_NOT_FOUND', `module '${name}' is not in the knowledge base`, {
        hint: near.length ? `did you mean ${near.map((n) => `'${n}'`).join(' or ')}? (momo kb modules lists them)` : 'run `momo kb modules` to list the modules',
        data: { name },
      });
    }
    return m;
  }

  /** Symbols of one file (or all files when omitted), in file order. */
  getSymbols(path?: string): CodeSymbol[] {
    if (path !== undefined) return this.records.get(path)?.parsed.symbols ?? [];
    const out: CodeSymbol[] = [];
    for (const r of this.sortedRecords().values()) out.push(...r.parsed.symbols);
    return out;
  }

  /** The code graph loaded into the graph store (built on first use). */
  async getGraph(): Promise<GraphStore> {
    if (!this.graphStore) {
      if (this.opts.graphStore) this.graphStore = this.opts.graphStore;
      else {
        const { createMemoryGraphStore } = await import('@momo/graph-store');
        this.graphStore = createMemoryGraphStore();
      }
    }
    if (!this.graphStoreLoaded) {
      const { nodes, edges } = buildGraph(this.sortedRecords(), this.ensureLinked());
      await this.graphStore.clear();
      await this.graphStore.addNodes(nodes);
      await this.graphStore.addEdges(edges);
      this.graphStoreLoaded = true;
    }
    return this.graphStore;
  }

  /** A module's place in the dependency graph, up to `depth` hops (default: all). */
  async moduleGraph(name: string, options: { depth?: number } = {}): Promise<ModuleGraphResult> {
    const module = this.resolveModule(name);
    const graph = await this.getGraph();
    const k = options.depth ?? 1_000;
    const collect = (r: TraversalResult) =>
      r.nodes.filter((n) => n.node.kind === 'module').map((n) => ({ name: n.node.label ?? n.node.id.slice('module:'.length), depth: n.depth }));
    const out = await graph.kHop(nodeId.module(module.name), { k, direction: 'out', edgeKinds: ['depends-on'] });
    const inn = await graph.kHop(nodeId.module(module.name), { k, direction: 'in', edgeKinds: ['depends-on'] });
    const link = this.ensureLinked();
    const own = new Set(module.files);
    const importedBy = new Map<string, number>();
    for (const [from, targets] of link.fileImports) {
      const fromFile = this.records.get(from)?.file;
      if (!fromFile || fromFile.module === module.name || fromFile.language === 'markdown') continue;
      for (const t of targets) if (own.has(t)) importedBy.set(t, (importedBy.get(t) ?? 0) + 1);
    }
    return {
      module,
      dependencies: collect(out),
      dependents: collect(inn),
      entryFiles: [...importedBy.entries()].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0])).map(([path, n]) => ({ path, importedBy: n })),
    };
  }

  // ---------------------------------------------------------------- artifacts

  /** Embeds every chunk and writes the vectors (`data/vectors/`): deterministic bytes for the same inputs. */
  async buildVectors(dir: string): Promise<WriteResult> {
    const target = resolve(this.root, dir);
    const embedder = await this.getEmbedder();
    const engine = await this.ensureEngine(true);
    const chunks = this.engineChunks;
    const { files, store } = await saveVectors({
      dir: target,
      index: this.opts.vectorIndex ?? 'exact',
      embedderId: embedder?.id ?? 'none',
      dimension: embedder?.dimension ?? 0,
      ids: chunks.map((c) => c.id),
      data: embedder ? (engine.getVectors() ?? (await this.chunkVectors(embedder, chunks))) : new Float32Array(0),
    });
    this.vectorsDir = target;
    if (this.annStore) await this.annStore.close();
    this.storedEmbedder = undefined;
    this.annStore = this.opts.vectorIndex === 'hnsw' ? store : undefined;
    if (store && !this.annStore) await store.close();
    return { dir: target, files };
  }

  /** Writes the code graph (`data/graphs/`) through the graph store's deterministic format. */
  async buildGraphs(dir: string): Promise<WriteResult> {
    const target = resolve(this.root, dir);
    const graph = await this.getGraph();
    const res = await graph.save(target);
    this.graphsDir = target;
    return { dir: target, files: [...res.files].sort(cmp) };
  }

  /** Writes the knowledge base (`data/knowledge-base/`): manifest, modules, files, symbols, chunks, documents. */
  async exportKnowledge(dir: string): Promise<WriteResult> {
    const target = resolve(this.root, dir);
    const link = this.ensureLinked();
    const store = await this.documents();
    const documents = await store.list();
    const embedder = this.embeddingModel === 'none' ? undefined : await this.getEmbedder();
    const manifest: KbManifest = {
      format: 'momo-kb',
      version: 1,
      params: { ...this.describeParams(), embedder: embedder?.id ?? 'none' },
      // which model made the vectors, with its file hash: a load refuses to search with another
      embedder_info: embedder ? (embedder.describe?.() ?? { kind: 'custom', id: embedder.id, dimension: embedder.dimension }) : null,
      counts: {
        modules: link.modules.length,
        files: this.records.size,
        symbols: 0,
        chunks: 0,
        documents: documents.length,
      },
      skipped: this.skipped.counts,
      vectors: this.vectorsDir ? toPosix(relative(target, this.vectorsDir)) : null,
      graphs: this.graphsDir ? toPosix(relative(target, this.graphsDir)) : null,
      module_manifests: [...this.manifests].sort(cmp),
      path_aliases: this.pathAliases,
    };
    const files = exportKnowledgeFiles({
      dir: target,
      manifest,
      records: this.sortedRecords(),
      modules: link.modules,
      documents,
      skipped: this.skipped,
      failures: [...this.failures.entries()].sort((a, b) => cmp(a[0], b[0])).map(([path, message]) => ({ path, message })),
    });
    return { dir: target, files };
  }

  /**
   * Loads an exported knowledge base (and its vectors, when the manifest points at them).
   * `root` defaults to the directory two levels above `dir` (`<root>/data/knowledge-base`); a
   * relative `dir` is resolved against `options.root` when given.
   * @throws KB_NOT_FOUND, KB_FORMAT_UNSUPPORTED, KB_CORRUPT
   */
  static async load(dir: string, options: Partial<KnowledgeBaseOptions> = {}): Promise<KnowledgeBase> {
    // a relative dir is taken relative to the given root; without one, to the process's directory
    const abs = options.root ? resolve(options.root, dir) : resolve(dir);
    const data = readKnowledgeFiles(abs);
    const p = data.manifest.params;
    // a KB built with hash-v1 of another size keeps that size (the manifest's embedder is `hash-v1:<dim>`)
    const hashDim = (options.embeddingModel ?? p.embedding_model) === 'hash-v1' ? /^hash-v1:(\d+)$/.exec(p.embedder ?? '')?.[1] : undefined;
    const kb = new KnowledgeBase({
      ...options,
      root: options.root ?? resolve(abs, '..', '..'),
      chunkSize: options.chunkSize ?? p.chunk_size,
      overlap: options.overlap ?? p.overlap,
      maxFileBytes: options.maxFileBytes ?? p.max_file_bytes,
      embeddingModel: options.embeddingModel ?? p.embedding_model,
      embeddingDimensions: options.embeddingDimensions ?? (hashDim ? Number(hashDim) : undefined),
      holdOutDocComments: options.holdOutDocComments ?? p.hold_out_doc_comments,
    });
    kb.records = data.records;
    const now = kb.describeParams();
    kb.reuseParses =
      now.chunk_size === p.chunk_size &&
      now.overlap === p.overlap &&
      now.max_file_bytes === p.max_file_bytes &&
      now.hold_out_doc_comments === p.hold_out_doc_comments;
    for (const m of data.manifests) kb.manifests.add(m);
    kb.candidates = data.candidates;
    kb.pathAliases = data.manifest.path_aliases ?? [];
    for (const c of data.candidates) if (c.source === 'ingest') kb.forcedModules.set(c.root, c);
    kb.skipped = data.skipped;
    kb.scopedSkips.set('', data.skipped);
    for (const f of data.failures) kb.failures.set(f.path, f.message);
    if (data.documents.length) {
      const store = await kb.documents();
      await store.saveMany(data.documents);
    }
    if (data.manifest.vectors) {
      const vdir = resolve(abs, data.manifest.vectors);
      const v = await loadVectors(vdir);
      if (v) {
        kb.preloadedVectors = v;
        if (v.dimension > 0) kb.storedEmbedder = { model: p.embedding_model, id: v.embedderId, dimension: v.dimension, info: data.manifest.embedder_info ?? undefined, vectorsDir: vdir };
        kb.vectorsDir = vdir;
        kb.annStore = v.store;
      }
    }
    if (data.manifest.graphs) kb.graphsDir = resolve(abs, data.manifest.graphs);
    return kb;
  }

  /** Releases the stores this knowledge base opened itself. */
  async close(): Promise<void> {
    if (this.docStore && !this.opts.documentStore) await this.docStore.close();
    if (this.annStore) await this.annStore.close();
    if (this.graphStore && !this.opts.graphStore) await this.graphStore.close();
    // an embedder this KB created (an ONNX session) is released; one passed in belongs to the caller
    if (this.embedderPromise && !this.opts.embedder) await (await this.embedderPromise.catch(() => undefined))?.close?.();
  }
}

/** The text a chunk is embedded from: its path, main symbol and code. */
export function embeddingText(c: Chunk): string {
  return `${c.path}\n${c.symbol ?? ''}\n${c.text}`;
}

