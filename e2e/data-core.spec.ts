import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, lstatSync, readFileSync, rmSync, symlinkSync, writeFileSync, statSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { twins, snapshotTree, tmpRepo, runDvc, runMomo, type Twins } from '@momo/testing';

// Scenarios of dvc-compat §16.1, 16.2, 16.7, 16.8, 16.10, each run under real DVC 3.67.1 and under
// momo; the repos must end byte-identical (dvc files, .gitignore, config, cache paths and modes).

let t: Twins | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

const cacheListing = (root: string) =>
  Object.entries(existsSync(join(root, '.dvc', 'cache')) ? snapshotTree(join(root, '.dvc', 'cache'), { contents: false }) : {})
    .map(([p, s]) => `${p} ${s.mode}`)
    // DVC leaves its link-type probe files (`.<random>.tmp`) behind in some commands (add -o)
    .filter((l) => !/(^|\/)\.[^/]+\.tmp /.test(l))
    .sort();

/** Everything but the cache: dvc files, .gitignore, config, data. */
const workspace = (root: string) => snapshotTree(root, { skip: (rel) => rel === '.dvc/cache' });

/** stderr without momo's `hint:` lines (DVC has no hints), repo paths normalised. */
const errText = (r: { stderr: string }, root: string) =>
  r.stderr
    .split('\n')
    .filter((l) => !l.startsWith('hint: '))
    .join('\n')
    .replaceAll(root || '\0', '<root>');

function expectSameRepos(tw: Twins) {
  expect(workspace(tw.momo.root)).toEqual(workspace(tw.dvc.root));
  expect(cacheListing(tw.momo.root)).toEqual(cacheListing(tw.dvc.root));
}

describe('init (§16.1)', () => {
  it('creates the same files as dvc init in a git repo and stages them', () => {
    t = twins({ git: true });
    const r = t.run(['init']);
    expect(r.momo.code).toBe(0);
    expect(r.dvc.code).toBe(0);
    expectSameRepos(t);
    expect(readFileSync(join(t.momo.root, '.dvc/.gitignore'), 'utf8')).toBe('/config.local\n/tmp\n/cache\n');
    expect(t.momo.git('diff', '--cached', '--name-only')).toBe(t.dvc.git('diff', '--cached', '--name-only'));
  });

  it('writes no_scm = True for --no-scm', () => {
    t = twins();
    const r = t.run(['init', '--no-scm']);
    expect([r.momo.code, r.dvc.code]).toEqual([0, 0]);
    expectSameRepos(t);
    expect(readFileSync(join(t.momo.root, '.dvc/config'), 'utf8')).toBe('[core]\n    no_scm = True\n');
  });

  it('refuses a directory without git, and --no-scm with --subdir, like DVC', () => {
    t = twins();
    const r = t.run(['init']);
    expect(r.momo.code).toBe(r.dvc.code);
    expect(errText(r.momo, t.momo.root)).toBe(errText(r.dvc, t.dvc.root));
    expect(existsSync(join(t.momo.root, '.dvc'))).toBe(false);
    const both = t.run(['init', '--no-scm', '--subdir']);
    expect([both.momo.code, errText(both.momo, t!.momo.root)]).toEqual([both.dvc.code, errText(both.dvc, t!.dvc.root)]);
  });

  it('refuses to re-init without -f and replaces .dvc with -f', () => {
    t = twins({ git: true, init: true });
    const again = t.run(['init']);
    expect([again.momo.code, errText(again.momo, t!.momo.root)]).toEqual([again.dvc.code, errText(again.dvc, t!.dvc.root)]);
    t.gen({ foo: 'foo' });
    t.run(['add', 'foo']);
    const forced = t.run(['init', '-f']);
    expect([forced.momo.code, forced.dvc.code]).toEqual([0, 0]);
    expect(existsSync(join(t.momo.root, '.dvc/cache'))).toBe(false);
    expectSameRepos(t);
  });

  it('exits 253 outside a repository', () => {
    const r = tmpRepo();
    try {
      const d = runDvc(r.root, ['status']);
      const m = runMomo(r.root, ['status']);
      expect(m.code).toBe(253);
      expect(d.code).toBe(253);
      expect(m.stderr).toContain('you are not inside of a DVC repository');
    } finally {
      r.cleanup();
    }
  });
});

