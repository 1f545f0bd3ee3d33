/**
 * Dot product of row `ai` of `a` and row `bi` of `b` (both row-major, `dim` wide), accumulated in
 * float64 over four interleaved sums. Every driver scores through this one function, so exact and
 * approximate search give bit-identical scores for the same pair.
 */
export function dotRows(a: Float32Array, ai: number, b: Float32Array, bi: number, dim: number): number {
  const ao = ai * dim;
  const bo = bi * dim;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < dim; i += 4) {
    s0 += a[ao + i] * b[bo + i];
    s1 += a[ao + i + 1] * b[bo + i + 1];
    s2 += a[ao + i + 2] * b[bo + i + 2];
    s3 += a[ao + i + 3] * b[bo + i + 3];
  }
  for (; i < dim; i++) s0 += a[ao + i] * b[bo + i];
  return s0 + s1 + (s2 + s3);
}

/** Euclidean norm of a vector, in float64. */
export function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** Orders strings by code point (UTF-8 byte order), the tie-break order of every momo store. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
}
