import { compareCodePoints } from '@momo/common';

/** A (score, row) pair. */
export interface ScoredRow {
  row: number;
  score: number;
}

/**
 * Keeps the best `k` rows by (score desc, id asc) in a binary min-heap whose root is the worst kept,
 * so ties are broken by id and results do not depend on scan order.
 */
export class TopK {
  readonly scores: number[] = [];
  readonly rows: number[] = [];
  constructor(
    private readonly k: number,
    private readonly idOf: (row: number) => string,
  ) {}

  get size(): number {
    return this.rows.length;
  }

  /** Score of the worst kept entry (the one a newcomer must beat), -Infinity while not full. */
  get floor(): number {
    return this.rows.length < this.k ? -Infinity : this.scores[0];
  }

  private worse(sa: number, ra: number, sb: number, rb: number): boolean {
    if (sa !== sb) return sa < sb;
    return compareCodePoints(this.idOf(ra), this.idOf(rb)) > 0;
  }

  push(score: number, row: number): void {
    if (this.k <= 0) return;
    if (this.rows.length < this.k) {
      this.scores.push(score);
      this.rows.push(row);
      let i = this.rows.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.worse(this.scores[i], this.rows[i], this.scores[p], this.rows[p])) break;
        this.swap(i, p);
        i = p;
      }
      return;
    }
    if (!this.worse(this.scores[0], this.rows[0], score, row)) return;
    this.scores[0] = score;
    this.rows[0] = row;
    const n = this.rows.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.worse(this.scores[l], this.rows[l], this.scores[m], this.rows[m])) m = l;
      if (r < n && this.worse(this.scores[r], this.rows[r], this.scores[m], this.rows[m])) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(i: number, j: number): void {
    const s = this.scores[i];
    this.scores[i] = this.scores[j];
    this.scores[j] = s;
    const r = this.rows[i];
    this.rows[i] = this.rows[j];
    this.rows[j] = r;
  }

  /** Entries best first. */
  sorted(): ScoredRow[] {
    return this.rows
      .map((row, i) => ({ row, score: this.scores[i] }))
      .sort((a, b) => b.score - a.score || compareCodePoints(this.idOf(a.row), this.idOf(b.row)));
  }
}
