import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMomoError } from '@momo/errors';
import { tmpRepo } from '@momo/testing';
import { loadConfig, resolveRemoteConfig, type DvcConfig } from './load-config.js';
import { ConfigPath } from './config-paths.js';
import { askPython, type Tagged } from './__fixtures__/oracle.js';

type Files = { repo?: string; local?: string; global?: string; system?: string };

/** Config combinations whose loaded + validated result (or error) must equal DVC's `Config(dvc_dir)`. */
const CASES: Array<[string, Files]> = [
  ['nothing configured', {}],
  ['empty repo config', { repo: '' }],
  [
    'typical repo config',
    {
      repo: `[core]\n    remote = Store\n    autostage = TRUE\n    checksum_jobs = 3\n[cache]\n    type = hardlink, symlink\n    dir = ../cache\n    shared = Group\n['remote "store"']\n    url = ../store\n    jobs = 8\n    verify = false\n`,
    },
  ],
  ['bad boolean', { repo: '[core]\nautostage = maybe\n' }],
  ['checksum_jobs below 1', { repo: '[core]\nchecksum_jobs = 0\n' }],
  ['checksum_jobs not a number', { repo: '[core]\nchecksum_jobs = many\n' }],
  ['unsupported cache type', { repo: '[cache]\ntype = foo\n' }],
  ['cache type string with a bad entry', { repo: '[cache]\ntype = "reflink, copy,foo"\n' }],
  ['remote without url', { repo: '[remote "r"]\njobs = 2\n' }],
  ['unsupported url scheme', { repo: '[remote "r"]\nurl = ftp://h/x\n' }],
  ['unknown s3 key', { repo: '[remote "r"]\nurl = s3://b/p\nregion = eu\nfoo = 1\n' }],
  ['http options', { repo: '[remote "h"]\nurl = https://h/dvc\nssl_verify = /etc/ca.pem\nread_timeout = 1.5\nauth = BASIC\nmethod = PUT\n' }],
  ['ssh port not a number', { repo: '[remote "s"]\nurl = ssh://u@h/p\nport = abc\n' }],
  ['ssh keys', { repo: '[remote "s"]\nurl = ssh://u@h:2222/p\nport = 2222\nkeyfile = keys/id\nask_password = true\ntype = copy\n' }],
  ['unknown section', { repo: '[foo]\nbar = 1\n' }],
  ['top-level scalar', { repo: 'x = 1\n[core]\nremote = r\n' }],
  ['scalar named like a section', { repo: 'core = 1\n' }],
  ['unknown feature key', { repo: '[feature]\nfoo = 1\nmachine = true\n' }],
  ['hydra exclusive keys', { repo: '[hydra]\nconfig_dir = a\nconfig_module = b\n' }],
  ['errors in two sections (remote is checked first)', { repo: '[core]\nautostage = maybe\n[remote "r"]\nurl = /x\njobs = 0\n' }],
  [
    'levels merge key by key',
    {
      system: '[core]\nremote = sys\n[remote "sys"]\nurl = /sys\n',
      global: '[core]\nremote = glob\nautostage = true\n[remote "glob"]\nurl = ../gstore\n',
      repo: '[core]\nremote = repo\n[remote "repo"]\nurl = /repo-store\n',
      local: '[core]\nremote = glob\n[remote "repo"]\njobs = 2\n',
    },
  ],
  ['bad value in the global level', { global: '[core]\nno_scm = sometimes\n', repo: '[core]\nautostage = true\n' }],
  ['remote:// reference accepts any key', { repo: '[remote "base"]\nurl = /data\n[remote "sub"]\nurl = remote://base/sub\nwhatever = x\n' }],
  ['deprecated keys', { repo: '[cache]\nlocal = base\nprotected = true\n[state]\nrow_limit = 10\n[index]\ndir = x\n[remote "base"]\nurl = /c\n' }],
  ['machine section', { repo: `['machine "m"']\ncloud = AWS\nspot_price = 1.5\ninstance_hdd_size = 10\n` }],
  ['machine bad region', { repo: `['machine "m"']\nregion = mars\n` }],
  ['parsing choices', { repo: '[parsing]\nbool = Store_True\nlist = sideways\n' }],
  ['list where a string is expected', { repo: '[core]\nremote = a, b\n' }],
  ['list for a url', { repo: '[remote "r"]\nurl = a, b\n' }],
  ['cache_regions cannot be set from a file', { repo: '[remote "r"]\nurl = s3://b/p\ncache_regions = true\n' }],
  ['home-relative and relative paths', { repo: '[cache]\ndir = ~/dvc-cache\n[remote "r"]\nurl = ~/store\ncredentialpath = creds/file\n' }],
  ['file url is local', { repo: '[remote "f"]\nurl = file:///srv/x\ntype = symlink\n' }],
  ['s3 url without bucket is local', { repo: '[remote "f"]\nurl = s3:///x\nshared = group\n' }],
  ['ssl_verify list', { repo: '[remote "h"]\nurl = http://h/x\nssl_verify = a, b\n' }],
  ['duplicate remote after lower-casing', { repo: '[remote "R"]\nurl = /one\n[remote "r"]\nurl = /two\n' }],
  ['webdav and azure keys', { repo: '[remote "w"]\nurl = webdavs://h/p\ntoken = t\ntimeout = 5\n[remote "a"]\nurl = azure://c/p\naccount_name = n\nconnection_timeout = 3\n' }],
  ['hdfs has no verify key', { repo: '[remote "h"]\nurl = hdfs://n/p\nverify = true\n' }],
  ['studio and exp', { repo: '[studio]\noffline = yes\n' }],
  ['plots', { repo: '[plots]\nauto_open = True\nout_dir = p\n' }],
  ['syntax error', { repo: '[core\nremote = x\n' }],
  ['duplicate key', { local: '[core]\nremote = a\nremote = b\n' }],
];

