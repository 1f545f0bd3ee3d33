import { describe, it, expect, afterAll } from 'vitest';
import { tmpRepo } from '@momo/testing';
import { isMomoError } from '@momo/errors';
import { globTargets } from './push.js';

// `push --glob` expands targets like Python's glob.iglob(recursive=True) (dvc/utils/__init__.py::
// glob_targets); the expected lists were printed by Python 3 on the same tree.
describe('globTargets', () => {
  const repo = tmpRepo({ prefix: 'momo-glob-' });
  repo.gen({ a: '', '.hidden': '', sub: { a: '', '.h': '', deep: { b: '' } } });
  afterAll(() => repo.cleanup());
  const glob = (p: string) => globTargets(repo.root, [p]).sort();

  it.each([
    ['**/a', ['a', 'sub/a']],
    ['sub/**', ['sub/', 'sub/a', 'sub/deep', 'sub/deep/b']],
    ['*', ['a', 'sub']],
    ['s?b/*', ['sub/a', 'sub/deep']],
    ['[as]*', ['a', 'sub']],
    ['**', ['a', 'sub', 'sub/a', 'sub/deep', 'sub/deep/b']],
    ['.h*', ['.hidden']],
    ['sub/*/b', ['sub/deep/b']],
  ])('expands %s as Python does', (pattern, expected) => {
    expect(glob(pattern)).toEqual(expected);
  });

  it('keeps a plain existing path and fails like DVC when nothing matches', () => {
    expect(globTargets(repo.root, ['a', 'missing'])).toEqual(['a']);
    let err: unknown;
    try {
      globTargets(repo.root, ['nomatch*', "it's"]);
    } catch (e) {
      err = e;
    }
    expect(isMomoError(err, 'TARGET_NOT_FOUND')).toBe(true);
    expect((err as Error).message).toBe(`Glob ['nomatch*', "it's"] has no matches.`);
  });
});
