import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VectorMetric, VectorRecord, VectorStore } from '@momo/vector-store';
import { createExactVectorStore } from '@momo/vector-store';
import { tmpRepo, type TmpRepo } from '../tmp-repo.js';
import { expectMomoCode } from './expect-code.js';

/** Builds a fresh, empty store of the given shape for one test. */
export type VectorStoreFactory = (options: { dimension: number; metric: VectorMetric }) => VectorStore | Promise<VectorStore>;

/** What `additionalTests` can reach. */
export interface VectorStoreTestContext {
  /** A fresh cosine store of dimension 8 for the current test. */
  readonly store: VectorStore;
  readonly factory: VectorStoreFactory;
  readonly tmp: TmpRepo;
}

/** Seeded PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
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
 * `count` vectors of `dimension` around `clusters` random centres (Gaussian noise), the shape real
 * embeddings have. Ids are `v000123`-style, zero-padded to sort numerically.
 */
export function clusteredVectors(options: { count: number; dimension: number; clusters?: number; noise?: number; seed?: number }): VectorRecord[] {
  const rand = seededRandom(options.seed ?? 1);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const k = options.clusters ?? 16;
  const centres = Array.from({ length: k }, () => Array.from({ length: options.dimension }, gauss));
  const width = String(options.count).length + 1;
  return Array.from({ length: options.count }, (_, i) => {
    const c = centres[Math.floor(rand() * k)];
    return { id: `v${String(i).padStart(width, '0')}`, vector: Float32Array.from(c, (x) => x + (options.noise ?? 0.6) * gauss()) };
  });
}

/** Reference nearest neighbours computed here, independently of any driver (float64, exact). */
export function bruteForce(records: VectorRecord[], query: ArrayLike<number>, metric: VectorMetric, k: number): Array<{ id: string; score: number }> {
  const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));
  const qn = metric === 'cosine' ? norm(query) : 1;
  return records
    .map((r) => {
      let s = 0;
      for (let i = 0; i < query.length; i++) s += r.vector[i] * query[i];
      return { id: r.id, score: metric === 'cosine' ? s / (qn * norm(r.vector)) : s };
    })
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .slice(0, k);
}

const ids = (xs: Array<{ id: string }>) => xs.map((x) => x.id);

/**
 * The conformance suite every vector store driver runs. Approximate drivers must match exact results
 * on small collections when given a wide `ef`, and reach recall@10 >= 0.95 at their defaults.
 *
 * @param name driver name shown in the test report
 * @param factory builds a fresh empty store of a given dimension and metric
 * @param additionalTests driver-specific tests, run inside the same describe block
 */
