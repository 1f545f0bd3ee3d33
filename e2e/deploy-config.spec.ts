/**
 * Deployment config (the seed's Phase 7.1, `deployment/.dvc/config`): no default remote, the cache
 * under ~/.momo/cache, a `local-cache` remote at ~/.momo/data, `~` expanded to the user's home.
 * momo and real DVC 3.67.1 run the same session on it side by side and must agree on every file
 * and exit code.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT, runDvc, runMomo, tmpRepo, type TmpRepo } from '@momo/testing';

// real processes (git, DVC, scrypt, Chromium) on a shared 2-core machine: generous limits
vi.setConfig({ testTimeout: 180_000, hookTimeout: 240_000 });

let dir: TmpRepo | undefined;
afterEach(() => {
  dir?.cleanup();
  dir = undefined;
});

function files(root: string): string[] {
  try {
    return readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(root, join(e.parentPath, e.name)))
      .sort();
  } catch {
    // no such directory yet
    return [];
  }
}

describe('deployment/.dvc/config', () => {
  it('puts the cache in ~/.momo/cache, has no default remote, and pushes to ~/.momo/data by name — like DVC', () => {
    dir = tmpRepo();
    const runs = { momo: runMomo, dvc: runDvc };
    const seen: Record<string, { cache: string[]; data: string[]; dvcfile: string; codes: number[]; noRemote: string }> = {};
    for (const [tool, run] of Object.entries(runs)) {
      const app = join(dir.root, tool, 'app');
      const home = join(dir.root, tool, 'home');
      cpSync(join(PROJECT_ROOT, 'deployment', '.dvc'), join(app, '.dvc'), { recursive: true });
      writeFileSync(join(app, 'notes.txt'), 'deployed data\n');
      const env = { HOME: home };
      const add = run(app, ['add', 'notes.txt'], env);
      const push = run(app, ['push'], env);
      const pushNamed = run(app, ['push', '-r', 'local-cache'], env);
      seen[tool] = {
        cache: files(join(home, '.momo', 'cache')),
        data: files(join(home, '.momo', 'data')),
        dvcfile: readFileSync(join(app, 'notes.txt.dvc'), 'utf8'),
        codes: [add.code, push.code, pushNamed.code],
        noRemote: push.stderr.split(app).join('<app>'),
      };
      // nothing went to a repo-local cache
      expect(files(join(app, '.dvc', 'cache'))).toEqual([]);
    }
    expect(seen.momo.codes).toEqual([0, 1, 0]);
    const md5 = createHash('md5').update('deployed data\n').digest('hex');
    expect(seen.momo.cache).toEqual([`files/md5/${md5.slice(0, 2)}/${md5.slice(2)}`]);
    expect(seen.momo.data).toEqual(seen.momo.cache);
    expect(seen.momo.noRemote).toContain('no remote specified in <app>');
    expect({ ...seen.momo, noRemote: undefined }).toEqual({ ...seen.dvc, noRemote: undefined });
    expect(seen.dvc.noRemote).toContain('no remote specified in <app>');
  });

  it('is valid for DVC, while the seed’s literal `[core] cache = …` is rejected by both (exit 251)', () => {
    dir = tmpRepo();
    const app = join(dir.root, 'app');
    cpSync(join(PROJECT_ROOT, 'deployment', '.dvc'), join(app, '.dvc'), { recursive: true });
    // DVC expands `~` when it reads the file
    expect(runDvc(app, ['config', 'cache.dir'], { HOME: dir.root }).stdout.trim()).toBe(join(dir.root, '.momo', 'cache'));
    writeFileSync(join(app, '.dvc', 'config'), "[core]\n    remote = \n    cache = ~/.momo/cache\n    \n['remote \"local-cache\"']\n    url = ~/.momo/data\n");
    const dvc = runDvc(app, ['status'], { HOME: dir.root });
    const momo = runMomo(app, ['status'], { HOME: dir.root });
    expect(dvc.code).toBe(251);
    expect(momo.code).toBe(251);
    expect(dvc.stderr).toContain("extra keys not allowed @ data['core']['cache']");
    expect(momo.stderr).toContain("extra keys not allowed @ data['core']['cache']");
  });
});
