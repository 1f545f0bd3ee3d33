import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMomoError } from '@momo/errors';
import { tmpRepo, type TmpRepo } from '@momo/testing';
import { configGet, configList, configSet, configUnset, parseConfigName } from './config.js';
import { remoteAdd, remoteDefault, remoteList, remoteModify, remoteRemove, remoteRename } from './remote.js';

// Result shapes and momo-only guarantees of the config/remote operations. Byte compatibility with
// DVC is proven by apps/cli/src/commands/{config,remote}.spec.ts against real DVC 3.67.1.

let t: TmpRepo;
afterEach(() => t?.cleanup());

function repo(files: Record<string, string> = {}) {
  t = tmpRepo({ prefix: 'momo-cfg-api-' });
  const root = join(t.root, 'repo');
  mkdirSync(join(root, '.dvc'), { recursive: true });
  mkdirSync(join(t.root, 'global'));
  mkdirSync(join(t.root, 'system'));
  for (const [rel, text] of Object.entries(files)) writeFileSync(join(t.root, rel), text);
  const env = { DVC_GLOBAL_CONFIG_DIR: join(t.root, 'global'), DVC_SYSTEM_CONFIG_DIR: join(t.root, 'system'), HOME: join(t.root, 'home') };
  const read = (rel: string) => (existsSync(join(t.root, rel)) ? readFileSync(join(t.root, rel), 'utf8') : undefined);
  return { root, env, cwd: root, read };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isMomoError(e) ? e.code : 'not a MomoError';
  }
  return undefined;
}

describe('config operations', () => {
  it('sets, gets, lists and unsets an option', () => {
    const { cwd, env, read } = repo();
    const set = configSet({ cwd, env, name: 'core.autostage', value: 'true' });
    expect(set).toMatchObject({ level: 'repo', warnings: [] });
    expect(read('repo/.dvc/config')).toBe('[core]\n    autostage = true\n');
    expect(configGet({ cwd, env, name: 'CORE.Autostage' })).toEqual({
      found: true,
      value: 'true',
      text: 'true',
      level: 'repo',
      origin: '.dvc/config',
    });
    configSet({ cwd, env, level: 'global', name: 'cache.type', value: 'hardlink,copy' });
    expect(configList({ cwd, env }).entries.map((e) => [e.level, e.origin.replace(cwd, '<repo>'), e.key, e.text])).toEqual([
      ['global', join(env.DVC_GLOBAL_CONFIG_DIR, 'config'), 'cache.type', 'hardlink,copy'],
      ['repo', '.dvc/config', 'core.autostage', 'true'],
    ]);
    configUnset({ cwd, env, name: 'core.autostage' });
    expect(read('repo/.dvc/config')).toBe('\n');
    expect(configGet({ cwd, env, name: 'core.autostage' })).toEqual({ found: false });
  });

  it('prints lists the way Python does', () => {
    const { cwd, env } = repo({ 'repo/.dvc/config': "[cache]\ntype = reflink, copy\n[core]\nremote = it's\n" });
    expect(configGet({ cwd, env, name: 'cache.type' }).text).toBe("['reflink', 'copy']");
    expect(configList({ cwd, env }).entries.map((e) => `${e.key}=${e.text}`)).toEqual(["cache.type=['reflink', 'copy']", "core.remote=it's"]);
  });

  it('returns the warnings DVC logs for unsupported feature keys', () => {
    const { cwd, env } = repo();
    expect(configSet({ cwd, env, name: 'feature.foo', value: '1' }).warnings).toEqual(["'feature.foo' config option is unsupported"]);
  });

  it('rejects malformed names with a usage error', () => {
    expect(codeOf(() => parseConfigName('core'))).toBe('USAGE_INVALID');
    expect(codeOf(() => parseConfigName('a.b.c'))).toBe('USAGE_INVALID');
    expect(parseConfigName('remote.MyRemote.URL')).toEqual({ top: 'remote', section: 'myremote', option: 'url' });
    expect(parseConfigName('db.x.url')).toEqual({ top: 'db', section: 'x', option: 'url' });
  });

  it('refuses repo levels outside a repository', () => {
    const { env } = repo();
    const outside = join(t.root, 'global');
    expect(codeOf(() => configSet({ cwd: outside, env, name: 'core.remote', value: 'x' }))).toBe('CONFIG_OUTSIDE_REPO');
    expect(codeOf(() => configList({ cwd: outside, env, level: 'local' }))).toBe('CONFIG_OUTSIDE_REPO');
    expect(configSet({ cwd: outside, env, level: 'global', name: 'core.remote', value: 'x' }).level).toBe('global');
  });

  it('fails every operation while a level cannot be parsed, as DVC does', () => {
    const { cwd, env } = repo({ 'repo/.dvc/config.local': '[core\n' });
    expect(codeOf(() => configList({ cwd, env, level: 'global' }))).toBe('CONFIG_INVALID');
    expect(codeOf(() => remoteList({ cwd, env }))).toBe('CONFIG_INVALID');
  });

  it('writes nothing when a higher level would make the config invalid (DVC writes, then fails)', () => {
    const { cwd, env, read } = repo({ 'repo/.dvc/config.local': '[core]\n    autostage = maybe\n' });
    try {
      configSet({ cwd, env, name: 'core.remote', value: 'x' });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe(
        "config file error: expected true or false for dictionary value @ data['core']['autostage'] (in '.dvc/config.local', line 2)",
      );
    }
    expect(read('repo/.dvc/config')).toBeUndefined();
  });
});

