/**
 * The pluggable embedder contract: text in, fixed-size float32 vectors out.
 * The KB stores `id` with the vectors and refuses to mix vectors of different embedders.
 */
export interface Embedder {
  /**
   * Identifies the model and everything that changes its vectors, e.g. `hash-v1:256` or
   * `onnx:all-MiniLM-L6-v2:384:<fingerprint>`; stored in the vectors' `embedder.json` and the
   * knowledge-base manifest.
   */
  readonly id: string;
  readonly dimension: number;
  /** Embeds texts in order; vectors are L2-normalised (cosine = dot product). */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** What the manifest records about this embedder (JSON-safe, no absolute paths). */
  describe?(): EmbedderInfo;
  /** Releases native resources (an ONNX session); the embedder is unusable afterwards. */
  close?(): Promise<void>;
}

/** The `embedder_info` of an exported knowledge base's manifest. */
export interface EmbedderInfo {
  /** `hash-v1` or `onnx`. */
  kind: string;
  /** The embedder's {@link Embedder.id}. */
  id: string;
  dimension: number;
  [key: string]: string | number | boolean | string[] | null;
}
