/** A growable row-major float32 matrix with an id per row and an id → row map. */
export class VectorMatrix {
  data: Float32Array;
  ids: string[] = [];
  rowOf = new Map<string, number>();
  constructor(
    readonly dimension: number,
    capacity = 64,
  ) {
    this.data = new Float32Array(capacity * dimension);
  }

  get size(): number {
    return this.ids.length;
  }

  /** Appends a row and returns its index. */
  append(id: string, v: Float32Array): number {
    const row = this.ids.length;
    if ((row + 1) * this.dimension > this.data.length) {
      const next = new Float32Array(Math.max(this.data.length * 2, (row + 1) * this.dimension));
      next.set(this.data);
      this.data = next;
    }
    this.data.set(v, row * this.dimension);
    this.ids.push(id);
    this.rowOf.set(id, row);
    return row;
  }

  /** Overwrites a row's vector. */
  set(row: number, v: Float32Array): void {
    this.data.set(v, row * this.dimension);
  }

  /** A copy of a row. */
  copyRow(row: number): Float32Array {
    return this.data.slice(row * this.dimension, (row + 1) * this.dimension);
  }

  /** Removes a row by moving the last row into its place (O(dimension)). */
  swapRemove(id: string): boolean {
    const row = this.rowOf.get(id);
    if (row === undefined) return false;
    const last = this.ids.length - 1;
    if (row !== last) {
      this.data.copyWithin(row * this.dimension, last * this.dimension, (last + 1) * this.dimension);
      const moved = this.ids[last];
      this.ids[row] = moved;
      this.rowOf.set(moved, row);
    }
    this.ids.pop();
    this.rowOf.delete(id);
    return true;
  }

  clear(): void {
    this.data = new Float32Array(64 * this.dimension);
    this.ids = [];
    this.rowOf = new Map();
  }

  /** The first `size` rows as one tightly packed array (a view, not a copy). */
  packed(): Float32Array {
    return this.data.subarray(0, this.size * this.dimension);
  }
}
