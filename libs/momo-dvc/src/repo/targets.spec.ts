import { describe, expect, it } from 'vitest';
import { parseTarget } from './targets.js';

// Answers of DVC 3.67.1's `dvc.utils.parse_target`, captured by running it (see the brief's
// oracle): path undefined means a bare stage name (or an output path).
describe('parseTarget (dvc/utils/__init__.py::parse_target)', () => {
  const cases: Array<[string, { path?: string; name?: string }]> = [
    ['train', { name: 'train' }],
    ['dvc.yaml', { path: 'dvc.yaml' }],
    ['dvc.yaml:train', { path: 'dvc.yaml', name: 'train' }],
    ['sub/dvc.yaml:train', { path: 'sub/dvc.yaml', name: 'train' }],
    [':train', { path: 'dvc.yaml', name: 'train' }],
    ['a:b:c', { path: 'a:b', name: 'c' }],
    ['sub/dvc.yaml', { path: 'sub/dvc.yaml' }],
    ['data.dvc', { path: 'data.dvc' }],
    ['build@a', { name: 'build@a' }],
    ['sub/dvc.yaml:build@x:y', { path: 'sub/dvc.yaml', name: 'build@x:y' }],
    ['foo/bar', { name: 'foo/bar' }],
    ['../dvc.yaml:t', { path: '../dvc.yaml', name: 't' }],
    ['c:/x', { name: 'c:/x' }],
  ];
  for (const [target, expected] of cases) {
    it(`parses ${target}`, () => expect(parseTarget(target)).toEqual(expected));
  }
  it('refuses dvc.lock with DVC\'s hint', () => {
    expect(() => parseTarget('x/dvc.lock')).toThrow('Did you mean: `x/dvc.yaml`?');
  });
});
