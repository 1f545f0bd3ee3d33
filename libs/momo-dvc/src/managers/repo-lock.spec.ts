import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpRepo, PROJECT_ROOT, type TmpRepo } from '@momo/testing';
import { isMomoError } from '@momo/errors';
import { acquireRepoLock } from './repo-lock.js';

// DVC takes `.dvc/tmp/lock` with zc.lockfile (flock); we hold it with DVC's own library from the
// oracle venv, so the test exercises the real interop, not our own code against itself.
const PY = join(PROJECT_ROOT, '.venv-dvc', 'bin', 'python');

let repo: TmpRepo | undefined;
let holder: ChildProcess | undefined;
afterEach(() => {
  holder?.kill('SIGKILL');
  holder = undefined;
  repo?.cleanup();
  repo = undefined;
});

function holdWithZcLockfile(file: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const p = spawn(PY, ['-c', `import zc.lockfile, sys, time\nl = zc.lockfile.LockFile(${JSON.stringify(file)})\nprint('held', flush=True)\ntime.sleep(60)`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    p.stdout!.once('data', () => resolve(p));
    p.once('exit', (c) => reject(new Error(`zc.lockfile holder exited ${c}`)));
  });
}

describe('repo lock', () => {
  it('fails with REPO_LOCKED naming the holder while DVC holds the lock', async () => {
    repo = tmpRepo();
    const file = join(repo.root, '.dvc', 'tmp', 'lock');
    mkdirSync(join(repo.root, '.dvc', 'tmp'), { recursive: true });
    holder = await holdWithZcLockfile(file);
    const err = await acquireRepoLock({ file, attempts: 2, intervalMs: 50 }).catch((e) => e);
    expect(isMomoError(err, 'REPO_LOCKED')).toBe(true);
    expect(err.message).toContain(`PID ${holder.pid}`);
  });

  it('is taken once DVC lets go, and writes " <pid>\\n" like zc.lockfile', async () => {
    repo = tmpRepo();
    const file = join(repo.root, '.dvc', 'tmp', 'lock');
    mkdirSync(join(repo.root, '.dvc', 'tmp'), { recursive: true });
    holder = await holdWithZcLockfile(file);
    const pending = acquireRepoLock({ file, attempts: 40, intervalMs: 50 });
    setTimeout(() => holder?.kill('SIGKILL'), 200);
    const lock = await pending;
    expect(readFileSync(file, 'utf8')).toBe(` ${process.pid}\n`);
    // and DVC cannot take it while we hold it
    const probe = spawn(PY, ['-c', `import zc.lockfile\ntry:\n  zc.lockfile.LockFile(${JSON.stringify(file)})\n  print('got')\nexcept zc.lockfile.LockError:\n  print('busy')`]);
    const out = await new Promise<string>((r) => {
      let s = '';
      probe.stdout.on('data', (d) => (s += d));
      probe.on('exit', () => r(s.trim()));
    });
    expect(out).toBe('busy');
    await lock.release();
  });

  it('lets read-only commands share the lock', async () => {
    repo = tmpRepo();
    const file = join(repo.root, '.dvc', 'tmp', 'lock');
    const a = await acquireRepoLock({ file, shared: true });
    const b = await acquireRepoLock({ file, shared: true, attempts: 1 });
    const writer = await acquireRepoLock({ file, attempts: 1 }).catch((e) => e);
    expect(isMomoError(writer, 'REPO_LOCKED')).toBe(true);
    await a.release();
    await b.release();
    const w = await acquireRepoLock({ file, attempts: 1 });
    await w.release();
  });
});
