import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentFilter, DocumentInput, DocumentStore } from '@momo/store-document';
import { computeDocumentId, createMemoryDocumentStore, exportDocuments, importDocuments } from '@momo/store-document';
import { tmpRepo, type TmpRepo } from '../tmp-repo.js';
import { expectMomoCode } from './expect-code.js';

/** Builds a fresh, empty store for one test (may use the temp dir it is given). */
export type DocumentStoreFactory = (tmp: TmpRepo) => DocumentStore | Promise<DocumentStore>;

/** What `additionalTests` can reach. */
export interface DocumentStoreTestContext {
  readonly store: DocumentStore;
  readonly factory: DocumentStoreFactory;
  readonly tmp: TmpRepo;
}

/** A tiny knowledge base in the shape of the user's existing one. */
export const SAMPLE_DOCUMENTS: DocumentInput[] = [
  {
    id: 'kb-ingest',
    title: 'Ingestion pipeline',
    content: 'export async function ingestModule(modulePath: string) { const chunks = splitIntoChunks(read(modulePath)); }',
    metadata: { source: 'libs/momo-kb/src/ingest.ts', category: 'code', tags: ['typescript', 'kb'], custom: { difficulty: 'advanced', lines: 120, owner: { team: 'kb' } } },
  },
  {
    id: 'vector-search',
    title: 'Vector search',
    content: 'function cosineSimilarity(a, b) { return dot(a, b) / (norm(a) * norm(b)); } // exact search over vectors',
    metadata: { source: 'libs/momo-vector-store/src/exact.ts', category: 'code', tags: ['typescript', 'vectors'], custom: { difficulty: 'intermediate', lines: 80 } },
  },
  {
    id: 'getting-started',
    title: 'Getting started',
    content: 'Install momo, run momo kb ingest, then search the knowledge base for any symbol such as ingestModule.',
    metadata: { source: 'docs/getting-started.md', category: 'doc', tags: ['guide'], custom: { difficulty: 'beginner', lines: 30, published: true } },
  },
  {
    id: 'py-store',
    content: 'def save_document(self, document): self._documents[document.id] = document',
    metadata: { source: 'libs/python/momo-store-document/store.py', category: 'code', tags: ['python'], custom: { difficulty: 'beginner', lines: 12, published: false, level: null } },
  },
  {
    id: 'notes',
    content: 'Plain notes without metadata about graphs and dependents.',
  },
];

const ids = (xs: Array<{ id: string }>) => xs.map((x) => x.id);

/** Seeded PRNG (mulberry32) so random cases are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The conformance suite every document store driver runs.
 *
 * @param name driver name shown in the test report
 * @param factory builds a fresh empty store per test (persistent drivers put their files under `tmp.root`)
 * @param additionalTests driver-specific tests, run inside the same describe block
 */
