import { describe, it, expect, afterEach } from 'vitest';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMomoError } from '@momo/errors';
import { tmpRepo, runDvc, type TmpRepo, type FileTree } from '@momo/testing';
import { DvcIgnore, dvcignoreInOutputError, walkFiles } from './dvcignore.js';
import { askDvc, type OracleRequest } from './__fixtures__/dvc-oracle.js';

const repos: TmpRepo[] = [];
afterEach(() => {
  while (repos.length) repos.pop()!.cleanup();
});

/** A temp dir laid out like a DVC repo (a `.dvc/` directory) with the given files. */
function repoWith(tree: FileTree): TmpRepo {
  const r = tmpRepo({ prefix: 'momo-ignore-' });
  repos.push(r);
  r.gen({ '.dvc': { config: '' }, ...tree });
  return r;
}

/** momo's answer in the oracle's shape. */
function ours(ign: DvcIgnore, rel: string, isDir: boolean) {
  const r = ign.explain(rel, isDir);
  return { ignored: r.ignored, patterns: r.location ? [r.location] : [] };
}

describe('DvcIgnore: the worked example of dvc-compat §1.6', () => {
  it('merges a nested .dvcignore re-based onto the root, as DVC does', () => {
    // Arrange
    const r = repoWith({
      '.dvcignore': '*.tmp\n',
      data: { '.dvcignore': '!keep.tmp\n/cache/\n', 'x.tmp': 'x', 'keep.tmp': 'k', sub: { 'keep.tmp': 'k' }, cache: { c: 'c' } },
      cache: { a: 'a' },
    });
    const ign = new DvcIgnore(r.root);
    // Act
    const verdicts = {
      'data/x.tmp': ign.isIgnored('data/x.tmp', false),
      'data/keep.tmp': ign.isIgnored('data/keep.tmp', false),
      'data/sub/keep.tmp': ign.isIgnored('data/sub/keep.tmp', false),
      'data/cache/c': ign.isIgnored('data/cache/c', false),
      'cache/a': ign.isIgnored('cache/a', false),
    };
    // Assert
    expect(verdicts).toEqual({
      'data/x.tmp': true,
      'data/keep.tmp': false,
      'data/sub/keep.tmp': false,
      'data/cache/c': true,
      'cache/a': false,
    });
    expect(ign.patternsFor('data').infos.map((i) => i.pattern)).toEqual([
      '.hg/',
      '.git/',
      '.git',
      '.dvc/',
      '*.tmp',
      '!/data/**/keep.tmp',
      'data/cache/',
    ]);
    expect(ign.explain('data/keep.tmp', false).location).toBe('data/.dvcignore:1:!keep.tmp');
    expect(ign.explain('data/cache/c', false).location).toBe('data/.dvcignore:2:/cache/');
  });

  it('reports the first pattern of the last matching run of ignore patterns (errata A11)', () => {
    const r = repoWith({ '.dvcignore': '*.tmp\nfoo.*\n', 'foo.tmp': '' });
    const ign = new DvcIgnore(r.root);
    expect(ign.explain('foo.tmp', false).location).toBe('.dvcignore:1:*.tmp');
    const [dvc] = askDvc([{ root: r.root, checks: [['foo.tmp', false]] }]);
    expect(dvc.checks[0]).toEqual(ours(ign, 'foo.tmp', false));
  });

  it('reports the built-in patterns with an empty file part', () => {
    const r = repoWith({ '.dvcignore': '' });
    const ign = new DvcIgnore(r.root);
    expect(ign.explain('.git', true).location).toBe(':.git');
    expect(ign.explain('.dvc/config', false).location).toBe(':.dvc/');
    expect(ign.explain('x/.hg', true).location).toBe(':.hg/');
    expect(ign.isIgnored('.hg', false)).toBe(false);
  });

  it('strips whitespace around lines, reads CRLF files and skips comments', () => {
    const r = repoWith({ '.dvcignore': '# c\r\n  \t*.log \t\r\n\r\n  # not a pattern\r\n', 'a.log': '' });
    const ign = new DvcIgnore(r.root);
    expect(ign.explain('a.log', false).location).toBe('.dvcignore:2:*.log');
  });

  it('strips an escaped trailing space too, leaving a dangling escape that DVC rejects', () => {
    const r = repoWith({ '.dvcignore': 'keep\\ \n', 'keep ': '' });
    const ign = new DvcIgnore(r.root);
    expect(() => ign.isIgnored('keep ', false)).toThrow(/line 1/);
    expect(askDvc([{ root: r.root, checks: [['keep ', false]] }])[0].error).toMatch(/Invalid git pattern/);
  });

  it('does not read a .dvcignore that its parent rules ignore', () => {
    const r = repoWith({ '.dvcignore': 'sub/.dvcignore\n', sub: { '.dvcignore': '*\n', f: '' } });
    const ign = new DvcIgnore(r.root);
    expect(ign.isIgnored('sub/f', false)).toBe(false);
  });
});

