import { describe, it, expect } from 'vitest';
import { PatternList, rebasePattern, InvalidPatternError } from './pattern-list.js';
import { compileGitWildMatch, escapeGitWildMatch } from './pattern-regex.js';
import { askDvc, type OracleRequest } from './__fixtures__/dvc-oracle.js';

/** Patterns whose translation is easy to get wrong (pathspec 1.1.1 edge cases). */
const TRICKY = [
  '*.tmp',
  '/root-only',
  'dir/',
  '/anchored/dir/',
  'a/**/b',
  '**/deep',
  'a/**',
  '**',
  '**/',
  '*',
  '*/',
  '*/**',
  'a/**/',
  'x/*',
  '?.txt',
  '[abc]*',
  '[!a]*',
  '[^a]*',
  '[]a]*',
  '[!]a]*',
  '[a-]*',
  '[--0]*',
  '[[:alpha:]]*',
  '[\\]]*',
  'br[1].t',
  '[unterminated',
  'trail\\ space',
  '\\#hash',
  '\\!bang',
  'star\\*',
  'q\\?',
  'back\\\\slash',
  'sp ace',
  'ünï*',
  '😀?',
  'x[😀-😂]',
  'a.b',
  'a+b(c)|d{2}$^',
  '.git',
  'data/cache/',
  '!keep.tmp',
  '!/data/**/keep.tmp',
  '!dir/',
];

const PATHS: Array<[string, boolean]> = [
  ['a.tmp', false],
  ['x/a.tmp', false],
  ['root-only', false],
  ['x/root-only', false],
  ['dir', true],
  ['dir', false],
  ['x/dir', true],
  ['x/dir/f', false],
  ['anchored/dir', true],
  ['anchored/dir/f', false],
  ['a/b', false],
  ['a/x/y/b', false],
  ['a', true],
  ['a/f', false],
  ['deep', false],
  ['q/r/deep', true],
  ['x', true],
  ['x/y', false],
  ['x/y/z', false],
  ['f.txt', false],
  ['ff.txt', false],
  ['abc', false],
  ['bcd', false],
  [']x', false],
  ['a-', false],
  ['-', false],
  ['/', false],
  [':', false],
  ['br1.t', false],
  ['br[1].t', false],
  ['trail space', false],
  ['#hash', false],
  ['!bang', false],
  ['star*', false],
  ['starx', false],
  ['q?', false],
  ['qx', false],
  ['back\\slash', false],
  ['sp ace', false],
  ['ünïcode', false],
  ['😀x', false],
  ['😀', false],
  ['x😁', false],
  ['axb', false],
  ['a+b(c)|d{2}$^', false],
  ['.git', true],
  ['.git\n', false],
  ['data/cache', true],
  ['data/cache/x', false],
  ['keep.tmp', false],
  ['data/sub/keep.tmp', false],
  ['nl\n', false],
];

function ours(list: PatternList, path: string, isDir: boolean) {
  const r = list.explain(path, isDir);
  return { ignored: r.ignored, patterns: r.matches.map((m) => m.source) };
}

function listOf(patterns: string[]): PatternList {
  return new PatternList(patterns.map((p, i) => ({ pattern: p, source: `f:${i + 1}:${p}` })));
}

describe('PatternList matches DVC 3.67.1 DvcIgnorePatterns', () => {
  it('translates every tricky pattern like pathspec (each alone, every path, file and directory)', () => {
    const requests: OracleRequest[] = TRICKY.map((p) => ({ patterns: [p], paths: PATHS }));
    const answers = askDvc(requests);
    for (let i = 0; i < TRICKY.length; i++) {
      const list = listOf([TRICKY[i]]);
      const mine = PATHS.map(([p, d]) => ours(list, p, d));
      expect(mine, `pattern ${JSON.stringify(TRICKY[i])}`).toEqual(answers[i].checks);
    }
    // the suite is not vacuous: most patterns ignore something and some paths
    const ignoredCounts = answers.map((a) => a.checks.filter((c) => 'ignored' in c && c.ignored).length);
    expect(ignoredCounts.filter((n) => n > 0).length).toBeGreaterThan(30);
  });

  it('groups runs of same-kind patterns and reports the first match of the last run (A11)', () => {
    const lists = [
      ['*.tmp', 'a.*', '!a.tmp', 'a.*', '*.tmp'],
      ['dir/', 'x/', '*', 'dir'],
      ['a/**', '!a/b', 'a/b/', '!a/b/c'],
      TRICKY.filter((p) => !p.startsWith('[unterminated')),
    ];
    const answers = askDvc(lists.map((patterns) => ({ patterns, paths: PATHS })));
    lists.forEach((patterns, i) => {
      const list = listOf(patterns);
      expect(
        PATHS.map(([p, d]) => ours(list, p, d)),
        JSON.stringify(patterns),
      ).toEqual(answers[i].checks);
    });
  });

  it('rejects what pathspec rejects and drops what it discards', () => {
    expect(compileGitWildMatch('[unterminated')).toBeNull();
    expect(compileGitWildMatch('# comment')).toBeNull();
    expect(compileGitWildMatch('/')).toBeNull();
    for (const bad of ['foo\\', '!', '[z-a]']) {
      expect(() => listOf([bad]), bad).toThrow(InvalidPatternError);
    }
    const answers = askDvc(['foo\\', '!', '[z-a]'].map((p) => ({ patterns: [p], paths: [] })));
    for (const a of answers) expect(a.error).toBeDefined();
  });
});

describe('rebasePattern (dvc/pathspec_math.py change_rule)', () => {
  it.each([
    ['*.tmp', 'data', 'data/**/*.tmp'],
    ['!keep.tmp', 'data', '!/data/**/keep.tmp'],
    ['/cache/', 'data', 'data/cache/'],
    ['a/b', 'd/e', 'd/e/a/b'],
    ['**/x', 'd', 'd/**/x'],
    ['x/', 'd', 'd/**/x/'],
    ['\\#h', 'd', 'd/**/#h'],
    ['  y  ', 'd', 'd/**/y'],
  ])('%s from %s → %s', (pattern, rel, expected) => {
    expect(rebasePattern(pattern, rel)).toBe(expected);
  });
});

describe('escapeGitWildMatch', () => {
  it('escapes \\ [ ] ! * # ? and nothing else (dvc-compat §1.5 example)', () => {
    expect(escapeGitWildMatch('/file!with*weird#naming_[1].t?t')).toBe('/file\\!with\\*weird\\#naming_\\[1\\].t\\?t');
    expect(escapeGitWildMatch('/a b\\c')).toBe('/a b\\\\c');
  });
});
