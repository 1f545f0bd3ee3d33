import { VectorArena } from './kernel.js';

/**
 * A growable row-major float32 matrix with an id per row and an id → row map, stored in WebAssembly
 * memory so the SIMD kernel scores rows in place. One extra row at the front holds the current query.
 */
export class VectorMatrix {
  ids: string[] = [];
  rowOf = new Map<string, number>();
  private arena: VectorArena;
  /** Float index of row 0 (the query scratch row comes first). */
  private readonly base: number;

  constructor(
    readonly dimension: number,
    capacity = 64,
  ) {
    this.base = dimension;
    this.arena = new VectorArena((capacity + 1) * dimension * 4);
  }

  get size(): number {
    return this.ids.length;
  }

  private reserve(rows: number): void {
    this.arena.ensure((rows + 1) * this.dimension * 4);
  }

  /** A view of one row (valid until the matrix grows). */
  row(row: number): Float32Array {
    const start = this.base + row * this.dimension;
    return this.arena.f32.subarray(start, start + this.dimension);
  }

  /** Appends a row and returns its index. */
  append(id: string, v: Float32Array): number {
    const row = this.ids.length;
    this.reserve(row + 1);
    this.arena.f32.set(v, this.base + row * this.dimension);
    this.ids.push(id);
    this.rowOf.set(id, row);
    return row;
  }

  /** Overwrites a row's vector. */
  set(row: number, v: Float32Array): void {
    this.arena.f32.set(v, this.base + row * this.dimension);
  }

  /** A copy of a row. */
  copyRow(row: number): Float32Array {
    return this.row(row).slice();
  }

  /** Removes a row by moving the last row into its place (O(dimension)). */
  swapRemove(id: string): boolean {
    const row = this.rowOf.get(id);
    if (row === undefined) return false;
    const last = this.ids.length - 1;
    if (row !== last) {
      const f = this.arena.f32;
      const d = this.dimension;
      f.copyWithin(this.base + row * d, this.base + last * d, this.base + (last + 1) * d);
      const moved = this.ids[last];
      this.ids[row] = moved;
      this.rowOf.set(moved, row);
    }
    this.ids.pop();
    this.rowOf.delete(id);
    return true;
  }

  clear(): void {
    this.arena = new VectorArena(65 * this.dimension * 4);
    this.ids = [];
    this.rowOf = new Map();
  }

  /** The rows as one packed array (a view, valid until the matrix grows). */
  packed(): Float32Array {
    return this.arena.f32.subarray(this.base, this.base + this.size * this.dimension);
  }

  /** Puts `q` in the query row, for {@link VectorMatrix.dotQuery}. */
  setQuery(q: Float32Array): void {
    this.arena.f32.set(q, 0);
  }

  /** Inner product of the query row and `row`. */
  dotQuery(row: number): number {
    return this.arena.dot(0, this.base + row * this.dimension, this.dimension);
  }

  /** Inner product of two rows. */
  dotRows(a: number, b: number): number {
    return this.arena.dot(this.base + a * this.dimension, this.base + b * this.dimension, this.dimension);
  }
}