const created: Array<{ cleanup(): void }> = [];
afterAll(() => created.forEach((t) => t.cleanup()));

function setup(files: Files): { root: string; env: Record<string, string> } {
  const t = tmpRepo({ prefix: 'momo-cfg-' });
  created.push(t);
  const root = join(t.root, 'repo');
  const dirs = { global: join(t.root, 'global'), system: join(t.root, 'system') };
  mkdirSync(join(root, '.dvc'), { recursive: true });
  mkdirSync(dirs.global);
  mkdirSync(dirs.system);
  const paths = { repo: join(root, '.dvc', 'config'), local: join(root, '.dvc', 'config.local'), global: join(dirs.global, 'config'), system: join(dirs.system, 'config') };
  for (const [level, text] of Object.entries(files)) writeFileSync(paths[level as keyof Files], text);
  return { root, env: { DVC_GLOBAL_CONFIG_DIR: dirs.global, DVC_SYSTEM_CONFIG_DIR: dirs.system, HOME: process.env.HOME ?? '/root' } };
}

function plain(v: unknown): unknown {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]));
  if (v instanceof ConfigPath) return v.path;
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

function untag(t: Tagged): unknown {
  if ('s' in t) return Object.fromEntries(t.s.map(([k, v]) => [k, untag(v)]));
  return t.v;
}