describe('add (§16.2)', () => {
  it('adds a file: same .dvc bytes, cache object 0444, .gitignore entry', () => {
    t = twins({ git: true, init: true });
    t.gen({ foo: 'foo' });
    const r = t.run(['add', 'foo']);
    expect([r.momo.code, r.dvc.code]).toEqual([0, 0]);
    expect(readFileSync(join(t.momo.root, 'foo.dvc'), 'utf8')).toBe('outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  hash: md5\n  path: foo\n');
    expect(statSync(join(t.momo.root, '.dvc/cache/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8')).mode & 0o777).toBe(0o444);
    expect(r.momo.stdout).toContain('git add');
    expectSameRepos(t);
  });

  it('records isexec for an executable file and keeps it executable', () => {
    t = twins({ git: true, init: true });
    t.gen({ 'run.sh': 'echo hi\n' });
    t.each((r) => chmodSync(join(r.root, 'run.sh'), 0o755));
    t.run(['add', 'run.sh']);
    expect(readFileSync(join(t.momo.root, 'run.sh.dvc'), 'utf8')).toContain('  isexec: true\n  hash: md5\n');
    expectSameRepos(t);
  });

  it('adds a directory given with a trailing slash as data.dvc with the .dir manifest', () => {
    t = twins({ git: true, init: true });
    t.gen({ data: { foo: 'foo', sub: { bar: 'bar' } } });
    t.run(['add', 'data/']);
    expect(readFileSync(join(t.momo.root, 'data.dvc'), 'utf8')).toContain('md5: 4c18c474509251c27acbe2ae64d64a81.dir\n  size: 6\n  nfiles: 2\n');
    expectSameRepos(t);
  });

  it('writes the .dvc file next to a nested target, whatever the cwd', () => {
    t = twins({ git: true, init: true });
    t.gen({ dir: { subdir: { subdata: 'x', other: 'y' } } });
    t.run(['add', 'dir/subdir/subdata']);
    t.run(['add', 'other'], 'dir/subdir');
    expect(existsSync(join(t.momo.root, 'dir/subdir/subdata.dvc'))).toBe(true);
    expect(readFileSync(join(t.momo.root, 'dir/subdir/.gitignore'), 'utf8')).toBe('/subdata\n/other\n');
    expectSameRepos(t);
  });

  it('expands --glob targets', () => {
    t = twins({ git: true, init: true });
    t.gen({ dir: { a: { subdata1: '1' }, b: { c: { subdata2: '2' } }, other: '3' } });
    const r = t.run(['add', '--glob', 'dir/**/subdata*']);
    expect([r.momo.code, r.dvc.code]).toEqual([0, 0]);
    expectSameRepos(t);
  });

  it('add -o copies external data into the repo and tracks it there', () => {
    t = twins({ git: true, init: true });
    const ext = tmpRepo({ prefix: 'momo-ext-' });
    try {
      ext.gen({ dd: { x: 'x', y: { z: 'z' } }, 'f.txt': 'e' });
      const r = t.run(['add', join(ext.root, 'dd'), '-o', 'dd2']);
      expect([r.momo.code, r.dvc.code]).toEqual([0, 0]);
      const missing = t.run(['add', join(ext.root, 'f.txt'), '-o', 'nodir/f.txt']);
      expect([missing.momo.code, errText(missing.momo, t.momo.root)]).toEqual([missing.dvc.code, errText(missing.dvc, t.dvc.root)]);
      const two = t.run(['add', join(ext.root, 'f.txt'), join(ext.root, 'dd'), '-o', 'x']);
      expect([two.momo.code, errText(two.momo, '')]).toEqual([two.dvc.code, errText(two.dvc, '')]);
      expectSameRepos(t);
    } finally {
      ext.cleanup();
    }
  });

  it('refuses a file git already tracks (exit 1) and writes nothing', () => {
    t = twins({ git: true, init: true });
    t.gen({ foo: 'foo' });
    t.each((r) => {
      r.git('add', 'foo');
      r.git('commit', '-qm', 'foo');
    });
    const r = t.run(['add', 'foo']);
    expect(r.momo.code).toBe(1);
    expect(r.dvc.code).toBe(1);
    expect(r.momo.stderr).toContain("output 'foo' is already tracked by SCM (e.g. Git).");
    expectSameRepos(t);
  });

  it('aborts on a corrupted .dvc file elsewhere without writing bar.dvc or /bar', () => {
    t = twins({ git: true, init: true });
    t.gen({ foo: 'foo', bar: 'bar' });
    t.run(['add', 'foo']);
    t.gen({ 'foo.dvc': 'outs:\n- md5: [\n' });
    const r = t.run(['add', 'bar']);
    expect(r.momo.code).toBe(1);
    expect(r.dvc.code).toBe(1);
    expect(existsSync(join(t.momo.root, 'bar.dvc'))).toBe(false);
    expect(readFileSync(join(t.momo.root, '.gitignore'), 'utf8')).toBe('/foo\n');
    expect(r.momo.stderr).toContain('foo.dvc');
  });

  it('refuses a directory that contains a tracked output', () => {
    t = twins({ git: true, init: true });
    t.gen({ dir: { file1: '1', file2: '2' } });
    t.run(['add', 'dir/file1']);
    const r = t.run(['add', 'dir']);
    expect([r.momo.code, r.dvc.code]).toEqual([1, 1]);
    expect(r.momo.stderr).toContain("Cannot add 'dir', because it is overlapping with other DVC tracked output: 'dir/file1'.");
    expectSameRepos(t);
  });

  it('adds a new file inside a tracked directory by updating its manifest (granular add)', () => {
    t = twins({ git: true, init: true });
    t.gen({ dir: { file1: '1' } });
    t.run(['add', 'dir']);
    t.gen({ dir: { file2: '2' } });
    const r = t.run(['add', 'dir/file2']);
    expect([r.momo.code, r.dvc.code]).toEqual([0, 0]);
    expect(existsSync(join(t.momo.root, 'dir/file2.dvc'))).toBe(false);
    expect(readFileSync(join(t.momo.root, 'dir.dvc'), 'utf8')).toContain('nfiles: 2');
    expectSameRepos(t);
  });

  it('escapes gitignore metacharacters of odd names', () => {
    t = twins({ git: true, init: true });
    t.gen({ 'file!with*weird#naming_[1].t?t': 'odd' });
    t.run(['add', 'file!with*weird#naming_[1].t?t']);
    expect(readFileSync(join(t.momo.root, '.gitignore'), 'utf8')).toBe('/file\\!with\\*weird\\#naming_\\[1\\].t\\?t\n');
    expectSameRepos(t);
  });

  it('hard-links non-empty files with cache.type=hardlink but never empty ones', () => {
    t = twins({ git: true, init: true });
    t.each((r) => writeFileSync(join(r.root, '.dvc/config'), '[cache]\n    type = hardlink\n'));
    t.gen({ e1: '', e2: '', f1: 'one', f2: 'two' });
    const r = t.run(['add', 'e1', 'e2', 'f1', 'f2']);
    expect([r.momo.code, r.dvc.code]).toEqual([0, 0]);
    expect(lstatSync(join(t.momo.root, 'f1')).nlink).toBe(2);
    expect(lstatSync(join(t.momo.root, 'e1')).nlink).toBe(1);
    expectSameRepos(t);
  });

  it('replaces an added symlink by a regular file and adds it again', () => {
    t = twins({ git: true, init: true });
    t.gen({ dir: { bar: 'bar' } });
    t.each((r) => symlinkSync('bar', join(r.root, 'dir/foo')));
    const r = t.run(['add', 'dir/foo']);
    expect([r.momo.code, r.dvc.code]).toEqual([0, 0]);
    expect(lstatSync(join(t.momo.root, 'dir/foo')).isSymbolicLink()).toBe(false);
    expect(t.run(['add', 'dir/foo']).momo.code).toBe(0);
    expectSameRepos(t);
  });

  it('refuses DVC files and a .dvcignore inside an added directory', () => {
    t = twins({ git: true, init: true });
    t.gen({ 'dvc.yaml': 'stages: {}\n', data: { '.dvcignore': '*.tmp\n', a: 'a' } });
    const r1 = t.run(['add', 'dvc.yaml']);
    expect([r1.momo.code, errText(r1.momo, t!.momo.root)]).toEqual([r1.dvc.code, errText(r1.dvc, t!.dvc.root)]);
    const r2 = t.run(['add', 'data']);
    expect(r2.momo.code).toBe(r2.dvc.code);
    expect(r2.momo.stderr).toContain('.dvcignore file should not be in collected dir path');
    expectSameRepos(t);
  });

  it('keeps comments-free annotations and appends new keys when re-adding (§6.3)', () => {
    t = twins({ git: true, init: true });
    t.gen({ foo: 'foo', 'foo.dvc': 'desc: top desc\nouts:\n- path: foo\n  desc: out desc\n  remote: myremote\nmeta: some metadata\n' });
    const r = t.run(['add', 'foo']);
    expect([r.momo.code, r.dvc.code]).toEqual([0, 0]);
    expectSameRepos(t);
  });
});

