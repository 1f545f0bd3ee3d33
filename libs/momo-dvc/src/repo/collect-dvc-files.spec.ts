import { describe, it, expect, afterEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpRepo, runDvc, oracleDvcPath, testEnv, type TmpRepo, type FileTree } from '@momo/testing';
import { DvcIgnore } from '../ignore/dvcignore.js';
import { openScm } from '../scm/scm.js';
import { collectDvcFiles } from './collect-dvc-files.js';

const repos: TmpRepo[] = [];
afterEach(() => {
  while (repos.length) repos.pop()!.cleanup();
});

const ORACLE = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'collect_oracle.py');

/** What real DVC 3.67.1 collects in `root`. */
function dvcCollects(root: string): string[] {
  const python = join(dirname(oracleDvcPath()), 'python');
  const r = spawnSync(python, [ORACLE, root], { encoding: 'utf8', env: testEnv() });
  if (r.status !== 0) throw new Error(`collect oracle failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as string[];
}

/** A git + real `dvc init` repository with the given files. */
function dvcRepo(tree: FileTree): TmpRepo {
  const r = tmpRepo({ git: true, prefix: 'momo-collect-' });
  repos.push(r);
  const init = runDvc(r.root, ['init', '-q']);
  expect(init.code, init.stderr).toBe(0);
  r.gen(tree);
  return r;
}

const STAGE = (out?: string) => `stages:\n  s:\n    cmd: echo\n${out ? `    outs:\n    - ${out}\n` : ''}`;
const DOT_DVC = 'outs:\n- path: x\n';

describe('collectDvcFiles', () => {
  it('finds the same DVC files as DVC 3.67.1 across ignore rules, subrepos and outputs (§1.7, §16.11 #111, #112)', () => {
    // Arrange
    const r = dvcRepo({
      '.dvcignore': 'dvcignored/\n*.skip.dvc\n',
      '.gitignore': 'gitignored/\nlocal.dvc\n',
      'dvc.yaml': STAGE('build'),
      'a.dvc': DOT_DVC,
      'local.dvc': DOT_DVC,
      'x.skip.dvc': DOT_DVC,
      'dvc.yml': STAGE(),
      build: { 'dvc.yaml': STAGE() },
      dvcignored: { 'dvc.yaml': STAGE() },
      gitignored: { 'dvc.yaml': STAGE() },
      'dir.dvc': { 'dvc.yaml': STAGE() },
      pipelines: {
        train: { 'dvc.yaml': STAGE('model'), 'data.dvc': DOT_DVC, model: { 'dvc.yaml': STAGE() } },
        eval: { 'dvc.yaml': STAGE(), nested: { deeper: { 'm.dvc': DOT_DVC } } },
      },
      sub: { '.dvc': { config: '' }, 'dvc.yaml': STAGE() },
      linked: { 'dvc.yaml': STAGE() },
    });
    mkdirSync(join(r.root, 'elsewhere'));
    symlinkSync(join(r.root, 'linked'), join(r.root, 'elsewhere', 'link'));
    // Act
    const outs = new Set<string>();
    const seen: string[] = [];
    const res = collectDvcFiles({
      root: r.root,
      ignore: new DvcIgnore(r.root),
      scm: openScm({ root: r.root }),
      onDvcFile: (rel) => {
        seen.push(rel);
        if (rel === 'dvc.yaml') outs.add('build');
        if (rel === 'pipelines/train/dvc.yaml') outs.add('pipelines/train/model');
      },
      isOutputDir: (rel) => outs.has(rel),
    });
    // Assert
    expect(res.files).toEqual([
      'a.dvc',
      'dvc.yaml',
      'dir.dvc/dvc.yaml',
      'linked/dvc.yaml',
      'pipelines/eval/dvc.yaml',
      'pipelines/eval/nested/deeper/m.dvc',
      'pipelines/train/data.dvc',
      'pipelines/train/dvc.yaml',
    ]);
    expect([...seen].sort()).toEqual([...res.files].sort());
    expect([...dvcCollects(r.root)].sort()).toEqual([...res.files].sort());
  });

  it('collects everything not dvc-ignored without SCM', () => {
    const r = dvcRepo({ '.gitignore': 'g/\n', g: { 'dvc.yaml': STAGE() }, 'dvc.yaml': STAGE() });
    const res = collectDvcFiles({ root: r.root, scm: openScm({ root: r.root, noScm: true }) });
    expect(res.files).toEqual(['dvc.yaml', 'g/dvc.yaml']);
  });
});
