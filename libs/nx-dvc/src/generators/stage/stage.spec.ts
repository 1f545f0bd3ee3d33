import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { addProjectConfiguration, type Tree } from '@nx/devkit';
import { runDvc, tmpRepo, type TmpRepo } from '@momo/testing';
import { runStage } from './stage.js';

let repo: TmpRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

function workspace(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  addProjectConfiguration(tree, 'features', { root: 'libs/features' });
  tree.write('libs/features/src/a.py', '');
  tree.write('libs/features/src/b.py', '');
  return tree;
}

const TRAIN = {
  project: 'features',
  name: 'train',
  cmd: 'python train.py',
  deps: ['train.py', 'data/raw'],
  params: ['train.lr', 'config.json:epochs,seed'],
  outs: ['model/'],
  metrics: ['metrics.json'],
};

describe('stage generator', () => {
  it('writes the stage exactly as `dvc stage add` does and git-ignores the cached output', () => {
    const tree = workspace();
    expect(runStage(tree, TRAIN).action).toBe('added');
    repo = tmpRepo();
    expect(runDvc(repo.root, ['init', '--no-scm']).code).toBe(0);
    mkdirSync(join(repo.root, 'libs/features'), { recursive: true });
    const r = runDvc(join(repo.root, 'libs/features'), ['stage', 'add', '-n', 'train', '-d', 'train.py', '-d', 'data/raw', '-p', 'train.lr', '-p', 'config.json:epochs,seed', '-o', 'model/', '-M', 'metrics.json', 'python train.py']);
    expect(r.code).toBe(0);
    expect(tree.read('libs/features/dvc.yaml', 'utf-8')).toBe(readFileSync(join(repo.root, 'libs/features/dvc.yaml'), 'utf8'));
    expect(tree.read('libs/features/.gitignore', 'utf-8')).toBe('/model\n');
  });

  it('is idempotent, refuses a different definition without --force, and rewrites it with --force', () => {
    const tree = workspace();
    runStage(tree, TRAIN);
    expect(runStage(tree, TRAIN).action).toBe('unchanged');
    expect(() => runStage(tree, { ...TRAIN, cmd: 'python train2.py' })).toThrow(expect.objectContaining({ code: 'NX_DVC_STAGE_INVALID' }));
    expect(runStage(tree, { ...TRAIN, cmd: 'python train2.py', force: true }).action).toBe('modified');
    expect(tree.read('libs/features/dvc.yaml', 'utf-8')).toContain('cmd: python train2.py\n');
    expect(tree.read('libs/features/.gitignore', 'utf-8')).toBe('/model\n');
  });

  it('expands glob deps against the workspace and keeps the patterns in meta', () => {
    const tree = workspace();
    runStage(tree, { project: 'features', name: 'lint', cmd: 'ruff src', deps: ['src/*.py'] });
    expect(tree.read('libs/features/dvc.yaml', 'utf-8')).toBe('stages:\n  lint:\n    cmd: ruff src\n    deps:\n    - src/a.py\n    - src/b.py\n    meta:\n      nx-dvc:\n        deps:\n        - src/*.py\n');
  });

  it('names the unknown project and rejects bad stage names', () => {
    const tree = workspace();
    expect(() => runStage(tree, { ...TRAIN, project: 'nope' })).toThrow(expect.objectContaining({ code: 'NX_DVC_PROJECT_NOT_FOUND', message: "project 'nope' does not exist in this workspace" }));
    expect(() => runStage(tree, { ...TRAIN, name: 'a.b' })).toThrow(expect.objectContaining({ code: 'NX_DVC_STAGE_INVALID' }));
    expect(() => runStage(tree, { ...TRAIN, cmd: '  ' })).toThrow(expect.objectContaining({ code: 'NX_DVC_STAGE_INVALID' }));
    expect(tree.exists('libs/features/dvc.yaml')).toBe(false);
  });
});
