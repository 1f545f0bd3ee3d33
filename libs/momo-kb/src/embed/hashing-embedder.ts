import { tokenize } from '../text/tokenize.js';
import type { Embedder } from './embedder.js';

/** 32-bit FNV-1a of a string (deterministic on every platform). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface HashingEmbedderOptions {
  /** Vector size. @default 256 */
  dimension?: number;
  /** Weight of character trigram features relative to whole sub-tokens. @default 0.35 */
  trigramWeight?: number;
  /** Weight of sub-token bigram features. @default 0.5 */
  bigramWeight?: number;
}

/**
 * The default offline embedder (`hash-v1`): feature hashing ("the hashing trick") of code-aware
 * features into a fixed-size vector, with a sign bit per feature to cancel collisions on average.
 *
 * Features of a text: its stemmed identifier sub-tokens (`parseConfigFile` → parse, config, file)
 * weighted 1, consecutive sub-token bigrams (parse_config, config_file) weighted 0.5, and character
 * trigrams of each sub-token (`#pa`, `par`, `ars`, ..) weighted 0.35, so that morphological variants
 * (serialize / serializer / serialization) land near each other. Counts are damped with 1 + ln(tf)
 * and the vector is L2-normalised. Nothing is downloaded or trained: the same text gives the same
 * vector on every machine.
 */
export class HashingEmbedder implements Embedder {
  readonly id: string;
  readonly dimension: number;
  private readonly trigramWeight: number;
  private readonly bigramWeight: number;

  constructor(options: HashingEmbedderOptions = {}) {
    this.dimension = options.dimension ?? 256;
    this.trigramWeight = options.trigramWeight ?? 0.35;
    this.bigramWeight = options.bigramWeight ?? 0.5;
    this.id = `hash-v1:${this.dimension}`;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t));
  }

  /** Synchronous single-text embedding (the hot path of ingestion and queries). */
  embedOne(text: string): Float32Array {
    const counts = new Map<string, number>();
    const bump = (f: string, w: number) => counts.set(f, (counts.get(f) ?? 0) + w);
    const terms = tokenize(text);
    let prev = '';
    for (const t of terms) {
      bump(`w:${t}`, 1);
      if (prev) bump(`b:${prev}_${t}`, this.bigramWeight);
      prev = t;
      const padded = `#${t}#`;
      if (t.length >= 3) for (let i = 0; i + 3 <= padded.length; i++) bump(`c:${padded.slice(i, i + 3)}`, this.trigramWeight);
    }
    const v = new Float32Array(this.dimension);
    for (const [f, c] of counts) {
      const h = fnv1a(f);
      const idx = h % this.dimension;
      const sign = (fnv1a(`s${f}`) & 1) === 0 ? 1 : -1;
      v[idx] += sign * (1 + Math.log(c));
    }
    let norm = 0;
    for (let i = 0; i < v.length; i++) norm += v[i] * v[i];
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let i = 0; i < v.length; i++) v[i] *= inv;
    }
    return v;
  }
}