describe('DvcIgnore: malformed .dvcignore lines', () => {
  it.each([
    ['trailing backslash', 'ok\nfoo\\\n', 2],
    ['a lone negation', '\n!\n', 2],
    ['a reversed range', '# x\n\n[z-a]\n', 3],
  ])('rejects %s with DVCIGNORE_INVALID naming file and line', (_name, text, line) => {
    const r = repoWith({ '.dvcignore': text, f: '' });
    const ign = new DvcIgnore(r.root);
    let err: unknown;
    try {
      ign.isIgnored('f', false);
    } catch (e) {
      err = e;
    }
    expect(isMomoError(err, 'DVCIGNORE_INVALID')).toBe(true);
    const e = err as { message: string; exitCode: number; data: Record<string, unknown> };
    expect(e.message).toContain(`'.dvcignore' line ${line}`);
    expect(e.exitCode).toBe(255);
    expect(e.data).toMatchObject({ file: '.dvcignore', line });
    // real DVC also fails on this file (exit 255, unexpected error)
    const [dvc] = askDvc([{ root: r.root, checks: [['f', false]] }]);
    expect(dvc.error).toBeDefined();
  });

  it('names a nested .dvcignore when that one is malformed', () => {
    const r = repoWith({ '.dvcignore': '*.tmp\n', d: { '.dvcignore': 'a\nb\\\n', f: '' } });
    const ign = new DvcIgnore(r.root);
    expect(ign.isIgnored('f.tmp', false)).toBe(true);
    expect(() => ign.isIgnored('d/f', false)).toThrow(/'d\/\.dvcignore' line 2/);
  });
});

describe('DvcIgnore: subrepos', () => {
  it('ignores a directory holding .dvc in walks and check-ignore, not for output checks', () => {
    const r = repoWith({ sub: { '.dvc': { config: '' }, f: '' }, a: { deep: { '.dvc': {}, g: '' } }, top: '' });
    const ign = new DvcIgnore(r.root);
    expect(ign.explain('sub', true).location).toBe('in sub_repo:sub');
    expect(ign.explain('a/deep/g', false).location).toBe('in sub_repo:deep');
    expect(ign.isIgnored('sub/f', false, { ignoreSubrepos: false })).toBe(false);
    expect(walkFiles(r.root, ign).files).toEqual(['top']);
    expect(walkFiles(r.root, ign, { ignoreSubrepos: false }).files).toEqual(['a/deep/g', 'sub/f', 'top']);
    const [dvc] = askDvc([
      { root: r.root, checks: [['sub', true], ['a/deep/g', false]], walks: [''] },
      { root: r.root, walks: [''], ignore_subrepos: false },
    ]);
    expect(dvc.checks).toEqual([ours(ign, 'sub', true), ours(ign, 'a/deep/g', false)]);
    expect(dvc.walks[0]).toEqual(['top']);
  });
});

