import { describe, it, expect } from 'vitest';
import { mapLimit, settleLimit } from './concurrency.js';

describe('mapLimit', () => {
  it('keeps input order and never exceeds the limit', async () => {
    let active = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      peak = Math.max(peak, ++active);
      await new Promise((r) => setTimeout(r, n));
      active--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});

describe('settleLimit', () => {
  it('runs every item and collects the failures in input order', async () => {
    const seen: number[] = [];
    const { results, failures } = await settleLimit([1, 2, 3, 4], 3, async (n) => {
      seen.push(n);
      if (n % 2 === 0) throw new Error(`bad ${n}`);
      return n;
    });
    expect(seen.sort()).toEqual([1, 2, 3, 4]);
    expect(results).toEqual([1, undefined, 3, undefined]);
    expect(failures.map(([n, e]) => [n, (e as Error).message])).toEqual([[2, 'bad 2'], [4, 'bad 4']]);
  });
});
