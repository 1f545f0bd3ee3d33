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
 * Parses files with `jobs`-way parallelism: the calling thread plus `jobs - 1` worker threads,
 * handing out batches as each frees up (every worker keeps two batches in flight so it never waits
 * for the busy main thread). Workers send results as JSON text, which crosses threads as one string
 * and parses faster than a structured clone of the same object graph. `onResult` sees every file
 * once, in completion order. Returns false (having done nothing) when no worker can be started, so
 * the caller parses inline instead.
 */
export async function runParsePool(
  tasks: ParseTask[],
  jobs: number,
  processInline: (task: ParseTask) => ProcessOutcome,
  onResult: (r: ParseTaskResult) => void,
): Promise<boolean> {
  const batches: ParseTask[][] = [];
  for (let i = 0; i < tasks.length; i += BATCH) batches.push(tasks.slice(i, i + BATCH));
  const workers: Worker[] = [];
  for (let i = 0; i < Math.min(jobs - 1, batches.length); i++) {
    const w = createWorker();
    if (!w) break;
    workers.push(w);
  }
  if (!workers.length) return false;
  let next = 0;
  let failure: unknown;
  let inFlight = 0;
  let wake: (() => void) | undefined;
  const sendTo = (w: Worker) => {
    if (next >= batches.length) return;
    const id = next++;
    inFlight++;
    w.postMessage({ id, tasks: batches[id] });
  };
  for (const w of workers) {
    w.on('message', (json: string) => {
      const msg = JSON.parse(json) as { id: number; results: ParseTaskResult[] };
      for (const r of msg.results) onResult(r);
      inFlight--;
      sendTo(w);
      wake?.();
    });
    w.on('error', (e) => {
      failure ??= e;
      wake?.();
    });
    w.on('exit', (code) => {
      if (code !== 0) failure ??= new Error(`parse worker exited with code ${code}`);
      wake?.();
    });
    sendTo(w);
    sendTo(w);
  }
  try {
    // the calling thread takes batches too, yielding between them so worker results are handled
    while (next < batches.length && failure === undefined) {
      const id = next++;
      for (const t of batches[id]) onResult({ path: t.path, outcome: processInline(t) });
      await new Promise((r) => setImmediate(r));
    }
    while (inFlight > 0 && failure === undefined) await new Promise<void>((r) => (wake = r));
    if (failure !== undefined) throw failure;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return true;
}
