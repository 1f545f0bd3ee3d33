import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { twins, snapshotTree, runDvc, runMomo, type Twins, type TmpRepo } from '@momo/testing';

// Remote scenarios of dvc-compat §16.9 on local-path remotes, momo vs real DVC 3.67.1.

let t: Twins | undefined;
const stores: string[] = [];
afterEach(() => {
  t?.cleanup();
  t = undefined;
  for (const s of stores.splice(0)) rmSync(s, { recursive: true, force: true });
});

function store(): string {
  const d = mkdtempSync(join(tmpdir(), 'momo-store-'));
  stores.push(d);
  return d;
}

const listing = (dir: string) =>
  existsSync(dir)
    ? Object.entries(snapshotTree(dir, { contents: false }))
        .map(([p, s]) => `${p} ${s.mode}`)
        .sort()
    : [];

/** Each twin gets its own remote dir; returns [dvc store, momo store]. */
function withRemotes(tw: Twins, name = 'storage', def = true): [string, string] {
  const d = store();
  const m = store();
  runDvc(tw.dvc.root, ['remote', 'add', ...(def ? ['-d'] : []), name, d]);
  runDvc(tw.momo.root, ['remote', 'add', ...(def ? ['-d'] : []), name, m]);
  return [d, m];
}

const wipe = (r: TmpRepo, paths: string[]) => {
  for (const p of paths) {
    const abs = join(r.root, p);
    if (existsSync(abs)) {
      try {
        chmodSync(abs, 0o755);
      } catch {
        // read-only objects are removed with their directory
      }
    }
    rmSync(abs, { recursive: true, force: true });
  }
};

describe('push and pull with a local remote (§16.9)', () => {
  it('pushes the same objects as dvc and is a no-op the second time', () => {
    t = twins({ git: true, init: true });
    const [ds, ms] = withRemotes(t);
    t.gen({ foo: 'foo', bar: 'bar', data: { a: 'a', sub: { b: 'b' } } });
    t.run(['add', 'foo', 'bar', 'data']);
    const r = t.run(['push']);
    expect([r.momo.code, r.momo.stdout]).toEqual([r.dvc.code, r.dvc.stdout]);
    expect(listing(ms)).toEqual(listing(ds));
    const again = t.run(['push']);
    expect(again.momo.stdout).toBe('Everything is up to date.\n');
    expect(again.dvc.stdout).toBe('Everything is up to date.\n');
  });

  it('pulls into an empty cache and workspace, objects 0444, same report as dvc', () => {
    t = twins({ git: true, init: true });
    withRemotes(t);
    t.gen({ foo: 'foo', data: { a: 'a', sub: { b: 'b' } } });
    t.run(['add', 'foo', 'data']);
    t.run(['push']);
    t.each((r) => wipe(r, ['.dvc/cache', 'foo', 'data', '.dvc/tmp']));
    const r = t.run(['pull']);
    expect(r.momo.code).toBe(0);
    expect(r.momo.stdout).toBe(r.dvc.stdout);
    expect(readFileSync(join(t.momo.root, 'data/sub/b'), 'utf8')).toBe('b');
    expect(statSync(join(t.momo.root, '.dvc/cache/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8')).mode & 0o777).toBe(0o444);
    expect(listing(join(t.momo.root, '.dvc/cache'))).toEqual(listing(join(t.dvc.root, '.dvc/cache')));
  });

  it('does not upload a .dir whose files are missing locally, and warns', () => {
    t = twins({ git: true, init: true });
    const [ds, ms] = withRemotes(t);
    t.gen({ data: { a: 'a', b: 'b' } });
    t.run(['add', 'data']);
    t.each((r) => wipe(r, ['.dvc/cache/files/md5/0c']));
    const r = t.run(['push']);
    expect(r.momo.code).toBe(r.dvc.code);
    expect(listing(ms)).toEqual(listing(ds));
    expect(listing(ms).some((l) => l.includes('.dir'))).toBe(false);
    expect(r.momo.stderr).toContain('Missing cache files:');
  });

  it('sends outputs with remote: to their own remote and skips push: false', () => {
    t = twins({ git: true, init: true });
    const [dMain, mMain] = withRemotes(t, 'main');
    const [dOther, mOther] = withRemotes(t, 'other', false);
    t.gen({ foo: 'foo', bar: 'bar', baz: 'baz' });
    t.run(['add', 'foo', 'bar', 'baz']);
    t.each((r) => {
      writeFileSync(join(r.root, 'bar.dvc'), readFileSync(join(r.root, 'bar.dvc'), 'utf8') + '  remote: other\n');
      writeFileSync(join(r.root, 'baz.dvc'), readFileSync(join(r.root, 'baz.dvc'), 'utf8') + '  push: false\n');
    });
    const r = t.run(['push']);
    expect([r.momo.code, r.momo.stdout]).toEqual([r.dvc.code, r.dvc.stdout]);
    expect(listing(mMain)).toEqual(listing(dMain));
    expect(listing(mOther)).toEqual(listing(dOther));
    const onlyMain = t.run(['push', '-r', 'main']);
    expect(onlyMain.momo.stdout).toBe(onlyMain.dvc.stdout);
  });

  it('with no remote configured, push fails like dvc 3.67.1 (exit 1, "no remote specified")', () => {
    t = twins({ git: true, init: true });
    t.gen({ foo: 'foo' });
    t.run(['add', 'foo']);
    const r = t.run(['push']);
    const norm = (x: { stderr: string }, root: string) => x.stderr.split('\n').filter((l) => !l.startsWith('hint: ')).join('\n').replaceAll(root, '<root>');
    expect([r.momo.code, r.momo.stdout, norm(r.momo, t.momo.root)]).toEqual([r.dvc.code, r.dvc.stdout, norm(r.dvc, t.dvc.root)]);
    const unknown = t.run(['push', '-r', 'nope']);
    expect(unknown.momo.code).toBe(unknown.dvc.code);
  });

  it('reports cloud status like dvc status -c', () => {
    t = twins({ git: true, init: true });
    withRemotes(t);
    t.gen({ foo: 'foo', bar: 'bar' });
    t.run(['add', 'foo', 'bar']);
    t.run(['push', 'foo.dvc']);
    for (const args of [['status', '-c'], ['status', '-c', '--json']]) {
      const r = t.run(args);
      expect([r.momo.code, r.momo.stdout]).toEqual([r.dvc.code, r.dvc.stdout]);
    }
    t.run(['push']);
    const synced = t.run(['status', '-c']);
    expect(synced.momo.stdout).toBe(synced.dvc.stdout);
  });
});