describe('walkFiles', () => {
  it('lists sorted repo-relative files, skipping built-ins and ignored paths, like DVC', () => {
    const r = repoWith({
      '.dvcignore': '*.tmp\n/logs/\n',
      '.git': { HEAD: '' },
      '.hg': 'not a dir',
      'a-b': '',
      a: { b: '', '.dvc': { x: '' } },
      a0: '',
      A: '',
      logs: { l: '' },
      d: { 'x.tmp': '', logs: { kept: '' }, 'é': '', '😀': '', 'ｚ': '' },
    });
    const ign = new DvcIgnore(r.root);
    const res = walkFiles(r.root, ign);
    // `a` holds a `.dvc` directory, so it is a subrepo and skipped as a whole
    expect(res.files).toEqual(['.dvcignore', '.hg', 'A', 'a-b', 'a0', 'd/logs/kept', 'd/é', 'd/ｚ', 'd/😀']);
    const [dvc] = askDvc([{ root: r.root, walks: ['', 'd'] }]);
    expect(dvc.walks[0]).toEqual(res.files);
    expect(dvc.walks[1]).toEqual(walkFiles(join(r.root, 'd'), ign).files);
  });

  it('returns paths relative to the walked directory and stats on request', () => {
    const r = repoWith({ data: { 'f.txt': 'abc', sub: { g: 'x' } } });
    const res = walkFiles(join(r.root, 'data'), new DvcIgnore(r.root), { relativeTo: 'dir', stat: true });
    expect(res.files).toEqual(['f.txt', 'sub/g']);
    expect(res.base).toBe(join(r.root, 'data'));
    expect(res.stats?.map((s) => s?.size)).toEqual([3, 1]);
  });

  it('follows symlinked files but neither lists nor enters symlinked directories', () => {
    const r = repoWith({ data: { real: { f: '1' }, g: '2' } });
    symlinkSync(join(r.root, 'data', 'real'), join(r.root, 'data', 'linkdir'));
    symlinkSync(join(r.root, 'data', 'g'), join(r.root, 'data', 'linkfile'));
    symlinkSync(join(r.root, 'missing'), join(r.root, 'data', 'broken'));
    const ign = new DvcIgnore(r.root);
    const res = walkFiles(join(r.root, 'data'), ign, { stat: true });
    expect(res.files).toEqual(['data/broken', 'data/g', 'data/linkfile', 'data/real/f']);
    expect(res.stats?.map((s) => s?.size)).toEqual([undefined, 1, 1, 1]);
    const [dvc] = askDvc([{ root: r.root, walks: ['data'] }]);
    expect(dvc.walks[0]).toEqual(res.files);
  });

  it('reports directories holding a .dvcignore (hashing them is an error)', () => {
    const r = repoWith({ data: { sub: { '.dvcignore': 'x\n', x: '', y: '' } } });
    const res = walkFiles(join(r.root, 'data'), new DvcIgnore(r.root));
    expect(res.files).toEqual(['data/sub/.dvcignore', 'data/sub/y']);
    expect(res.dvcignoreDirs).toEqual([join(r.root, 'data', 'sub')]);
  });

  it('returns nothing for a directory that is itself ignored', () => {
    const r = repoWith({ '.dvcignore': 'data/\n', data: { f: '' } });
    expect(walkFiles(join(r.root, 'data'), new DvcIgnore(r.root)).files).toEqual([]);
  });

  it('walks without rules when no ignore is given', () => {
    const r = repoWith({ '.git': { x: '' }, f: '' });
    expect(walkFiles(r.root, null).files).toEqual(['.dvc/config', '.git/x', 'f']);
  });
});

// ---------------------------------------------------------------------------------------------
// Randomised comparison with DVC 3.67.1 (same patterns, same trees, every path)
// ---------------------------------------------------------------------------------------------

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FUZZ_FILES = [
  'f.tmp',
  'keep.tmp',
  'g.txt',
  '.hidden',
  'sp ace.tmp',
  'br[1].t',
  'a/f.tmp',
  'a/g.txt',
  'a/keep.tmp',
  'a/b/f.tmp',
  'a/b/c/deep.txt',
  'a/b/c/keep.tmp',
  'data/x.tmp',
  'data/keep.tmp',
  'data/cache/c1',
  'data/sub/keep.tmp',
  'data/sub/y.txt',
  'cache/z',
  'x y/q.txt',
];
const FUZZ_DIRS = ['a', 'a/b', 'a/b/c', 'data', 'data/cache', 'data/sub', 'cache', 'x y'];
const SEGMENTS = [
  '*',
  '**',
  '*.tmp',
  'keep.tmp',
  'f.*',
  '?.txt',
  'a',
  'b',
  'c',
  'data',
  'cache',
  'sub',
  '[a-c]',
  '[!f]*',
  '*[0-9]*',
  '\\*',
  'g.txt',
  'deep*',
  'x y',
  'br\\[1\\].t',
  'br[1].t',
  '.*',
  '[]a]*',
  'k??p.tmp',
];

