import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, writeSync, ftruncateSync, closeSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { dvcError } from '../errors/dvc-error.js';
import { EXIT } from '@momo/errors';

export interface RepoLockOptions {
  /** `.dvc/tmp/lock` */
  file: string;
  /** shared lock for read-only commands (they never wait on each other) */
  shared?: boolean;
  /** retry forever (`--wait-for-lock`) */
  wait?: boolean;
  /** attempts before giving up (DVC: 1 + 6 retries, 0.5 s apart) */
  attempts?: number;
  intervalMs?: number;
}

/** A held repo lock; `release()` is idempotent and also happens when the process exits. */
export interface RepoLock {
  release(): Promise<void>;
}

/**
 * Takes DVC's repository lock `.dvc/tmp/lock` with the same primitive DVC uses (BSD `flock` on
 * the file, zc.lockfile; spec §14.1), so momo and Python DVC never write at the same time.
 * Node has no flock(2), so the lock is held by a `flock(1)` child whose stdin is our pipe: it
 * lives exactly as long as this process (a SIGKILLed momo drops the lock at once, never stale).
 * Exclusive for writers; shared for read-only commands, which therefore never wait on each other
 * but do wait for (and block) writers, including DVC.
 * @throws REPO_LOCKED (exit 255) naming the holder's PID and the next step
 */
export async function acquireRepoLock(opts: RepoLockOptions): Promise<RepoLock> {
  mkdirSync(dirname(opts.file), { recursive: true });
  const attempts = opts.wait ? Infinity : (opts.attempts ?? 7);
  const interval = opts.intervalMs ?? 500;
  for (let i = 0; i < attempts; i++) {
    const child = await tryFlock(opts.file, Boolean(opts.shared));
    if (child) {
      if (!opts.shared) writePid(opts.file);
      let released = false;
      return {
        release: async () => {
          if (released) return;
          released = true;
          await new Promise<void>((resolve) => {
            // keep the event loop alive until the holder has really let go
            child.ref();
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.stdin?.end();
          });
        },
      };
    }
    if (i + 1 < attempts) await new Promise((r) => setTimeout(r, interval));
  }
  throw lockedError(opts.file);
}

function tryFlock(file: string, shared: boolean): Promise<ChildProcess | undefined> {
  return new Promise((resolve, reject) => {
    // `flock -n` exits 1 at once when the lock is busy; on success the shell says "ok" and then
    // blocks in `cat` on our stdin until we close it (release) or die (pipe closed).
    const child = spawn('flock', [shared ? '-s' : '-x', '-n', '-E', '75', file, '-c', 'echo ok; exec cat >/dev/null'], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let settled = false;
    child.on('error', (e) => {
      if (settled) return;
      settled = true;
      reject(
        dvcError('REPO_LOCKED', `cannot take the repository lock '${file}': ${(e as Error).message}`, {
          hint: 'momo needs the `flock` utility (Debian package util-linux) to share a repository safely with DVC',
          exitCode: EXIT.UNEXPECTED,
        }),
      );
    });
    child.stdout!.once('data', () => {
      if (settled) return;
      settled = true;
      child.stdout!.destroy();
      // do not keep the event loop alive for the lock holder
      child.unref();
      (child.stdin as unknown as { unref?: () => void }).unref?.();
      resolve(child);
    });
    child.once('exit', () => {
      if (settled) return;
      settled = true;
      resolve(undefined);
    });
  });
}

/** zc.lockfile writes " <pid>\n" into the lock file after locking. */
function writePid(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    const text = Buffer.from(` ${process.pid}\n`);
    writeSync(fd, text, 0, text.length, 0);
    ftruncateSync(fd, text.length);
  } finally {
    closeSync(fd);
  }
}

function lockedError(file: string) {
  let holder = '';
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (pid > 0) {
      let alive = true;
      try {
        process.kill(pid, 0);
      } catch (e) {
        alive = (e as NodeJS.ErrnoException).code === 'EPERM';
      }
      let cmd = '';
      try {
        cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      } catch {
        // not Linux or the process is gone: the PID alone is reported
      }
      holder = alive
        ? `\nIt is held by PID ${pid}${cmd ? ` (${cmd})` : ''}.`
        : `\nThe last holder, PID ${pid}, is gone, but a process it started still holds the lock (find it with \`fuser ${file}\`).`;
    }
  } catch {
    // unreadable lock file: report without a holder
  }
  return dvcError(
    'REPO_LOCKED',
    `Unable to acquire lock. Most likely another DVC process is running or was terminated abruptly.${holder}`,
    {
      hint: 'wait for that command to finish, or run again with `--wait-for-lock`; see <https://dvc.org/doc/user-guide/troubleshooting#lock-issue>',
      exitCode: EXIT.UNEXPECTED,
      data: { file },
    },
  );
}
