/**
 * The document store contract. Every driver (memory, DuckDB, ...) implements {@link DocumentStore}
 * and passes `testDocumentStore` from `@momo/testing`.
 *
 * Semantics follow the user's existing knowledge base: `save(document)`,
 * `search(query, { filters, limit, threshold })`, `get(id)`, `count()`, `delete(id)`, with documents
 * carrying `source`, `category`, `tags` and free-form `custom` metadata.
 */

import type { JsonValue } from '@momo/common';

/** Any value JSON can carry. */
export type { JsonValue };

/** Metadata every document may carry. Unknown top-level keys are rejected; put them in `custom`. */
export interface DocumentMetadata {
  /** Where the document came from, usually a repo-relative POSIX path (`libs/momo-kb/src/index.ts`). */
  source?: string;
  /** A coarse class such as `code`, `doc`, `readme`. */
  category?: string;
  /** Free labels; a scalar filter on `tags` matches when any tag equals it. */
  tags?: string[];
  /** Anything else, nested as deep as needed; filter it with dotted paths (`custom.difficulty`). */
  custom?: { [key: string]: JsonValue };
}

/** A document as given to {@link DocumentStore.save}. */
export interface DocumentInput {
  /**
   * Stable id. When omitted, the store derives one from the content and metadata
   * ({@link computeDocumentId}), so the same input always gets the same id.
   */
  id?: string;
  /** Optional title; indexed for lexical search together with `content` and `metadata.source`. */
  title?: string;
  /** The text. */
  content: string;
  metadata?: DocumentMetadata;
}

/** A document as stored and returned by the store. `metadata` is always present (maybe `{}`). */
export interface StoredDocument {
  id: string;
  title?: string;
  content: string;
  metadata: DocumentMetadata;
}

/** Result of {@link DocumentStore.save}. */
export interface SaveDocumentResult {
  id: string;
  /** false when a document with this id already existed and was replaced. */
  created: boolean;
}

/** Result of {@link DocumentStore.saveMany}. */
export interface SaveManyResult {
  ids: string[];
  created: number;
  replaced: number;
}

/** Scalar values a filter can compare against. */
export type FilterScalar = string | number | boolean | null;

/**
 * Operators for one field. A field that holds an array matches a positive operator when any
 * element does (`$eq`, `$in`, `$gt`, ...); `$ne`/`$nin` are the negation of `$eq`/`$in`, so they
 * also match when the field is missing.
 */
export interface FilterOperators {
  $eq?: FilterScalar;
  $ne?: FilterScalar;
  $in?: FilterScalar[];
  $nin?: FilterScalar[];
  /** Numbers compare numerically, strings by code point; mixed types never match. */
  $gt?: number | string;
  $gte?: number | string;
  $lt?: number | string;
  $lte?: number | string;
  /** true: the field is present (even if null); false: it is absent. */
  $exists?: boolean;
}

/**
 * Metadata filter. Keys are dotted paths into `{ id, title, ...metadata }`: `source`, `category`,
 * `tags`, `custom.difficulty`, `custom.a.b`. All keys must match (AND).
 * - a scalar means `$eq` (`null` matches null or missing);
 * - an array of scalars means `$in`;
 * - an operator object applies every operator given (AND);
 * - `$and` / `$or` combine sub-filters.
 *
 * @example { category: 'code', 'custom.difficulty': 'beginner', tags: ['ts', 'py'] }
 */
export interface DocumentFilter {
  $and?: DocumentFilter[];
  $or?: DocumentFilter[];
  [path: string]: FilterScalar | FilterScalar[] | FilterOperators | DocumentFilter[] | undefined;
}

/** Options of {@link DocumentStore.search}. */
export interface DocumentSearchOptions {
  filters?: DocumentFilter;
  /** Maximum hits. @default 10 */
  limit?: number;
  /** Minimum BM25 score a hit needs (raw, unnormalised, >= 0). @default 0 (any positive score) */
  threshold?: number;
}

/** One search hit. Hits are ordered by `score` descending, then `id` ascending. */
export interface DocumentSearchHit {
  id: string;
  /** BM25 score (k1 = 1.2, b = 0.75, Lucene idf); larger is better. */
  score: number;
  document: StoredDocument;
}

/** Options of {@link DocumentStore.list}. */
export interface ListDocumentsOptions {
  filters?: DocumentFilter;
  /** @default all */
  limit?: number;
  /** @default 0 */
  offset?: number;
}

/** Optional capabilities a driver declares. */
export interface DocumentStoreCapabilities {
  /** Data survives `close()` and a new store opened on the same path sees it. */
  persistent: boolean;
}

/**
 * A document store. All methods are async; all results are deterministic (ties broken by id).
 * Invalid input throws a `MomoError` (codes in `DOCUMENT_STORE_CODES`) and changes nothing.
 */
export interface DocumentStore {
  /** Driver name, e.g. `memory`, `duckdb`. */
  readonly driver: string;
  readonly capabilities: DocumentStoreCapabilities;
  /** Inserts or replaces one document. */
  save(document: DocumentInput): Promise<SaveDocumentResult>;
  /** Inserts or replaces many documents in one transaction (much faster than a loop of save). */
  saveMany(documents: DocumentInput[]): Promise<SaveManyResult>;
  /** The document with this id, or undefined. */
  get(id: string): Promise<StoredDocument | undefined>;
  /** Removes a document; true when it existed. */
  delete(id: string): Promise<boolean>;
  /** Number of documents matching `filters` (all when omitted). */
  count(filters?: DocumentFilter): Promise<number>;
  /**
   * Lexical (BM25) search over title + content + metadata.source, using {@link tokenize}.
   * An empty/stopword-only query returns no hits.
   */
  search(query: string, options?: DocumentSearchOptions): Promise<DocumentSearchHit[]>;
  /** Documents ordered by id (for export and paging). */
  list(options?: ListDocumentsOptions): Promise<StoredDocument[]>;
  /** Removes every document. */
  clear(): Promise<void>;
  /** Releases resources; the store must not be used afterwards. */
  close(): Promise<void>;
}
