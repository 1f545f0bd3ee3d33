import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpRepo } from '@momo/testing';
import { gradesOf, readHandQueries } from './hand-queries.js';

describe('readHandQueries', () => {
  it('reads graded questions with their split, and the old format without one', () => {
    const repo = tmpRepo();
    try {
      const file = join(repo.root, 'q.yaml');
      writeFileSync(
        file,
        'queries:\n  - q: sign s3 requests\n    split: test\n    expect: [s3-sigv4.ts]\n    related: [s3.ts, s3-sigv4.ts]\n  - q: retry\n    expect: [retry.ts]\n',
      );
      const qs = readHandQueries(file);
      expect(qs).toEqual([
        { q: 'sign s3 requests', expect: ['s3-sigv4.ts'], related: ['s3.ts'], split: 'test' },
        { q: 'retry', expect: ['retry.ts'], related: [] },
      ]);
      expect([...gradesOf(qs[0])]).toEqual([
        ['s3.ts', 1],
        ['s3-sigv4.ts', 2],
      ]);
    } finally {
      repo.cleanup();
    }
  });

  it('rejects an unknown split, naming the entry', () => {
    const repo = tmpRepo();
    try {
      const file = join(repo.root, 'q.yaml');
      writeFileSync(file, 'queries:\n  - q: x\n    expect: [a.ts]\n    split: train\n');
      expect(() => readHandQueries(file)).toThrow(/queries\[0\]\.split/);
      try {
        readHandQueries(file);
      } catch (e) {
        expect((e as { code?: string }).code).toBe('BENCHMARK_QUERIES_INVALID');
      }
    } finally {
      repo.cleanup();
    }
  });
});