describe('remote operations', () => {
  it('adds, lists, modifies, renames and removes remotes', () => {
    const { cwd, env, read } = repo();
    const added = remoteAdd({ cwd, env, name: 'Store', url: '../store', default: true });
    expect(added).toMatchObject({ name: 'store', level: 'repo', files: [join(cwd, '.dvc', 'config')] });
    expect(remoteList({ cwd, env }).remotes).toEqual([{ name: 'store', url: join(t.root, 'store'), isDefault: true }]);
    expect(remoteDefault({ cwd, env })).toMatchObject({ name: 'store' });
    remoteModify({ cwd, env, name: 'store', option: 'jobs', value: '4' });
    expect(read('repo/.dvc/config')).toBe(`[core]\n    remote = store\n['remote "store"']\n    url = ../../store\n    jobs = 4\n`);
    const renamed = remoteRename({ cwd, env, name: 'store', newName: 'main' });
    expect(renamed.files).toEqual([join(cwd, '.dvc', 'config'), join(cwd, '.dvc', 'config.local')]);
    expect(read('repo/.dvc/config.local')).toBe('\n');
    const removed = remoteRemove({ cwd, env, name: 'main' });
    expect(removed.files).toEqual([join(cwd, '.dvc', 'config'), join(cwd, '.dvc', 'config.local'), join(cwd, '.dvc', 'config')]);
    expect(read('repo/.dvc/config')).toBe('\n');
    expect(remoteDefault({ cwd, env })).toEqual({ files: [], warnings: [] });
  });

  it('uses the DVC error codes', () => {
    const { cwd, env } = repo();
    remoteAdd({ cwd, env, name: 'a', url: '/a' });
    expect(codeOf(() => remoteAdd({ cwd, env, name: 'A', url: '/b' }))).toBe('REMOTE_EXISTS');
    expect(codeOf(() => remoteRename({ cwd, env, name: 'zz', newName: 'yy' }))).toBe('REMOTE_NOT_FOUND');
    expect(codeOf(() => remoteRename({ cwd, env, name: 'a', newName: 'a' }))).toBe('REMOTE_EXISTS');
    expect(codeOf(() => remoteRemove({ cwd, env, name: 'zz' }))).toBe('REMOTE_NOT_FOUND');
    expect(codeOf(() => remoteDefault({ cwd, env, name: 'zz' }))).toBe('REMOTE_NOT_FOUND');
    expect(codeOf(() => remoteModify({ cwd, env, name: 'zz', option: 'jobs', value: '1' }))).toBe('REMOTE_NOT_FOUND');
    expect(codeOf(() => remoteModify({ cwd, env, name: 'a', option: 'nope', value: '1' }))).toBe('CONFIG_INVALID');
    expect(codeOf(() => remoteAdd({ cwd, env, name: `q'"`, url: '/q' }))).toBe('CONFIG_VALUE_UNWRITABLE');
  });

  it('tags escaping errors with the operation name', () => {
    const { cwd, env } = repo();
    try {
      remoteRemove({ cwd, env, name: 'zz' });
      expect.unreachable();
    } catch (e) {
      expect(isMomoError(e) && e.operation).toBe('remoteRemove');
    }
  });

  it('refuses an option without a value that the file could not be read back with (DVC writes `None`, then fails)', () => {
    const { cwd, env, read } = repo();
    remoteAdd({ cwd, env, name: 'r', url: '/x' });
    const before = read('repo/.dvc/config');
    try {
      remoteModify({ cwd, env, name: 'r', option: 'type' });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe(
        "config file error: Unsupported cache type(s): None for dictionary value @ data['remote']['r']['type'] (in '.dvc/config' after this change; nothing was written)",
      );
    }
    expect(read('repo/.dvc/config')).toBe(before);
  });

  it('keeps the new name as typed on rename, as DVC does', () => {
    const { cwd, env, read } = repo();
    remoteAdd({ cwd, env, name: 'r', url: '/x', default: true });
    remoteRename({ cwd, env, name: 'r', newName: 'NewName' });
    expect(read('repo/.dvc/config')).toBe(`[core]\n    remote = NewName\n['remote "NewName"']\n    url = /x\n`);
    expect(remoteList({ cwd, env }).remotes).toEqual([{ name: 'newname', url: '/x', isDefault: false }]);
  });
});
