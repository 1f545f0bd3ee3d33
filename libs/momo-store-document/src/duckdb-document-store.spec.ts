import { describe, it, expect } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { isMomoError } from '@momo/errors';
import { testDocumentStore, SAMPLE_DOCUMENTS } from '@momo/testing';
import { createDuckDbDocumentStore } from './index.js';

let n = 0;
testDocumentStore('duckdb', (tmp) => createDuckDbDocumentStore({ path: join(tmp.root, `docs-${n++}.duckdb`) }), (ctx) => {
  describe('duckdb driver', () => {
    it('keeps documents and search results across close and reopen', async () => {
      const path = join(ctx.tmp.root, 'kb', 'documents.duckdb');
      const first = await createDuckDbDocumentStore({ path });
      await first.saveMany(SAMPLE_DOCUMENTS);
      const before = await first.search('ingestModule', { filters: { category: 'code' } });
      await first.close();

      const second = await createDuckDbDocumentStore({ path });
      expect(second.capabilities.persistent).toBe(true);
      expect(await second.count()).toBe(5);
      expect(await second.search('ingestModule', { filters: { category: 'code' } })).toEqual(before);
      await second.save({ id: 'late', content: 'ingestModule ingestModule ingestModule' });
      expect((await second.search('ingestModule'))[0].id).toBe('late');
      await second.close();
    });

    it('stores plain SQL-queryable rows', async () => {
      const path = join(ctx.tmp.root, 'sql.duckdb');
      const store = await createDuckDbDocumentStore({ path });
      await store.saveMany(SAMPLE_DOCUMENTS);
      await store.close();
      const db = await DuckDBInstance.create(path);
      const conn = await db.connect();
      const rows = (
        await conn.runAndReadAll(
          `SELECT id FROM momo_documents WHERE json_extract_string(metadata, '$.custom.difficulty') = 'beginner' ORDER BY id`,
        )
      ).getRows();
      expect(rows.map((r) => r[0])).toEqual(['getting-started', 'py-store']);
      conn.closeSync();
      db.closeSync();
    });

    it('serialises concurrent writes on one connection', async () => {
      const docs = Array.from({ length: 40 }, (_, i) => ({ id: `c${i}`, content: `concurrent write number ${i}` }));
      await Promise.all(docs.map((d) => ctx.store.save(d)));
      expect(await ctx.store.count()).toBe(40);
      expect((await ctx.store.search('concurrent', { limit: 100 })).length).toBe(40);
    });

    it('refuses a file that is not a DuckDB database', async () => {
      const path = join(ctx.tmp.root, 'not-a-db.duckdb');
      writeFileSync(path, 'hello, I am text');
      const err = await createDuckDbDocumentStore({ path }).catch((e: unknown) => e);
      expect(isMomoError(err, 'DOCUMENT_STORE_OPEN_FAILED')).toBe(true);
      expect((err as Error).message).toContain('not-a-db.duckdb');
    });

    it('refuses a database written with another schema version', async () => {
      const path = join(ctx.tmp.root, 'old.duckdb');
      const db = await DuckDBInstance.create(path);
      const conn = await db.connect();
      await conn.run(`CREATE TABLE momo_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`);
      await conn.run(`INSERT INTO momo_meta VALUES ('schema_version', '0')`);
      conn.closeSync();
      db.closeSync();
      const err = await createDuckDbDocumentStore({ path }).catch((e: unknown) => e);
      expect(isMomoError(err, 'DOCUMENT_STORE_OPEN_FAILED')).toBe(true);
      expect((err as Error).message).toContain('schema version 0');
    });

    it('works on an in-memory database', async () => {
      const store = await createDuckDbDocumentStore({ path: ':memory:' });
      expect(store.capabilities.persistent).toBe(false);
      await store.saveMany(SAMPLE_DOCUMENTS);
      expect((await store.search('cosine'))[0].id).toBe('vector-search');
      await store.close();
    });
  });
});

testDocumentStore('duckdb without the document cache', (tmp) =>
  createDuckDbDocumentStore({ path: join(tmp.root, `nocache-${n++}.duckdb`), cacheDocuments: false }),
);