export function testVectorStore(name: string, factory: VectorStoreFactory, additionalTests?: (ctx: VectorStoreTestContext) => void): void {
  describe(`vector store conformance: ${name}`, () => {
    let store: VectorStore;
    let tmp: TmpRepo;
    const opened: VectorStore[] = [];
    const make = async (dimension: number, metric: VectorMetric = 'cosine') => {
      const s = await factory({ dimension, metric });
      opened.push(s);
      return s;
    };
    const ctx: VectorStoreTestContext = {
      get store() {
        return store;
      },
      factory,
      get tmp() {
        return tmp;
      },
    };

    beforeEach(async () => {
      tmp = tmpRepo({ prefix: 'momo-vectors-' });
      store = await make(8);
    });
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
      tmp.cleanup();
    });

    describe('add, get, delete', () => {
      it('describes itself', async () => {
        const s = await make(3, 'dot');
        expect(s.info.dimension).toBe(3);
        expect(s.info.metric).toBe('dot');
        expect(typeof s.info.driver).toBe('string');
        expect(typeof s.info.approximate).toBe('boolean');
      });

      it('stores unit-length copies under cosine and raw vectors under dot', async () => {
        const cos = await make(2, 'cosine');
        const dot = await make(2, 'dot');
        await cos.add({ id: 'a', vector: [3, 4] });
        await dot.add({ id: 'a', vector: new Float32Array([3, 4]) });
        expect(Array.from((await cos.get('a'))!.vector)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
        expect(Array.from((await dot.get('a'))!.vector)).toEqual([3, 4]);
        const copy = (await dot.get('a'))!.vector;
        copy[0] = 99;
        expect((await dot.get('a'))!.vector[0]).toBe(3);
        expect(await dot.get('missing')).toBeUndefined();
      });

      it('counts added and replaced vectors, and a replacement changes search results', async () => {
        const s = await make(2, 'dot');
        expect(await s.add([{ id: 'a', vector: [1, 0] }, { id: 'b', vector: [0, 1] }])).toEqual({ added: 2, replaced: 0 });
        expect(ids(await s.search([1, 0], { limit: 1 }))).toEqual(['a']);
        expect(await s.add({ id: 'a', vector: [-1, 0] })).toEqual({ added: 0, replaced: 1 });
        expect(await s.count()).toBe(2);
        expect(await s.search([1, 0], { limit: 2 })).toEqual([
          { id: 'b', score: 0 },
          { id: 'a', score: -1 },
        ]);
      });

      it('deletes vectors and lists ids sorted', async () => {
        await store.add(clusteredVectors({ count: 20, dimension: 8 }).reverse());
        expect(await store.delete('v005')).toBe(true);
        expect(await store.delete('v005')).toBe(false);
        expect(await store.has('v005')).toBe(false);
        expect(await store.has('v006')).toBe(true);
        expect(await store.count()).toBe(19);
        const list = await store.ids();
        expect(list).toHaveLength(19);
        expect(list).toEqual([...list].sort());
        const hits = await store.search((await store.get('v004'))!.vector, { limit: 19 });
        expect(ids(hits)).not.toContain('v005');
        expect(hits).toHaveLength(19);
      });

      it('rejects bad vectors with VECTOR_INVALID and adds none of the batch', async () => {
        await expectMomoCode(store.add({ id: 'short', vector: [1, 2, 3] }), 'VECTOR_INVALID');
        await expectMomoCode(store.add({ id: 'nan', vector: [1, 0, 0, 0, 0, 0, 0, Number.NaN] }), 'VECTOR_INVALID');
        await expectMomoCode(store.add({ id: 'zero', vector: new Float32Array(8) }), 'VECTOR_INVALID');
        await expectMomoCode(store.add({ id: '', vector: new Float32Array(8).fill(1) }), 'VECTOR_INVALID');
        await expectMomoCode(store.add([{ id: 'ok', vector: new Float32Array(8).fill(1) }, { id: 'bad', vector: [1] }]), 'VECTOR_INVALID');
        expect(await store.count()).toBe(0);
        const dot = await make(2, 'dot');
        await dot.add({ id: 'zero-ok-under-dot', vector: [0, 0] });
        expect(await dot.count()).toBe(1);
      });

      it('rejects bad factory options with VECTOR_STORE_OPTIONS_INVALID', async () => {
        await expectMomoCode((async () => factory({ dimension: 0, metric: 'cosine' }))(), 'VECTOR_STORE_OPTIONS_INVALID');
        await expectMomoCode((async () => factory({ dimension: 4, metric: 'l2' as VectorMetric }))(), 'VECTOR_STORE_OPTIONS_INVALID');
      });
    });

    describe('search', () => {
      it('ranks by cosine or by dot product', async () => {
        const cos = await make(2, 'cosine');
        const dot = await make(2, 'dot');
        const records = [
          { id: 'long', vector: [10, 0] },
          { id: 'diagonal', vector: [1, 1] },
        ];
        await cos.add(records);
        await dot.add(records);
        const c = await cos.search([1, 1]);
        expect(ids(c)).toEqual(['diagonal', 'long']);
        expect(c[0].score).toBeCloseTo(1, 6);
        expect(c[1].score).toBeCloseTo(Math.SQRT1_2, 6);
        const d = await dot.search([1, 1]);
        expect(d).toEqual([
          { id: 'long', score: 10 },
          { id: 'diagonal', score: 2 },
        ]);
      });

      it('matches an independent brute force on random data (cosine and dot)', async () => {
        for (const metric of ['cosine', 'dot'] as const) {
          const records = clusteredVectors({ count: 300, dimension: 16, seed: metric === 'dot' ? 2 : 3 });
          const s = await make(16, metric);
          await s.add(records);
          const queries = clusteredVectors({ count: 20, dimension: 16, seed: 99 });
          for (const q of queries) {
            const want = bruteForce(records, q.vector, metric, 10);
            const got = await s.search(q.vector, { limit: 10, ef: 400 });
            expect(ids(got), `${metric} ${q.id}`).toEqual(ids(want));
            got.forEach((h, i) => expect(h.score).toBeCloseTo(want[i].score, 4));
          }
        }
      });

      it('reaches recall@10 >= 0.95 at its default settings on clustered data', async () => {
        const records = clusteredVectors({ count: 3000, dimension: 32, clusters: 24, seed: 5 });
        const s = await make(32, 'cosine');
        await s.add(records);
        const queries = clusteredVectors({ count: 50, dimension: 32, clusters: 24, seed: 5 }).map((q, i) => ({
          ...q,
          vector: q.vector.map((x, j) => x + 0.3 * Math.sin(i * 31 + j)),
        }));
        let found = 0;
        for (const q of queries) {
          const want = new Set(ids(bruteForce(records, q.vector, 'cosine', 10)));
          for (const h of await s.search(q.vector, { limit: 10 })) if (want.has(h.id)) found++;
        }
        expect(found / (queries.length * 10)).toBeGreaterThanOrEqual(0.95);
      });

      it('breaks score ties by id', async () => {
        const s = await make(2, 'dot');
        await s.add(['c', 'a', 'd', 'b'].map((id) => ({ id, vector: [1, 1] })));
        expect(ids(await s.search([1, 0], { limit: 3 }))).toEqual(['a', 'b', 'c']);
      });

      it('applies limit, threshold and filter', async () => {
        const records = clusteredVectors({ count: 100, dimension: 8, seed: 4 });
        await store.add(records);
        const q = records[0].vector;
        const all = await store.search(q, { limit: 100, ef: 200 });
        expect(all).toHaveLength(100);
        expect(await store.search(q, { limit: 5, ef: 200 })).toEqual(all.slice(0, 5));
        const cut = all[20].score;
        expect(await store.search(q, { limit: 100, threshold: cut, ef: 200 })).toEqual(all.filter((h) => h.score >= cut));
        const even = (id: string) => Number(id.slice(1)) % 2 === 0;
        expect(await store.search(q, { limit: 10, filter: even, ef: 200 })).toEqual(all.filter((h) => even(h.id)).slice(0, 10));
        expect(await store.search(q, { limit: 10, filter: () => false })).toEqual([]);
        expect(await store.search(q, { limit: 0 })).toEqual([]);
      });

      it('restricts hits to the given ids, ignoring unknown ones, and combines them with filter', async () => {
        const records = clusteredVectors({ count: 300, dimension: 8, seed: 12 });
        await store.add(records);
        const q = records[5].vector;
        const allowed = records.filter((_, i) => i % 3 === 0).map((r) => r.id);
        const want = bruteForce(records.filter((r) => allowed.includes(r.id)), q, 'cosine', 10);
        expect(ids(await store.search(q, { limit: 10, ids: new Set([...allowed, 'not-there']) }))).toEqual(ids(want));
        expect(ids(await store.search(q, { limit: 10, ids: allowed }))).toEqual(ids(want));
        const even = (id: string) => Number(id.slice(1)) % 2 === 0;
        const both = bruteForce(records.filter((r) => allowed.includes(r.id) && even(r.id)), q, 'cosine', 5);
        expect(ids(await store.search(q, { limit: 5, ids: allowed, filter: even }))).toEqual(ids(both));
        expect(await store.search(q, { ids: [] })).toEqual([]);
        await expectMomoCode(store.search(q, { ids: 'v001' as never }), 'VECTOR_SEARCH_OPTIONS_INVALID');
      });

      it('fills the limit under a selective filter', async () => {
        const records = clusteredVectors({ count: 3000, dimension: 8, seed: 8 });
        await store.add(records);
        const allowed = new Set(records.filter((_, i) => i % 97 === 0).map((r) => r.id));
        const q = records[1].vector;
        const got = await store.search(q, { limit: 10, filter: (id) => allowed.has(id) });
        const want = bruteForce(records.filter((r) => allowed.has(r.id)), q, 'cosine', 10);
        expect(ids(got)).toEqual(ids(want));
      });

      it('returns nothing from an empty store', async () => {
        expect(await store.search(new Float32Array(8).fill(1))).toEqual([]);
      });

      it('rejects bad queries and options', async () => {
        await store.add({ id: 'a', vector: new Float32Array(8).fill(1) });
        await expectMomoCode(store.search([1, 2]), 'VECTOR_INVALID');
        await expectMomoCode(store.search(new Float32Array(8).fill(1), { limit: -1 }), 'VECTOR_SEARCH_OPTIONS_INVALID');
        await expectMomoCode(store.search(new Float32Array(8).fill(1), { threshold: Number.NaN }), 'VECTOR_SEARCH_OPTIONS_INVALID');
        await expectMomoCode(store.search(new Float32Array(8).fill(1), { ef: 0 }), 'VECTOR_SEARCH_OPTIONS_INVALID');
      });
    });

    describe('persistence', () => {
      it('saves and loads into a fresh store with the same answers', async () => {
        const records = clusteredVectors({ count: 500, dimension: 8, seed: 6 });
        await store.add(records);
        await store.delete('v0007');
        const dir = join(tmp.root, 'vectors');
        const result = await store.save(dir);
        expect(result.count).toBe(499);
        expect(result.files).toContain('manifest.json');
        expect(result.files).toContain('vectors.f32');
        expect(result.files).toContain('ids.json');
        expect(readFileSync(join(dir, 'vectors.f32')).length).toBe(499 * 8 * 4);
        const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
        expect(manifest).toMatchObject({ format: 'momo-vectors', version: 1, dimension: 8, metric: 'cosine', count: 499, dtype: 'float32-le' });

        const fresh = await make(8);
        await fresh.load(dir);
        expect(await fresh.ids()).toEqual(await store.ids());
        expect(await fresh.get('v0003')).toEqual(await store.get('v0003'));
        for (const q of records.slice(0, 10)) expect(await fresh.search(q.vector, { limit: 10 })).toEqual(await store.search(q.vector, { limit: 10 }));
      });

      it('writes byte-identical files for the same vectors added in another order', async () => {
        const records = clusteredVectors({ count: 400, dimension: 8, seed: 7 });
        const other = await make(8);
        await store.add(records);
        await other.add([...records].reverse());
        const a = await store.save(join(tmp.root, 'a'));
        const b = await other.save(join(tmp.root, 'b'));
        expect(a).toEqual(b);
        for (const f of a.files) expect(readFileSync(join(tmp.root, 'a', f)).equals(readFileSync(join(tmp.root, 'b', f))), f).toBe(true);
        const savedIds = JSON.parse(readFileSync(join(tmp.root, 'a', 'ids.json'), 'utf8'));
        expect(savedIds).toEqual(records.map((r) => r.id));
      });

      it('stores rows as little-endian float32 in ids.json order', async () => {
        const s = await make(2, 'dot');
        await s.add([{ id: 'b', vector: [1.5, -2] }, { id: 'a', vector: [0.25, 8] }]);
        const dir = join(tmp.root, 'raw');
        await s.save(dir);
        const bytes = readFileSync(join(dir, 'vectors.f32'));
        const rows = [0, 1, 2, 3].map((i) => bytes.readFloatLE(i * 4));
        const order = JSON.parse(readFileSync(join(dir, 'ids.json'), 'utf8')) as string[];
        expect(order).toEqual(['a', 'b']);
        expect(rows).toEqual([0.25, 8, 1.5, -2]);
      });

      it('loads vectors saved by the exact driver (the portable format)', async () => {
        const records = clusteredVectors({ count: 200, dimension: 8, seed: 9 });
        const exact = createExactVectorStore({ dimension: 8 });
        await exact.add(records);
        await exact.save(join(tmp.root, 'exact'));
        await store.load(join(tmp.root, 'exact'));
        expect(await store.count()).toBe(200);
        expect(ids(await store.search(records[3].vector, { limit: 5, ef: 200 }))).toEqual(ids(await exact.search(records[3].vector, { limit: 5 })));
        await exact.close();
      });

      it('refuses a tampered, mismatched or missing directory and keeps its contents', async () => {
        await store.add(clusteredVectors({ count: 50, dimension: 8, seed: 10 }));
        const dir = join(tmp.root, 'v');
        await store.save(dir);
        const other = await make(8);
        await other.add({ id: 'keep', vector: new Float32Array(8).fill(1) });
        const f32 = join(dir, 'vectors.f32');
        const bytes = readFileSync(f32);
        bytes[10] ^= 0xff;
        writeFileSync(f32, bytes);
        await expectMomoCode(other.load(dir), 'VECTOR_INDEX_INVALID');
        await expectMomoCode(other.load(join(tmp.root, 'nowhere')), 'VECTOR_INDEX_INVALID');
        const wide = await make(16);
        await wide.add({ id: 'w', vector: new Float32Array(16).fill(1) });
        await wide.save(join(tmp.root, 'wide'));
        await expectMomoCode(other.load(join(tmp.root, 'wide')), 'VECTOR_INDEX_INVALID');
        expect(await other.ids()).toEqual(['keep']);
      });

      it('clear empties the store and a closed store refuses work', async () => {
        await store.add(clusteredVectors({ count: 10, dimension: 8 }));
        await store.clear();
        expect(await store.count()).toBe(0);
        const s = await factory({ dimension: 2, metric: 'dot' });
        await s.close();
        await expectMomoCode(s.add({ id: 'x', vector: [1, 1] }), 'VECTOR_STORE_CLOSED');
        await expectMomoCode(s.search([1, 1]), 'VECTOR_STORE_CLOSED');
      });
    });

    additionalTests?.(ctx);
  });
}
