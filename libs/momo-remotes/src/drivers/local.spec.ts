import { describe, it, expect } from 'vitest';
import { statSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { testRemote, tmpRepo } from '@momo/testing';
import { createLocalRemote, LOCAL_OBJECT_MODE } from './local.js';
import { objectPath } from '../paths.js';

testRemote(
  'local',
  async () => {
    const dir = tmpRepo({ prefix: 'momo-local-remote-' });
    return {
      remote: createLocalRemote({ path: join(dir.root, 'remote'), name: 'storage' }),
      seed: async (p, data) => dir.gen({ [`remote/${p}`]: data }),
      cleanup: async () => dir.cleanup(),
    };
  },
  (ctx) => {
    it('protects written objects as 0o444, as DVC does for local remotes (dvc-compat §20 A2)', async () => {
      const d = ctx.dir();
      await ctx.remote.write(`${d}${objectPath('acbd18db4cc2f85cedef654fccc4a4d8')}`, 'foo');
      const st = statSync(join(ctx.remote.root, d, 'files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8'));
      expect(st.mode & 0o777).toBe(LOCAL_OBJECT_MODE);
      expect((await ctx.remote.stat(`${d}files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8`))?.mode).toBe(0o444);
    });

    it('overwrites a protected object', async () => {
      const d = ctx.dir();
      await ctx.remote.write(`${d}x`, 'one');
      await ctx.remote.write(`${d}x`, 'two');
      expect((await ctx.remote.readFile(`${d}x`)).toString()).toBe('two');
    });

    it('hides in-flight temp files from list and treats directories as absent objects', async () => {
      const d = ctx.dir();
      mkdirSync(join(ctx.remote.root, d, 'sub'), { recursive: true });
      writeFileSync(join(ctx.remote.root, d, 'obj.0123456789abcdef.tmp'), 'partial');
      const listed: string[] = [];
      for await (const p of ctx.remote.list(d)) listed.push(p);
      expect(listed).toEqual([]);
      expect(await ctx.remote.exists(`${d}sub`)).toBe(false);
    });
  },
);

describe('local remote options', () => {
  it('resolves a relative path against cwd', () => {
    const r = createLocalRemote({ path: '../store', cwd: '/work/repo' });
    expect(r.root).toBe('/work/store');
  });

  it('creates directories with mode 0o2775 when shared = group', async () => {
    const dir = tmpRepo();
    try {
      const r = createLocalRemote({ path: join(dir.root, 'remote'), sharedGroup: true });
      await r.write('files/md5/ab/cd', 'x');
      for (const d of ['remote', 'remote/files', 'remote/files/md5', 'remote/files/md5/ab']) {
        expect(statSync(join(dir.root, d)).mode & 0o7777).toBe(0o2775);
      }
      expect(readdirSync(join(dir.root, 'remote/files/md5/ab'))).toEqual(['cd']);
      await r.close();
    } finally {
      dir.cleanup();
    }
  });
});
