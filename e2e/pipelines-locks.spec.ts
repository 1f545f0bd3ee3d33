import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpRepo, runDvc, runMomo, testEnv, MOMO_BIN, type TmpRepo } from '@momo/testing';
import { dvcYaml } from './pipelines-kit.js';

// §14.1/§14.2 + A15: while a stage's command runs, momo releases .dvc/tmp/lock and holds the
// stage's paths in .dvc/tmp/rwlock, in DVC's format, so real DVC 3.67.1 can work next to it.

let r: TmpRepo | undefined;
afterEach(() => {
  r?.cleanup();
  r = undefined;
});

describe('locks shared with DVC', () => {
  it('lets DVC read the repo while a command runs, blocks it on the paths being written, and leaves {} behind', async () => {
    r = tmpRepo({ git: true });
    expect(runMomo(r.root, ['init', '-q']).code).toBe(0);
    r.gen({
      foo: 'foo',
      other: 'other',
      'dvc.yaml': dvcYaml({
        slow: { cmd: 'sleep 4 && cp foo bar', deps: ['foo'], outs: ['bar'] },
        reader: { cmd: 'cp bar baz', deps: ['bar'], outs: ['baz'] },
        free: { cmd: 'cp other free.txt', deps: ['other'], outs: ['free.txt'] },
      }),
    });
    const child = spawn(process.execPath, [MOMO_BIN, 'repro', 'slow'], { cwd: r.root, env: testEnv(), stdio: 'ignore' });
    const done = new Promise<number>((res) => child.on('close', (code) => res(code ?? -1)));
    const rwlock = join(r.root, '.dvc/tmp/rwlock');
    for (let i = 0; i < 60 && !(existsSync(rwlock) && readFileSync(rwlock, 'utf8').includes('"write"') && readFileSync(rwlock, 'utf8').includes('bar')); i++) await new Promise((res) => setTimeout(res, 100));
    const held = JSON.parse(readFileSync(rwlock, 'utf8')) as { write: Record<string, { pid: number; cmd: string }>; read: Record<string, Array<{ pid: number; cmd: string }>> };
    expect(held.write[join(r.root, 'bar')]).toEqual({ pid: child.pid, cmd: 'momo repro slow' });
    expect(held.read[join(r.root, 'foo')]).toEqual([{ pid: child.pid, cmd: 'momo repro slow' }]);
    // the repo lock is free while the command runs: DVC can work on other stages
    const free = runDvc(r.root, ['repro', 'free']);
    expect(free.code, free.stderr).toBe(0);
    // …but not on the paths momo is writing
    const blocked = runDvc(r.root, ['repro', '-s', 'reader']);
    expect(blocked.code).toBe(255);
    expect(blocked.stderr).toContain(`'${join(r.root, 'bar')}' is busy, it is being blocked by:\n  (PID ${child.pid}): momo repro slow\n`);
    expect(await done).toBe(0);
    expect(readFileSync(rwlock, 'utf8')).toBe('{}');
    const st = runDvc(r.root, ['status', 'slow', '--json']);
    expect(st.stdout.trim()).toBe('{}');
  }, 60_000);
});

describe('momo extensions seen by DVC', () => {
  it('a lock written by `momo repro -j 2` is up to date for DVC; a glob dependency reads as deleted to DVC', () => {
    r = tmpRepo({ git: true });
    expect(runMomo(r.root, ['init', '-q']).code).toBe(0);
    r.gen({
      libs: { python: { 'momo-kb': { momo_kb: { 'a.py': 'a' } }, 'momo-vs': { momo_vs: { 'b.py': 'b' } } } },
      'dvc.yaml': dvcYaml({
        one: { cmd: 'echo 1 > one', outs: ['one'] },
        two: { cmd: 'echo 2 > two', outs: ['two'] },
        both: { cmd: 'cat one two > both', deps: ['one', 'two'], outs: ['both'] },
      }),
      sub: { 'dvc.yaml': dvcYaml({ ingest: { cmd: 'ls ../libs/python/*/momo_* > kb.txt', deps: ['../libs/python/*/momo_*/'], outs: ['kb.txt'] } }) },
    });
    const j = runMomo(r.root, ['repro', '-j', '2', '-P']);
    expect(j.code, j.stderr).toBe(0);
    expect(j.stderr).toContain("WARNING: 'sub/dvc.yaml' uses momo extensions (glob dependencies): real DVC cannot reproduce these stages");
    expect(runMomo(r.root, ['status', '--json']).stdout).toBe('{}\n');
    const st = runDvc(r.root, ['status', '--json']);
    expect(JSON.parse(st.stdout)).toEqual({ 'sub/dvc.yaml:ingest': [{ 'changed deps': { 'libs/python/*/momo_*': 'deleted' } }] });
  });
});
