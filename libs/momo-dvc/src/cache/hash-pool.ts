import * as fs from 'node:fs';
import * as crypto from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { storeFileImpl, storeLargeFileImpl, type StoreJob, type StoreResult, type StoreScratch } from './store-file.js';

/** Below these, worker start-up (~30 ms each) costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 2000;
const MIN_BYTES_FOR_WORKERS = 256 * 1024 * 1024;
const BATCH = 256;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const deps = { fs: require('node:fs'), crypto: require('node:crypto') };
const storeFileImpl = ${storeFileImpl.toString()};
const storeLargeFileImpl = ${storeLargeFileImpl.toString()};
const made = new Set();
if (workerData) { made.freshDir = workerData.dir; made.fresh = new Set(workerData.absent); }
parentPort.on('message', async (batch) => {
  const out = [];
  for (const job of batch) {
    try { out.push(job.size > 4194304 ? await storeLargeFileImpl(deps, job, made, storeFileImpl) : storeFileImpl(deps, job, made)); }
    catch (e) { out.push({ error: { message: e.message, code: e.code, path: job.src } }); }
  }
  parentPort.postMessage(out);
});
`;

export type StoreOutcome = StoreResult | { error: { message: string; code?: string; path: string } };

/**
 * Hashes (and optionally stores) many files, spread over worker threads when the batch is large
 * enough to pay for them (DVC hashes with `checksum_jobs` threads only for files > 1 MiB; we
 * also parallelise many small files). Results come back in job order; per-file errors are
 * returned, not thrown, so a batch never stops at the first failure.
 */
export async function storeFiles(jobs: StoreJob[], opts: { jobs?: number; totalBytes?: number } = {}): Promise<StoreOutcome[]> {
  const want = Math.max(1, opts.jobs ?? availableParallelism());
  const big = jobs.length >= MIN_FILES_FOR_WORKERS || (opts.totalBytes ?? 0) >= MIN_BYTES_FOR_WORKERS;
  const fresh = freshPrefixes(jobs);
  if (want <= 1 || !big || jobs.length < 2) {
    const made: StoreScratch = new Set<string>();
    if (fresh) Object.assign(made, { freshDir: fresh.dir, fresh: new Set(fresh.absent) });
    const out: StoreOutcome[] = [];
    for (const job of jobs) {
      try {
        out.push((job.size ?? 0) > 4 * 1024 * 1024 ? await storeLargeFileImpl({ fs, crypto }, job, made, storeFileImpl) : storeFileImpl({ fs, crypto }, job, made));
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        out.push({ error: { message: err.message, code: err.code, path: job.src } });
      }
    }
    return out;
  }
  const nWorkers = Math.min(want, Math.ceil(jobs.length / BATCH), 8);
  const results: StoreOutcome[] = new Array(jobs.length);
  // large files first in their own batches, so one big file does not serialise the tail
  let next = 0;
  const workers = Array.from({ length: nWorkers }, () => new Worker(WORKER_SOURCE, { eval: true, workerData: fresh }));
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            let start = 0;
            const feed = () => {
              if (next >= jobs.length) {
                resolve();
                return;
              }
              start = next;
              next = Math.min(jobs.length, next + BATCH);
              w.postMessage(jobs.slice(start, next));
            };
            w.on('message', (out: StoreOutcome[]) => {
              for (let i = 0; i < out.length; i++) results[start + i] = out[i];
              feed();
            });
            w.on('error', reject);
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

/**
 * The `xx/` prefix dirs missing from the objects dir before a large store begins (one listing of
 * at most 256 names): objects landing there need no existence probe, which on a cold cache saves
 * one lookup per file. Undefined for small or hash-only batches (they probe).
 */
function freshPrefixes(jobs: StoreJob[]): { dir: string; absent: string[] } | undefined {
  const dir = jobs[0]?.objects;
  if (!dir || jobs.length < 64 || jobs.some((j) => j.objects !== dir)) return undefined;
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir);
  } catch {
    // no objects dir yet: every prefix is fresh
  }
  const have = new Set(names);
  const absent: string[] = [];
  for (let i = 0; i < 256; i++) {
    const p = i.toString(16).padStart(2, '0');
    if (!have.has(p)) absent.push(p);
  }
  return { dir, absent };
}
