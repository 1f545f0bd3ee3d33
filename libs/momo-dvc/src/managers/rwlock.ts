/**
 * Path read/write locks in `.dvc/tmp/rwlock`, shared with DVC (spec §14.2, A15). Mirrors
 * DVC 3.67.1 `dvc/rwlock.py`: a JSON file `{"write": {path: info}, "read": {path: [info]}}`
 * edited under `.dvc/tmp/rwlock.lock` (the same flock primitive as the repo lock); an overlapping
 * writer blocks readers and writers, an overlapping reader blocks writers; entries of dead PIDs
 * are dropped with a warning; emptied maps are deleted on release.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { acquireRepoLock } from './repo-lock.js';
import { dvcError, EXIT } from '../errors/dvc-error.js';
import { pyJsonDumps } from '../hashing/py-json.js';
import { RWLOCK_FILE_NAME } from '../constants.js';

interface Info {
  pid: number;
  cmd: string;
}

interface RwlockData {
  write?: Record<string, Info>;
  read?: Record<string, Info[]>;
}

/** Options of {@link acquireRwlock}. */
export interface RwlockOptions {
  /** `.dvc/tmp` */
  tmpDir: string;
  /** what DVC records as `cmd` (its argv joined by spaces) */
  cmd: string;
  /** absolute paths to read (dependencies) */
  read: readonly string[];
  /** absolute paths to write (outputs) */
  write: readonly string[];
  /** for the "had been killed" warning's relative path */
  cwd: string;
  warn?: (message: string) => void;
  pid?: number;
}

/** A held set of path locks. */
export interface Rwlock {
  release(): Promise<void>;
}

function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(b.endsWith('/') ? b : b + '/') || b.startsWith(a.endsWith('/') ? a : a + '/');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function edit<T>(opts: Pick<RwlockOptions, 'tmpDir'>, fn: (lock: RwlockData) => T): Promise<T> {
  mkdirSync(opts.tmpDir, { recursive: true });
  const guard = await acquireRepoLock({ file: join(opts.tmpDir, `${RWLOCK_FILE_NAME}.lock`) });
  const path = join(opts.tmpDir, RWLOCK_FILE_NAME);
  try {
    let lock: RwlockData;
    let text: string | undefined;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      // no rwlock file yet
      text = undefined;
    }
    if (text === undefined) lock = {};
    else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw dvcError('RWLOCK_CORRUPTED', `Unable to read RWLock-file '${path}'. JSON structure is corrupted`, {
          hint: `remove '${path}' when no DVC or momo command is running`,
          exitCode: EXIT.UNEXPECTED,
        });
      }
      if (!valid(parsed)) {
        throw dvcError('RWLOCK_CORRUPTED', `RWLock-file '${path}' format error.`, { hint: `remove '${path}' when no DVC or momo command is running`, exitCode: EXIT.UNEXPECTED });
      }
      lock = parsed as RwlockData;
    }
    // voluptuous fills in both maps; they disappear only when emptied by a release (A15)
    lock.write ??= {};
    lock.read ??= {};
    const r = fn(lock);
    writeFileSync(path, pyJsonDumps(lock, { sortKeys: false }));
    return r;
  } finally {
    await guard.release();
  }
}

function valid(v: unknown): boolean {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'read' && k !== 'write') return false;
  const isInfo = (x: unknown) => !!x && typeof x === 'object' && Number.isInteger((x as Info).pid) && typeof (x as Info).cmd === 'string';
  if (o.write !== undefined && (typeof o.write !== 'object' || !Object.values(o.write as object).every(isInfo))) return false;
  if (o.read !== undefined && (typeof o.read !== 'object' || !Object.values(o.read as object).every((l) => Array.isArray(l) && l.every(isInfo)))) return false;
  return true;
}

function sameInfo(a: Info, b: Info): boolean {
  return a.pid === b.pid && a.cmd === b.cmd;
}

function checkBlockers(opts: RwlockOptions, lock: RwlockData, info: Info, mode: 'read' | 'write', waiters: readonly string[]): void {
  const blockers: Info[] = [];
  let blockedWaiter = '';
  const dead = new Set<number>();
  const table = lock[mode] ?? {};
  for (const [path, value] of Object.entries(table)) {
    const waiter = waiters.find((w) => overlaps(w, path));
    if (waiter === undefined) continue;
    const infos: Info[] = Array.isArray(value) ? value : [value as Info];
    for (const b of [...infos]) {
      if (sameInfo(b, info)) continue;
      if (!dead.has(b.pid) && alive(b.pid)) {
        blockers.push(b);
        blockedWaiter = waiter;
        continue;
      }
      if (!dead.has(b.pid)) {
        dead.add(b.pid);
        opts.warn?.(`Process '${b.cmd}' with (Pid ${b.pid}), in RWLock-file '${relative(opts.cwd, path).split(sep).join('/')}' had been killed. Auto removed it from the lock file.`);
      }
      if (mode === 'write') {
        delete lock.write![path];
        if (!Object.keys(lock.write!).length) delete lock.write;
      } else {
        const list = lock.read![path]!;
        list.splice(list.findIndex((x) => sameInfo(x, b)), 1);
        if (!list.length) delete lock.read![path];
        if (!Object.keys(lock.read!).length) delete lock.read;
      }
    }
  }
  if (blockers.length) {
    throw dvcError(
      'PATH_BUSY',
      `'${blockedWaiter}' is busy, it is being blocked by:\n${blockers.map((b) => `  (PID ${b.pid}): ${b.cmd}`).join('\n')}\n\nIf there are no processes with such PIDs, you can manually remove '${opts.tmpDir}/rwlock' and try again.`,
      { hint: 'wait for the other command to finish', exitCode: EXIT.UNEXPECTED, data: { path: blockedWaiter } },
    );
  }
}

/**
 * Records this process as reader of `read` and writer of `write`.
 * @throws PATH_BUSY when another live process writes (or, for `write`, reads) an overlapping path;
 *   RWLOCK_CORRUPTED
 */
export async function acquireRwlock(opts: RwlockOptions): Promise<Rwlock> {
  const info: Info = { pid: opts.pid ?? process.pid, cmd: opts.cmd };
  const { rchanges, wchanges } = await edit(opts, (lock) => {
    checkBlockers(opts, lock, info, 'write', [...opts.read, ...opts.write]);
    checkBlockers(opts, lock, info, 'read', opts.write);
    const rchanges: string[] = [];
    const wchanges: string[] = [];
    for (const p of opts.read) {
      lock.read ??= {};
      const readers = (lock.read[p] ??= []);
      if (readers.some((r) => sameInfo(r, info))) continue;
      readers.push({ ...info });
      rchanges.push(p);
    }
    for (const p of opts.write) {
      lock.write ??= {};
      const cur = lock.write[p];
      if (cur && sameInfo(cur, info)) continue;
      lock.write[p] = { ...info };
      wchanges.push(p);
    }
    return { rchanges, wchanges };
  });
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      await edit(opts, (lock) => {
        for (const p of wchanges) {
          if (lock.write?.[p] && sameInfo(lock.write[p]!, info)) delete lock.write[p];
          if (lock.write && !Object.keys(lock.write).length) delete lock.write;
        }
        for (const p of rchanges) {
          const list = lock.read?.[p];
          if (list) {
            const i = list.findIndex((x) => sameInfo(x, info));
            if (i >= 0) list.splice(i, 1);
            if (!list.length) delete lock.read![p];
          }
          if (lock.read && !Object.keys(lock.read).length) delete lock.read;
        }
      });
    },
  };
}
