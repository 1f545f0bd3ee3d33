import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMomoError } from '@momo/errors';
import { tmpRepo, runDvc, type TmpRepo, type FileTree } from '@momo/testing';
import { ignorePath, unignorePath } from './gitignore.js';

const repos: TmpRepo[] = [];
afterEach(() => {
  while (repos.length) repos.pop()!.cleanup();
});

function gitRepo(tree: FileTree = {}): TmpRepo {
  const r = tmpRepo({ git: true, prefix: 'momo-gitignore-' });
  repos.push(r);
  r.gen(tree);
  return r;
}

/** Same files in a repo for real DVC (after `dvc init`) and a plain git repo for momo. */
function twin(tree: FileTree): { dvc: TmpRepo; ours: TmpRepo } {
  const dvc = gitRepo(tree);
  const init = runDvc(dvc.root, ['init', '-q']);
  expect(init.code, init.stderr).toBe(0);
  return { dvc, ours: gitRepo(tree) };
}

function bytes(root: string, rel: string): string | undefined {
  const p = join(root, rel);
  return existsSync(p) ? readFileSync(p, 'latin1') : undefined;
}

const ODD_NAMES = ['file!with*weird#naming_[1].t?t', 'back\\slash', 'sp ace ', ' lead', '#hash', '!bang', 'ünï'];

describe('ignorePath matches the .gitignore bytes real `dvc add` writes', () => {
  it('escapes gitignore metacharacters and backslashes, keeps spaces, one entry per output', () => {
    // Arrange
    const tree: FileTree = { d: { sub: { y: 'y' }, x: 'x' } };
    for (const n of ODD_NAMES) tree[n] = n;
    const { dvc, ours } = twin(tree);
    const targets = [...ODD_NAMES, 'd/x', 'd/sub/y'];
    // Act
    const r = runDvc(dvc.root, ['add', '-q', ...targets]);
    expect(r.code, r.stderr).toBe(0);
    const changed = targets.map((t) => ignorePath(ours.root, join(ours.root, t)));
    // Assert
    for (const f of ['.gitignore', 'd/.gitignore', 'd/sub/.gitignore']) expect(bytes(ours.root, f), f).toBe(bytes(dvc.root, f));
    expect(bytes(ours.root, '.gitignore')).toContain('/file\\!with\\*weird\\#naming_\\[1\\].t\\?t\n');
    expect(bytes(ours.root, '.gitignore')).toContain('/back\\\\slash\n');
    expect(changed).toEqual([...ODD_NAMES.map(() => join(ours.root, '.gitignore')), join(ours.root, 'd', '.gitignore'), join(ours.root, 'd', 'sub', '.gitignore')]);
  });

  it('adds the missing newline, skips paths git already ignores and never de-duplicates (A6)', () => {
    // Arrange: no final newline; a parent rule that already ignores *.bin; an entry negated later
    const tree: FileTree = {
      '.gitignore': '*.bin\n/again\n!/again',
      d: { '.gitignore': '# mine', 'a.bin': 'b', t: 't' },
      again: 'a',
    };
    const { dvc, ours } = twin(tree);
    // Act
    const r = runDvc(dvc.root, ['add', '-q', 'd/a.bin', 'd/t', 'again']);
    expect(r.code, r.stderr).toBe(0);
    const changed = ['d/a.bin', 'd/t', 'again'].map((t) => ignorePath(ours.root, join(ours.root, t)));
    // Assert
    expect(changed).toEqual([undefined, join(ours.root, 'd', '.gitignore'), join(ours.root, '.gitignore')]);
    expect(bytes(ours.root, 'd/.gitignore')).toBe('# mine\n/t\n');
    expect(bytes(ours.root, '.gitignore')).toBe('*.bin\n/again\n!/again\n/again\n');
    for (const f of ['.gitignore', 'd/.gitignore']) expect(bytes(ours.root, f), f).toBe(bytes(dvc.root, f));
  });

  it('refuses a path whose .gitignore would be outside the work tree', () => {
    const r = gitRepo({ f: '' });
    let err: unknown;
    try {
      ignorePath(r.root, r.root);
    } catch (e) {
      err = e;
    }
    expect(isMomoError(err, 'GITIGNORE_OUTSIDE_REPO')).toBe(true);
    expect((err as Error).message).toBe(`'${r.root}' is outside of git repository '${r.root}'`);
  });

  it('writes through a symlinked .gitignore', () => {
    const r = gitRepo({ shared: { ignores: '/x\n' }, d: { f: '' } });
    symlinkSync(join(r.root, 'shared', 'ignores'), join(r.root, 'd', '.gitignore'));
    ignorePath(r.root, join(r.root, 'd', 'f'));
    expect(readFileSync(join(r.root, 'shared', 'ignores'), 'utf8')).toBe('/x\n/f\n');
  });
});

describe('unignorePath matches `dvc remove`', () => {
  it('removes plain entries, leaves escaped ones, rewrites CRLF as LF and deletes an emptied file', () => {
    // Arrange
    const weird = 'w[1]';
    const tree: FileTree = { plain: 'p', [weird]: 'w', d: { only: 'o' }, keep: 'k' };
    const { dvc, ours } = twin(tree);
    const add = runDvc(dvc.root, ['add', '-q', 'plain', weird, 'd/only']);
    expect(add.code, add.stderr).toBe(0);
    for (const t of ['plain', weird, 'd/only']) ignorePath(ours.root, join(ours.root, t));
    for (const root of [dvc.root, ours.root]) {
      writeFileSync(join(root, '.gitignore'), readFileSync(join(root, '.gitignore'), 'utf8').replace(/\n/g, '\r\n') + 'extra');
    }
    // Act
    const rm = runDvc(dvc.root, ['remove', 'plain.dvc', `${weird}.dvc`, 'd/only.dvc']);
    expect(rm.code, rm.stderr).toBe(0);
    const results = ['plain', weird, 'd/only'].map((t) => unignorePath(ours.root, join(ours.root, t)));
    // Assert
    expect(bytes(ours.root, '.gitignore')).toBe(bytes(dvc.root, '.gitignore'));
    expect(bytes(ours.root, '.gitignore')).toBe('/w\\[1\\]\nextra');
    expect(existsSync(join(dvc.root, 'd', '.gitignore'))).toBe(false);
    expect(existsSync(join(ours.root, 'd', '.gitignore'))).toBe(false);
    expect(results).toEqual([
      { gitignore: join(ours.root, '.gitignore'), deleted: false },
      { gitignore: join(ours.root, '.gitignore'), deleted: false },
      { gitignore: join(ours.root, 'd', '.gitignore'), deleted: true },
    ]);
  });

  it('does nothing without a .gitignore', () => {
    const r = gitRepo({ f: '' });
    expect(unignorePath(r.root, join(r.root, 'f'))).toBeUndefined();
  });
});
