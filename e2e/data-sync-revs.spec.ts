/**
 * `push` / `fetch` / `pull` across git revisions (`-a/--all-branches`, `-T/--all-tags`,
 * `-A/--all-commits`) and with `-d/--with-deps`, `-R/--recursive`: momo and real DVC 3.67.1 in twin
 * repos move the same objects and print the same lines (dvc/repo/fetch.py::_collect_indexes: the
 * workspace plus every selected revision, read through git; a revision that cannot be collected is
 * skipped with "failed to collect '<rev>', skipping").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { twins, snapshotTree, runDvc, type Twins, type TmpRepo } from '@momo/testing';

let t: Twins | undefined;
const stores: string[] = [];
const cleanup = () => {
  t?.cleanup();
  t = undefined;
  for (const s of stores.splice(0)) rmSync(s, { recursive: true, force: true });
};

const listing = (dir: string) => (existsSync(dir) ? Object.keys(snapshotTree(dir, { contents: false })).sort() : []);

/** Each twin gets its own local remote (the default one unless named); returns [dvc store, momo store]. */
function withRemotes(tw: Twins, name?: string): [string, string] {
  const [d, m] = [0, 1].map(() => {
    const s = mkdtempSync(join(tmpdir(), 'momo-revs-store-'));
    stores.push(s);
    return s;
  });
  const add = name ? ['remote', 'add', name] : ['remote', 'add', '-d', 'storage'];
  runDvc(tw.dvc.root, [...add, d]);
  runDvc(tw.momo.root, [...add, m]);
  return [d, m];
}

/** Runs a tool command in both twins and expects success. */
function ok(tw: Twins, args: string[]): void {
  const r = tw.run(args);
  if (r.dvc.code !== 0 || r.momo.code !== 0) throw new Error(`${args.join(' ')}: dvc ${r.dvc.code} ${r.dvc.stderr} / momo ${r.momo.code} ${r.momo.stderr}`);
}

const git = (tw: Twins, ...args: string[]) => tw.each((r) => r.git(...args));

/**
 * History: `v1` (tag) foo=v1, data/{a}, a pipeline (`gen` with a `cache: false` output recorded in
 * dvc.lock; `one` → `two`); main: foo=v2; branch `feature`: data/{a,b}; workspace (uncommitted):
 * foo=v3 and new `extra`, `sub/a`, `sub/deep/b`, `other`.
 */
function history(tw: Twins): void {
  tw.gen({
    foo: 'v1\n',
    data: { a: 'a\n' },
    src: 's\n',
    'dvc.yaml':
      'stages:\n  gen:\n    cmd: echo kept > kept.txt && echo local > local.txt\n    outs:\n    - kept.txt\n    - local.txt:\n        cache: false\n' +
      '  one:\n    cmd: cp src one.txt\n    deps:\n    - src\n    outs:\n    - one.txt\n  two:\n    cmd: cp one.txt two.txt\n    deps:\n    - one.txt\n    outs:\n    - two.txt\n',
  });
  ok(tw, ['add', '-q', 'foo', 'data']);
  ok(tw, ['repro', '-q']);
  git(tw, 'add', '-A');
  git(tw, 'commit', '-q', '-m', 'v1');
  git(tw, 'tag', 'v1');
  tw.gen({ foo: 'v2\n' });
  ok(tw, ['add', '-q', 'foo']);
  git(tw, 'commit', '-q', '-am', 'v2');
  git(tw, 'checkout', '-q', '-b', 'feature');
  tw.gen({ data: { b: 'b\n' } });
  ok(tw, ['add', '-q', 'data']);
  git(tw, 'commit', '-q', '-am', 'feature');
  git(tw, 'checkout', '-q', 'main');
  ok(tw, ['checkout', '-q']);
  tw.gen({ foo: 'v3\n', extra: 'x\n', sub: { a: 'a\n', deep: { b: 'b\n' } }, other: 'o\n' });
  ok(tw, ['add', '-q', 'foo', 'extra', 'sub/a', 'sub/deep/b', 'other']);
}

const twins_ = (): Twins => {
  if (!t) throw new Error('the history was not built');
  return t;
};

const wipeCache = (r: TmpRepo) => rmSync(join(r.root, '.dvc', 'cache'), { recursive: true, force: true });

