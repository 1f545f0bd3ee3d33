import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';

/**
 * The md5 of a file, read in 1 MiB chunks, as a self-contained worker source (the same loop as
 * `md5File` in md5.ts).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const h = require('node:crypto').createHash('md5');
const fd = fs.openSync(workerData, 'r');
try {
  const buf = Buffer.allocUnsafe(1 << 20);
  for (;;) {
    const n = fs.readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    h.update(n === buf.length ? buf : buf.subarray(0, n));
  }
} finally {
  fs.closeSync(fd);
}
parentPort.postMessage(h.digest('hex'));
`;

let running = 0;
const waiting: Array<() => void> = [];

/**
 * md5 (hex) of a large file on a worker thread, at most one worker per CPU at a time: verifying
 * several downloaded objects of 100 MB at once uses every core instead of queueing on the main
 * thread (where the hash would also stall the other transfers' I/O). A worker costs ~30 ms to
 * start, so callers use it for files of tens of MiB and more.
 * @throws the read error of the file (ENOENT, EACCES, …)
 */
export async function md5FileInWorker(path: string): Promise<string> {
  if (running >= availableParallelism()) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await new Promise<string>((resolve, reject) => {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: path });
      w.once('message', (hex: string) => resolve(hex));
      w.once('error', reject);
      w.once('exit', (code) => code !== 0 && reject(new Error(`md5 worker for '${path}' exited with code ${code}`)));
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}
