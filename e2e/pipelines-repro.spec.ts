import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipelineTwins, same, sameFile, sameWorkspace, dvcYaml, type Twins } from './pipelines-kit.js';

// dvc-compat §16.5 (tests/func/repro/test_repro.py), under real DVC 3.67.1 and momo in twin repos.

let t: Twins | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

/** A → {B, C} → D → E ← F ← G (§16.5 #45), each stage copying/concatenating files. */
const graph = () =>
  dvcYaml({
    A: { cmd: 'cp foo a', deps: ['foo'], outs: ['a'] },
    B: { cmd: 'cp a b', deps: ['a'], outs: ['b'] },
    C: { cmd: 'cp a c', deps: ['a'], outs: ['c'] },
    D: { cmd: 'cat b c > d', deps: ['b', 'c'], outs: ['d'] },
    E: { cmd: 'cat d f > e', deps: ['d', 'f'], outs: ['e'] },
    G: { cmd: 'cp bar g', deps: ['bar'], outs: ['g'] },
    F: { cmd: 'cp g f', deps: ['g'], outs: ['f'] },
  });

describe('planning (§16.5)', () => {
  it('follows --downstream, -s order, --force-downstream and --dry like DVC (#45, #57, #58, #65)', () => {
    t = pipelineTwins({ foo: 'foo', bar: 'bar', 'dvc.yaml': graph() });
    same(t, ['repro', '-q']);
    same(t, ['repro', '--downstream', '--force', 'B']);
    same(t, ['repro', '-s', 'C', 'A', '-f']);
    t.gen({ foo: 'foo2' });
    same(t, ['repro', '--dry', 'E'], { stdout: 'lines' });
    same(t, ['repro', '--force-downstream', 'E']);
    sameFile(t, 'dvc.lock');
    sameWorkspace(t);
  });

  it('a frozen stage cuts its upstream off and only verifies its outputs (#44, #60, #61)', () => {
    t = pipelineTwins({
      foo: 'foo',
      'dvc.yaml': dvcYaml({
        s0: { cmd: 'cp foo s0', deps: ['foo'], outs: ['s0'] },
        s1: { cmd: 'cp s0 s1', deps: ['s0'], outs: ['s1'] },
        s2: { cmd: 'cp s1 s2', deps: ['s1'], outs: ['s2'] },
        cb: { cmd: 'echo run >> cb.log' },
      }),
    });
    same(t, ['repro']);
    same(t, ['freeze', 's1', 'cb']);
    sameFile(t, 'dvc.yaml');
    t.gen({ foo: 'changed' });
    same(t, ['repro']);
    same(t, ['status', '--json']);
    same(t, ['unfreeze', 's1', 'cb']);
    same(t, ['repro', 'cb']);
    sameFile(t, 'dvc.lock');
    expect(readFileSync(join(t.momo.root, 'cb.log'), 'utf8')).toBe('run\nrun\n');
  });
});

describe('graph checks (§11.4)', () => {
  it('rejects a cycle and overlapping or duplicated outputs before running anything (#49, #53)', () => {
    t = pipelineTwins({ foo: 'foo', dir: { x: 'x' } });
    same(t, ['add', '-q', 'dir']);
    t.gen({ 'dvc.yaml': dvcYaml({ a: { cmd: 'cp foo bar', deps: ['foo'], outs: ['bar'] }, b: { cmd: 'cp bar foo', deps: ['bar'], outs: ['foo'] } }) });
    const cyc = t.run(['repro']);
    expect([cyc.momo.code, cyc.dvc.code]).toEqual([255, 255]);
    expect(cyc.momo.stderr).toMatch(/^ERROR: Same item\(s\) are defined as both a dependency and an output in stages: (a, b|b, a)\.\n/);
    // (which of several problems DVC reports first depends on its unsorted directory walk: one at a time)
    t.gen({ 'dvc.yaml': dvcYaml({ a: { cmd: 'echo 1 > dir/foo', outs: ['dir/foo'] } }) });
    same(t, ['repro']);
    t.gen({ 'dvc.yaml': dvcYaml({ b: { cmd: 'echo 2 > x', outs: ['x'] }, c: { cmd: 'echo 3 > x', outs: ['x'] } }) });
    const dup = t.run(['repro']);
    expect(dup.momo.code).toBe(255);
    expect(dup.momo.stderr).toMatch(/^ERROR: output 'x' is specified in:\n\t- [bc]\n\t- [bc]\nUse `dvc remove` with any of the above targets to stop tracking the overlapping output\.\n/);
    expect(existsSync(join(t.momo.root, 'x'))).toBe(false);
    expect(existsSync(join(t.momo.root, 'dvc.lock'))).toBe(false);
  });
});