// one history for the whole block (real DVC is slow); the tests run in order and only the last
// one empties the caches
describe('push, fetch and pull across git revisions, with --glob, -R, -d, --max-size, --type', () => {
  let ds: string;
  let ms: string;
  beforeAll(() => {
    t = twins({ git: true, init: true });
    [ds, ms] = withRemotes(t);
    history(t);
  }, 120_000);
  afterAll(cleanup);

  it('status -c with -T, -a, -A compares the objects of those revisions too, like dvc; without -c they are refused', () => {
    const t = twins_();
    // DVC prints the name → status mapping in set order: compare the lines as sets
    const lines = (s: string) => s.split('\n').filter(Boolean).sort();
    for (const args of [['status', '-c'], ['status', '-c', '-T'], ['status', '-c', '-a'], ['status', '-c', '-A'], ['status', '-r', 'storage', '-a']]) {
      const r = t.run(args);
      expect([args, r.momo.code, lines(r.momo.stdout)], r.momo.stderr).toEqual([args, r.dvc.code, lines(r.dvc.stdout)]);
      const json = t.run([...args, '--json']);
      expect(JSON.parse(json.momo.stdout), args.join(' ')).toEqual(JSON.parse(json.dvc.stdout));
    }
    const r = t.run(['status', '-a', '-T']);
    expect([r.momo.code, r.momo.stdout]).toEqual([r.dvc.code, r.dvc.stdout]);
    expect(r.momo.stderr.split('\n')[0]).toBe(r.dvc.stderr.split('\n')[0]);
  }, 120_000);

  it("a target missing at some revisions skips them with DVC's warning", () => {
    const r = t!.run(['push', '-a', 'extra.dvc']);
    expect([r.momo.code, r.momo.stdout]).toEqual([r.dvc.code, r.dvc.stdout]);
    const warnings = (s: string) => s.split('\n').filter((l) => l.startsWith('WARNING')).sort();
    expect(warnings(r.momo.stderr)).toEqual(warnings(r.dvc.stderr));
    expect(warnings(r.momo.stderr)).toEqual(["WARNING: failed to collect 'feature', skipping", "WARNING: failed to collect 'main', skipping"]);
    expect(listing(ms)).toEqual(listing(ds));
  });

  it('push -T, -a, -A add the objects of tags, branches and every commit, like dvc', () => {
    const t = twins_();
    const lines = (s: string) => s.split('\n').filter(Boolean).sort();
    for (const args of [['push'], ['push', '-T'], ['push', '-a'], ['push', '-A']]) {
      const r = t.run(args);
      expect([args, r.momo.code, r.momo.stdout], r.momo.stderr).toEqual([args, r.dvc.code, r.dvc.stdout]);
      expect(listing(ms), args.join(' ')).toEqual(listing(ds));
      // what was pushed is in sync for the same scope; after the workspace-only push the older
      // commits' data is still missing (here the tag and branch tips are all the commits there are)
      const same = t.run(['status', '-c', ...args.slice(1)]);
      const every = t.run(['status', '-c', '-A']);
      expect([same.momo.stdout, lines(every.momo.stdout)]).toEqual([same.dvc.stdout, lines(every.dvc.stdout)]);
      expect(same.momo.stdout).toBe("Cache and remote 'storage' are in sync.\n");
      // -T leaves the feature branch's data manifest behind; -a and -A leave nothing
      expect(every.momo.stdout.includes('new:'), args.join(' ')).toBe(args.length === 1 || args[1] === '-T');
    }
    // every version of foo (3), both data manifests and their files (4), extra, other, the
    // pipeline outputs kept.txt and one.txt = two.txt, but not the cache: false local.txt
    expect(listing(ms)).toHaveLength(3 + 4 + 1 + 1 + 1 + 1);
  }, 120_000);

  it('--glob expands patterns like Python glob, -R takes every .dvc file below a directory, -d the upstream stages too', () => {
    const t = twins_();
    const [dOther, mOther] = withRemotes(t, 'other');
    const first = (s: string) => s.split('\n')[0];
    for (const args of [['--glob', 'nomatch*'], ['--glob', 'o*'], ['-R', 'sub'], ['two'], ['-d', 'two']]) {
      const r = t.run(['push', '-r', 'other', ...args]);
      expect([args, r.momo.code, r.momo.stdout, first(r.momo.stderr)], r.momo.stderr).toEqual([args, r.dvc.code, r.dvc.stdout, first(r.dvc.stderr)]);
      expect(listing(mOther), args.join(' ')).toEqual(listing(dOther));
    }
    // pull -d checks out the upstream stage's output too
    t.each((r) => ['one.txt', 'two.txt'].forEach((f) => rmSync(join(r.root, f), { force: true })));
    const r = t.run(['pull', '-d', 'two']);
    expect([r.momo.code, r.momo.stdout]).toEqual([r.dvc.code, r.dvc.stdout]);
    expect(readFileSync(join(t.momo.root, 'one.txt'), 'utf8')).toBe('s\n');
  }, 120_000);

  it('fetch --max-size / --type / -a / -A fill an empty cache with the same objects as dvc, and pull -a checks out the workspace', () => {
    const t = twins_();
    t.each(wipeCache);
    // --max-size and --type (fetch only) narrow the workspace outputs first
    for (const args of [['fetch', '--max-size', '3'], ['fetch', '--type', 'metrics'], ['fetch', '-a'], ['fetch', '-A']]) {
      const r = t.run(args);
      expect([args, r.momo.code, r.momo.stdout], r.momo.stderr).toEqual([args, r.dvc.code, r.dvc.stdout]);
      expect(listing(join(t.momo.root, '.dvc', 'cache')), args.join(' ')).toEqual(listing(join(t.dvc.root, '.dvc', 'cache')));
    }
    t.each(wipeCache);
    t.each((r) => rmSync(join(r.root, 'data'), { recursive: true, force: true }));
    const r = t.run(['pull', '-a']);
    expect([r.momo.code, r.momo.stdout]).toEqual([r.dvc.code, r.dvc.stdout]);
    expect(readFileSync(join(t.momo.root, 'data', 'a'), 'utf8')).toBe('a\n');
    expect(existsSync(join(t.momo.root, 'data', 'b'))).toBe(false);
    expect(listing(join(t.momo.root, '.dvc', 'cache'))).toEqual(listing(join(t.dvc.root, '.dvc', 'cache')));
  }, 120_000);
});
