import { describe, it, expect } from 'vitest';
import { fnmatchRegExp } from './fnmatch.js';

// expected values printed by Python 3.11: fnmatch.fnmatchcase(name, pattern)
describe('fnmatchRegExp (Python fnmatch.fnmatchcase)', () => {
  it.each([
    ['train*', 'train-model', true],
    ['train*', 'Train', false],
    ['*', 'a/b\nc', true],
    ['?', '\n', true],
    ['s[0-9]', 's7', true],
    ['s[!0-9]', 's7', false],
    ['s[!0-9]', 'sx', true],
    ['a[', 'a[', true],
    ['a.b', 'aXb', false],
    ['[]]', ']', true],
    ['(x)+', '(x)+', true],
    ['[^]', '^', true],
    ['[^]', 'a', false],
    ['[\\]', '\\', true],
  ])('%s against %j is %s', (pattern, name, expected) => {
    expect(fnmatchRegExp(pattern).test(name)).toBe(expected);
  });
});