describe('interop in both directions', () => {
  it('momo reads what dvc added, and dvc reads what momo added', () => {
    t = twins({ git: true, init: true });
    t.gen({ foo: 'foo', data: { a: 'a', b: { c: 'c' } } });
    const d = runDvc(t.dvc.root, ['add', 'foo', 'data']);
    expect(d.code).toBe(0);
    expect(runMomo(t.dvc.root, ['status']).stdout).toBe('Data and pipelines are up to date.\n');
    rmSync(join(t.dvc.root, 'data'), { recursive: true });
    rmSync(join(t.dvc.root, 'foo'));
    const co = runMomo(t.dvc.root, ['checkout']);
    expect(co.code).toBe(0);
    expect(co.stdout).toBe('A       data/\nA       foo\n');
    expect(readFileSync(join(t.dvc.root, 'data/b/c'), 'utf8')).toBe('c');

    const m = runMomo(t.momo.root, ['add', 'foo', 'data']);
    expect(m.code).toBe(0);
    expect(runDvc(t.momo.root, ['status']).stdout).toBe('Data and pipelines are up to date.\n');
    rmSync(join(t.momo.root, 'data'), { recursive: true });
    const dco = runDvc(t.momo.root, ['checkout']);
    expect(dco.code).toBe(0);
    expect(readFileSync(join(t.momo.root, 'data/b/c'), 'utf8')).toBe('c');
  });
});

