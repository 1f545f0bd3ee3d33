import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanupTemplate, configFilesOf, configTwins, errorLine, listConfigDirs, sameStep, type ConfigTwins } from './__fixtures__/config-twins.js';

// Scenarios run under real DVC 3.67.1 and under momo's CLI (in-process `main`; the last scenario
// spawns the built bin/momo.js, so run `npx tsc -b tsconfig.build.json` first); every step must
// give the same exit code, stdout, error line and config file bytes.

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'golden');
const UPDATE = process.env.MOMO_UPDATE_GOLDENS === '1';

/** Compares a file produced by both tools with the golden captured from DVC 3.67.1. */
function golden(name: string, actual: string | undefined): void {
  const file = join(GOLDEN, name);
  if (UPDATE) writeFileSync(file, actual ?? '');
  expect(actual).toBe(readFileSync(file, 'latin1'));
}

afterAll(cleanupTemplate);

function scenario(name: string, body: (t: ConfigTwins) => Promise<void>): void {
  it(name, async () => {
    const t = configTwins();
    try {
      await body(t);
    } finally {
      t.cleanup();
    }
  });
}

describe('momo config matches dvc config', () => {
  scenario('rewrites a commented config without its comments (scenario 116)', async (t) => {
    t.write('repo/.dvc/config', '# team settings\n[core]\n  remote = store # default\n[cache]\ntype = reflink,copy\n\n# storage\n[remote "store"]\nurl = ../../store\n');
    await sameStep(t, ['config', 'core.autostage', 'true']);
    golden('commented-config-rewritten/config', configFilesOf(t.momo)['repo/.dvc/config']);
  });

  scenario('writes the example of spec §3.1', async (t) => {
    await sameStep(t, ['remote', 'add', '-d', 'storage', 's3://bkt/dvc']);
    await sameStep(t, ['remote', 'modify', 'storage', 'endpointurl', 'https://minio:9000']);
    await sameStep(t, ['config', 'cache.type', 'hardlink,symlink']);
    golden('spec-3-1-example/config', configFilesOf(t.momo)['repo/.dvc/config']);
  });

  scenario('lists, gets and shows origins across levels', async (t) => {
    t.write('system/config', '[core]\n    remote = sys\n[remote "sys"]\n    url = /srv/sys\n');
    t.write('global/config', '[core]\n    checksum_jobs = 2\n[remote "g"]\n    url = ../gstore\n');
    t.write('repo/.dvc/config', '[cache]\n    type = reflink, copy\n    dir = ../cache\n[core]\n    remote = g\n');
    t.write('repo/.dvc/config.local', '[core]\n    remote = sys\n');
    await sameStep(t, ['config', '-l']);
    await sameStep(t, ['config', '--list', '--show-origin']);
    await sameStep(t, ['config', '-l', '--global']);
    await sameStep(t, ['config', 'core.remote']);
    await sameStep(t, ['config', '--show-origin', 'core.remote']);
    await sameStep(t, ['config', '--project', 'core.remote']);
    await sameStep(t, ['config', 'cache.type']);
    await sameStep(t, ['config', 'cache.dir']);
    await sameStep(t, ['config', 'remote.g.url']);
    await sameStep(t, ['config', '--system', '--show-origin', 'remote.sys.url']);
    await sameStep(t, ['config', 'core.nonexistent']);
    await sameStep(t, ['config', '--project', 'core.nonexistent']);
    await sameStep(t, ['config', '--local', 'nosection.option']);
    await sameStep(t, ['config', 'remote.nothere.url']);
    await sameStep(t, ['config', '-q', '-l']);
    await sameStep(t, ['-q', 'config', 'core.remote']);
  });

  scenario('writes each level and removes keys (an emptied file is one newline)', async (t) => {
    await sameStep(t, ['config', '--local', 'core.remote', 'myremote']);
    await sameStep(t, ['config', '--global', 'core.autostage', 'True']);
    await sameStep(t, ['config', '--system', 'core.check_update', 'false']);
    await sameStep(t, ['config', 'core.checksum_jobs', '4']);
    await sameStep(t, ['config', '--local', '--unset', 'core.remote']);
    await sameStep(t, ['config', '-u', 'core.checksum_jobs']);
    await sameStep(t, ['config', '-u', 'core.nothing']);
    await sameStep(t, ['config', '-u', 'nosec.nothing']);
    await sameStep(t, ['config', 'core.remote', '']);
    await sameStep(t, ['config', 'remote.new.url', 's3://b/p']);
    await sameStep(t, ['config', 'feature.foo', '1']);
    expect(listConfigDirs(t.momo)).toEqual(listConfigDirs(t.dvc));
  });

  scenario('stores path values relative to .dvc/ and keeps ~ as typed', async (t) => {
    await sameStep(t, ['config', 'cache.dir', '../shared-cache'], 'repo/.dvc');
    await sameStep(t, ['config', 'cache.dir']);
    await sameStep(t, ['config', 'cache.dir', 'cache-in-repo']);
    await sameStep(t, ['config', 'cache.dir', '~/dvc-cache']);
    await sameStep(t, ['config', '-l']);
    await sameStep(t, ['config', 'core.site_cache_dir', 'relative/not/a/path/key']);
    t.write('repo/.dvc/config', '[cache]\n    dir = ./a/../b\n[remote "x"]\n    url = sub/./store/\n');
    await sameStep(t, ['config', 'core.autostage', 'false']);
  });

  scenario('quotes values the way configobj does', async (t) => {
    await sameStep(t, ['remote', 'add', 'h', 'https://h/p']);
    for (const [key, value] of [
      ['password', 'a#b'],
      ['user', 'has "dq"'],
      ['custom_auth_header', "it's"],
      ['method', ' x '],
      ['ssl_verify', `a'b"c`],
    ]) {
      await sameStep(t, ['remote', 'modify', 'h', key, value]);
    }
    await sameStep(t, ['config', 'cache.type', 'reflink, copy']);
    await sameStep(t, ['config', '-l']);
  });

  scenario('refuses bad values and changes nothing (scenario 115)', async (t) => {
    await sameStep(t, ['config', 'core.autostage', 'maybe']);
    await sameStep(t, ['config', 'core.checksum_jobs', '0']);
    await sameStep(t, ['config', 'cache.type', 'hardlink,foo']);
    await sameStep(t, ['config', 'cache.shared', 'world']);
    await sameStep(t, ['config', 'foo.bar', 'baz']);
    await sameStep(t, ['config', 'remote.r.jobs', '2']);
    t.write('repo/.dvc/config', '[core]\n    autostage = maybe\n');
    await sameStep(t, ['config', 'core.remote', 'x']);
    await sameStep(t, ['config', '-l']);
    t.write('repo/.dvc/config', '[core\nremote = x\n');
    await sameStep(t, ['config', '-l']);
    await sameStep(t, ['remote', 'list']);
  });

  scenario('rejects malformed invocations with the same exit codes', async (t) => {
    await sameStep(t, ['config', 'foo'], undefined, { stderr: false, stdout: false });
    await sameStep(t, ['config', 'a.b.c.d'], undefined, { stderr: false, stdout: false });
    await sameStep(t, ['config', '--global', '--local', 'core.remote'], undefined, { stderr: false, stdout: false });
    await sameStep(t, ['config']);
    await sameStep(t, ['config', '-l', 'core.remote']);
    await sameStep(t, ['config', '--show-origin', 'core.remote', 'x']);
    await sameStep(t, ['config', '--show-origin', '-u', 'core.remote']);
  });

  scenario('works outside a repository with the global and system levels only', async (t) => {
    t.write('global/config', '[core]\n    remote = gr\n[remote "gr"]\n    url = ../gstore\n');
    await sameStep(t, ['config', '-l'], 'outside');
    await sameStep(t, ['config', 'core.remote'], 'outside');
    await sameStep(t, ['config', '--local', 'core.remote'], 'outside');
    await sameStep(t, ['config', 'core.remote', 'x'], 'outside');
    await sameStep(t, ['config', '--global', 'core.autostage', 'true'], 'outside');
    await sameStep(t, ['remote', 'list'], 'outside');
  });

  it('gives the same results through the built bin/momo.js', async () => {
    const t = configTwins({ bin: true });
    try {
      t.write('repo/.dvc/config', '# comment\n[core]\nremote = r\n[remote "r"]\nurl = ../store\n');
      await sameStep(t, ['config', 'cache.type', 'hardlink,copy']);
      await sameStep(t, ['config', '-l', '--show-origin']);
      await sameStep(t, ['config', 'core.autostage', 'maybe']);
      await sameStep(t, ['config'], undefined);
    } finally {
      t.cleanup();
    }
  });

  it('names the file and line of a bad value in the error (momo only)', async () => {
    const t = configTwins();
    try {
      t.write('repo/.dvc/config', '[cache]\n    type = copy\n[core]\n    autostage = maybe\n');
      const r = await t.run(['config', 'core.remote', 'x']);
      expect(r.momo.code).toBe(251);
      expect(r.momo.stderr.split('\n')[0]).toBe(
        "ERROR: configuration error - config file error: expected true or false for dictionary value @ data['core']['autostage'] (in '.dvc/config', line 4)",
      );
      expect(errorLine(r.dvc.stderr)).toBe(errorLine(r.momo.stderr));
    } finally {
      t.cleanup();
    }
  });
});
