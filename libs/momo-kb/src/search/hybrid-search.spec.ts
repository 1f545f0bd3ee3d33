import { describe, expect, it } from 'vitest';
import type { Chunk } from '../types.js';
import { HybridSearch, type ChunkSignals } from './hybrid-search.js';
import { LexicalIndex } from './lexical-index.js';

function chunk(path: string, text: string, extra: Partial<Chunk> = {}): Chunk {
  const lines = text.split('\n').length;
  return { id: `${path}:1-${lines}`, path, module: 'm', language: path.endsWith('.md') ? 'markdown' : 'typescript', startLine: 1, endLine: lines, symbols: [], text, ...extra };
}

const plain: ChunkSignals = { fileInDegree: 0, symbolRefs: 0, exported: true };

describe('LexicalIndex', () => {
  it('tells a visitor which query terms each matching document contains', () => {
    const index = new LexicalIndex([{ name: 'body', weight: 1 }]);
    index.add(['retry the upload']);
    index.add(['upload only']);
    index.add(['nothing here']);
    const terms = index.queryTerms('retry upload');
    const seen = new Map<number, number>();
    index.search(terms, 10, undefined, undefined, undefined, (doc, _score, matched) => seen.set(doc, matched));
    expect([...seen].sort((a, b) => a[0] - b[0])).toEqual([
      [0, 0b11],
      [1, 0b10],
    ]);
  });
});

describe('HybridSearch', () => {
  it('ranks the code above prose that uses the same words when the docs penalty is on', () => {
    const chunks = [chunk('README.md', '# Retry\nUploads retry with exponential backoff.'), chunk('src/retry.ts', 'export function retryWithBackoff() {\n  // retry uploads with exponential backoff\n}')];
    const engine = new HybridSearch({ chunks, signals: [plain, plain], weights: { docs: 0, test: 0, exported: 0, centrality: 0, path: 0, fieldPath: 0, fieldNames: 0, vector: 0 } });
    const off = engine.search('exponential backoff', { limit: 2 }).map((h) => h.path);
    engine.weights = { ...engine.weights, docs: 1 };
    const on = engine.search('exponential backoff', { limit: 2 }).map((h) => h.path);
    expect(off[0]).toBe('README.md');
    expect(on).toEqual(['src/retry.ts', 'README.md']);
  });

  it('weighs the doc comments of the declared symbols as a field of their own', () => {
    const chunks = [
      chunk('src/a.ts', '/** Signs a request with SigV4. */\nexport function sign() {}', { symbols: ['sign'] }),
      chunk('src/b.ts', 'export function unrelated() { const request = 1; const sig = 2; }', { symbols: ['unrelated'] }),
    ];
    const signals = [{ ...plain, docs: 'Signs a request with SigV4.' }, plain];
    const engine = new HybridSearch({ chunks, signals, weights: { fieldDoc: 0, vector: 0 } });
    const without = engine.search('signs request', { limit: 2, explain: true });
    engine.weights = { ...engine.weights, fieldDoc: 1 };
    const withDoc = engine.search('signs request', { limit: 2, explain: true });
    expect(withDoc[0].path).toBe('src/a.ts');
    expect(withDoc[0].explain!.bm25).toBeGreaterThan(without.find((h) => h.path === 'src/a.ts')!.explain!.bm25);
  });
});

describe('HybridSearch whole-file relevance', () => {
  it('lifts a chunk whose file as a whole is about the query', () => {
    // both chunks match "lock" once; only the first one's file also talks about acquiring and releasing it
    const chunks = [
      chunk('src/repo-lock.ts', 'export function takeLock() { return lock; }', { id: 'src/repo-lock.ts:1-1' }),
      chunk('src/repo-lock.ts', 'export function release() { /* release the acquired lock, then acquire again */ }', { id: 'src/repo-lock.ts:2-2', startLine: 2, endLine: 2 }),
      chunk('src/other.ts', 'export function takeLock() { return lock; }'),
    ];
    const signals = [plain, plain, plain];
    const engine = new HybridSearch({ chunks, signals, weights: { fileLex: 0, vector: 0, path: 0, fieldPath: 0 } });
    const flat = engine.search('acquire lock', { limit: 3, explain: true });
    engine.weights = { ...engine.weights, fileLex: 1 };
    const lifted = engine.search('acquire lock', { limit: 3, explain: true });
    const scoreOf = (hits: typeof flat, id: string) => hits.find((h) => h.id === id)!.score;
    expect(scoreOf(flat, 'src/repo-lock.ts:1-1')).toBe(scoreOf(flat, 'src/other.ts:1-1'));
    expect(scoreOf(lifted, 'src/repo-lock.ts:1-1')).toBeGreaterThan(scoreOf(lifted, 'src/other.ts:1-1'));
  });
});

describe('HybridSearch overlapping windows', () => {
  it('leaves out a chunk whose lines overlap a better hit of the same file', () => {
    const chunks = [
      chunk('src/big.ts', 'upload retry one', { id: 'src/big.ts:1-10', startLine: 1, endLine: 10 }),
      chunk('src/big.ts', 'upload retry two', { id: 'src/big.ts:8-20', startLine: 8, endLine: 20 }),
      chunk('src/big.ts', 'upload retry three', { id: 'src/big.ts:21-30', startLine: 21, endLine: 30 }),
    ];
    const engine = new HybridSearch({ chunks, signals: [plain, plain, plain], weights: { vector: 0, dedup: 0 } });
    expect(engine.search('upload retry', { limit: 5 })).toHaveLength(3);
    engine.weights = { ...engine.weights, dedup: 1 };
    const ids = engine.search('upload retry', { limit: 5 }).map((h) => h.id);
    expect(ids).toHaveLength(2);
    expect(ids).toContain('src/big.ts:21-30');
  });
});
