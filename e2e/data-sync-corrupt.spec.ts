/**
 * Objects on a local-path remote that are not what their name says, momo vs real DVC 3.67.1. DVC
 * trusts an object whose mode is exactly 0o444 and re-hashes any other: a match is protected
 * (chmod 0o444), a mismatch is deleted from the remote and then counts as absent, so `push` uploads
 * a good copy and `status -c` reports it `new` (dvc_data/hashfile/db/local.py::LocalHashFileDB.check,
 * dvc-compat §20 A2). A corrupted object that is already 0o444 is trusted by both tools.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { twins, snapshotTree, runDvc, type Twins } from '@momo/testing';

let t: Twins | undefined;
const stores: string[] = [];
afterEach(() => {
  t?.cleanup();
  t = undefined;
  for (const s of stores.splice(0)) rmSync(s, { recursive: true, force: true });
});

const FOO = 'files/md5/d3/b07384d113edec49eaa6238ad5ff00'; // "foo\n"
const BAR = 'files/md5/c1/57a79031e1c40f85931829bc5fc552'; // "bar\n"
const BAZ = 'files/md5/25/8622b1688250cb619f3c9ccaefb7eb'; // "baz\n"

/** Twins with foo, bar, baz pushed to their own local remotes; returns [dvc store, momo store]. */
function pushed(): [string, string] {
  t = twins({ git: true, init: true });
  const stores2 = [0, 1].map(() => {
    const s = mkdtempSync(join(tmpdir(), 'momo-corrupt-store-'));
    stores.push(s);
    return s;
  });
  runDvc(t.dvc.root, ['remote', 'add', '-d', 'storage', stores2[0]]);
  runDvc(t.momo.root, ['remote', 'add', '-d', 'storage', stores2[1]]);
  t.gen({ foo: 'foo\n', bar: 'bar\n', baz: 'baz\n' });
  t.run(['add', '-q', 'foo', 'bar', 'baz']);
  t.run(['push', '-q']);
  return [stores2[0], stores2[1]];
}

/** Rewrites a remote object with `content` and leaves it with `mode`. */
function tamper(store: string, obj: string, content: string, mode: number): void {
  const file = join(store, obj);
  chmodSync(file, 0o644);
  writeFileSync(file, content);
  chmodSync(file, mode);
}

describe('corrupted objects on a local remote', () => {
  it('push replaces a corrupted unprotected object, protects a good one and trusts a 0444 one, like dvc', () => {
    const [ds, ms] = pushed();
    for (const s of [ds, ms]) {
      tamper(s, FOO, 'BAD\n', 0o644);
      tamper(s, BAR, 'BAD\n', 0o444);
      tamper(s, BAZ, 'baz\n', 0o664);
    }
    const r = t!.run(['push']);
    expect([r.momo.code, r.momo.stdout]).toEqual([r.dvc.code, r.dvc.stdout]);
    expect(r.momo.stdout).toBe('1 file pushed\n');
    expect(snapshotTree(ms)).toEqual(snapshotTree(ds));
    expect(snapshotTree(ms)[FOO]).toEqual({ mode: '444', content: 'foo\n' });
    expect(snapshotTree(ms)[BAR]).toEqual({ mode: '444', content: 'BAD\n' });
    expect(snapshotTree(ms)[BAZ]).toEqual({ mode: '444', content: 'baz\n' });
  });

  it('status -c deletes a corrupted unprotected object and reports it new, like dvc', () => {
    const [ds, ms] = pushed();
    for (const s of [ds, ms]) tamper(s, FOO, 'BAD\n', 0o644);
    const r = t!.run(['status', '-c']);
    expect([r.momo.code, r.momo.stdout]).toEqual([r.dvc.code, r.dvc.stdout]);
    expect(r.momo.stdout).toContain('new:');
    expect(snapshotTree(ms)).toEqual(snapshotTree(ds));
    expect(snapshotTree(ms)[FOO]).toBeUndefined();
  });
});