describe('loadConfig (differential against DVC 3.67.1 Config)', () => {
  const setups = CASES.map(([, files]) => setup(files));
  const answer = askPython({
    load: setups.map((s) => ({ dvc_dir: join(s.root, '.dvc'), global_dir: s.env.DVC_GLOBAL_CONFIG_DIR, system_dir: s.env.DVC_SYSTEM_CONFIG_DIR })),
  });

  CASES.forEach(([name], i) => {
    it(`matches DVC: ${name}`, () => {
      const want = answer.load[i];
      let got: { ok: unknown } | { error: string };
      try {
        got = { ok: plain(loadConfig({ root: setups[i].root, env: setups[i].env }).values) };
      } catch (e) {
        if (!isMomoError(e)) throw e;
        // momo appends where the bad value is: " (in '<file>'[, line N])"
        got = { error: e.message.replace(/ \(in '[^']*'(, line \d+)?\)$/, '') };
      }
      if ('ok' in want) expect(got).toEqual({ ok: untag(want.ok) });
      else if ('error' in want) expect(got).toEqual({ error: want.error });
      // DVC crashes (exit 255) on a few malformed files; momo must still fail with a coded error
      else expect(got).toHaveProperty('error');
    });
  });
});

describe('loadConfig accessors', () => {
  it('gives defaults when nothing is configured', () => {
    const { root, env } = setup({});
    const c = loadConfig({ root, env });
    expect(c.core).toEqual({
      remote: undefined,
      noScm: false,
      autostage: false,
      checksumJobs: undefined,
      interactive: false,
      hardlinkLock: false,
      siteCacheDir: undefined,
    });
    expect(c.cache).toEqual({
      dir: join(root, '.dvc', 'cache'),
      dirConfigured: false,
      type: ['reflink', 'copy'],
      typeConfigured: false,
      shared: undefined,
      protected: false,
      slowLinkWarning: true,
      verify: false,
    });
    expect(c.remoteNames).toEqual([]);
  });

  it('resolves cache.dir against .dvc/, honours cache.type lists and local overrides', () => {
    const { root, env } = setup({
      repo: '[core]\nno_scm = True\nchecksum_jobs = 2\n[cache]\ndir = ../shared-cache\ntype = hardlink,symlink\nshared = group\n',
      local: '[core]\nautostage = true\n[cache]\ntype = copy\n',
    });
    const c = loadConfig({ root, env });
    expect(c.core.noScm).toBe(true);
    expect(c.core.autostage).toBe(true);
    expect(c.core.checksumJobs).toBe(2);
    expect(c.cache.dir).toBe(join(root, 'shared-cache'));
    expect(c.cache.type).toEqual(['copy']);
    expect(c.cache.typeConfigured).toBe(true);
    expect(c.cache.shared).toBe('group');
  });

  it('uses the url of the cache.local remote as the cache dir (DVC CacheManager)', () => {
    const { root, env } = setup({ repo: '[cache]\nlocal = mycache\ndir = ignored\n[remote "mycache"]\nurl = ../cache-remote\n' });
    expect(loadConfig({ root, env }).cache.dir).toBe(join(root, 'cache-remote'));
  });

  it('names the file and line of a bad value', () => {
    const { root, env } = setup({ repo: '[cache]\n    type = reflink\n[core]\n    autostage = maybe\n' });
    const err = (() => {
      try {
        loadConfig({ root, env });
      } catch (e) {
        return e;
      }
    })();
    expect(isMomoError(err, 'CONFIG_INVALID')).toBe(true);
    expect((err as Error).message).toBe(
      "config file error: expected true or false for dictionary value @ data['core']['autostage'] (in '.dvc/config', line 4)",
    );
    expect((err as { exitCode: number }).exitCode).toBe(251);
  });

  it('names the level that holds the bad value when several levels set the section', () => {
    const { root, env } = setup({ global: '[core]\nremote = x\nautostage = nope\n', repo: '[core]\nremote = y\n' });
    expect(() => loadConfig({ root, env })).toThrow(new RegExp(`in '${env.DVC_GLOBAL_CONFIG_DIR}/config', line 3`));
  });

  it('reports configobj syntax errors with their line', () => {
    const { root, env } = setup({ local: '[core]\nremote = a\nremote = b\n' });
    expect(() => loadConfig({ root, env })).toThrow("config file error: Duplicate keyword name at line 3. (in '.dvc/config.local', line 3)");
  });

  it('treats a broken %(name)s reference as an unexpected error (255), as DVC does', () => {
    const { root, env } = setup({ repo: '[core]\nremote = %(nothing)s\n' });
    try {
      loadConfig({ root, env });
      expect.unreachable();
    } catch (e) {
      expect(isMomoError(e, 'CONFIG_INVALID')).toBe(true);
      expect((e as { exitCode: number }).exitCode).toBe(255);
      expect((e as Error).message).toBe(`missing option "nothing" in interpolation. (in '.dvc/config')`);
    }
  });

  it('reports invalid UTF-8 with the text of Python\'s decoder', () => {
    const { root, env } = setup({});
    writeFileSync(join(root, '.dvc', 'config'), Buffer.from([0x5b, 0x63, 0x5d, 0x0a, 0xff, 0x0a]));
    expect(() => loadConfig({ root, env })).toThrow("config file error: 'utf-8' codec can't decode byte 0xff in position 4: invalid start byte (in '.dvc/config')");
  });

  it('collects warnings for unsupported feature keys instead of printing them', () => {
    const { root, env } = setup({ repo: '[feature]\nzeta = 1\nalpha = 2\n' });
    expect(loadConfig({ root, env }).warnings).toEqual(["'feature.alpha', 'feature.zeta' config options are unsupported"]);
  });
});

/** Remote look-ups whose effective local path (or error) must equal DVC's `get_cloud_fs` / `get_remote`. */
const REMOTE_CASES: Array<[string, Files, string | undefined]> = [
  ['remote:// to an absolute local base (scenario 117)', { repo: '[remote "base"]\nurl = /data\n[remote "child"]\nurl = remote://base/sub/dir\n' }, 'child'],
  ['remote:// to a base relative to .dvc/', { repo: '[remote "base"]\nurl = ../store\n[remote "child"]\nurl = remote://base/x\n' }, 'child'],
  ['a chain of remote:// references', { repo: '[remote "c"]\nurl = /c\n[remote "b"]\nurl = remote://c/b\n[remote "a"]\nurl = remote://b/a\n' }, 'a'],
  ['a base defined in the global config', { global: '[remote "base"]\nurl = ../gstore\n', repo: '[remote "child"]\nurl = remote://BASE/p/q\n' }, 'child'],
  ['a base url ending with a slash', { repo: '[remote "base"]\nurl = /data/\n[remote "child"]\nurl = remote://base/sub\n' }, 'child'],
  ['the default remote', { repo: '[core]\nremote = Main\n[remote "main"]\nurl = ../m\n' }, undefined],
  ['no remote at all', { repo: '' }, undefined],
  ['remotes but no default', { repo: '[remote "a"]\nurl = /a\n' }, undefined],
  ['an unknown name', { repo: '[remote "a"]\nurl = /a\n' }, 'Nope'],
  ['a reference to an unknown base', { repo: '[remote "a"]\nurl = remote://missing/x\n' }, 'a'],
];

describe('resolveRemoteConfig (differential against DVC 3.67.1 get_cloud_fs)', () => {
  const setups = REMOTE_CASES.map(([, files]) => setup(files));
  const answer = askPython({
    remote: setups.map((s, i) => ({
      dvc_dir: join(s.root, '.dvc'),
      global_dir: s.env.DVC_GLOBAL_CONFIG_DIR,
      system_dir: s.env.DVC_SYSTEM_CONFIG_DIR,
      name: REMOTE_CASES[i][2],
      command: 'push',
    })),
  });

  REMOTE_CASES.forEach(([name, , remote], i) => {
    it(`matches DVC: ${name}`, () => {
      const want = answer.remote[i];
      let got: { ok: unknown } | { error: string };
      try {
        const r = resolveRemoteConfig(loadConfig({ root: setups[i].root, env: setups[i].env }), { name: remote, command: 'push' });
        got = { ok: { protocol: r.scheme === '' ? 'local' : r.scheme, path: r.url } };
      } catch (e) {
        if (!isMomoError(e)) throw e;
        got = { error: e.message };
      }
      if ('crash' in want) throw new Error(`DVC crashed: ${want.crash}`);
      if ('ok' in want) expect(got).toEqual({ ok: { protocol: want.ok.protocol, path: want.ok.path } });
      else expect(got).toEqual({ error: want.error });
    });
  });
});

describe('resolveRemoteConfig', () => {
  function load(files: Files): DvcConfig {
    const { root, env } = setup(files);
    return loadConfig({ root, env });
  }

  it('resolves the default remote with its url made absolute relative to the file that defined it', () => {
    const c = load({
      global: '[remote "g"]\nurl = ../gstore\njobs = 3\n',
      repo: '[core]\nremote = G\n[remote "g"]\nverify = true\n',
    });
    const r = resolveRemoteConfig(c);
    expect(r.name).toBe('g');
    expect(r.url).toBe(join(c.files.global, '..', '..', 'gstore'));
    expect(r.scheme).toBe('');
    expect(r.options).toEqual({ jobs: '3', verify: 'true' });
    expect(r.values).toMatchObject({ jobs: 3, verify: true, slow_link_warning: true });
  });

  it('follows remote:// references and lets the referring remote shadow the base keys (scenario 117)', () => {
    const c = load({
      repo: '[core]\nchecksum_jobs = 5\n[remote "base"]\nurl = /data\njobs = 4\nverify = true\n[remote "child"]\nurl = remote://base/sub/dir\nverify = false\n',
    });
    expect(resolveRemoteConfig(c, { name: 'child' })).toMatchObject({
      url: '/data/sub/dir',
      options: { jobs: '4', verify: 'false' },
      values: { checksum_jobs: 5, jobs: 4, verify: false },
    });
    const ssh = load({ repo: '[remote "server"]\nurl = ssh://localhost\nuser = root\nask_password = true\n[remote "images"]\nurl = remote://server/tmp/pictures\nuser = alice\nask_password = false\n' });
    const r = resolveRemoteConfig(ssh, { name: 'Images' });
    expect(r.url).toBe('ssh://localhost/tmp/pictures');
    expect(r.scheme).toBe('ssh');
    expect(r.values).toMatchObject({ user: 'alice', ask_password: false });
  });

  it('fails with DVC\'s wording when no remote is configured', () => {
    const c = load({});
    expect(() => resolveRemoteConfig(c)).toThrow(
      `config file error: no remote specified in ${c.root}. Create a default remote with\n    dvc remote add -d <remote name> <remote url>`,
    );
  });

  it('suggests `remote default` when remotes exist but none is the default', () => {
    const c = load({ repo: '[remote "a"]\nurl = /a\n' });
    expect(() => resolveRemoteConfig(c, { command: 'push' })).toThrow(
      `config file error: no remote specified in ${c.root}. Setup default remote with\n    dvc remote default <remote name>\nor use:\n    dvc push -r <remote name>`,
    );
    try {
      resolveRemoteConfig(c);
    } catch (e) {
      expect(isMomoError(e, 'REMOTE_NO_DEFAULT')).toBe(true);
    }
  });

  it('fails for an unknown remote name', () => {
    const c = load({ repo: '[remote "a"]\nurl = /a\n' });
    try {
      resolveRemoteConfig(c, { name: 'Nope' });
      expect.unreachable();
    } catch (e) {
      expect(isMomoError(e, 'REMOTE_NOT_FOUND')).toBe(true);
      expect((e as Error).message).toBe("config file error: remote 'Nope' doesn't exist");
    }
  });

  it('validates the resolved remote against the scheme of the base url', () => {
    const c = load({ repo: '[remote "base"]\nurl = s3://b/p\n[remote "child"]\nurl = remote://base/x\nport = 22\n' });
    expect(() => resolveRemoteConfig(c, { name: 'child' })).toThrow("config file error: extra keys not allowed @ data['port']");
  });
});