describe('status (§11.2)', () => {
  it('reports modified, deleted and not-in-cache outputs like dvc, in text and JSON', () => {
    t = twins({ git: true, init: true });
    t.gen({ foo: 'foo', bar: 'bar', data: { x: 'x' } });
    t.run(['add', 'foo', 'bar', 'data']);
    t.run(['add', '--no-commit', 'bar']);
    t.gen({ foo: 'changed' });
    t.each((r) => rmSync(join(r.root, 'data'), { recursive: true }));
    for (const args of [['status'], ['status', '--json'], ['status', '-q'], ['status', 'foo.dvc']]) {
      const r = t.run(args);
      expect([args, r.momo.code, r.momo.stdout]).toEqual([args, r.dvc.code, r.dvc.stdout]);
    }
  });
});

describe('data status (§11.3)', () => {
  it('reports committed, uncommitted, not-in-cache and unchanged data like dvc', () => {
    t = twins({ git: true, init: true });
    t.each((r) => r.git('commit', '-qm', 'init'));
    t.gen({ foo: 'foo', bar: 'bar', d: { a: 'a' } });
    t.run(['add', 'foo', 'bar', 'd']);
    t.each((r) => {
      r.git('add', '-A');
      r.git('commit', '-qm', 'data');
    });
    t.gen({ foo: 'foo2', d: { b: 'b' }, baz: 'baz' });
    t.run(['add', 'baz']);
    t.each((r) => {
      rmSync(join(r.root, 'bar'));
      rmSync(join(r.root, '.dvc/cache/files/md5/ac'), { recursive: true, force: true });
    });
    // DVC's lists come out of sets (their order varies run to run): compare them sorted
    const canon = (v: unknown): unknown =>
      Array.isArray(v) ? [...v].sort() : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, canon(x)])) : v;
    for (const args of [['data', 'status', '--json'], ['data', 'status', '--json', '--granular', '--unchanged']]) {
      const r = t.run(args);
      expect([args, r.momo.code, canon(JSON.parse(r.momo.stdout))]).toEqual([args, r.dvc.code, canon(JSON.parse(r.dvc.stdout))]);
    }
    const text = t.run(['data', 'status', '--granular']);
    expect(text.momo.stdout.split('\n').sort()).toEqual(text.dvc.stdout.split('\n').sort());
  });
});

