import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpRepo, type TmpRepo } from '@momo/testing';
import { init } from './init.js';
import { add } from './add.js';
import { gc } from './gc.js';

let repo: TmpRepo | undefined;
afterEach(() => repo?.cleanup());

/** Every file under the cache's `files/md5`, as `xx/name` or `name` at its root. */
function cacheFiles(root: string): string[] {
  const objs = join(root, '.dvc', 'cache', 'files', 'md5');
  return readdirSync(objs, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? readdirSync(join(objs, e.name)).map((n) => `${e.name}/${n}`) : [e.name]))
    .sort();
}

describe('gc and temp files of interrupted writes', () => {
  it('removes momo and DVC temp leftovers from the cache, keeps used objects, and only counts them with --dry', async () => {
    repo = tmpRepo({ git: true, prefix: 'momo-gc-' });
    await init({ cwd: repo.root });
    repo.gen({ data: { 'a.txt': 'a\n', 'b.txt': 'b\n' } });
    await add({ cwd: repo.root, targets: ['data'] });
    const objects = cacheFiles(repo.root);
    const objs = join(repo.root, '.dvc', 'cache', 'files', 'md5');
    const sub = objects[0].slice(0, 2);
    const temps = [
      join(objs, sub, '.4242-0a1b2c3d-7.tmp'), // a killed momo add (small object)
      join(objs, '.4242-0a1b2c3d-8.tmp'), // a killed momo add (large object, written at the root)
      join(objs, sub, '.Zk3_q9Vx-Lm2Pp0aBcDeF.tmp'), // a killed dvc add / fetch
    ];
    mkdirSync(join(objs, sub), { recursive: true });
    for (const t of temps) writeFileSync(t, 'partial');

    const dry = await gc({ cwd: repo.root, workspace: true, force: true, dry: true });
    expect(dry.leftoverTemps).toBe(3);
    expect(temps.every((t) => existsSync(t))).toBe(true);

    const res = await gc({ cwd: repo.root, workspace: true, force: true });
    expect(res.removed.repo).toEqual([]);
    expect(res.leftoverTemps).toBe(3);
    expect(cacheFiles(repo.root)).toEqual(objects);
  });
});
