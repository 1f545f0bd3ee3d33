import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testVectorStore, clusteredVectors, bruteForce } from '@momo/testing';
import { isMomoError } from '@momo/errors';
import { createHnswVectorStore, loadVectorStore } from './index.js';

testVectorStore('hnsw', (options) => createHnswVectorStore(options), (ctx) => {
  describe('hnsw driver', () => {
    it('walks the graph under a filter too wide for the exact fallback and still finds the filtered neighbours', async () => {
      const records = clusteredVectors({ count: 2000, dimension: 16, seed: 21 });
      const store = createHnswVectorStore({ dimension: 16, exactFilterThreshold: 0 });
      await store.add(records);
      const allowed = new Set(records.filter((_, i) => i % 5 === 0).map((r) => r.id));
      let found = 0;
      for (const q of records.slice(1, 31)) {
        const want = new Set(bruteForce(records.filter((r) => allowed.has(r.id)), q.vector, 'cosine', 10).map((h) => h.id));
        const got = await store.search(q.vector, { limit: 10, filter: (id) => allowed.has(id) });
        expect(got).toHaveLength(10);
        for (const h of got) {
          expect(allowed.has(h.id)).toBe(true);
          if (want.has(h.id)) found++;
        }
      }
      expect(found / 300).toBeGreaterThanOrEqual(0.95);
      await store.close();
    });

    it('reuses the saved graph when parameters match and rebuilds it when they differ', async () => {
      const records = clusteredVectors({ count: 300, dimension: 8, seed: 22 });
      await ctx.store.add(records);
      const dir = join(ctx.tmp.root, 'h');
      await ctx.store.save(dir);
      const graphBytes = readFileSync(join(dir, 'hnsw.graph'));
      const same = await loadVectorStore({ dir });
      expect(same.info.driver).toBe('hnsw');
      await same.save(join(ctx.tmp.root, 'h2'));
      expect(readFileSync(join(ctx.tmp.root, 'h2', 'hnsw.graph')).equals(graphBytes)).toBe(true);
      const other = createHnswVectorStore({ dimension: 8, M: 8 });
      await other.load(dir);
      expect(await other.count()).toBe(300);
      expect((await other.search(records[0].vector, { limit: 1 }))[0].id).toBe(records[0].id);
      await same.close();
      await other.close();
    });

    it('refuses a graph file whose links point outside the matrix', async () => {
      await ctx.store.add(clusteredVectors({ count: 50, dimension: 8, seed: 23 }));
      const dir = join(ctx.tmp.root, 'bad');
      await ctx.store.save(dir);
      // Rewrite one layer-0 link to an out-of-range slot and fix the manifest checksum, so only the
      // structural check can catch it.
      const { createHash } = await import('node:crypto');
      const { writeFileSync } = await import('node:fs');
      const path = join(dir, 'hnsw.graph');
      const bytes = readFileSync(path);
      const layer0 = 8 + 6 * 4 + 50 * 4;
      bytes.writeInt32LE(9999, layer0 + 4);
      writeFileSync(path, bytes);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      manifest.files['hnsw.graph'].sha256 = createHash('sha256').update(bytes).digest('hex');
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
      const err = await createHnswVectorStore({ dimension: 8 })
        .load(dir)
        .catch((e: unknown) => e);
      expect(isMomoError(err, 'VECTOR_INDEX_INVALID')).toBe(true);
      expect((err as Error).message).toContain('out of range');
    });

    it('rejects bad index parameters', () => {
      expect(() => createHnswVectorStore({ dimension: 8, M: 1 })).toThrow(/M is 1/);
      expect(() => createHnswVectorStore({ dimension: 8, efSearch: 0 })).toThrow(/efSearch/);
    });
  });
});
