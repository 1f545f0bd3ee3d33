import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pipelineTwins, same, sameFile, sameWorkspace, commitAll, dvcYaml, type Twins } from './pipelines-kit.js';

// dvc-compat §12.2, §12.3, §12.5 (params diff, metrics show/diff, commit of pipeline stages),
// real DVC 3.67.1 vs momo in twin repos.

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

describe('commit of pipeline stages (§12.5, E3, E25)', () => {
  it('refuses changed stages without -f and records them with -f (lock and run-cache)', () => {
    t = pipelineTwins({ 'data.txt': 'd', 'eval.src': '{"acc": 0.5}', 'params.yaml': 'prepare:\n  split: 0.2\ntrain:\n  lr: 0.1\n', 'dvc.yaml': pipeline() });
    same(t, ['commit']);
    t.gen({ 'prepared.txt': 'by hand' });
    same(t, ['commit', '-f', 'prepare']);
    sameFile(t, 'dvc.lock');
    same(t, ['status', '--json']);
    same(t, ['commit', 'prepare']);
    sameWorkspace(t, (rel) => rel.startsWith('.dvc/tmp'));
  });
});

describe('params diff and metrics (§12.2, §12.3, E2, E7, E8)', () => {
  it('diffs params and metrics against HEAD and shows metrics, in JSON and tables', () => {
    t = pipelineTwins({
      'data.txt': 'd',
      'eval.src': '{"acc": 0.91234567, "loss": {"train": 0.25}, "ok": true, "hist": [1, 2]}',
      'summary.yaml': 'epochs: 3\n',
      'params.yaml': 'prepare:\n  split: 0.2\ntrain:\n  lr: 0.1\n  layers: [8, 4]\n  flag: false\n',
      'dvc.yaml': pipeline(),
    });
    same(t, ['repro', '-q']);
    commitAll(t);
    same(t, ['metrics', 'show']);
    same(t, ['metrics', 'show', '--json']);
    t.gen({ 'params.yaml': 'prepare:\n  split: 0.25\ntrain:\n  lr: 0.1\n  layers: [8, 8]\n  flag: true\n', 'eval.src': '{"acc": 0.95, "loss": {"train": 0.2}, "ok": true}', 'summary.yaml': 'epochs: 4\n' });
    same(t, ['params', 'diff']);
    same(t, ['params', 'diff', '--json'], { stdout: 'ignore' });
    same(t, ['repro', '-q']);
    same(t, ['metrics', 'diff', '--md'], { stdout: 'lines' });
    same(t, ['metrics', 'diff', '--all', '--no-path', '--precision', '2'], { stdout: 'lines' });
    same(t, ['params', 'diff', 'HEAD', 'workspace', '--deps', '--md']);
    t.each((r) => rmSync(join(r.root, 'eval.json')));
    same(t, ['metrics', 'show']);
    expect(t.run(['params', 'diff', '--json']).momo.stdout).toBe(
      '{"params.yaml": {"prepare.split": {"old": 0.2, "new": 0.25, "diff": 0.04999999999999999}, "train.flag": {"old": false, "new": true, "diff": 1}, "train.layers": {"old": "[8, 4]", "new": "[8, 8]"}}}\n',
    );
  });
});
