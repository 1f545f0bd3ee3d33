/**
 * Pooling modes of a sentence-transformers `Pooling` module (`1_Pooling/config.json`), in the
 * order sentence-transformers concatenates them when several are on
 * (sentence-transformers `sentence_transformers/models/Pooling.py`).
 */
export const POOLING_MODES = ['cls', 'max', 'mean', 'mean_sqrt_len', 'lasttoken'] as const;
export type PoolingMode = (typeof POOLING_MODES)[number];

export interface PoolTokenEmbeddingsOptions {
  /** Row-major `[batch, seq, hidden]` token embeddings (the model's token-level output). */
  data: Float32Array;
  batch: number;
  seq: number;
  hidden: number;
  /** Row-major `[batch, seq]` attention mask: 1 for a real token, 0 for padding. */
  mask: Uint8Array;
  /** One or more modes; several are concatenated in {@link POOLING_MODES} order. */
  modes: readonly PoolingMode[];
}

/**
 * Pools token embeddings into one L2-normalised vector per row, ignoring padded positions: `mean`
 * is the attention-masked mean (sums in float64), `cls` the first token, `max` the masked
 * element-wise maximum, `mean_sqrt_len` the masked sum divided by √length, `lasttoken` the last
 * unmasked token. Pooling and normalisation run in float64; a zero vector stays zero.
 */
export function poolTokenEmbeddings(o: PoolTokenEmbeddingsOptions): Float32Array[] {
  const { data, seq, hidden, mask } = o;
  const modes = POOLING_MODES.filter((m) => o.modes.includes(m));
  const out: Float32Array[] = [];
  const sum = new Float64Array(hidden);
  const max = new Float64Array(hidden);
  for (let b = 0; b < o.batch; b++) {
    sum.fill(0);
    max.fill(-Infinity);
    let count = 0;
    let last = 0;
    for (let t = 0; t < seq; t++) {
      if (!mask[b * seq + t]) continue;
      count++;
      last = t;
      const base = (b * seq + t) * hidden;
      for (let h = 0; h < hidden; h++) {
        const x = data[base + h];
        sum[h] += x;
        if (x > max[h]) max[h] = x;
      }
    }
    const v = new Float64Array(hidden * modes.length);
    modes.forEach((mode, k) => {
      const off = k * hidden;
      const row = (t: number) => data.subarray((b * seq + t) * hidden, (b * seq + t + 1) * hidden);
      if (mode === 'cls') v.set(row(0), off);
      else if (mode === 'lasttoken') v.set(row(last), off);
      else if (count === 0) return;
      else if (mode === 'max') for (let h = 0; h < hidden; h++) v[off + h] = max[h];
      else {
        const div = mode === 'mean' ? count : Math.sqrt(count);
        for (let h = 0; h < hidden; h++) v[off + h] = sum[h] / div;
      }
    });
    out.push(Float32Array.from(normalizeL2(v)));
  }
  return out;
}

/** Scales `v` to unit length in place (a zero vector is left as is) and returns it. */
export function normalizeL2<T extends Float32Array | Float64Array>(v: T): T {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  if (n > 0) {
    const inv = 1 / Math.sqrt(n);
    for (let i = 0; i < v.length; i++) v[i] *= inv;
  }
  return v;
}
