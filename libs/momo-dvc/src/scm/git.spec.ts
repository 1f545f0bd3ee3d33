import { describe, it, expect, afterEach } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMomoError } from '@momo/errors';
import { tmpRepo, type TmpRepo, type FileTree } from '@momo/testing';
import { findGitRoot, gitAdd, isGitIgnored, isTrackedByGit } from './git.js';
import { NoScm, openScm } from './scm.js';

const repos: TmpRepo[] = [];
afterEach(() => {
  while (repos.length) repos.pop()!.cleanup();
});

function gitRepo(tree: FileTree = {}): TmpRepo {
  const r = tmpRepo({ git: true, prefix: 'momo-git-' });
  repos.push(r);
  r.gen(tree);
  return r;
}

describe('findGitRoot', () => {
  it('walks up to the directory holding .git, and finds nothing outside a work tree', () => {
    const r = gitRepo({ a: { b: { f: '' } } });
    expect(findGitRoot(join(r.root, 'a', 'b'))).toBe(r.root);
    const plain = tmpRepo();
    repos.push(plain);
    expect(findGitRoot(plain.root)).toBeUndefined();
  });
});

describe('isGitIgnored', () => {
  it('answers many paths with git rules only, directories with a trailing slash', () => {
    // Arrange
    const r = gitRepo({
      '.gitignore': 'logs/\n*.bin\n!keep.bin\n\\#h\n:x\n',
      logs: { 'a.txt': '' },
      'keep.bin': '',
      'x.bin': '',
      '#h': '',
      ':x': '',
      sub: { '.gitignore': '/local\n', local: '' },
    });
    r.git('add', '-f', 'x.bin');
    const paths = ['logs/', 'logs/a.txt', 'keep.bin', 'x.bin', '#h', ':x', 'sub/local', 'local', 'nope', join(r.root, 'a.bin')];
    // Act
    const res = isGitIgnored(r.root, paths);
    // Assert: a tracked x.bin still counts (DVC's dulwich check looks at rules only)
    expect(Object.fromEntries(paths.map((p, i) => [p, res[i]]))).toEqual({
      'logs/': true,
      'logs/a.txt': true,
      'keep.bin': false,
      'x.bin': true,
      '#h': true,
      ':x': true,
      'sub/local': true,
      local: false,
      nope: false,
      [join(r.root, 'a.bin')]: true,
    });
  });

  it('survives a path git refuses by asking one by one', () => {
    const r = gitRepo({ '.gitignore': '*.bin\n', 'a.bin': '' });
    expect(isGitIgnored(r.root, ['a.bin', '../outside', 'b'])).toEqual([true, false, false]);
  });

  it('handles ten thousand paths in one call', () => {
    const r = gitRepo({ '.gitignore': '*.tmp\n' });
    const paths = Array.from({ length: 10_000 }, (_, i) => `d${i % 50}/f${i}${i % 3 === 0 ? '.tmp' : '.txt'}`);
    const res = isGitIgnored(r.root, paths);
    expect(res.filter(Boolean).length).toBe(3334);
  });
});

describe('isTrackedByGit and gitAdd', () => {
  it('reports files and directories holding tracked files', () => {
    const r = gitRepo({ d: { f: '', sub: { g: '' } }, ':odd': '', 'star*': '', untracked: '' });
    const res = gitAdd(r.root, ['d/f', join(r.root, 'd', 'sub', 'g'), ':odd', 'star*']);
    expect(res.skipped).toEqual([]);
    expect(isTrackedByGit(r.root, ['d', 'd/f', 'd/sub', 'd/sub/g', ':odd', 'star*', 'star', 'untracked', 'nope', ''])).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      true,
    ]);
  });

  it('fails with GIT_COMMAND_FAILED when git refuses to add an ignored file', () => {
    const r = gitRepo({ '.gitignore': '*.bin\n', 'a.bin': '' });
    let err: unknown;
    try {
      gitAdd(r.root, ['a.bin']);
    } catch (e) {
      err = e;
    }
    expect(isMomoError(err, 'GIT_COMMAND_FAILED')).toBe(true);
    expect((err as Error).message).toMatch(/^git add failed: The following paths are ignored/);
  });
});

describe('openScm', () => {
  it('returns NoScm for core.no_scm, whose calls change nothing', () => {
    const r = gitRepo({ f: '' });
    const scm = openScm({ root: r.root, noScm: true });
    expect(scm).toBeInstanceOf(NoScm);
    expect(scm.ignore(join(r.root, 'f'))).toBeUndefined();
    expect(scm.unignore(join(r.root, 'f'))).toBeUndefined();
    expect(scm.ignored(['f'])).toEqual([false]);
    expect(scm.tracked(['f'])).toEqual([false]);
    scm.add(['f']);
    expect(r.git('status', '--porcelain')).toBe('?? f\n');
  });

  it('fails like DVC when the DVC root is in no git work tree', () => {
    const plain = tmpRepo();
    repos.push(plain);
    let err: unknown;
    try {
      openScm({ root: plain.root });
    } catch (e) {
      err = e;
    }
    expect(isMomoError(err, 'GIT_REPO_NOT_FOUND')).toBe(true);
    expect((err as Error).message).toBe(`${plain.root} is not a git repository`);
  });

  it('works from a DVC root below the git root (dvc init --subdir)', () => {
    const r = gitRepo({ proj: { data: { f: '' } } });
    mkdirSync(join(r.root, 'proj', '.dvc'));
    const scm = openScm({ root: join(r.root, 'proj') });
    expect(scm.gitRoot).toBe(r.root);
    expect(scm.ignore(join(r.root, 'proj', 'data'))).toBe(join(r.root, 'proj', '.gitignore'));
    expect(scm.ignored(['data', 'data/f'])).toEqual([true, true]);
    writeFileSync(join(r.root, 'proj', 'data.dvc'), 'outs: []\n');
    scm.add(['data.dvc', '.gitignore']);
    expect(scm.tracked(['data.dvc', '.gitignore', 'data'])).toEqual([true, true, false]);
    expect(scm.unignore(join(r.root, 'proj', 'data'))).toBeUndefined();
  });
});
