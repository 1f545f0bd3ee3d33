import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pipelineTwins, same, sameFile, sameWorkspace, dvcYaml, type Twins } from './pipelines-kit.js';

// dvc-compat §16.3 (dvc.lock bytes) and the seed's pipeline shapes, each run under real DVC 3.67.1
// and under momo in twin repos: identical dvc.lock bytes, equal `status --json`, cross-reading.

let t: Twins | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

describe('dvc.lock entries (§16.3)', () => {
  it('writes cmd, deps, outs with sorted entries; reordering dvc.yaml changes nothing; a regenerated lock is byte-identical (#25, #26)', () => {
    t = pipelineTwins({ foo: 'foo', bar: 'bar', foobar: 'foobar' });
    const yaml = (order: string[]) =>
      dvcYaml({ copy: { cmd: 'cp foo foo-1 && cp bar bar-1 && cp foobar foobar-1', deps: order, outs: order.map((p) => `${p}-1`) } });
    t.gen({ 'dvc.yaml': yaml(['foo', 'bar', 'foobar']) });
    same(t, ['repro']);
    const lock = sameFile(t, 'dvc.lock');
    expect(lock).toContain("schema: '2.0'\nstages:\n  copy:\n    cmd: cp foo foo-1 && cp bar bar-1 && cp foobar foobar-1\n    deps:\n    - path: bar\n      hash: md5\n");
    t.gen({ 'dvc.yaml': yaml(['foobar', 'bar', 'foo']) });
    same(t, ['repro']);
    expect(sameFile(t, 'dvc.lock')).toBe(lock);
    t.each((r) => rmSync(join(r.root, 'dvc.lock')));
    same(t, ['repro']);
    expect(sameFile(t, 'dvc.lock')).toBe(lock);
    sameWorkspace(t);
  });

  it('records params files (params.yaml first) with sorted keys and a long folded cmd (#28, #35)', () => {
    t = pipelineTwins({
      'params.yaml': 'lists: [1, 2]\nfloats: 0.00001\nnested:\n  nested1:\n    nested2: 2.5\n    z: x\n',
      'params2.yaml': 'answer: 42\nlists: [a]\nname: n\n',
    });
    const cmd = `echo ${'the quick brown fox jumps over the lazy dog '.repeat(3).trim()} > out.txt`;
    t.gen({
      'dvc.yaml': dvcYaml({
        s: { cmd, params: [{ 'params2.yaml': null }, 'lists', 'floats', 'nested.nested1', 'nested.nested1.nested2'], outs: ['out.txt'] },
      }).replace('    - params2.yaml:\n', '    - params2.yaml:\n      - answer\n      - lists\n      - name\n'),
    });
    same(t, ['status', '--json']);
    same(t, ['repro']);
    sameFile(t, 'dvc.lock');
    same(t, ['status', '--json']);
  });

  it('changing only cmd reruns the stage and the lock differs only there; whitespace is a change (#27, #46)', () => {
    t = pipelineTwins({ foo: 'foo', 'dvc.yaml': dvcYaml({ c: { cmd: 'cp foo bar', deps: ['foo'], outs: ['bar'] } }) });
    same(t, ['repro']);
    const before = sameFile(t, 'dvc.lock');
    t.gen({ 'dvc.yaml': dvcYaml({ c: { cmd: 'cp  foo bar', deps: ['foo'], outs: ['bar'] } }) });
    same(t, ['status', '--json']);
    same(t, ['repro']);
    expect(sameFile(t, 'dvc.lock')).toBe(before.replace('cmd: cp foo bar', 'cmd: cp  foo bar'));
  });
});

describe('bad pipelines change nothing (§15.3)', () => {
  // the source excerpt under these messages is laid out differently (rich vs plain), so the first
  // line and the exit code are compared
  const firstLine = (s: string) => s.replace(/^ERROR: /, '').split('\n')[0];
  it('reports invalid schema, conflict markers and a bad lock schema version like DVC (#32–#34)', () => {
    t = pipelineTwins({ foo: 'foo' });
    const cases: Array<[Record<string, string>, string[]]> = [
      [{ 'dvc.yaml': 'stages:\n  s:\n    cmd: cp foo bar\n    foo: 1\n' }, ['repro']],
      [{ 'dvc.yaml': 'stages:\n<<<<<<< HEAD\n  s:\n    cmd: a\n=======\n  s:\n    cmd: b\n>>>>>>> x\n' }, ['status']],
      [{ 'dvc.yaml': dvcYaml({ s: { cmd: 'cp foo bar', deps: ['foo'], outs: ['bar'] } }), 'dvc.lock': "schema: '1.0'\nstages: {}\n" }, ['repro']],
    ];
    for (const [files, args] of cases) {
      t.gen(files);
      const r = t.run(args);
      expect(r.momo.code, args.join(' ')).toBe(r.dvc.code);
      expect(firstLine(r.momo.stderr)).toBe(firstLine(r.dvc.stderr));
    }
    expect(readFileSync(join(t.momo.root, 'dvc.lock'), 'utf8')).toBe("schema: '1.0'\nstages: {}\n");
    expect(existsSync(join(t.momo.root, 'bar'))).toBe(false);
  });
});