export function testDocumentStore(name: string, factory: DocumentStoreFactory, additionalTests?: (ctx: DocumentStoreTestContext) => void): void {
  describe(`document store conformance: ${name}`, () => {
    let store: DocumentStore;
    let tmp: TmpRepo;
    const ctx: DocumentStoreTestContext = {
      get store() {
        return store;
      },
      factory,
      get tmp() {
        return tmp;
      },
    };
    const seed = async () => {
      await store.saveMany(SAMPLE_DOCUMENTS);
    };

    beforeEach(async () => {
      tmp = tmpRepo({ prefix: 'momo-docs-' });
      store = await factory(tmp);
    });
    afterEach(async () => {
      await store.close();
      tmp.cleanup();
    });

    describe('save, get, delete, count', () => {
      it('saves a document and returns an equal copy that does not alias the store', async () => {
        expect(await store.save(SAMPLE_DOCUMENTS[0])).toEqual({ id: 'kb-ingest', created: true });
        const got = await store.get('kb-ingest');
        expect(got).toEqual({ ...SAMPLE_DOCUMENTS[0] });
        got!.metadata.tags!.push('mutated');
        (got!.metadata.custom!.owner as Record<string, string>).team = 'x';
        expect(await store.get('kb-ingest')).toEqual(SAMPLE_DOCUMENTS[0]);
        expect(await store.get('missing')).toBeUndefined();
      });

      it('replaces a document saved again under the same id', async () => {
        await seed();
        expect(await store.save({ id: 'notes', content: 'rewritten about vectors', metadata: { category: 'doc' } })).toEqual({ id: 'notes', created: false });
        expect(await store.count()).toBe(5);
        expect((await store.get('notes'))!.content).toBe('rewritten about vectors');
        expect(ids(await store.search('graphs dependents'))).toEqual([]);
        expect(ids(await store.search('rewritten'))).toEqual(['notes']);
      });

      it('derives a stable id from content and metadata when none is given', async () => {
        const input = { content: 'same text', metadata: { source: 'a.md' } };
        const first = await store.save(input);
        expect(first.id).toBe(computeDocumentId(input));
        expect(first.id).toMatch(/^doc-[0-9a-f]{32}$/);
        expect(await store.save({ ...input })).toEqual({ id: first.id, created: false });
        expect((await store.save({ content: 'same text', metadata: { source: 'b.md' } })).id).not.toBe(first.id);
        expect(await store.count()).toBe(2);
      });

      it('fills in empty metadata and keeps titles optional', async () => {
        await store.save({ id: 'bare', content: 'x' });
        expect(await store.get('bare')).toEqual({ id: 'bare', content: 'x', metadata: {} });
      });

      it('counts saveMany inserts and replacements', async () => {
        expect(await store.saveMany(SAMPLE_DOCUMENTS)).toEqual({ ids: SAMPLE_DOCUMENTS.map((d) => d.id), created: 5, replaced: 0 });
        const again = await store.saveMany([SAMPLE_DOCUMENTS[1], { id: 'new', content: 'new doc' }]);
        expect(again).toEqual({ ids: ['vector-search', 'new'], created: 1, replaced: 1 });
        expect(await store.count()).toBe(6);
      });

      it('deletes documents and reports whether they existed', async () => {
        await seed();
        expect(await store.delete('vector-search')).toBe(true);
        expect(await store.delete('vector-search')).toBe(false);
        expect(await store.get('vector-search')).toBeUndefined();
        expect(await store.count()).toBe(4);
        expect(ids(await store.search('cosineSimilarity'))).toEqual([]);
      });

      it('rejects malformed documents with DOCUMENT_INVALID and saves nothing of the batch', async () => {
        await expectMomoCode(store.save({ content: 42 } as never), 'DOCUMENT_INVALID');
        await expectMomoCode(store.save({ id: '', content: 'x' }), 'DOCUMENT_INVALID');
        await expectMomoCode(store.save({ content: 'x', metadata: { author: 'me' } as never }), 'DOCUMENT_INVALID');
        await expectMomoCode(store.save({ content: 'x', metadata: { tags: 'ts' } as never }), 'DOCUMENT_INVALID');
        await expectMomoCode(store.save({ content: 'x', metadata: { custom: { n: Number.POSITIVE_INFINITY } } }), 'DOCUMENT_INVALID');
        await expectMomoCode(store.saveMany([{ id: 'ok', content: 'fine' }, { id: 'bad' } as never]), 'DOCUMENT_INVALID');
        expect(await store.count()).toBe(0);
      });

      it('keeps unicode, newlines and quotes intact', async () => {
        const content = 'línea 1\n"quoted" \\ back\u2028slash 😀 \u0000 end';
        await store.save({ id: 'ü/😀', title: "it's", content, metadata: { custom: { 'clé': 'värde' } } });
        expect(await store.get('ü/😀')).toEqual({ id: 'ü/😀', title: "it's", content, metadata: { custom: { 'clé': 'värde' } } });
      });
    });

    describe('lexical search (BM25)', () => {
      it('computes Lucene BM25 scores (k1 = 1.2, b = 0.75)', async () => {
        await store.saveMany([
          { id: 'd1', content: 'alpha beta' },
          { id: 'd2', content: 'alpha alpha gamma' },
          { id: 'd3', content: 'delta' },
        ]);
        // N = 3, average length 2, df(alpha) = 2.
        const idf = Math.log(1 + (3 - 2 + 0.5) / (2 + 0.5));
        const s1 = (idf * 1 * 2.2) / (1 + 1.2 * (0.25 + (0.75 * 2) / 2));
        const s2 = (idf * 2 * 2.2) / (2 + 1.2 * (0.25 + (0.75 * 3) / 2));
        const hits = await store.search('alpha');
        expect(ids(hits)).toEqual(['d2', 'd1']);
        expect(hits[0].score).toBeCloseTo(s2, 10);
        expect(hits[1].score).toBeCloseTo(s1, 10);
        const idfDelta = Math.log(1 + (3 - 1 + 0.5) / (1 + 0.5));
        const both = await store.search('alpha delta');
        expect(both.find((h) => h.id === 'd3')!.score).toBeCloseTo((idfDelta * 2.2) / (1 + 1.2 * (0.25 + 0.75 / 2)), 10);
      });

      it('finds identifiers whole and by their camelCase or snake_case parts', async () => {
        await seed();
        expect(ids(await store.search('ingestModule'))).toEqual(['kb-ingest', 'getting-started']);
        expect((await store.search('ingest module'))[0].id).toBe('kb-ingest');
        expect(ids(await store.search('cosine similarity'))).toEqual(['vector-search']);
        expect(ids(await store.search('save_document'))).toEqual(['py-store']);
        expect(ids(await store.search('document'))).toContain('py-store');
      });

      it('indexes the title and metadata.source too', async () => {
        await seed();
        expect((await store.search('pipeline'))[0].id).toBe('kb-ingest');
        expect(ids(await store.search('libs/momo-vector-store/src/exact.ts'))[0]).toBe('vector-search');
        expect(ids(await store.search('python'))).toEqual(['py-store']);
      });

      it('returns the whole stored document with each hit, best first', async () => {
        await seed();
        const hits = await store.search('search vectors', { limit: 10 });
        expect(hits[0]).toEqual({ id: 'vector-search', score: hits[0].score, document: SAMPLE_DOCUMENTS[1] });
        for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);
      });

      it('breaks score ties by id', async () => {
        await store.saveMany(['c', 'a', 'b'].map((id) => ({ id, content: 'same words here' })));
        expect(ids(await store.search('words'))).toEqual(['a', 'b', 'c']);
        expect(ids(await store.search('words', { limit: 2 }))).toEqual(['a', 'b']);
      });

      it('applies limit and threshold', async () => {
        await seed();
        const all = await store.search('momo kb search', { limit: 100 });
        expect(all.length).toBeGreaterThan(2);
        expect(await store.search('momo kb search', { limit: 2 })).toEqual(all.slice(0, 2));
        const cut = all[1].score;
        expect(ids(await store.search('momo kb search', { threshold: cut, limit: 100 }))).toEqual(ids(all.filter((h) => h.score >= cut)));
        expect(await store.search('momo', { limit: 0 })).toEqual([]);
      });

      it('returns nothing for empty, stopword-only or unknown queries', async () => {
        await seed();
        expect(await store.search('')).toEqual([]);
        expect(await store.search('the of and')).toEqual([]);
        expect(await store.search('zzzunknownzzz')).toEqual([]);
      });

      it('rejects bad options with DOCUMENT_SEARCH_OPTIONS_INVALID', async () => {
        await expectMomoCode(store.search('x', { limit: -1 }), 'DOCUMENT_SEARCH_OPTIONS_INVALID');
        await expectMomoCode(store.search('x', { limit: 1.5 }), 'DOCUMENT_SEARCH_OPTIONS_INVALID');
        await expectMomoCode(store.list({ offset: -2 }), 'DOCUMENT_SEARCH_OPTIONS_INVALID');
      });
    });

    describe('metadata filters', () => {
      const cases: Array<[string, DocumentFilter, string[]]> = [
        ['a top-level field', { category: 'code' }, ['kb-ingest', 'py-store', 'vector-search']],
        ['a nested custom field', { 'custom.difficulty': 'beginner' }, ['getting-started', 'py-store']],
        ['two fields (AND)', { category: 'code', 'custom.difficulty': 'beginner' }, ['py-store']],
        ['a deeper custom path', { 'custom.owner.team': 'kb' }, ['kb-ingest']],
        ['tag membership', { tags: 'typescript' }, ['kb-ingest', 'vector-search']],
        ['an array value as $in', { tags: ['python', 'guide'] }, ['getting-started', 'py-store']],
        ['$in on a scalar field', { 'custom.difficulty': { $in: ['advanced', 'intermediate'] } }, ['kb-ingest', 'vector-search']],
        ['$nin, which also matches missing fields', { 'custom.difficulty': { $nin: ['beginner'] } }, ['kb-ingest', 'notes', 'vector-search']],
        ['$ne, which also matches missing fields', { category: { $ne: 'code' } }, ['getting-started', 'notes']],
        ['$ne on an array field', { tags: { $ne: 'typescript' } }, ['getting-started', 'notes', 'py-store']],
        ['numeric ranges', { 'custom.lines': { $gte: 30, $lt: 100 } }, ['getting-started', 'vector-search']],
        ['$gt on numbers', { 'custom.lines': { $gt: 80 } }, ['kb-ingest']],
        ['string ranges by code point', { source: { $gte: 'libs/', $lt: 'libs/n' } }, ['kb-ingest', 'vector-search']],
        ['mixed types never compare', { 'custom.difficulty': { $gt: 1 } }, []],
        ['booleans', { 'custom.published': false }, ['py-store']],
        ['$exists true (null counts as present)', { 'custom.level': { $exists: true } }, ['py-store']],
        ['$exists false', { 'custom.published': { $exists: false } }, ['kb-ingest', 'notes', 'vector-search']],
        ['null as "null or missing"', { 'custom.level': null }, ['getting-started', 'kb-ingest', 'notes', 'py-store', 'vector-search']],
        ['a path below a scalar', { 'custom.difficulty.x': 'y' }, []],
        ['the id', { id: { $in: ['notes', 'py-store', 'nope'] } }, ['notes', 'py-store']],
        ['the title', { title: 'Vector search' }, ['vector-search']],
        ['$or', { $or: [{ category: 'doc' }, { 'custom.lines': { $lt: 20 } }] }, ['getting-started', 'py-store']],
        ['$and inside $or', { $or: [{ $and: [{ category: 'code' }, { tags: 'vectors' }] }, { id: 'notes' }] }, ['notes', 'vector-search']],
        ['an empty filter', {}, ['getting-started', 'kb-ingest', 'notes', 'py-store', 'vector-search']],
      ];
      for (const [what, filters, expected] of cases) {
        it(`filters by ${what}`, async () => {
          await seed();
          expect(ids(await store.list({ filters }))).toEqual(expected);
          expect(await store.count(filters)).toBe(expected.length);
        });
      }

      it('combines filters with search', async () => {
        await seed();
        expect(ids(await store.search('ingestModule', { filters: { category: 'doc' } }))).toEqual(['getting-started']);
        expect(ids(await store.search('search', { filters: { 'custom.difficulty': 'beginner' } }))).toEqual(['getting-started']);
        expect(await store.search('ingestModule', { filters: { category: 'none' } })).toEqual([]);
      });

      it('keeps filter results right after documents seen by earlier filtered searches change', async () => {
        await seed();
        expect(ids(await store.search('ingestModule', { filters: { category: 'code' } }))).toEqual(['kb-ingest']);
        expect(ids(await store.list({ filters: { tags: { $in: ['kb', 'guide'] } } }))).toEqual(['getting-started', 'kb-ingest']);
        await store.save({ id: 'kb-ingest', content: 'ingestModule moved', metadata: { category: 'doc', tags: ['guide'] } });
        await store.delete('getting-started');
        await store.save({ id: 'new-code', content: 'ingestModule again', metadata: { category: 'code', tags: ['kb'] } });
        expect(ids(await store.search('ingestModule', { filters: { category: 'code' } }))).toEqual(['new-code']);
        expect(ids(await store.search('ingestModule', { filters: { category: 'doc' } }))).toEqual(['kb-ingest']);
        expect(ids(await store.list({ filters: { tags: { $in: ['kb', 'guide'] } } }))).toEqual(['kb-ingest', 'new-code']);
        await store.clear();
        await store.save({ id: 'fresh', content: 'ingestModule', metadata: { category: 'code' } });
        expect(ids(await store.search('ingestModule', { filters: { category: 'code' } }))).toEqual(['fresh']);
      });

      it('fills the limit with filtered hits even when better unfiltered hits exist', async () => {
        const docs: DocumentInput[] = [];
        for (let i = 0; i < 40; i++) {
          docs.push({ id: `strong-${String(i).padStart(2, '0')}`, content: 'needle needle needle', metadata: { category: 'other' } });
        }
        docs.push({ id: 'weak-1', content: 'needle and a lot of other words to make it long and weak', metadata: { category: 'wanted' } });
        docs.push({ id: 'weak-2', content: 'needle with many more other words making it long and weak too', metadata: { category: 'wanted' } });
        await store.saveMany(docs);
        expect(ids(await store.search('needle', { limit: 2, filters: { category: 'wanted' } })).sort()).toEqual(['weak-1', 'weak-2']);
      });

      it('rejects malformed filters with DOCUMENT_FILTER_INVALID', async () => {
        await seed();
        const bad: unknown[] = [
          { author: 'me' },
          { 'custom.': 'x' },
          { 'custom.a"b': 'x' },
          { 'source.x': 'y' },
          { category: { $regex: 'c.*' } },
          { category: { $in: 'code' } },
          { category: { $gt: true } },
          { category: {} },
          { $nor: [] },
          { $or: [] },
          { category: { nested: 1 } },
          { 'custom.n': Number.NaN },
        ];
        for (const filters of bad) {
          await expectMomoCode(store.list({ filters: filters as DocumentFilter }), 'DOCUMENT_FILTER_INVALID');
          await expectMomoCode(store.search('momo', { filters: filters as DocumentFilter }), 'DOCUMENT_FILTER_INVALID');
        }
      });
    });

    describe('list, clear, close', () => {
      it('lists documents sorted by id with offset and limit', async () => {
        await seed();
        expect(ids(await store.list())).toEqual(['getting-started', 'kb-ingest', 'notes', 'py-store', 'vector-search']);
        expect(ids(await store.list({ offset: 1, limit: 2 }))).toEqual(['kb-ingest', 'notes']);
        expect(ids(await store.list({ offset: 10 }))).toEqual([]);
        expect((await store.list({ limit: 1 }))[0]).toEqual(SAMPLE_DOCUMENTS[2]);
      });

      it('orders ids by code point (UTF-8 byte order), not by UTF-16 unit', async () => {
        // JavaScript's default sort puts '😀' (surrogates D83D DE00) before '\uFFFD'; code point order does not.
        await store.saveMany(['😀', '\uFFFD', 'é', 'a', 'Z'].map((id) => ({ id, content: 'same words' })));
        expect(ids(await store.list())).toEqual(['Z', 'a', 'é', '\uFFFD', '😀']);
        expect(ids(await store.search('words'))).toEqual(['Z', 'a', 'é', '\uFFFD', '😀']);
      });

      it('filters on strings with quotes, escapes and non-ASCII text', async () => {
        const odd = ['say "hi"', 'back\\slash', 'tab\there', 'ünïcødé 😀', 'line\u2028sep'];
        await store.saveMany(odd.map((v, i) => ({ id: `o${i}`, content: 'x', metadata: { custom: { v }, tags: [v] } })));
        for (const [i, v] of odd.entries()) {
          expect(ids(await store.list({ filters: { 'custom.v': v } })), v).toEqual([`o${i}`]);
          expect(ids(await store.list({ filters: { tags: v } })), v).toEqual([`o${i}`]);
        }
        expect(await store.count({ 'custom.v': { $gt: 'tab' } })).toBe(2);
      });

      it('clears every document', async () => {
        await seed();
        await store.clear();
        expect(await store.count()).toBe(0);
        expect(await store.search('momo')).toEqual([]);
        await store.save({ id: 'after', content: 'momo again' });
        expect(ids(await store.search('momo'))).toEqual(['after']);
      });

      it('refuses work after close with DOCUMENT_STORE_CLOSED', async () => {
        const s = await factory(tmp);
        await s.close();
        await expectMomoCode(s.get('x'), 'DOCUMENT_STORE_CLOSED');
        await expectMomoCode(s.search('x'), 'DOCUMENT_STORE_CLOSED');
      });
    });

    describe('export', () => {
      it('exports byte-identical JSONL whatever the insertion order, and imports it back', async () => {
        await seed();
        const other = await factory(tmpRepo({ prefix: 'momo-docs-b-' }));
        await other.saveMany([...SAMPLE_DOCUMENTS].reverse());
        const a = await exportDocuments({ store, dir: join(tmp.root, 'a'), pageSize: 2 });
        const b = await exportDocuments({ store: other, dir: join(tmp.root, 'b') });
        await other.close();
        expect(a).toEqual(b);
        expect(a.count).toBe(5);
        for (const f of a.files) expect(readFileSync(join(tmp.root, 'a', f)).equals(readFileSync(join(tmp.root, 'b', f))), f).toBe(true);
        const lines = readFileSync(join(tmp.root, 'a', 'documents.jsonl'), 'utf8').trimEnd().split('\n');
        expect(lines.map((l) => JSON.parse(l).id)).toEqual(['getting-started', 'kb-ingest', 'notes', 'py-store', 'vector-search']);

        await store.clear();
        expect(await importDocuments({ store, dir: join(tmp.root, 'a') })).toEqual({ count: 5, created: 5, replaced: 0 });
        const expected = SAMPLE_DOCUMENTS.map((d) => ({ ...d, metadata: d.metadata ?? {} })).sort((x, y) => (x.id! < y.id! ? -1 : 1));
        expect(await store.list()).toEqual(expected);
      });

      it('round-trips through export and import unchanged', async () => {
        await seed();
        await exportDocuments({ store, dir: join(tmp.root, 'x') });
        const before = await store.list();
        await store.clear();
        await importDocuments({ store, dir: join(tmp.root, 'x') });
        expect(await store.list()).toEqual(before);
      });

      it('refuses a tampered export and saves nothing', async () => {
        await seed();
        const dir = join(tmp.root, 'x');
        await exportDocuments({ store, dir });
        const path = join(dir, 'documents.jsonl');
        writeFileSync(path, readFileSync(path, 'utf8').replace('Getting started', 'Getting ruined'));
        await store.clear();
        await expectMomoCode(importDocuments({ store, dir }), 'DOCUMENT_EXPORT_INVALID');
        await expectMomoCode(importDocuments({ store, dir: join(tmp.root, 'nope') }), 'DOCUMENT_EXPORT_INVALID');
        expect(await store.count()).toBe(0);
      });
    });

    describe('agreement with the reference driver', () => {
      it('gives the same results as the memory driver on random documents, filters and queries', async () => {
        const rand = prng(7);
        const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
        const words = ['vector', 'graph', 'getUserName', 'save_document', 'index', 'search', 'momo', 'duckdb', 'chunk', 'embed', 'parse', 'libs/momo-kb/src'];
        const docs: DocumentInput[] = [];
        for (let i = 0; i < 300; i++) {
          const n = 3 + Math.floor(rand() * 30);
          const text = Array.from({ length: n }, () => pick(words)).join(' ');
          const custom: Record<string, string | number | boolean | null | string[]> = { n: Math.floor(rand() * 100) };
          if (rand() < 0.7) custom.difficulty = pick(['beginner', 'intermediate', 'advanced']);
          if (rand() < 0.3) custom.flag = rand() < 0.5;
          if (rand() < 0.1) custom.flag = null;
          if (rand() < 0.3) custom.list = [pick(['x', 'y']), pick(['y', 'z'])];
          docs.push({
            id: `doc-${String(i).padStart(3, '0')}`,
            title: rand() < 0.5 ? pick(words) : undefined,
            content: text,
            metadata: { source: `src/${pick(['a', 'b', 'c'])}/${i}.ts`, category: pick(['code', 'doc']), tags: rand() < 0.5 ? [pick(['ts', 'py'])] : undefined, custom },
          });
        }
        const reference = createMemoryDocumentStore();
        await reference.saveMany(docs);
        await store.saveMany(docs);
        for (let i = 0; i < 30; i++) await Promise.all([reference.delete(`doc-${String(i * 7).padStart(3, '0')}`), store.delete(`doc-${String(i * 7).padStart(3, '0')}`)]);
        const filters: DocumentFilter[] = [
          {},
          { category: 'code' },
          { 'custom.difficulty': 'beginner' },
          { 'custom.n': { $gte: 50 } },
          { 'custom.flag': true },
          { 'custom.flag': null },
          { 'custom.flag': { $exists: true } },
          { 'custom.list': 'y' },
          { 'custom.list': { $nin: ['x'] } },
          { tags: { $in: ['py'] }, category: { $ne: 'doc' } },
          { source: { $lt: 'src/b' } },
          { $or: [{ 'custom.n': { $lt: 10 } }, { 'custom.difficulty': 'advanced' }] },
        ];
        for (const f of filters) {
          expect(ids(await store.list({ filters: f })), JSON.stringify(f)).toEqual(ids(await reference.list({ filters: f })));
          for (const q of ['vector graph', 'getUserName', 'user', 'momo kb', 'save document index']) {
            const want = await reference.search(q, { filters: f, limit: 15 });
            const got = await store.search(q, { filters: f, limit: 15 });
            expect(got.map((h) => h.id), `${q} ${JSON.stringify(f)}`).toEqual(want.map((h) => h.id));
            got.forEach((h, k) => expect(h.score).toBeCloseTo(want[k].score, 9));
          }
        }
        await reference.close();
      });
    });

    additionalTests?.(ctx);
  });
}
