import { describe, expect, it } from 'vitest';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import type { Tree } from '@nx/devkit';
import { runInit } from '../init/init.js';
import { syncGenerator } from './sync.js';

function seeded(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  tree.write('libs/python/momo-kb/pyproject.toml', '[project]\nname = "momo-kb"\n');
  tree.write('libs/python/momo-kb/momo_kb/__init__.py', '');
  runInit(tree, { remoteUrl: '/srv/r', hooks: 'none' });
  return tree;
}

describe('sync generator (glob deps)', () => {
  it('reports nothing when the deps match the workspace', async () => {
    expect(await syncGenerator(seeded())).toBeUndefined();
  });

  it('adds the matches of a new project and drops those of a removed one, keeping hand-written deps', async () => {
    const tree = seeded();
    tree.write('libs/python/momo-graph/pyproject.toml', '[project]\nname = "momo-graph"\n');
    tree.write('libs/python/momo-graph/momo_graph/__init__.py', '');
    tree.write('libs/python/momo-graph/momo.md', '# graph\n');
    tree.delete('libs/python/momo-kb/momo_kb/__init__.py');
    const result = await syncGenerator(tree);
    expect(result).toEqual({
      outOfSyncMessage:
        'Glob deps of DVC stages no longer match the workspace:\ndvc.yaml:kb-ingest +libs/python/momo-graph/momo.md +libs/python/momo-graph/momo_graph/ -libs/python/momo-kb/momo_kb/',
    });
    expect(tree.read('dvc.yaml', 'utf-8')).toContain(
      '    deps:\n    - libs/python/momo-graph/momo.md\n    - libs/python/momo-graph/momo_graph/\n    - scripts/kb-ingest.py\n    params:\n',
    );
    expect(await syncGenerator(tree)).toBeUndefined();
  });

  it('edits a hand-formatted dvc.yaml in place, keeping its comments and templates', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('apps/a/x.ts', '');
    tree.write(
      'dvc.yaml',
      '# pipeline\nstages:\n  build:  # the build\n    cmd: make ${target}\n    deps:\n      - Makefile\n    meta:\n      nx-dvc:\n        deps: [apps/*/]\n',
    );
    expect(await syncGenerator(tree)).toBeDefined();
    expect(tree.read('dvc.yaml', 'utf-8')).toBe(
      '# pipeline\nstages:\n  build:\n    # the build\n    cmd: make ${target}\n    deps:\n    - Makefile\n    - apps/a/\n    meta:\n      nx-dvc:\n        deps: [ apps/*/ ]\n',
    );
  });
});
