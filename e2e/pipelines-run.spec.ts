import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipelineTwins, same, sameFile, sameWorkspace, dvcYaml, type Twins } from './pipelines-kit.js';

// dvc-compat §11.7 and §16.5 (running stages), under real DVC 3.67.1 and momo in twin repos.

let t: Twins | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

describe('running stages (§11.7, §16.5)', () => {
  it('fails like DVC on a missing dependency, an output not created, and a failing command in a list (#50, #51, #55)', () => {
    t = pipelineTwins({
      foo: 'foo',
      'dvc.yaml': dvcYaml({
        nodep: { cmd: 'cp foo bar', deps: ['foo', 'missing'], outs: ['bar'] },
        noout: { cmd: 'test -f foo', deps: ['foo'], outs: ['nothere'] },
        listfail: { cmd: ['echo foo>f1', 'exit 3', 'echo baz>f2'], deps: ['foo'], outs: ['f1'] },
      }),
    });
    same(t, ['repro', 'nodep']);
    same(t, ['repro', 'noout']);
    same(t, ['repro', 'listfail']);
    expect(existsSync(join(t.momo.root, 'f1'))).toBe(true);
    expect(existsSync(join(t.momo.root, 'f2'))).toBe(false);
    // a failing command leaves lock and cache untouched
    expect(existsSync(join(t.momo.root, 'dvc.lock'))).toBe(false);
    sameWorkspace(t);
  });

  it('keep-going skips dependents of a failure, ignore-errors runs them (#66)', () => {
    t = pipelineTwins({
      bar: 'bar',
      foo: 'foo',
      'dvc.yaml': dvcYaml({
        stage1: { cmd: ['cp bar foobar', 'exit 1'], deps: ['bar'], outs: ['foobar'] },
        cat: { cmd: 'cat foobar foo > out', deps: ['foobar', 'foo'], outs: ['out'] },
        other: { cmd: 'cp foo other', deps: ['foo'], outs: ['other'] },
      }),
    });
    same(t, ['repro', '-k', 'cat', 'other']);
    same(t, ['repro', '--ignore-errors', 'cat']);
    sameWorkspace(t);
  });

  it('deletes outputs before running, keeps persistent ones, and runs through $SHELL in wdir with DVC_ROOT/DVC_STAGE (#64, #71)', () => {
    t = pipelineTwins({
      dir: { stale: 'old' },
      sub: { 'x.txt': 'x' },
      'dvc.yaml': dvcYaml({
        mk: { cmd: 'mkdir dir && echo new > dir/fresh', outs: ['dir'] },
        per: { cmd: 'echo line >> log.txt', deps: ['sub/x.txt'], outs: [{ 'log.txt': { persist: true } }] },
        env: { cmd: 'echo "$SHELL|$DVC_STAGE" > ../env.txt && test "$(pwd)" = "$DVC_ROOT/sub"', wdir: 'sub', deps: ['x.txt'], outs: ['../env.txt'] },
      }),
    });
    same(t, ['repro'], { env: { SHELL: '/bin/sh' } });
    expect(existsSync(join(t.momo.root, 'dir/stale'))).toBe(false);
    t.gen({ sub: { 'x.txt': 'y' } });
    same(t, ['repro', 'per']);
    expect(readFileSync(join(t.momo.root, 'log.txt'), 'utf8')).toBe('line\nline\n');
    expect(readFileSync(join(t.momo.root, 'env.txt'), 'utf8')).toBe('/bin/sh|env\n');
    sameFile(t, 'dvc.lock');
    sameFile(t, '.gitignore');
  });

});