describe('checkout (§16.7)', () => {
  it('restores, replaces and removes like dvc checkout --force, with the same report', () => {
    t = twins({ git: true, init: true });
    t.gen({ foo: 'foo', bar: 'bar', lorem: 'lorem', dir: { x: 'x', y: 'y' }, ipsum: 'ipsum', dolor: 'dolor' });
    t.run(['add', 'foo', 'bar', 'lorem', 'dir', 'ipsum', 'dolor']);
    t.each((r) => {
      rmSync(join(r.root, 'foo'));
      rmSync(join(r.root, 'lorem'));
      rmSync(join(r.root, 'dir'), { recursive: true });
      rmSync(join(r.root, 'bar'));
      writeFileSync(join(r.root, 'bar'), 'new');
      rmSync(join(r.root, 'ipsum.dvc'));
    });
    const r = t.run(['checkout', '--force']);
    expect(r.momo.code).toBe(0);
    expect(r.momo.stdout).toBe('M       bar\nA       dir/\nA       foo\nA       lorem\n' + (r.dvc.stdout.includes('D       ipsum') ? 'D       ipsum\n' : ''));
    expect(t.run(['checkout']).momo.stdout).toBe('');
    t.each((r) => rmSync(join(r.root, 'dir'), { recursive: true }));
    const s = t.run(['checkout', '--summary']);
    expect(s.momo.stdout).toBe(s.dvc.stdout);
  });

  it('refuses to delete unsaved files without --force', () => {
    t = twins({ git: true, init: true });
    t.gen({ data: { a: 'a' } });
    t.run(['add', 'data']);
    t.gen({ data: { not_cached: 'nc' } });
    const r = t.run(['checkout', 'data.dvc']);
    expect(r.momo.code).toBe(255);
    expect(errText(r.momo, t.momo.root)).toBe(errText(r.dvc, t.dvc.root));
    expect(existsSync(join(t.momo.root, 'data/not_cached'))).toBe(true);
    const f = t.run(['checkout', '--force', 'data.dvc']);
    expect([f.momo.code, f.momo.stdout]).toEqual([f.dvc.code, f.dvc.stdout]);
    expect(existsSync(join(t.momo.root, 'data/not_cached'))).toBe(false);
  });

  it('leaves untouched files alone with cache.type=copy (same inode)', () => {
    t = twins({ git: true, init: true });
    t.each((r) => writeFileSync(join(r.root, '.dvc/config'), '[cache]\n    type = copy\n'));
    t.gen({ data: { foo: 'foo', bar: 'bar' } });
    t.run(['add', 'data']);
    const ino = statSync(join(t.momo.root, 'data/bar')).ino;
    mkdirSync(join(t.momo.root, 'moved'));
    renameSync(join(t.momo.root, 'data/foo'), join(t.momo.root, 'moved/foo'));
    expect(runMomo(t.momo.root, ['checkout', '--force', 'data.dvc']).code).toBe(0);
    expect(statSync(join(t.momo.root, 'data/bar')).ino).toBe(ino);
    expect(readFileSync(join(t.momo.root, 'data/foo'), 'utf8')).toBe('foo');
  });

  it('fails on an unknown target like dvc (exit 255) and on missing cache', () => {
    t = twins({ git: true, init: true });
    t.gen({ foo: 'foo' });
    t.run(['add', 'foo']);
    const r = t.run(['checkout', 'xyz']);
    expect(r.momo.code).toBe(255);
    expect(r.momo.stderr).toContain('Did you mean `git checkout xyz`?');
    t.each((repo) => {
      rmSync(join(repo.root, '.dvc/cache'), { recursive: true, force: true });
      rmSync(join(repo.root, 'foo'));
    });
    const m = t.run(['checkout']);
    expect([m.momo.code, errText(m.momo, t!.momo.root)]).toEqual([m.dvc.code, errText(m.dvc, t!.dvc.root)]);
  });

  it('restores one file inside a tracked directory (partial checkout)', () => {
    t = twins({ git: true, init: true });
    t.gen({ data: { sub: { file: 'f', other: 'o' } } });
    t.run(['add', 'data']);
    t.each((r) => {
      rmSync(join(r.root, 'data/sub/file'));
      rmSync(join(r.root, 'data/sub/other'));
    });
    const r = t.run(['checkout', 'data/sub/file']);
    expect(r.momo.code).toBe(r.dvc.code);
    expect(existsSync(join(t.momo.root, 'data/sub/file'))).toBe(existsSync(join(t.dvc.root, 'data/sub/file')));
    expect(existsSync(join(t.momo.root, 'data/sub/other'))).toBe(existsSync(join(t.dvc.root, 'data/sub/other')));
  });
});

