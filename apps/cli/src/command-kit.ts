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
/**
 * Remote connection failures: DVC 3.67.1 lets them escape from its filesystems as non-DVC
 * exceptions (asyncssh's PermissionDenied, ConnectionRefusedError, botocore's 403…), so a
 * catching command such as `dvc push` or `dvc status -c` exits 255; fetch/pull count them as
 * failed downloads (FETCH_FAILED, exit 1). Checked by e2e/remotes-interop.spec.ts.
 */
const REMOTE_CONNECTION_ERRORS = new Set([
  'REMOTE_AUTH_FAILED', 'REMOTE_UNREACHABLE', 'REMOTE_PERMISSION_DENIED', 'REMOTE_HOST_KEY_MISMATCH', 'REMOTE_HOST_KEY_UNKNOWN',
]);
/** Errors raised while the repo is opened keep their own exit code in every command (A34). */
const OPEN_ERRORS = new Set(['NOT_A_DVC_REPO', 'CONFIG_INVALID']);

export function applyErrorPolicy(e: unknown, policy: ErrorPolicy): unknown {
  if (!isMomoError(e)) return e;
  const set = (code: number) => ((e as { exitCode: number }).exitCode = code);
  if (e.exitCode === EXIT.USAGE || OPEN_ERRORS.has(e.code)) return e;
  if (policy === 'uncaught' || REMOTE_CONNECTION_ERRORS.has(e.code)) {
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

/** `1536` → `1.5 KiB`, binary units as DVC's progress bars use. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

/**
 * A progress line on stderr — `Pushing 120/500 files, 3.2 MiB (1.1 MiB/s)` — redrawn in place at
 * most every 100 ms on a TTY, ended with a newline when `done` reaches `total`; nothing at all when
 * quiet (`-q`, `--json`) or when stderr is not a terminal, so logs and pipes stay clean.
 */
export function progressPrinter(
  io: Io,
  quiet: boolean,
  clock: () => number = Date.now,
): ((label: string, done: number, total: number, bytes?: number) => void) | undefined {
  if (quiet || !io.isTTY) return undefined;
  const start = clock();
  let last = -Infinity;
  let ended = false;
  return (label, done, total, bytes) => {
    const now = clock();
    const final = done >= total;
    if ((!final && now - last < 100) || (final && ended)) return;
    last = now;
    ended = final;
    let line = `${label} ${done}/${total} file${total === 1 ? '' : 's'}`;
    if (bytes !== undefined && bytes > 0) {
      line += `, ${formatBytes(bytes)}`;
      const secs = (now - start) / 1000;
      if (secs >= 0.5) line += ` (${formatBytes(Math.round(bytes / secs))}/s)`;
    }
    io.err(`\r\x1b[K${line}${final ? '\n' : ''}`);
  };
}

export { EXIT };
