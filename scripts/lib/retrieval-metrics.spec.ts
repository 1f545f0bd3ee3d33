import { describe, expect, it } from 'vitest';
import { docToQuery, mulberry32, percentile, scoreGraded, scoreRanking } from './retrieval-metrics.js';

describe('scoreRanking', () => {
  it('gives recall, reciprocal rank and NDCG of a ranking with one relevant item at rank 2', () => {
    const q = scoreRanking(['a', 'b', 'c'], new Set(['b']), [1, 5]);
    expect(q.firstRank).toBe(2);
    expect(q.recall).toEqual({ 1: 0, 5: 1 });
    expect(q.reciprocalRank).toBe(0.5);
    expect(q.ndcgAt10).toBeCloseTo(1 / Math.log2(3), 10);
  });

  it('counts a repeated relevant item once and normalises NDCG by the ideal ranking of all relevant items', () => {
    const q = scoreRanking(['x', 'x', 'y', 'z'], new Set(['x', 'z']), [2, 10]);
    expect(q.recall).toEqual({ 2: 0.5, 10: 1 });
    const dcg = 1 / Math.log2(2) + 1 / Math.log2(5);
    const idcg = 1 / Math.log2(2) + 1 / Math.log2(3);
    expect(q.ndcgAt10).toBeCloseTo(dcg / idcg, 10);
  });

  it('scores zero when nothing relevant is ranked, and cuts the reciprocal rank at its depth', () => {
    expect(scoreRanking(['a'], new Set(['b']), [10])).toEqual({ firstRank: 0, recall: { 10: 0 }, reciprocalRank: 0, ndcgAt10: 0 });
    const deep = scoreRanking([...'abcdefghijk'], new Set(['k']), [10], 10);
    expect(deep.firstRank).toBe(11);
    expect(deep.reciprocalRank).toBe(0);
  });
});

describe('helpers', () => {
  it('takes the nearest-rank percentile', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([], 50)).toBe(0);
  });

  it('draws the same sequence for the same seed', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const c = mulberry32(8);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect(c()).not.toBe(xs[0]);
  });

  it('turns a doc comment summary into a query and drops short ones', () => {
    expect(docToQuery('Loads the `dvc.lock` of a [stage](x.md) from disk.\n@param p the path')).toBe('Loads the dvc.lock of a stage from disk.');
    expect(docToQuery('Too short.')).toBeUndefined();
  });
});

describe('scoreGraded', () => {
  it('gives partial credit to a related file and counts recall and reciprocal rank on the answers only', () => {
    const grades = new Map([
      ['answer.ts', 2],
      ['helper.ts', 1],
    ]);
    const q = scoreGraded(['helper.ts', 'noise.ts', 'answer.ts'], grades, [1, 10]);
    expect(q.firstRank).toBe(3);
    expect(q.reciprocalRank).toBeCloseTo(1 / 3, 10);
    expect(q.recall).toEqual({ 1: 0, 10: 1 });
    const dcg = 1 / Math.log2(2) + 2 / Math.log2(4);
    const idcg = 2 / Math.log2(2) + 1 / Math.log2(3);
    expect(q.ndcgAt10).toBeCloseTo(dcg / idcg, 10);
  });

  it('is 1 for the ideal order and 0 when only unrelated files are ranked', () => {
    const grades = new Map([
      ['a', 2],
      ['b', 1],
    ]);
    expect(scoreGraded(['a', 'b'], grades, [10]).ndcgAt10).toBeCloseTo(1, 10);
    expect(scoreGraded(['x', 'y'], grades, [10])).toEqual({ firstRank: 0, recall: { 10: 0 }, reciprocalRank: 0, ndcgAt10: 0 });
  });
});
