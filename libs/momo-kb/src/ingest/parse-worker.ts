import { parentPort } from 'node:worker_threads';
import type { Parser as TsParser } from 'web-tree-sitter';
import { loadPythonParser } from '../parse/parse-python.js';
import { processFile } from './process-file.js';
import type { ParseTask, ParseTaskResult } from './parse-pool.js';

/** Worker side of the parse pool: processes batches of files and posts the outcomes back. */
let python: TsParser | undefined;
parentPort!.on('message', async (msg: { id: number; tasks: ParseTask[] }) => {
  if (!python && msg.tasks.some((t) => t.language === 'python')) python = await loadPythonParser();
  const results: ParseTaskResult[] = msg.tasks.map((t) => {
    const outcome = processFile({
      path: t.path,
      abs: t.abs,
      language: t.language,
      module: t.module,
      settings: t.settings,
      previousHash: t.previousHash,
      pythonParser: python,
    });
    return { path: t.path, outcome };
  });
  // one JSON string crosses the thread boundary faster than a structured clone of the records
  parentPort!.postMessage(JSON.stringify({ id: msg.id, results }));
});
