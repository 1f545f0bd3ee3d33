import { describe, it, expect } from 'vitest';
import { withRetry, computeBackoff } from './retry.js';

describe('withRetry', () => {
  it('retries transient failures and returns the first success', async () => {
    const attempts: number[] = [];
    const out = await withRetry(
      async (n) => {
        attempts.push(n);
        if (n < 2) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
        return 'ok';
      },
      (e) => (e as NodeJS.ErrnoException).code === 'ECONNRESET',
      { retries: 3, baseDelayMs: 1 },
    );
    expect(out).toBe('ok');
    expect(attempts).toEqual([0, 1, 2]);
  });

  it('does not retry permanent failures', async () => {
    let calls = 0;
    await expect(withRetry(async () => (calls++, Promise.reject(new Error('no'))), () => false, { baseDelayMs: 1 })).rejects.toThrow('no');
    expect(calls).toBe(1);
  });

  it('stops after the configured retries and rethrows the last error', async () => {
    let calls = 0;
    await expect(withRetry(async () => Promise.reject(new Error(`fail ${++calls}`)), () => true, { retries: 2, baseDelayMs: 1 })).rejects.toThrow('fail 3');
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(computeBackoff(1, 100, 5000, () => 0.5)).toBe(100);
    expect(computeBackoff(3, 100, 5000, () => 0.5)).toBe(400);
    expect(computeBackoff(3, 100, 5000, () => 0)).toBe(200);
    expect(computeBackoff(20, 100, 5000, () => 0.5)).toBe(5000);
  });
});
