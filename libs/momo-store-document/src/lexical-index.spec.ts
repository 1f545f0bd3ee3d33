import { describe, it, expect } from 'vitest';
import { LexicalIndex, bm25Idf, bm25Term } from './lexical-index.js';

function corpus(count: number, seed: number): Array<[string, string[]]> {
  let s = seed;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  const words = Array.from({ length: 40 }, (_, i) => `w${i}`);
  return Array.from({ length: count }, (_, i) => {
    const n = 5 + Math.floor(rand() * 40);
    // Skewed word choice so some postings are long and some short.
    return [`d${String(i).padStart(5, '0')}`, Array.from({ length: n }, () => words[Math.floor(words.length * rand() ** 2)])];
  });
}

describe('LexicalIndex', () => {
  it('scores with bm25Term in sorted term order', () => {
    const index = new LexicalIndex();
    index.add('a', ['x', 'y', 'x']);
    index.add('b', ['y', 'z']);
    const hits = index.search(['y', 'x'], { limit: 10, threshold: 0 });
    const avg = 2.5;
    const want = bm25Term(bm25Idf(2, 1), 2, 3, avg) + bm25Term(bm25Idf(2, 2), 1, 3, avg);
    expect(index.idAt(hits[0].ordinal)).toBe('a');
    expect(hits[0].score).toBe(0 + want);
  });

  it('gives bit-identical results when a small allowed set is scored directly instead of through postings', () => {
    const index = new LexicalIndex();
    for (const [id, tokens] of corpus(3000, 9)) index.add(id, tokens);
    for (let i = 0; i < 200; i += 3) index.remove(`d${String(i).padStart(5, '0')}`);
    index.add('d00003', ['w0', 'w1', 'w1']);
    const only = new Set(['d00003', 'd00010', 'd00011', 'd00042', 'd01234', 'd02999', 'd00000', 'missing']);
    for (const query of [['w0'], ['w1', 'w0', 'w7'], ['w39', 'w2'], ['nothing']]) {
      const direct = index.search(query, { limit: 5, threshold: 0, only });
      const walked = index.search(query, { limit: 5, threshold: 0, accept: (id) => only.has(id) });
      expect(direct.map((h) => [index.idAt(h.ordinal), h.score])).toEqual(walked.map((h) => [index.idAt(h.ordinal), h.score]));
    }
  });

  it('keeps scores right through removals, replacements and renumbering', () => {
    const index = new LexicalIndex();
    const docs = corpus(2500, 4);
    for (const [id, tokens] of docs) index.add(id, tokens);
    for (const [id] of docs.slice(0, 2000)) index.remove(id);
    const fresh = new LexicalIndex();
    for (const [id, tokens] of docs.slice(2000)) fresh.add(id, tokens);
    const a = index.search(['w3', 'w5'], { limit: 20, threshold: 0 });
    const b = fresh.search(['w3', 'w5'], { limit: 20, threshold: 0 });
    expect(a.map((h) => [index.idAt(h.ordinal), h.score])).toEqual(b.map((h) => [fresh.idAt(h.ordinal), h.score]));
    expect(index.size).toBe(500);
  });
});
