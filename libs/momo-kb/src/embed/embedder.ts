/**
 * The pluggable embedder contract: text in, fixed-size float32 vectors out.
 * The KB stores `id` with the vectors and refuses to mix vectors of different embedders.
 */
export interface Embedder {
  /** Identifies the model and its settings, e.g. `hash-v1:256`; stored in the vectors manifest. */
  readonly id: string;
  readonly dimension: number;
  /** Embeds texts in order; vectors are L2-normalised (cosine = dot product). */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}
