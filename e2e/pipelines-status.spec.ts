import { afterEach, describe, expect, it } from 'vitest';
import { rmSync, unlinkSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pipelineTwins, same, dvcYaml, type Twins } from './pipelines-kit.js';

// dvc-compat §11.1–11.2 and §16.6 (tests/func/test_status.py), real DVC 3.67.1 vs momo.

let t: Twins | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

describe('status of pipeline stages (§16.6)', () => {
  it('reports an empty project, then changed deps/outs/params/always changed/changed command, in JSON, text and -q (#72–#75)', () => {
    t = pipelineTwins();
    same(t, ['status']);
    t.gen({
      foo: 'foo',
      'params.yaml': 'lr: 0.1\nnested:\n  a: 1\n',
      'dvc.yaml': dvcYaml({
        'copy-foo-bar': { cmd: 'cp foo bar', deps: ['foo'], params: ['lr', 'nested'], outs: ['bar'] },
        always: { cmd: 'echo x > al', outs: [{ al: { cache: false } }], always_changed: true },
      }),
    });
    same(t, ['status', '--json']);
    same(t, ['repro', '-q']);
    same(t, ['status', '--json']);
    t.gen({ foo: 'foo2', 'params.yaml': 'lr: 0.2\nnested:\n  a: 1\n  b: 2\n', 'dvc.yaml': dvcYaml({ 'copy-foo-bar': { cmd: 'cp  foo bar', deps: ['foo'], params: ['lr', 'nested'], outs: ['bar'] } }) });
    t.each((r) => rmSync(join(r.root, 'bar')));
    same(t, ['status', '--json']);
    same(t, ['status']);
    same(t, ['status', '-q']);
  });

  it('shows not in cache, frozen stages and output targets like DVC (#76, E18)', () => {
    t = pipelineTwins({
      foo: 'foo',
      'dvc.yaml': dvcYaml({
        a: { cmd: 'cp foo bar', deps: ['foo'], outs: ['bar'] },
        b: { cmd: 'cp bar baz', deps: ['bar'], outs: ['baz'] },
      }),
    });
    same(t, ['repro', '-q']);
    t.each((r) => {
      const objects = join(r.root, '.dvc/cache/files/md5');
      for (const d of readdirSync(objects)) rmSync(join(objects, d), { recursive: true, force: true });
      unlinkSync(join(r.root, 'baz'));
    });
    same(t, ['status', '--json']);
    same(t, ['freeze', 'b']);
    t.gen({ foo: 'changed' });
    same(t, ['status']);
    same(t, ['status', '--json', 'bar']);
    same(t, ['status', '--json', 'b', 'dvc.yaml:a']);
    same(t, ['status', 'nope']);
  });

  it('names stages of a sub/dvc.yaml by address from the root and by name inside it, paths relative to the CWD (#77, #78)', () => {
    t = pipelineTwins({
      data: { 'in.txt': 'in' },
      sub: { 'dvc.yaml': dvcYaml({ s: { desc: 'first', cmd: 'cp ../data/in.txt out.txt', deps: ['../data/in.txt'], outs: ['out.txt'] } }) },
    });
    same(t, ['status', '--json']);
    same(t, ['status', '--json'], { cwd: 'sub' });
    same(t, ['repro', '-q', 'sub/dvc.yaml']);
    // desc/meta edits are not changes
    t.gen({ sub: { 'dvc.yaml': dvcYaml({ s: { desc: 'edited', cmd: 'cp ../data/in.txt out.txt', deps: ['../data/in.txt'], outs: ['out.txt'], meta: { owner: 'me' } } }) } });
    same(t, ['status']);
    t.gen({ data: { 'in.txt': 'changed' } });
    same(t, ['status'], { cwd: 'sub' });
    same(t, ['status', 'sub/dvc.yaml:s']);
    expect(t.run(['status', '--json'], 'sub').momo.stdout).toBe('{"s": [{"changed deps": {"../data/in.txt": "modified"}}]}\n');
  });
});
