import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MomoError } from '@momo/errors';
import type { DuckDBConnection, DuckDBInstance, DuckDBPreparedStatement, DuckDBValue } from '@duckdb/node-api';
import type { DocumentFilter, DocumentMetadata, DocumentSearchHit, DocumentStore, JsonValue, StoredDocument } from '../types.js';
import { copyDocument, normalizeDocument } from '../documents.js';
import { matchesFilter, parseFilter } from '../filters.js';
import { LexicalIndex } from '../lexical-index.js';
import { FilterIndex } from '../filter-index.js';
import { indexedText, tokenize } from '../tokenize.js';
import { resolveListOptions, resolveSearchOptions } from '../search-options.js';
import { stringifyCanonical } from '@momo/common';
import { compileFilterSql, type SqlFragment } from './duckdb-filter-sql.js';

/** npm packages the DuckDB driver needs (unstorage's DRIVER_DEPENDENCIES convention). */
export const DUCKDB_DRIVER_DEPENDENCIES = ['@duckdb/node-api'] as const;

/** Schema version stored in `momo_meta`; a database with another version is refused. */
export const DUCKDB_SCHEMA_VERSION = '1';

type DuckDbModule = typeof import('@duckdb/node-api');

/** Options of {@link createDuckDbDocumentStore}. */
export interface DuckDbDocumentStoreOptions {
  /** Database file (created with its directory if missing), or `:memory:`. */
  path: string;
  /**
   * Keep every document in memory once the first search has read them (the read model), so `search`
   * and `get` never wait on SQL. Costs about the size of the content in RAM. With `false`, only the
   * BM25 index is in memory; filters run as SQL on the best candidates and hits are read from DuckDB.
   * @default true
   */
  cacheDocuments?: boolean;
  /** The `@duckdb/node-api` module, to inject a specific build; imported lazily when omitted. */
  lib?: DuckDbModule;
}

const TAG = '[document-store:duckdb]';

/** Reads a DuckDB value as a JS string (or undefined for NULL). */
function str(v: DuckDBValue): string | undefined {
  return v === null ? undefined : String(v);
}

function documentFromRow(row: DuckDBValue[]): StoredDocument {
  const [id, title, content, metadata] = row;
  const meta = JSON.parse(String(metadata)) as DocumentMetadata;
  const t = str(title);
  return t === undefined
    ? { id: String(id), content: String(content), metadata: meta }
    : { id: String(id), title: t, content: String(content), metadata: meta };
}

/** The in-memory read model: the BM25 index, plus the documents (and their filter indexes) when cached. */
interface ReadModel {
  index: LexicalIndex;
  docs: Map<string, StoredDocument> | undefined;
  filters: FilterIndex | undefined;
}

function emptyModel(cacheDocuments: boolean): ReadModel {
  const docs = cacheDocuments ? new Map<string, StoredDocument>() : undefined;
  return { index: new LexicalIndex(), docs, filters: docs ? new FilterIndex(() => docs.values()) : undefined };
}

/**
 * The DuckDB document store. Documents live in table `momo_documents(id, title, content, metadata JSON)`
 * of a DuckDB file, so they persist and can be queried with plain SQL; `count` and `list` (and their
 * metadata filters) run as SQL. BM25 search runs on an in-memory read model built from the table on the
 * first search and kept in step with every write. Measured at 100k documents on 2 cores: BM25 written
 * in SQL took 46 ms per query even with term-sorted postings, and reading 10 hits by id took about
 * 4 ms, against about 1 ms for the whole search in memory (see the package README).
 *
 * @throws MomoError DOCUMENT_STORE_OPEN_FAILED, DEPENDENCY_MISSING
 * @example
 * const store = await createDuckDbDocumentStore({ path: 'data/knowledge-base/documents.duckdb' });
 * await store.save({ content: 'def save_document(self, doc): ...', metadata: { category: 'code', custom: { difficulty: 'beginner' } } });
 * await store.search('save document', { filters: { 'custom.difficulty': 'beginner' } });
 * await store.close();
 */
