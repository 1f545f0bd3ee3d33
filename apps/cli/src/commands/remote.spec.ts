import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanupTemplate, configFilesOf, configTwins, sameStep, type ConfigTwins } from './__fixtures__/config-twins.js';
import { wrapLikeRich } from './remote.js';

// Scenarios run under real DVC 3.67.1 and under momo's CLI (in-process `main`; the last scenario
// spawns the built bin/momo.js, so run `npx tsc -b tsconfig.build.json` first); every step must
// give the same exit code, stdout, error line and config file bytes.

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'golden');
const UPDATE = process.env.MOMO_UPDATE_GOLDENS === '1';

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

describe('momo remote matches dvc remote', () => {
  scenario('stores a relative url relative to .dvc/ and lists it absolute (scenario 113)', async (t) => {
    const add = await sameStep(t, ['remote', 'add', '-d', 'r', '../store']);
    expect(add.momo.stdout).toBe("Setting 'r' as a default remote.\n");
    golden('remote-add-relative/config', configFilesOf(t.momo)['repo/.dvc/config']);
    const list = await sameStep(t, ['remote', 'list']);
    expect(list.momo.stdout).toMatch(/^r {7}<base>\/store +\(default\)\n$/);
    await sameStep(t, ['remote', 'default']);
    await sameStep(t, ['remote', 'add', 'sub', '../../elsewhere'], 'repo/.dvc');
    await sameStep(t, ['remote', 'add', '--global', 'g', '../gstore']);
    await sameStep(t, ['remote', 'add', '--local', 'l', 'local-store']);
    await sameStep(t, ['remote', 'add', 'home', '~/store']);
    await sameStep(t, ['remote', 'add', 'nobody', '~nosuchuser/store']);
    await sameStep(t, ['remote', 'list']);
    await sameStep(t, ['remote', 'list', '--local']);
    await sameStep(t, ['config', '-l', '--show-origin']);
  });

  scenario('lower-cases remote names (scenario 114)', async (t) => {
    await sameStep(t, ['remote', 'add', 'MyRemote', '/x']);
    golden('remote-add-mixed-case/config', configFilesOf(t.momo)['repo/.dvc/config']);
    await sameStep(t, ['remote', 'modify', 'MYREMOTE', 'jobs', '4']);
    await sameStep(t, ['remote', 'default', 'MyRemote']);
    await sameStep(t, ['config', 'remote.MyRemote.url']);
    await sameStep(t, ['remote', 'list']);
  });

  scenario('refuses to add over an existing remote unless forced', async (t) => {
    await sameStep(t, ['remote', 'add', 'r1', '/a']);
    await sameStep(t, ['remote', 'add', 'r1', '/b']);
    await sameStep(t, ['remote', 'add', '-d', 'R1', '/b']);
    await sameStep(t, ['remote', 'add', '-f', '-d', 'r1', '/b']);
    await sameStep(t, ['remote', 'add', 'f', 'ftp://h/x']);
    await sameStep(t, ['remote', 'add', 'mem', 'memory://x']);
    await sameStep(t, ['remote', 'add', 's3', 's3://bucket/path']);
    await sameStep(t, ['remote', 'add', 'web', 'https://example.com/dvc']);
  });

  scenario('reads, sets and unsets the default remote', async (t) => {
    await sameStep(t, ['remote', 'default']);
    await sameStep(t, ['remote', 'default', 'zz']);
    await sameStep(t, ['remote', 'add', '--global', 'g', '/g']);
    await sameStep(t, ['remote', 'default', 'g']);
    // DVC crashes here (KeyError 'remote', exit 255): nothing below the system level to look in
    const sys = await t.run(['remote', 'default', '--system', 'g']);
    expect([sys.dvc.code, sys.momo.code]).toEqual([255, 251]);
    expect(sys.momo.stderr).toContain('default remote must be present in remote list.');
    expect(configFilesOf(t.momo)).toEqual(configFilesOf(t.dvc));
    await sameStep(t, ['remote', 'default', '--local', 'g']);
    await sameStep(t, ['remote', 'default']);
    await sameStep(t, ['remote', 'default', '--project']);
    await sameStep(t, ['remote', 'default', '--global']);
    await sameStep(t, ['remote', 'list', '-q']);
    await sameStep(t, ['remote', 'add', '-q', '-d', 'quiet', '/q']);
    await sameStep(t, ['remote', 'default', '-u']);
    await sameStep(t, ['remote', 'default', '-q']);
    await sameStep(t, ['remote', 'default', '--local', '-u']);
    await sameStep(t, ['remote', 'default']);
  });

  scenario('modifies options with schema checks per url scheme', async (t) => {
    await sameStep(t, ['remote', 'add', 'r', '/x']);
    await sameStep(t, ['remote', 'modify', 'r', 'badkey', 'x']);
    await sameStep(t, ['remote', 'modify', 'nope', 'jobs', '4']);
    await sameStep(t, ['remote', 'modify', 'r', 'jobs', 'abc']);
    await sameStep(t, ['remote', 'modify', 'r', 'jobs', '0']);
    await sameStep(t, ['remote', 'modify', 'r', 'jobs', '4']);
    await sameStep(t, ['remote', 'modify', 'r', 'type', 'hardlink, copy']);
    await sameStep(t, ['remote', 'modify', '-u', 'r', 'jobs']);
    await sameStep(t, ['remote', 'modify', '-u', 'r', 'nothere']);
    await sameStep(t, ['remote', 'modify', 'r', 'user']);
    await sameStep(t, ['remote', 'modify', 'r', 'url', 'ftp://h/y']);
    await sameStep(t, ['remote', 'add', 'ref', 'remote://r/sub']);
    await sameStep(t, ['remote', 'modify', 'ref', 'user']);
    await sameStep(t, ['remote', 'add', '--global', 'g', 's3://b/p']);
    await sameStep(t, ['remote', 'modify', 'g', 'region', 'eu-west-1']);
    await sameStep(t, ['remote', 'modify', 'g', 'endpointurl', 'http://127.0.0.1:9000']);
    await sameStep(t, ['remote', 'modify', 'g', 'port', '22']);
    await sameStep(t, ['remote', 'list', '--project'], undefined, { stderr: false });
    await sameStep(t, ['config', '-l']);
  });

  scenario('renames a remote and the defaults that point at it', async (t) => {
    await sameStep(t, ['remote', 'add', '-d', 'r1', '/b']);
    await sameStep(t, ['remote', 'add', 'other', '/o']);
    await sameStep(t, ['remote', 'rename', 'r1', 'r2']);
    await sameStep(t, ['remote', 'rename', 'r2', 'other']);
    await sameStep(t, ['remote', 'rename', 'zz', 'yy']);
    await sameStep(t, ['remote', 'rename', 'r2', 'NewName']);
    await sameStep(t, ['remote', 'list']);
    await sameStep(t, ['remote', 'add', '--global', 'g', '/g']);
    await sameStep(t, ['config', '--local', 'core.remote', 'g']);
    await sameStep(t, ['remote', 'rename', '--global', 'g', 'g2']);
    await sameStep(t, ['config', '-l', '--show-origin']);
  });

  scenario('removes a remote and clears defaults from local down to its level (errata A5)', async (t) => {
    await sameStep(t, ['remote', 'add', '-d', 'r', '/b']);
    await sameStep(t, ['remote', 'remove', 'zz']);
    await sameStep(t, ['remote', 'remove', 'r']);
    golden('remote-remove-config-local/config.local', configFilesOf(t.momo)['repo/.dvc/config.local']);
    t.write('repo/.dvc/config', '# keep me?\n[core]\n    remote = g\n');
    await sameStep(t, ['remote', 'add', '--global', 'g', '/g']);
    await sameStep(t, ['config', '--local', 'core.remote', 'g']);
    await sameStep(t, ['config', '--global', 'core.remote', 'g']);
    await sameStep(t, ['remote', 'remove', '--global', 'g']);
    await sameStep(t, ['remote', 'add', '--system', 's', '/s']);
    await sameStep(t, ['remote', 'remove', '--system', 's']);
  });

  scenario('wraps long lines of `remote list` like rich at 80 columns', async (t) => {
    await sameStep(t, ['remote', 'add', '-d', 'longname_remote_abcdefghijk', `s3://bucket/${'a'.repeat(100)}/x`]);
    await sameStep(t, ['remote', 'add', 'a b', '/x [y] z']);
    await sameStep(t, ['remote', 'add', 'exactly8', `s3://b/${'c'.repeat(60)}`]);
    await sameStep(t, ['remote', 'add', 'words', 's3://b/one two three four five six seven eight nine ten eleven twelve thirteen']);
    await sameStep(t, ['remote', 'list']);
  });

  scenario('rejects a missing subcommand with a usage error', async (t) => {
    await sameStep(t, ['remote'], undefined, { stderr: false, stdout: false });
    await sameStep(t, ['remote', 'add', 'only-a-name'], undefined, { stderr: false, stdout: false });
    await sameStep(t, ['remote', 'add', '--global', '--system', 'x', '/x'], undefined, { stderr: false, stdout: false });
  });

  it('gives the same results through the built bin/momo.js', async () => {
    const t = configTwins({ bin: true });
    try {
      await sameStep(t, ['remote', 'add', '-d', 'r', '../store']);
      await sameStep(t, ['remote', 'list']);
      await sameStep(t, ['remote', 'add', 'r', '/x']);
      await sameStep(t, ['remote', 'remove', 'r']);
      await sameStep(t, ['remote', 'default']);
    } finally {
      t.cleanup();
    }
  });

  it('refuses a non-ASCII url without touching the file, where DVC truncates it (known DVC bug)', async () => {
    const t = configTwins();
    try {
      await sameStep(t, ['remote', 'add', 'r', '/x']);
      const before = configFilesOf(t.momo)['repo/.dvc/config'];
      const r = await t.run(['remote', 'add', 'e', '/tmp/\u00e9']);
      expect(r.momo.code).toBe(r.dvc.code);
      expect(r.dvc.code).toBe(255);
      expect(configFilesOf(t.dvc)['repo/.dvc/config']).toBe('');
      expect(configFilesOf(t.momo)['repo/.dvc/config']).toBe(before);
      expect(r.momo.stderr).toContain('can only hold ASCII text');
    } finally {
      t.cleanup();
    }
  });
});

describe('wrapLikeRich', () => {
  it('expands tabs to 8-column stops and keeps short lines whole', () => {
    expect(wrapLikeRich('r\t/x\t(default)', 80)).toEqual(['r       /x      (default)']);
    expect(wrapLikeRich('exactly8\t/x', 80)).toEqual(['exactly8        /x']);
  });

  it('moves a word that does not fit to the next line and folds words longer than the width', () => {
    expect(wrapLikeRich('abc defgh ij', 8)).toEqual(['abc ', 'defgh ij']);
    expect(wrapLikeRich('n\t0123456789abcdef', 8)).toEqual(['n       ', '01234567', '89abcdef']);
  });
});
