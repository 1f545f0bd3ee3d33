import { createInterface } from 'node:readline/promises';
import { relative } from 'node:path';
import type { Io } from '../io.js';

/** The shapes of @momo/dvc's repro events the CLI renders (kept structural: no engine import). */
export type PrintableEvent =
  | { type: 'log'; level: 'info' | 'warning'; message: string; stage?: string }
  | { type: 'output'; stage: string; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'stage-started' | 'stage-skipped' | 'stage-restored' | 'stage-finished' | 'stage-failed'; stage: string };

/**
 * Prints repro events the way DVC does: info lines on stdout, `WARNING: ` lines on stderr,
 * command output on its own stream.
 *
 * With `grouped` (momo's `repro -j N`), output of stages running side by side is never
 * interleaved: the stage that started first streams live; the others are buffered and flushed,
 * in start order, when the stages before them have finished.
 */
export function createReproPrinter(io: Io, opts: { quiet?: boolean; grouped?: boolean }): (e: PrintableEvent) => void {
  const write = (stream: 'out' | 'err', text: string) => {
    if (stream === 'out') io.out(text);
    else io.err(text);
  };
  const render = (e: PrintableEvent): Array<['out' | 'err', string]> => {
    if (e.type === 'log') {
      if (e.level === 'warning') return [['err', `WARNING: ${e.message}\n`]];
      return opts.quiet ? [] : [['out', `${e.message}\n`]];
    }
    if (e.type === 'output') return [[e.stream === 'stdout' ? 'out' : 'err', e.text]];
    return [];
  };
  if (!opts.grouped) {
    return (e) => {
      for (const [s, t] of render(e)) write(s, t);
    };
  }
  const order: string[] = [];
  const buffers = new Map<string, Array<['out' | 'err', string]>>();
  const done = new Set<string>();
  const flushHead = () => {
    while (order.length) {
      const head = order[0]!;
      for (const [s, t] of buffers.get(head) ?? []) write(s, t);
      buffers.set(head, []);
      if (!done.has(head)) return;
      order.shift();
      buffers.delete(head);
    }
  };
  return (e) => {
    const stage = 'stage' in e ? e.stage : undefined;
    if (!stage) {
      for (const [s, t] of render(e)) write(s, t);
      return;
    }
    if (!buffers.has(stage) && !done.has(stage)) {
      order.push(stage);
      buffers.set(stage, []);
    }
    buffers.get(stage)?.push(...render(e));
    if (e.type === 'stage-finished' || e.type === 'stage-failed' || e.type === 'stage-skipped') done.add(stage);
    flushHead();
  };
}

/** DVC's `prompt.confirm`: asks on a TTY; without one the answer is no (and nothing is printed). */
export function ttyConfirm(io: Io): (question: string) => Promise<boolean> {
  void io;
  return async (q) => {
    if (!process.stdin.isTTY || !process.stdout.isTTY) return false;
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const a = await rl.question(`${q} [y/n]: `);
    rl.close();
    return /^y(es)?$/i.test(a.trim());
  };
}

/** Absolute paths as the `git add` hint shows them: relative to the CWD. */
export function relFiles(io: Io, files: string[]): string[] {
  return files.map((f) => relative(io.cwd, f) || '.');
}
