import type { Command } from 'commander';
import { EXIT, isMomoError } from '@momo/errors';
import type { Io } from './io.js';

/**
 * DVC's commands differ in how errors end: "catching" commands (add, status, push, pull, fetch,
 * commit, remove, init, freeze…) log the error and exit 1; the others let it reach main and exit
 * 255 (dvc/cli/__init__.py, spec §15.1). Errors raised while opening the repo keep 253/251.
 */
export type ErrorPolicy = 'catching' | 'uncaught';

/** Errors that are not DvcExceptions in DVC, so even catching commands end with 255. */
const NOT_DVC_EXCEPTIONS = new Set(['DVCIGNORE_IN_OUTPUT', 'INTERNAL_ERROR', 'USAGE_INVALID']);
/** Errors raised while the repo is opened keep their own exit code in every command (A34). */
const OPEN_ERRORS = new Set(['NOT_A_DVC_REPO', 'CONFIG_INVALID']);

export function applyErrorPolicy(e: unknown, policy: ErrorPolicy): unknown {
  if (!isMomoError(e)) return e;
  const set = (code: number) => ((e as { exitCode: number }).exitCode = code);
  if (e.exitCode === EXIT.USAGE || OPEN_ERRORS.has(e.code)) return e;
  if (policy === 'uncaught') {
    if (e.exitCode === EXIT.FAILED) set(EXIT.UNEXPECTED);
  } else if (!NOT_DVC_EXCEPTIONS.has(e.code)) set(EXIT.FAILED);
  return e;
}

/** Wraps an action so its errors get the command's exit policy. */
export function action<A extends unknown[]>(policy: ErrorPolicy, fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      throw applyErrorPolicy(e, policy);
    }
  };
}

/** Global flags of the root program (-q, -v, --wait-for-lock…). */
export function globals(cmd: Command): { quiet: boolean; verbose: boolean } {
  const root = cmd.parent ?? cmd;
  const g = root.opts() as { quiet?: boolean; verbose?: boolean };
  const own = cmd.opts() as { quiet?: boolean; verbose?: boolean };
  return { quiet: Boolean(own.quiet ?? g.quiet), verbose: Boolean(own.verbose ?? g.verbose) };
}

/** DVC's "To track the changes with git, run:" block (dvc/repo/scm_context.py). */
export function gitAddHint(io: Io, files: string[]): void {
  if (!files.length) return;
  const quoted = files.map((f) => (/^[\w@%+=:,./-]+$/.test(f) ? f : `'${f.replace(/'/g, `'"'"'`)}'`));
  io.out(`\nTo track the changes with git, run:\n\n\tgit add ${quoted.join(' ')}\n\nTo enable auto staging, run:\n\n\tdvc config core.autostage true\n`);
}

/** A progress line on stderr, redrawn in place on a TTY, silent otherwise. */
export function progressPrinter(io: Io, quiet: boolean): ((label: string, done: number, total: number) => void) | undefined {
  if (quiet || !io.isTTY) return undefined;
  let last = 0;
  return (label, done, total) => {
    const now = Date.now();
    if (done < total && now - last < 100) return;
    last = now;
    io.err(`\r\x1b[K${label} ${done}/${total}${done >= total ? '\n' : ''}`);
  };
}

export { EXIT };
