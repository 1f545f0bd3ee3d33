import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMomoError } from '@momo/errors';
import { tmpRepo, runDvc, type TmpRepo, type FileTree } from '@momo/testing';
import { checkIgnore } from './check-ignore.js';

const repos: TmpRepo[] = [];
afterEach(() => {
  while (repos.length) repos.pop()!.cleanup();
});

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'golden', 'check-ignore');

/** A git + real `dvc init` repository with the given files. */
function dvcRepo(tree: FileTree): TmpRepo {
  const r = tmpRepo({ git: true, prefix: 'momo-check-ignore-' });
  repos.push(r);
  const init = runDvc(r.root, ['init', '-q']);
  expect(init.code, init.stderr).toBe(0);
  r.gen(tree);
  return r;
}

/** The §1.6 example plus the errata A11 case (two patterns matching `foo.tmp`). */
const EXAMPLE: FileTree = {
  '.dvcignore': '*.tmp\nfoo.*\n!keep.tmp\n',
  'foo.tmp': '',
  'x.tmp': '',
  'keep.tmp': '',
  data: { '.dvcignore': '!keep.tmp\n/cache/\n', 'x.tmp': '', 'keep.tmp': '', sub: { 'keep.tmp': '' }, cache: { a: '' } },
  cache: { a: '' },
  sub: { '.dvc': { config: '' }, f: '' },
};
const TARGETS = [
  'foo.tmp',
  'x.tmp',
  'keep.tmp',
  'data/x.tmp',
  'data/keep.tmp',
  'data/cache',
  'data/cache/',
  'data/cache/a',
  'nothing',
  '.git',
  '.dvc',
  '.dvc/config',
  'data/sub/keep.tmp',
  'cache/a',
  'sub',
  'sub/f',
  '.',
];

/** momo's stdout for the same invocation. */
function momoOut(r: ReturnType<typeof checkIgnore>): string {
  return r.results.flatMap((x) => x.lines.map((l) => `${l}\n`)).join('');
}

describe('checkIgnore matches `dvc check-ignore` (DVC 3.67.1)', () => {
  it('prints the same details, non-matching lines and exit code (§1.6 example, errata A11)', () => {
    // Arrange
    const r = dvcRepo(EXAMPLE);
    // Act
    const ours = checkIgnore({ cwd: r.root, targets: TARGETS, details: true, nonMatching: true });
    const dvc = runDvc(r.root, ['check-ignore', '-d', '-n', ...TARGETS]);
    // Assert
    expect(momoOut(ours)).toBe(dvc.stdout);
    expect(ours.exitCode).toBe(dvc.code);
    expect(momoOut(ours)).toBe(readFileSync(join(GOLDEN, 'details-non-matching.stdout'), 'utf8'));
  });

  it('prints only ignored targets without -d, and exits 1 when none is ignored', () => {
    const r = dvcRepo(EXAMPLE);
    const ours = checkIgnore({ cwd: r.root, targets: TARGETS });
    const dvc = runDvc(r.root, ['check-ignore', ...TARGETS]);
    expect(momoOut(ours)).toBe(dvc.stdout);
    expect(ours.exitCode).toBe(dvc.code);
    const none = checkIgnore({ cwd: r.root, targets: ['keep.tmp', 'nothing'] });
    expect(none.exitCode).toBe(1);
    expect(momoOut(none)).toBe('');
    // a negation match still counts with -d (DVC returns bool(pattern_infos))
    expect(checkIgnore({ cwd: r.root, targets: ['keep.tmp'], details: true }).exitCode).toBe(0);
  });

  it('resolves targets against the working directory, including ../ and absolute paths', () => {
    const r = dvcRepo(EXAMPLE);
    const targets = ['x.tmp', '../foo.tmp', join(r.root, 'x.tmp'), 'keep.tmp', '..', '/etc/passwd'];
    const cwd = join(r.root, 'data');
    const ours = checkIgnore({ cwd, targets, details: true, nonMatching: true });
    const dvc = runDvc(cwd, ['check-ignore', '-d', '-n', ...targets]);
    expect(momoOut(ours)).toBe(dvc.stdout);
    expect(ours.exitCode).toBe(dvc.code);
  });

  it('rejects bad flag combinations with DVC’s messages and exit code 255', () => {
    const r = dvcRepo({});
    const cases: Array<[Parameters<typeof checkIgnore>[0], string, string[]]> = [
      [{ cwd: r.root }, '`targets` or `--stdin` needed', []],
      [{ cwd: r.root, stdin: true, targets: ['x'] }, 'cannot have both `targets` and `--stdin`', ['--stdin', 'x']],
      [{ cwd: r.root, nonMatching: true, targets: ['x'] }, '`--non-matching` is only valid with `--details`', ['-n', 'x']],
      [{ cwd: r.root, all: true, targets: ['x'] }, '`--all` is only valid with `--details`', ['-a', 'x']],
    ];
    for (const [options, message, dvcArgs] of cases) {
      let err: unknown;
      try {
        checkIgnore(options);
      } catch (e) {
        err = e;
      }
      expect(isMomoError(err, 'USAGE_INVALID'), message).toBe(true);
      expect((err as Error).message).toBe(message);
      expect((err as { exitCode: number }).exitCode).toBe(255);
      const dvc = runDvc(r.root, ['check-ignore', ...dvcArgs]);
      expect(dvc.code).toBe(255);
      expect(dvc.stderr).toContain(`ERROR: ${message}`);
    }
  });

  it('fails with NOT_A_DVC_REPO outside a repository', () => {
    const plain = tmpRepo();
    repos.push(plain);
    expect(() => checkIgnore({ cwd: plain.root, targets: ['x'] })).toThrow(/not inside of a DVC repository/);
  });
});