describe('gc with a remote (§16.10)', () => {
  it('gc -w -c -f removes unused objects from the remote too, like dvc', () => {
    t = twins({ git: true, init: true });
    const [ds, ms] = withRemotes(t);
    t.gen({ foo: 'foo', data: { a: 'a' }, junk: 'junk' });
    t.run(['add', 'foo', 'data', 'junk']);
    t.run(['push']);
    t.run(['remove', 'junk.dvc']);
    const r = t.run(['gc', '-w', '-c', '-f']);
    expect([r.momo.code, r.momo.stdout]).toEqual([r.dvc.code, r.dvc.stdout]);
    expect(listing(ms)).toEqual(listing(ds));
  });

  it('gc --not-in-remote drops local copies of pushed objects', () => {
    t = twins({ git: true, init: true });
    withRemotes(t);
    t.gen({ foo: 'foo', bar: 'bar' });
    t.run(['add', 'foo', 'bar']);
    t.run(['push', 'foo.dvc']);
    const r = t.run(['gc', '-w', '--not-in-remote', '-f']);
    expect([r.momo.code, r.momo.stdout]).toEqual([r.dvc.code, r.dvc.stdout]);
    expect(listing(join(t.momo.root, '.dvc/cache'))).toEqual(listing(join(t.dvc.root, '.dvc/cache')));
  });
});

describe('interop through one shared remote', () => {
  it('dvc pushes and momo pulls; momo pushes and dvc pulls', () => {
    t = twins({ git: true, init: true });
    const shared = store();
    t.each((r) => runDvc(r.root, ['remote', 'add', '-d', 'shared', shared]));
    t.dvc.gen({ data: { x: 'x', y: { z: 'z' } } });
    expect(runDvc(t.dvc.root, ['add', 'data']).code).toBe(0);
    expect(runDvc(t.dvc.root, ['push']).code).toBe(0);
    // the momo twin gets the .dvc file (as through git) and pulls the data
    writeFileSync(join(t.momo.root, 'data.dvc'), readFileSync(join(t.dvc.root, 'data.dvc')));
    const p = runMomo(t.momo.root, ['pull']);
    expect(p.code).toBe(0);
    expect(readFileSync(join(t.momo.root, 'data/y/z'), 'utf8')).toBe('z');

    t.momo.gen({ model: 'weights' });
    expect(runMomo(t.momo.root, ['add', 'model']).code).toBe(0);
    expect(runMomo(t.momo.root, ['push']).code).toBe(0);
    writeFileSync(join(t.dvc.root, 'model.dvc'), readFileSync(join(t.momo.root, 'model.dvc')));
    const d = runDvc(t.dvc.root, ['pull', 'model.dvc']);
    expect(d.code).toBe(0);
    expect(readFileSync(join(t.dvc.root, 'model'), 'utf8')).toBe('weights');
    // objects momo wrote to the local remote are 0444, so DVC trusts them without re-hashing (A2)
    const h = createHash('md5').update('weights').digest('hex');
    expect(statSync(join(shared, 'files/md5', h.slice(0, 2), h.slice(2))).mode & 0o777).toBe(0o444);
  });

  it('detects a corrupted object on the remote and does not check it out', () => {
    t = twins({ git: true, init: true });
    const shared = store();
    runDvc(t.momo.root, ['remote', 'add', '-d', 'shared', shared]);
    t.momo.gen({ foo: 'foo' });
    runMomo(t.momo.root, ['add', 'foo']);
    runMomo(t.momo.root, ['push']);
    const obj = join(shared, 'files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8');
    chmodSync(obj, 0o644);
    writeFileSync(obj, 'evil');
    wipe(t.momo, ['.dvc/cache', 'foo']);
    const r = runMomo(t.momo.root, ['pull']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('corrupted');
    expect(existsSync(join(t.momo.root, 'foo'))).toBe(false);
    expect(existsSync(join(t.momo.root, '.dvc/cache/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8'))).toBe(false);
  });
});