function randomPattern(rnd: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const roll = rnd();
  if (roll < 0.05) return '# comment';
  if (roll < 0.08) return '';
  let p = '';
  const n = 1 + Math.floor(rnd() * 3);
  const segs: string[] = [];
  for (let i = 0; i < n; i++) segs.push(pick(SEGMENTS));
  p = segs.join('/');
  const lead = rnd();
  if (lead < 0.2) p = `/${p}`;
  else if (lead < 0.3) p = `**/${p}`;
  if (rnd() < 0.2) p = `${p}/`;
  if (rnd() < 0.25) p = `!${p}`;
  if (rnd() < 0.1) p = `  ${p}\t `;
  return p;
}

describe('DvcIgnore matches DVC 3.67.1 on random rule sets', () => {
  it('gives the same verdict, the same reported pattern and the same walk for 80 random repos', () => {
    const rnd = mulberry32(20240607);
    const requests: OracleRequest[] = [];
    const mine: Array<{ checks: unknown[]; walks: unknown[] }> = [];
    for (let n = 0; n < 80; n++) {
      const tree: FileTree = {};
      const r = repoWith(tree);
      for (const f of FUZZ_FILES) {
        mkdirSync(join(r.root, f, '..'), { recursive: true });
        writeFileSync(join(r.root, f), f);
      }
      for (const dir of ['', 'a', 'data', 'a/b']) {
        if (dir !== '' && rnd() < 0.4) continue;
        const lines: string[] = [];
        const count = 1 + Math.floor(rnd() * 4);
        for (let i = 0; i < count; i++) lines.push(randomPattern(rnd));
        writeFileSync(join(r.root, dir, '.dvcignore'), `${lines.join('\n')}\n`);
      }
      const checks: Array<[string, boolean | null]> = [
        ...FUZZ_FILES.map((f): [string, boolean] => [f, false]),
        ...FUZZ_DIRS.map((d): [string, boolean] => [d, true]),
        ['data/.dvcignore', false],
        ['a/.dvcignore', false],
      ];
      requests.push({ root: r.root, checks, walks: ['', 'a', 'data'] });
      const ign = new DvcIgnore(r.root);
      const answer = (fn: () => unknown) => {
        try {
          return fn();
        } catch (e) {
          return { error: isMomoError(e) ? e.code : String(e) };
        }
      };
      mine.push({
        checks: checks.map(([p, d]) => answer(() => ours(ign, p, d === true))),
        walks: ['', 'a', 'data'].map((w) => answer(() => walkFiles(join(r.root, w), ign).files)),
      });
    }
    const answers = askDvc(requests);
    for (let n = 0; n < answers.length; n++) {
      const dvc = answers[n];
      const norm = (x: unknown) => (x && typeof x === 'object' && 'error' in x ? { error: true } : x);
      const ctx = `repo ${n}: ${JSON.stringify(requests[n])}`;
      expect(mine[n].checks.map(norm), ctx).toEqual(dvc.checks.map(norm));
      expect(mine[n].walks.map(norm), ctx).toEqual(dvc.walks.map(norm));
    }
    // the random rules really exercised ignores, negations and nested files
    const reported = answers.flatMap((a) => a.checks.flatMap((c) => ('patterns' in c ? c.patterns : [])));
    const ignoredCount = answers.flatMap((a) => a.checks).filter((c) => 'ignored' in c && c.ignored).length;
    expect(ignoredCount).toBeGreaterThan(200);
    expect(reported.filter((p) => /:\d+:!/.test(p)).length).toBeGreaterThan(20);
    expect(reported.filter((p) => /^(a|data|a\/b)\/\.dvcignore:/.test(p)).length).toBeGreaterThan(20);
  });
});

// ---------------------------------------------------------------------------------------------
// §16.11 scenarios through real `dvc add` (DVC 3.67.1)
// ---------------------------------------------------------------------------------------------