export async function createDuckDbDocumentStore(options: DuckDbDocumentStoreOptions): Promise<DocumentStore> {
  if (!options || typeof options.path !== 'string' || options.path.length === 0) {
    throw new MomoError('DOCUMENT_STORE_OPEN_FAILED', `${TAG} needs a database path`, {
      hint: "Pass { path: 'data/knowledge-base/documents.duckdb' } or { path: ':memory:' }.",
    });
  }
  const cacheDocuments = options.cacheDocuments ?? true;
  let lib: DuckDbModule;
  try {
    lib = options.lib ?? (await import('@duckdb/node-api'));
  } catch (e) {
    throw new MomoError('DEPENDENCY_MISSING', `${TAG} needs the npm package @duckdb/node-api`, {
      hint: 'Install it with `npm i -E @duckdb/node-api@1.5.6-r.1`, or pass it as the `lib` option.',
      cause: e,
    });
  }
  const path = options.path === ':memory:' ? ':memory:' : resolve(options.path);
  let instance: DuckDBInstance | undefined;
  let conn: DuckDBConnection | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    instance = await lib.DuckDBInstance.create(path);
    conn = await instance.connect();
    await conn.run(`CREATE TABLE IF NOT EXISTS momo_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`);
    const version = (await conn.runAndReadAll(`SELECT value FROM momo_meta WHERE key = 'schema_version'`)).getRows()[0]?.[0];
    if (version === undefined) {
      await conn.run(`INSERT INTO momo_meta VALUES ('schema_version', '${DUCKDB_SCHEMA_VERSION}')`);
    } else if (String(version) !== DUCKDB_SCHEMA_VERSION) {
      throw new MomoError('DOCUMENT_STORE_OPEN_FAILED', `${TAG} "${path}" has schema version ${String(version)}, expected ${DUCKDB_SCHEMA_VERSION}`, {
        hint: 'Export it with the momo version that wrote it, then import the JSONL into a new file.',
        data: { path, version: String(version) },
      });
    }
    await conn.run(
      `CREATE TABLE IF NOT EXISTS momo_documents (id VARCHAR PRIMARY KEY, title VARCHAR, content VARCHAR NOT NULL, metadata JSON NOT NULL)`,
    );
    await conn.run(`CREATE TABLE IF NOT EXISTS momo_staging (id VARCHAR, title VARCHAR, content VARCHAR, metadata VARCHAR)`);
    await conn.run(`DELETE FROM momo_staging`);
  } catch (e) {
    conn?.closeSync();
    instance?.closeSync();
    if (e instanceof MomoError) throw e;
    throw new MomoError('DOCUMENT_STORE_OPEN_FAILED', `${TAG} could not open "${path}": ${(e as Error).message}`, {
      hint: 'Check that the file is a DuckDB database and that no other process holds it open for writing.',
      data: { path },
      cause: e,
    });
  }
  const db = instance;
  const c = conn;

  let closed = false;
  let model: ReadModel | undefined;
  // One statement at a time on the connection: transactions and appenders must not interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(() => {
      if (closed) {
        throw new MomoError('DOCUMENT_STORE_CLOSED', `${TAG} the store on "${path}" was used after close()`, {
          hint: 'Open it again with createDuckDbDocumentStore({ path }).',
        });
      }
      return fn();
    });
    queue = run.catch(() => undefined);
    return run;
  };

  const prepared = new Map<string, DuckDBPreparedStatement>();
  /** Runs a statement through a cached prepared statement (planning costs more than a point lookup). */
  const rows = async (sql: string, params: DuckDBValue[] = []): Promise<DuckDBValue[][]> => {
    let ps = prepared.get(sql);
    if (!ps) {
      ps = await c.prepare(sql);
      if (prepared.size >= 64) {
        const [first] = prepared.keys();
        prepared.get(first)!.destroySync();
        prepared.delete(first);
      }
      prepared.set(sql, ps);
    }
    ps.clearBindings();
    if (params.length > 0) ps.bind(params);
    return (await ps.runAndReadAll()).getRows();
  };

  const ensureModel = async (): Promise<ReadModel> => {
    if (model) return model;
    const built = emptyModel(cacheDocuments);
    const result = await c.stream(`SELECT id, title, content, metadata FROM momo_documents`);
    // Column-wise chunk reads convert about 3x faster than row iteration (measured on 100k rows).
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      const [ids, titles, contents, metadatas] = chunk.getColumns();
      for (let i = 0; i < ids.length; i++) {
        const d = documentFromRow([ids[i], titles[i], contents[i], metadatas[i]]);
        built.index.add(d.id, tokenize(indexedText(d)));
        built.docs?.set(d.id, d);
      }
    }
    model = built;
    return model;
  };

  const fetchDocuments = async (ids: string[]): Promise<Map<string, StoredDocument>> => {
    const out = new Map<string, StoredDocument>();
    if (ids.length === 0) return out;
    const found = await rows(`SELECT id, title, content, metadata FROM momo_documents WHERE id IN (${ids.map(() => '?').join(', ')})`, ids);
    for (const r of found) {
      const d = documentFromRow(r);
      out.set(d.id, d);
    }
    return out;
  };

  const withTransaction = async <T>(fn: () => Promise<T>): Promise<T> => {
    await c.run('BEGIN TRANSACTION');
    try {
      const r = await fn();
      await c.run('COMMIT');
      return r;
    } catch (e) {
      await c.run('ROLLBACK');
      throw e;
    }
  };

  const writeBatch = async (docs: StoredDocument[]): Promise<{ created: number; replaced: number }> => {
    // The last occurrence of an id wins, as with a loop of save().
    const unique = new Map<string, StoredDocument>();
    for (const d of docs) {
      unique.delete(d.id);
      unique.set(d.id, d);
    }
    const batch = [...unique.values()];
    const replacedIds = await withTransaction(async () => {
      const appender = await c.createAppender('momo_staging');
      for (const d of batch) {
        appender.appendVarchar(d.id);
        if (d.title === undefined) appender.appendNull();
        else appender.appendVarchar(d.title);
        appender.appendVarchar(d.content);
        appender.appendVarchar(stringifyCanonical(d.metadata as JsonValue));
        appender.endRow();
      }
      appender.closeSync();
      const existing = await c.runAndReadAll(`SELECT s.id FROM momo_staging s JOIN momo_documents d ON d.id = s.id`);
      await c.run(`INSERT OR REPLACE INTO momo_documents SELECT id, title, content, metadata FROM momo_staging`);
      await c.run(`DELETE FROM momo_staging`);
      return new Set(existing.getRows().map((r) => String(r[0])));
    });
    if (model) {
      for (const d of batch) {
        model.index.add(d.id, tokenize(indexedText(d)));
        model.filters?.update(model.docs?.get(d.id), d);
        model.docs?.set(d.id, d);
      }
    }
    // Counts follow the input list, so a batch that repeats an id counts the repeat as a replacement.
    let created = 0;
    let replaced = 0;
    const seen = new Set<string>();
    for (const d of docs) {
      if (seen.has(d.id) || replacedIds.has(d.id)) replaced++;
      else created++;
      seen.add(d.id);
    }
    return { created, replaced };
  };

  /** Search through SQL for filters and hits (cacheDocuments: false). */
  const searchUncached = async (idx: LexicalIndex, terms: string[], limit: number, threshold: number, where: SqlFragment | undefined) => {
    const scored = (k: number, accept?: (id: string) => boolean) =>
      idx.search(terms, { limit: k, threshold, accept }).map((h) => ({ id: idx.idAt(h.ordinal), score: h.score }));
    if (!where) return scored(limit);
    // Check the best K candidates in SQL; widen K until `limit` pass or candidates run out. Any document
    // outside the top K ranks below all inside it, so the first `limit` that pass are the answer.
    for (let k = Math.max(64, limit * 8); ; k *= 8) {
      const candidates = scored(k);
      if (k > 4096 && candidates.length === k) {
        // A selective filter on common terms: read the filter's whole id set once instead.
        const all = new Set((await rows(`SELECT id FROM ${where.from} WHERE ${where.sql}`, where.params)).map((r) => String(r[0])));
        return scored(limit, (id) => all.has(id));
      }
      let pass = new Set<string>();
      if (candidates.length > 0) {
        const ids = candidates.map((x) => x.id);
        const found = await rows(`SELECT id FROM ${where.from} WHERE id IN (${ids.map(() => '?').join(', ')}) AND ${where.sql}`, [...ids, ...where.params]);
        pass = new Set(found.map((r) => String(r[0])));
      }
      const passing = candidates.filter((x) => pass.has(x.id));
      if (passing.length >= limit || candidates.length < k) return passing.slice(0, limit);
    }
  };

  return {
    driver: 'duckdb',
    capabilities: { persistent: path !== ':memory:' },

    async save(document) {
      const doc = normalizeDocument(document);
      return serial(async () => {
        const r = await writeBatch([doc]);
        return { id: doc.id, created: r.created === 1 };
      });
    },

    async saveMany(documents) {
      if (!Array.isArray(documents)) {
        throw new MomoError('DOCUMENT_INVALID', 'saveMany expects an array of documents', { hint: 'Pass [{ content, metadata }, ...].' });
      }
      const docs = documents.map((d, i) => normalizeDocument(d, i));
      return serial(async () => {
        const r = docs.length === 0 ? { created: 0, replaced: 0 } : await writeBatch(docs);
        return { ids: docs.map((d) => d.id), ...r };
      });
    },

    get(id) {
      return serial(async () => {
        if (model?.docs) {
          const d = model.docs.get(id);
          return d ? copyDocument(d) : undefined;
        }
        const r = await rows(`SELECT id, title, content, metadata FROM momo_documents WHERE id = ?`, [id]);
        return r.length === 0 ? undefined : documentFromRow(r[0]);
      });
    },

    delete(id) {
      return serial(async () => {
        const r = await rows(`DELETE FROM momo_documents WHERE id = ? RETURNING id`, [id]);
        if (r.length > 0 && model) {
          model.index.remove(id);
          model.filters?.update(model.docs?.get(id), undefined);
          model.docs?.delete(id);
        }
        return r.length > 0;
      });
    },

    count(filters) {
      return serial(async () => {
        const where = compileFilterSql(parseFilter(filters));
        const r = await rows(`SELECT count(*) FROM ${where.from} WHERE ${where.sql}`, where.params);
        return Number(r[0][0]);
      });
    },

    search(query, options = {}) {
      return serial(async () => {
        if (typeof query !== 'string') {
          throw new MomoError('DOCUMENT_SEARCH_OPTIONS_INVALID', `search query is a ${typeof query}, expected a string`, {
            hint: "Call search('words or identifiers', { limit })",
          });
        }
        const { limit, threshold } = resolveSearchOptions(options);
        const node = parseFilter(options.filters);
        const terms = tokenize(query);
        if (terms.length === 0 || limit === 0) return [];
        const m = await ensureModel();
        if (m.docs) {
          const docs = m.docs;
          const only = m.filters?.candidates(node);
          const accept = node ? (id: string) => matchesFilter(node, docs.get(id)!) : undefined;
          return m.index.search(terms, { limit, threshold, accept, only }).map((h): DocumentSearchHit => {
            const id = m.index.idAt(h.ordinal);
            return { id, score: h.score, document: copyDocument(docs.get(id)!) };
          });
        }
        const hits = await searchUncached(m.index, terms, limit, threshold, node ? compileFilterSql(node) : undefined);
        const docs = await fetchDocuments(hits.map((h) => h.id));
        return hits.map((h): DocumentSearchHit => ({ id: h.id, score: h.score, document: docs.get(h.id)! }));
      });
    },

    list(options = {}) {
      return serial(async () => {
        const { limit, offset } = resolveListOptions(options);
        const where = compileFilterSql(parseFilter(options.filters));
        const r = await rows(
          `SELECT id, title, content, metadata FROM ${where.from} WHERE ${where.sql} ORDER BY id LIMIT ${limit} OFFSET ${offset}`,
          where.params,
        );
        return r.map(documentFromRow);
      });
    },

    clear() {
      return serial(async () => {
        await c.run(`DELETE FROM momo_documents`);
        if (model) model = emptyModel(cacheDocuments);
      });
    },

    close() {
      if (closed) return Promise.resolve();
      return queue.then(() => {
        if (closed) return;
        closed = true;
        model = undefined;
        for (const ps of prepared.values()) ps.destroySync();
        prepared.clear();
        c.closeSync();
        db.closeSync();
      });
    },
  };
}
