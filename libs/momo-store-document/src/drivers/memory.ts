import { MomoError } from '@momo/errors';
import type { DocumentFilter, DocumentStore, StoredDocument } from '../types.js';
import { copyDocument, normalizeDocument } from '../documents.js';
import { matchesFilter, parseFilter } from '../filters.js';
import { LexicalIndex } from '../lexical-index.js';
import { FilterIndex } from '../filter-index.js';
import { indexedText, tokenize } from '../tokenize.js';
import { resolveListOptions, resolveSearchOptions } from '../search-options.js';
import { compareCodePoints } from '@momo/common';

/**
 * The in-memory document store: the reference driver every other driver is checked against.
 * BM25 runs on a typed-array inverted index; filters are evaluated in JavaScript.
 * Nothing is persisted (use `exportDocuments` to write a JSONL artifact).
 *
 * @example
 * const store = createMemoryDocumentStore();
 * await store.save({ content: 'export function getUserName() {}', metadata: { source: 'src/user.ts', category: 'code' } });
 * const hits = await store.search('user name', { filters: { category: 'code' }, limit: 5 });
 */
export function createMemoryDocumentStore(): DocumentStore {
  let docs = new Map<string, StoredDocument>();
  const index = new LexicalIndex();
  let sortedIds: string[] | undefined;
  const filterIndex = new FilterIndex(() => docs.values());
  let closed = false;

  const ensureOpen = () => {
    if (closed) {
      throw new MomoError('DOCUMENT_STORE_CLOSED', 'the memory document store was used after close()', {
        hint: 'Create a new store with createMemoryDocumentStore().',
      });
    }
  };

  const put = (doc: StoredDocument): boolean => {
    const before = docs.get(doc.id);
    const existed = before !== undefined;
    filterIndex.update(before, doc);
    docs.set(doc.id, doc);
    index.add(doc.id, tokenize(indexedText(doc)));
    if (!existed) sortedIds = undefined;
    return existed;
  };

  const matching = (filters: DocumentFilter | undefined): string[] => {
    const node = parseFilter(filters);
    sortedIds ??= [...docs.keys()].sort(compareCodePoints);
    if (!node) return sortedIds;
    const narrowed = filterIndex.candidates(node);
    return sortedIds.filter((id) => (!narrowed || narrowed.has(id)) && matchesFilter(node, docs.get(id)!));
  };

  return {
    driver: 'memory',
    capabilities: { persistent: false },

    async save(document) {
      ensureOpen();
      const doc = normalizeDocument(document);
      return { id: doc.id, created: !put(doc) };
    },

    async saveMany(documents) {
      ensureOpen();
      if (!Array.isArray(documents)) {
        throw new MomoError('DOCUMENT_INVALID', 'saveMany expects an array of documents', { hint: 'Pass [{ content, metadata }, ...].' });
      }
      const normalized = documents.map((d, i) => normalizeDocument(d, i));
      let created = 0;
      let replaced = 0;
      for (const d of normalized) {
        if (put(d)) replaced++;
        else created++;
      }
      return { ids: normalized.map((d) => d.id), created, replaced };
    },

    async get(id) {
      ensureOpen();
      const d = docs.get(id);
      return d ? copyDocument(d) : undefined;
    },

    async delete(id) {
      ensureOpen();
      const before = docs.get(id);
      if (!before) return false;
      filterIndex.update(before, undefined);
      docs.delete(id);
      index.remove(id);
      sortedIds = undefined;
      return true;
    },

    async count(filters) {
      ensureOpen();
      if (filters === undefined) return docs.size;
      return matching(filters).length;
    },

    async search(query, options = {}) {
      ensureOpen();
      if (typeof query !== 'string') {
        throw new MomoError('DOCUMENT_SEARCH_OPTIONS_INVALID', `search query is a ${typeof query}, expected a string`, {
          hint: "Call search('words or identifiers', { limit })",
        });
      }
      const { limit, threshold } = resolveSearchOptions(options);
      const node = parseFilter(options.filters);
      const only = filterIndex.candidates(node);
      const accept = node ? (id: string) => matchesFilter(node, docs.get(id)!) : undefined;
      return index.search(tokenize(query), { limit, threshold, accept, only }).map((h) => {
        const id = index.idAt(h.ordinal);
        return { id, score: h.score, document: copyDocument(docs.get(id)!) };
      });
    },

    async list(options = {}) {
      ensureOpen();
      const { limit, offset } = resolveListOptions(options);
      return matching(options.filters)
        .slice(offset, offset + limit)
        .map((id) => copyDocument(docs.get(id)!));
    },

    async clear() {
      ensureOpen();
      docs = new Map();
      index.clear();
      filterIndex.clear();
      sortedIds = undefined;
    },

    async close() {
      closed = true;
      docs = new Map();
      index.clear();
    },
  };
}