/** relpaths of the `.dir` manifest real DVC wrote for `<out>.dvc`. */
function manifestOf(root: string, dvcFile: string): string[] {
  const m = /md5: ([0-9a-f]{32})\.dir/.exec(readFileSync(join(root, dvcFile), 'utf8'));
  if (!m) throw new Error(`no .dir hash in ${dvcFile}`);
  const obj = join(root, '.dvc', 'cache', 'files', 'md5', m[1].slice(0, 2), `${m[1].slice(2)}.dir`);
  return (JSON.parse(readFileSync(obj, 'utf8')) as Array<{ relpath: string }>).map((e) => e.relpath);
}

function gitDvcRepo(tree: FileTree): TmpRepo {
  const r = tmpRepo({ git: true, prefix: 'momo-ignore-add-' });
  repos.push(r);
  const init = runDvc(r.root, ['init', '-q']);
  expect(init.code, init.stderr).toBe(0);
  r.gen(tree);
  return r;
}

describe('walkFiles lists what real `dvc add <dir>` puts in the .dir manifest', () => {
  it('drops ignored files (#108), honours a nested negation (#109) and skips subrepos (#112)', () => {
    // Arrange
    const r = gitDvcRepo({
      '.dvcignore': '*.tmp\n',
      data: { 'a.tmp': 'a', b: 'b', deep: { 'c.tmp': 'c', d: 'd' } },
      proj: { '.dvcignore': '!keep.tmp\n', data: { 'a.tmp': 'a', 'keep.tmp': 'k', b: 'b' } },
      withsub: { f: 'f', nested: { '.dvc': { config: '' }, g: 'g' } },
    });
    const ign = new DvcIgnore(r.root);
    // Act
    const add = runDvc(r.root, ['add', '-q', 'data', 'proj/data', 'withsub']);
    // Assert
    expect(add.code, add.stderr).toBe(0);
    const ours = (dir: string) => walkFiles(join(r.root, dir), ign, { relativeTo: 'dir' }).files;
    expect(ours('data')).toEqual(['b', 'deep/d']);
    expect(ours('proj/data')).toEqual(['b', 'keep.tmp']);
    expect(ours('withsub')).toEqual(['f']);
    expect(manifestOf(r.root, 'data.dvc')).toEqual(ours('data'));
    expect(manifestOf(r.root, 'proj/data.dvc')).toEqual(ours('proj/data'));
    expect(manifestOf(r.root, 'withsub.dvc')).toEqual(ours('withsub'));
  });

  it('gives the same errors as DVC for an ignored output (#110) and a .dvcignore inside it (#24)', () => {
    const r = gitDvcRepo({
      '.dvcignore': '# outputs\ndata/tmp\n',
      data: { tmp: 'x' },
      "it's": 'y',
      withignore: { sub: { '.dvcignore': 'x\n', y: 'y' } },
    });
    writeFileSync(join(r.root, '.dvcignore'), "it's\n", { flag: 'a' });
    const ign = new DvcIgnore(r.root);
    const dvc = runDvc(r.root, ['add', 'data/tmp', "it's", 'withignore']);
    const e1 = ign.ignoredPathError(join(r.root, 'data', 'tmp'), 1);
    const e2 = ign.ignoredPathError(join(r.root, "it's"), 1);
    const walked = walkFiles(join(r.root, 'withignore'), ign);
    const e3 = dvcignoreInOutputError(walked.dvcignoreDirs[0]);
    expect(e1?.message).toBe(`Path '${r.root}/data/tmp' is ignored by .dvcignore:2:data/tmp`);
    expect(e2?.message).toBe(`Path "${r.root}/it's" is ignored by .dvcignore:3:it's`);
    expect(e1?.code).toBe('PATH_IGNORED');
    expect(ign.ignoredPathError(join(r.root, 'withignore'))).toBeUndefined();
    // DVC stops at the first failing target; run the others on their own
    expect(dvc.stderr).toContain(`ERROR: ${e1!.message}`);
    expect(runDvc(r.root, ['add', "it's"]).stderr).toContain(`ERROR: ${e2!.message}`);
    const d3 = runDvc(r.root, ['add', 'withignore']);
    expect(d3.stderr).toContain(`ERROR: ${e3.message}`);
    expect(e3.message).toBe(`.dvcignore file should not be in collected dir path: '${r.root}/withignore/sub'`);
  });
});
