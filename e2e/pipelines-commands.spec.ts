import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pipelineTwins, same, sameFile, sameWorkspace, commitAll, dvcYaml, type Twins } from './pipelines-kit.js';

// dvc-compat §12 (dag, freeze/unfreeze, params diff, metrics show/diff, commit) and `stage
// list|add`, real DVC 3.67.1 vs momo in twin repos.

let t: Twins | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

const pipeline = () =>
  dvcYaml(
    {
      prepare: { cmd: 'cp data.txt prepared.txt', deps: ['data.txt'], params: ['prepare.split'], outs: ['prepared.txt'] },
      train: { desc: 'Train the model\nsecond line', cmd: 'cp prepared.txt model.pkl && cp eval.src eval.json', deps: ['prepared.txt', 'eval.src'], params: ['train'], outs: ['model.pkl'], metrics: [{ 'eval.json': { cache: false } }] },
      report: { cmd: 'cp model.pkl report.txt', deps: ['model.pkl'], outs: ['report.txt'] },
      lonely: { cmd: 'echo hi > lonely.txt', outs: ['lonely.txt'] },
    },
    { metrics: ['summary.yaml'] },
  );

describe('dag, stage list, freeze (§12.1, §12.4)', () => {
  it('prints mermaid/md/dot like DVC, lists stages, freezes and unfreezes stages', () => {
    t = pipelineTwins({ 'data.txt': 'd', 'eval.src': '{"acc": 0.5}', 'params.yaml': 'prepare:\n  split: 0.2\ntrain:\n  lr: 0.1\n', 'dvc.yaml': pipeline() });
    same(t, ['add', '-q', 'data.txt']);
    same(t, ['dag', '--mermaid']);
    same(t, ['dag', '--md', 'report']);
    same(t, ['dag', '--dot', '--full', 'prepare'], { stdout: 'lines' });
    same(t, ['stage', 'list']);
    same(t, ['stage', 'list', '--all', '--name-only'], { stdout: 'lines' });
    same(t, ['freeze', 'train', 'nope', 'dvc.yaml']);
    sameFile(t, 'dvc.yaml');
    same(t, ['unfreeze', 'train']);
    sameFile(t, 'dvc.yaml');
  });

  it('adds stages like `dvc stage add`, refusing duplicates and outputs another stage has', () => {
    t = pipelineTwins({ 'data.txt': 'd', 'params.yaml': 'lr: 1\n' });
    same(t, ['stage', 'add', '-n', 'copy', '-d', 'data.txt', '-p', 'lr', '-o', 'out/', '-M', 'm.json', '--desc', 'copies', 'mkdir -p out && cp data.txt out/ && echo 1 > m.json']);
    same(t, ['stage', 'add', '-n', 'second', '-d', 'out', '-O', 'log.txt', '-w', '.', 'cat', 'out/data.txt', '>', 'log.txt']);
    sameFile(t, 'dvc.yaml');
    sameFile(t, '.gitignore');
    same(t, ['stage', 'add', '-n', 'copy', 'echo']);
    same(t, ['stage', 'add', '-n', 'third', '-o', 'log.txt', 'echo']);
    same(t, ['stage', 'add', '-n', 'bad.name', 'echo']);
    sameFile(t, 'dvc.yaml');
    same(t, ['repro', '-q']);
    sameWorkspace(t);
  });
});

