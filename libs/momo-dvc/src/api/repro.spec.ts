import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpRepo, type TmpRepo } from '@momo/testing';
import { isMomoError } from '@momo/errors';
import { init } from './init.js';
import { repro, type ReproEvent } from './repro.js';
import { status } from './status.js';
import type { ProcessRunner } from '../runner/process-runner.js';

// The repro library API on real temp repos: coded errors that change nothing, progress events,
// the ProcessRunner port, momo's `jobs` extension and glob dependencies.

let r: TmpRepo | undefined;
afterEach(() => {
  r?.cleanup();
  r = undefined;
});

async function repo(files: Record<string, unknown>): Promise<TmpRepo> {
  const t = tmpRepo();
  await init({ cwd: t.root, noScm: true });
  t.gen(files as never);
  return t;
}

/** Everything outside .dvc/tmp, for "nothing written" checks. */
function listing(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (p === '.dvc/tmp') continue;
      if (e.isDirectory()) walk(join(dir, e.name), p);
      else out.push(p);
    }
  };
  walk(root, '');
  return out.sort();
}

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect(isMomoError(e), String(e)).toBe(true);
    expect((e as { code: string }).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('repro: bad input is refused with a code and nothing is written', () => {
  const cases: Array<[string, Record<string, unknown>, string, string[]?]> = [
    ['a cycle', { foo: 'x', 'dvc.yaml': 'stages:\n  a:\n    cmd: cp foo bar\n    deps:\n    - foo\n    outs:\n    - bar\n  b:\n    cmd: cp bar foo\n    deps:\n    - bar\n    outs:\n    - foo\n' }, 'PIPELINE_CYCLE'],
    ['overlapping outputs', { 'dvc.yaml': 'stages:\n  a:\n    cmd: mkdir -p d\n    outs:\n    - d\n  b:\n    cmd: echo > d/x\n    outs:\n    - d/x\n' }, 'OUTPUT_OVERLAPPING'],
    ['an unknown stage', { 'dvc.yaml': 'stages:\n  a:\n    cmd: echo\n' }, 'STAGE_NOT_FOUND', ['nope']],
    ['a missing dependency', { 'dvc.yaml': 'stages:\n  a:\n    cmd: cp foo bar\n    deps:\n    - foo\n    outs:\n    - bar\n' }, 'REPRO_FAILED'],
    ['a bad template variable', { 'dvc.yaml': 'stages:\n  a:\n    cmd: echo ${nope}\n' }, 'TEMPLATE_RESOLVE_FAILED'],
    ['malformed YAML', { 'dvc.yaml': 'stages:\n  a:\n    cmd: [echo\n' }, 'PIPELINE_FILE_INVALID'],
    ['a missing dvc.yaml', { foo: 'x' }, 'DVCFILE_NOT_FOUND'],
  ];
  for (const [what, files, code, targets] of cases) {
    it(`refuses ${what} (${code})`, async () => {
      r = await repo(files);
      const before = listing(r.root);
      await expectCode(repro({ cwd: r.root, targets }), code);
      expect(listing(r.root)).toEqual(before);
    });
  }

  it('a failing command leaves dvc.lock and the cache untouched and reports DVC\'s message', async () => {
    r = await repo({ foo: 'foo', 'dvc.yaml': 'stages:\n  a:\n    cmd: cp foo bar && exit 3\n    deps:\n    - foo\n    outs:\n    - bar\n' });
    const err = await repro({ cwd: r.root }).catch((e: unknown) => e);
    expect(isMomoError(err, 'REPRO_FAILED')).toBe(true);
    expect((err as Error).message).toBe("failed to reproduce 'a': failed to run: cp foo bar && exit 3, exited with 3");
    expect((err as { exitCode: number }).exitCode).toBe(255);
    expect(existsSync(join(r.root, 'dvc.lock'))).toBe(false);
    expect(existsSync(join(r.root, '.dvc/cache/files'))).toBe(false);
    expect(existsSync(join(r.root, '.dvc/cache/runs'))).toBe(false);
  });
});

describe('repro: events and the ProcessRunner port', () => {
  it('reports stage started/finished/skipped/restored and streams command output as events', async () => {
    r = await repo({ foo: 'foo', 'dvc.yaml': 'stages:\n  a:\n    cmd: cp foo bar && echo made-bar\n    deps:\n    - foo\n    outs:\n    - bar\n  b:\n    cmd: cp bar baz\n    deps:\n    - bar\n    outs:\n    - baz\n' });
    const events: ReproEvent[] = [];
    const first = await repro({ cwd: r.root, onEvent: (e) => events.push(e) });
    expect(first.stages).toEqual(['a', 'b']);
    expect(events.filter((e) => e.type !== 'log').map((e) => `${e.type}:${'stage' in e ? e.stage : ''}`)).toEqual([
      'stage-started:a',
      'output:a',
      'stage-finished:a',
      'stage-started:b',
      'stage-finished:b',
    ]);
    expect(events.find((e) => e.type === 'output')).toMatchObject({ stream: 'stdout', text: 'made-bar\n' });
    expect(events.filter((e) => e.type === 'log').map((e) => (e as { message: string }).message)).toContain("Generating lock file 'dvc.lock'");
    // delete the outputs: a is restored from the lock/run-cache, b then has nothing to do
    const again: ReproEvent[] = [];
    const { rmSync } = await import('node:fs');
    rmSync(join(r.root, 'bar'));
    await repro({ cwd: r.root, onEvent: (e) => again.push(e) });
    expect(again.filter((e) => e.type.startsWith('stage-')).map((e) => `${e.type}:${(e as { stage: string }).stage}`)).toEqual([
      'stage-started:a',
      'stage-restored:a',
      'stage-finished:a',
      'stage-started:b',
      'stage-skipped:b',
    ]);
  });

  it('runs commands through the given runner with wdir, DVC_ROOT and DVC_STAGE', async () => {
    r = await repo({ sub: { 'in.txt': 'x' }, 'dvc.yaml': 'stages:\n  s:\n    cmd:\n    - first\n    - second\n    wdir: sub\n    deps:\n    - in.txt\n' });
    const calls: Array<{ command: string; cwd: string; root?: string; stage?: string }> = [];
    const runner: ProcessRunner = {
      async run(o) {
        calls.push({ command: o.command, cwd: o.cwd, root: o.env.DVC_ROOT, stage: o.env.DVC_STAGE });
        o.onOutput?.(`ran ${o.command}\n`, 'stdout');
        return { code: 0, signal: null };
      },
    };
    const res = await repro({ cwd: r.root, runner, env: {} });
    expect(res.stages).toEqual(['s']);
    expect(calls).toEqual([
      { command: 'first', cwd: join(r.root, 'sub'), root: r.root, stage: 's' },
      { command: 'second', cwd: join(r.root, 'sub'), root: r.root, stage: 's' },
    ]);
    expect(readFileSync(join(r.root, 'dvc.lock'), 'utf8')).toContain('    cmd:\n    - first\n    - second\n');
  });
});

describe('momo extensions', () => {
  it('jobs: 2 runs independent stages side by side and still every stage after its upstream', async () => {
    const stage = (i: number) => `  s${i}:\n    cmd: sleep 1 && echo ${i} > o${i}\n    outs:\n    - o${i}\n`;
    r = await repo({ 'dvc.yaml': `stages:\n${[1, 2, 3, 4].map(stage).join('')}  all:\n    cmd: cat o1 o2 o3 o4 > all\n    deps:\n    - o1\n    - o2\n    - o3\n    - o4\n    outs:\n    - all\n` });
    const order: string[] = [];
    const res = await repro({ cwd: r.root, jobs: 2, onEvent: (e) => (e.type === 'stage-started' || e.type === 'stage-finished') && order.push(`${e.type.slice(6)}:${e.stage}`) });
    expect(res.stages.sort()).toEqual(['all', 's1', 's2', 's3', 's4']);
    // side by side, never more than asked: the most stages between their start and finish at once is 2
    let running = 0;
    let most = 0;
    for (const e of order) most = Math.max(most, (running += e.startsWith('started:') ? 1 : -1));
    expect(most).toBe(2);
    expect(order.indexOf('started:all')).toBeGreaterThan(Math.max(...[1, 2, 3, 4].map((i) => order.indexOf(`finished:s${i}`))));
    expect(readFileSync(join(r.root, 'all'), 'utf8')).toBe('1\n2\n3\n4\n');
    expect((await status({ cwd: r.root })).stages).toEqual({});
  });

  it('glob dependencies expand deterministically, hash as a set, and change when a matched file changes', async () => {
    r = await repo({
      libs: { python: { 'momo-kb': { momo_kb: { 'a.py': 'a' } }, 'momo-vs': { momo_vs: { 'b.py': 'b' } }, other: { x: { 'c.py': 'c' } } } },
      'dvc.yaml': 'stages:\n  ingest:\n    cmd: ls libs/python/*/momo_* > kb.txt\n    deps:\n    - libs/python/*/momo_*/\n    outs:\n    - kb.txt\n',
    });
    const res = await repro({ cwd: r.root });
    expect(res.warnings).toContain("'dvc.yaml' uses momo extensions (glob dependencies): real DVC cannot reproduce these stages");
    const lock = readFileSync(join(r.root, 'dvc.lock'), 'utf8');
    // a.py + b.py as a set: the manifest of {momo-kb/momo_kb/a.py, momo-vs/momo_vs/b.py}
    expect(lock).toContain('    - path: libs/python/*/momo_*/\n      hash: md5\n      md5: ');
    expect(lock).toMatch(/md5: [0-9a-f]{32}\.dir\n {6}size: 2\n {6}nfiles: 2\n/);
    expect((await status({ cwd: r.root })).stages).toEqual({});
    r.gen({ libs: { python: { other: { x: { 'd.py': 'not matched' } } } } });
    expect((await status({ cwd: r.root })).stages).toEqual({});
    r.gen({ libs: { python: { 'momo-new': { momo_new: { 'n.py': 'n' } } } } });
    expect((await status({ cwd: r.root })).stages).toEqual({ ingest: [{ 'changed deps': { 'libs/python/*/momo_*': 'modified' } }] });
  });
});
