import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testGraphStore, SAMPLE_GRAPH } from '@momo/testing';
import { createMemoryGraphStore } from './index.js';

testGraphStore('memory', () => createMemoryGraphStore(), (ctx) => {
  describe('memory driver', () => {
    it('starts from a saved directory with loadFrom', async () => {
      await ctx.store.addNodes(SAMPLE_GRAPH.nodes);
      await ctx.store.addEdges(SAMPLE_GRAPH.edges);
      const dir = join(ctx.tmp.root, 'g');
      await ctx.store.save(dir);
      const loaded = createMemoryGraphStore({ loadFrom: dir });
      expect((await loaded.stats()).edges).toBe(10);
    });

    it('writes one record per line with canonical key order', async () => {
      await ctx.store.addNodes([{ id: 'b', kind: 'file', properties: { z: 1, a: [true, null] } }, { id: 'a', kind: 'module', label: 'A' }]);
      await ctx.store.addEdges({ from: 'a', to: 'b', kind: 'contains' });
      const dir = join(ctx.tmp.root, 'g');
      await ctx.store.save(dir);
      expect(readFileSync(join(dir, 'graph.json'), 'utf8')).toBe(
        [
          '{"format":"momo-graph","version":1,"nodes":[',
          '{"id":"a","kind":"module","label":"A"},',
          '{"id":"b","kind":"file","properties":{"a":[true,null],"z":1}}',
          '],"edges":[',
          '{"from":"a","kind":"contains","to":"b"}',
          ']}',
          '',
        ].join('\n'),
      );
    });
  });
});