describe('commit (§16.8)', () => {
  it('commits --no-commit data into the cache', () => {
    t = twins({ git: true, init: true });
    t.gen({ foo: 'foo' });
    t.run(['add', '--no-commit', 'foo']);
    const s = t.run(['status']);
    expect(s.momo.stdout).toBe(s.dvc.stdout);
    const c = t.run(['commit', 'foo.dvc']);
    expect([c.momo.code, c.dvc.code]).toEqual([0, 0]);
    expect(t.run(['status']).momo.stdout).toBe('Data and pipelines are up to date.\n');
    expectSameRepos(t);
  });

  it('refuses a changed output without -f and commits it with -f', () => {
    t = twins({ git: true, init: true });
    t.gen({ bar: 'bar' });
    t.run(['add', 'bar']);
    t.gen({ bar: 'changed' });
    const r = t.run(['commit']);
    expect([r.momo.code, errText(r.momo, t!.momo.root)]).toEqual([r.dvc.code, errText(r.dvc, t!.dvc.root)]);
    const f = t.run(['commit', '-f']);
    expect([f.momo.code, f.dvc.code]).toEqual([0, 0]);
    expectSameRepos(t);
  });

  it('commits part of a --no-commit directory (granular)', () => {
    t = twins({ git: true, init: true });
    t.gen({ data: { foo: 'foo', bar: 'bar', subdir: { subfoo: 'sf', subbar: 'sb' } } });
    t.run(['add', '--no-commit', 'data']);
    t.run(['commit', 'data/foo']);
    expect(cacheListing(t.momo.root)).toEqual(cacheListing(t.dvc.root));
    t.run(['commit', 'data/subdir']);
    expect(cacheListing(t.momo.root)).toEqual(cacheListing(t.dvc.root));
    t.run(['commit', 'data']);
    expectSameRepos(t);
  });
});

describe('remove and gc (§6.5, §16.10)', () => {
  it('remove drops the .dvc file and the .gitignore entry, keeping data and cache', () => {
    t = twins({ git: true, init: true });
    t.each((r) => writeFileSync(join(r.root, '.dvc/config'), '[cache]\n    type = hardlink\n'));
    t.gen({ foo: 'foo', bar: 'bar' });
    t.run(['add', 'foo', 'bar']);
    const r = t.run(['remove', 'foo.dvc']);
    expect([r.momo.code, r.dvc.code]).toEqual([0, 0]);
    expect(lstatSync(join(t.momo.root, 'foo')).nlink).toBe(1);
    const bad = t.run(['remove', 'bar']);
    expect(bad.momo.code).toBe(bad.dvc.code);
    expect(bad.momo.stderr).toContain("'bar' is not a .dvc file. Do you mean 'bar.dvc'?");
    expectSameRepos(t);
  });

  it('gc -w -f removes unused objects and nothing else', () => {
    t = twins({ git: true, init: true });
    t.gen({ foo: 'foo', data: { a: 'a' }, junk1: '123', junk2: '234' });
    t.run(['add', 'foo', 'data', 'junk1', 'junk2']);
    t.run(['remove', 'junk1.dvc', 'junk2.dvc']);
    const r = t.run(['gc', '-w', '-f']);
    expect([r.momo.code, r.momo.stdout]).toEqual([r.dvc.code, r.dvc.stdout]);
    expectSameRepos(t);
    const none = t.run(['gc']);
    expect([none.momo.code, errText(none.momo, t!.momo.root)]).toEqual([none.dvc.code, errText(none.dvc, t!.dvc.root)]);
  });

  it('gc without -f on a non-terminal answers no and exits 1', () => {
    t = twins({ git: true, init: true });
    const r = t.run(['gc', '-w']);
    expect(r.momo.code).toBe(r.dvc.code);
    expect(r.momo.stdout).toBe(r.dvc.stdout);
  });
});
