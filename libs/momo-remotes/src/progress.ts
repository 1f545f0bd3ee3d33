import { Transform } from 'node:stream';
import type { ProgressCallback } from './remote.js';

/** Reports cumulative bytes of one object to a progress callback. */
export class ProgressCounter {
  transferred = 0;
  constructor(
    private readonly path: string,
    private readonly total: number | undefined,
    private readonly onProgress: ProgressCallback | undefined,
  ) {}

  /** Adds `delta` bytes and reports. */
  add(delta: number): void {
    if (delta <= 0) return;
    this.transferred += delta;
    this.onProgress?.({ path: this.path, transferred: this.transferred, delta, total: this.total });
  }

  /** Reports the absolute count `transferred` (for SDKs that report totals). */
  set(transferred: number): void {
    this.add(transferred - this.transferred);
  }
}

/** A pass-through stream that counts bytes into a {@link ProgressCounter}. */
export function progressTap(counter: ProgressCounter): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      counter.add(chunk.length);
      cb(null, chunk);
    },
  });
}
