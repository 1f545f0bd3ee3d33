import { describe, it, expect } from 'vitest';
import { VectorArena } from './kernel.js';

describe('VectorArena.dot (WebAssembly SIMD kernel)', () => {
  it('equals a float64 dot product for every length, including tails that are not a multiple of 8', () => {
    const arena = new VectorArena(4096);
    const f = arena.f32;
    for (let i = 0; i < 200; i++) f[i] = Math.fround(Math.sin(i * 1.7) * 3);
    for (let n = 0; n <= 41; n++) {
      let want = 0;
      for (let i = 0; i < n; i++) want += f[i] * f[100 + i];
      expect(arena.dot(0, 100, n), `n=${n}`).toBeCloseTo(want, 4);
    }
  });

  it('is exact on small integers and reads any offset', () => {
    const arena = new VectorArena(1024);
    arena.f32.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3);
    arena.f32.set([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 17);
    expect(arena.dot(3, 17, 10)).toBe(55);
    expect(arena.dot(3, 3, 3)).toBe(14);
  });

  it('keeps working after the memory grows', () => {
    const arena = new VectorArena(64);
    arena.ensure(4 * 200_000);
    arena.f32.fill(0.5, 150_000, 150_016);
    expect(arena.dot(150_000, 150_000, 16)).toBe(4);
  });
});
