import { tokenize } from '../text/tokenize.js';
import type { Embedder, EmbedderInfo } from './embedder.js';

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
 * (serialize / serializer / serialization) land near each other. A term's features are damped with
 * 1 + ln(tf) (bigrams count per occurrence) and the vector is L2-normalised. Nothing is downloaded or trained: the same text gives the same
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

  describe(): EmbedderInfo {
    return { kind: 'hash-v1', id: this.id, dimension: this.dimension };
  }

  /** Synchronous single-text embedding (the hot path of ingestion and queries). */
  embedOne(text: string): Float32Array {
    return this.embedTerms(tokenize(text));
  }

  /**
   * Embeds already tokenised terms ({@link tokenize} output); several lists embed as their concatenation. Features are hashed as numbers
   * (FNV-1a over the characters with a per-kind seed), never built as strings, so a chunk costs a
   * few microseconds.
   */
  embedTerms(...lists: ReadonlyArray<readonly string[]>): Float32Array {
    const dim = this.dimension;
    const v = new Float32Array(dim);
    // term counts first: each distinct term's features are added once, damped by 1 + ln(tf);
    // several lists embed like their concatenation (bigrams run across the joins)
    const tf = this.counts;
    tf.clear();
    let prevHash = 0;
    let first = true;
    for (const terms of lists) {
      for (let n = 0; n < terms.length; n++) {
        const t = terms[n];
        tf.set(t, (tf.get(t) ?? 0) + 1);
        const h = this.features(t).hash;
        if (!first) {
          const mixed = mix(Math.imul(prevHash ^ (h >>> 1), 0x9e3779b1) >>> 0);
          v[mixed % dim] += (mixed >>> 31) === 0 ? this.bigramWeight : -this.bigramWeight;
        }
        first = false;
        prevHash = h;
      }
    }
    const tw = this.trigramWeight;
    for (const [t, c] of tf) {
      const w = 1 + Math.log(c);
      const f = this.features(t).slots;
      for (let i = 0; i < f.length; i++) {
        const slot = f[i];
        const weight = i === 0 ? w : w * tw;
        if (slot > 0) v[slot - 1] += weight;
        else v[-slot - 1] -= weight;
      }
    }
    let norm = 0;
    for (let i = 0; i < v.length; i++) norm += v[i] * v[i];
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let i = 0; i < v.length; i++) v[i] *= inv;
    }
    return v;
  }

  /**
   * The hashed features of one term, memoised: its word hash (for bigrams) and its signed slots
   * (`±(index + 1)`): the word itself first, then the trigrams of `#term#`.
   */
  private features(t: string): { hash: number; slots: Int32Array } {
    let f = this.featureMemo.get(t);
    if (f) return f;
    const dim = this.dimension;
    const slot = (h: number) => {
      const m = mix(h);
      const idx = (m % dim) + 1;
      return (m >>> 31) === 0 ? idx : -idx;
    };
    const hash = hashChars(t, 0, t.length, SEED_WORD);
    const slots: number[] = [slot(hash)];
    if (t.length >= 3 && t.length <= 24) {
      slots.push(slot(trigram(35, t.charCodeAt(0), t.charCodeAt(1))));
      for (let i = 0; i + 3 <= t.length; i++) slots.push(slot(trigram(t.charCodeAt(i), t.charCodeAt(i + 1), t.charCodeAt(i + 2))));
      slots.push(slot(trigram(t.charCodeAt(t.length - 2), t.charCodeAt(t.length - 1), 35)));
    }
    f = { hash, slots: Int32Array.from(slots) };
    if (this.featureMemo.size >= 200_000) this.featureMemo.clear();
    this.featureMemo.set(t, f);
    return f;
  }

  private readonly featureMemo = new Map<string, { hash: number; slots: Int32Array }>();
  private readonly counts = new Map<string, number>();
}
const SEED_WORD = 0x811c9dc5;
const SEED_TRIGRAM = 0x01000193 ^ 0x5bd1e995;

function hashChars(s: string, from: number, to: number, seed: number): number {
  let h = seed;
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Murmur3-style finaliser step: spreads the bits of a 32-bit hash before taking index and sign. */
function mix(h: number): number {
  return Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
}

function trigram(a: number, b: number, c: number): number {
  let h = SEED_TRIGRAM;
  h = Math.imul(h ^ a, 0x01000193);
  h = Math.imul(h ^ b, 0x01000193);
  h = Math.imul(h ^ c, 0x01000193);
  return h >>> 0;
}
