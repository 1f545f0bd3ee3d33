import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { KbLanguage } from '../types.js';
import type { ProcessOutcome, ProcessSettings } from './process-file.js';

/** One file for a parse worker. */
export interface ParseTask {
  path: string;
  abs: string;
  language: KbLanguage;
  module: string;
  settings: ProcessSettings;
  /** Content hash of the previous parse; an unchanged file comes back as `unchanged`. */
  previousHash?: string;
}

export interface ParseTaskResult {
  path: string;
  outcome: ProcessOutcome;
}

const BATCH = 48;

/** The worker entry next to this module: compiled `.js`, or `.ts` run through tsx when testing from sources. */
function createWorker(): Worker | undefined {
  const js = new URL('./parse-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return new Worker(js);
  const ts = new URL('./parse-worker.ts', import.meta.url);
  if (!existsSync(fileURLToPath(ts))) return undefined;
  // running from TypeScript sources (tests): register tsx inside the worker, then load the entry
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(ts.href)}); });`;
  return new Worker(boot, { eval: true });
}

/**
 * Parses files on `jobs` worker threads, handing out batches as workers free up, and calls
 * `onResult` for every file in completion order. Returns false (having done nothing) when no
 * worker entry is available, so the caller parses inline instead.
 */
export async function runParsePool(
  tasks: ParseTask[],
  jobs: number,
  onResult: (r: ParseTaskResult) => void,
): Promise<boolean> {
  const batches: ParseTask[][] = [];
  for (let i = 0; i < tasks.length; i += BATCH) batches.push(tasks.slice(i, i + BATCH));
  const workers: Worker[] = [];
  for (let i = 0; i < Math.min(jobs, batches.length); i++) {
    const w = createWorker();
    if (!w) break;
    workers.push(w);
  }
  if (!workers.length) return false;
  let next = 0;
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              if (next >= batches.length) {
                resolve();
                return;
              }
              const id = next++;
              w.postMessage({ id, tasks: batches[id] });
            };
            w.on('message', (msg: { id: number; results: ParseTaskResult[] }) => {
              for (const r of msg.results) onResult(r);
              send();
            });
            w.on('error', reject);
            w.on('exit', (code) => {
              if (code !== 0) reject(new Error(`parse worker exited with code ${code}`));
            });
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return true;
}
