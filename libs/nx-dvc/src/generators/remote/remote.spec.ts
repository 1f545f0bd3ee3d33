import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { runDvc, tmpRepo, type TmpRepo } from '@momo/testing';
import { runRemote } from './remote.js';

let repo: TmpRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

const START = "[core]\n    remote = dev-remote\n['remote \"dev-remote\"']\n    url = /srv/dev\n";

describe('remote generator', () => {
  it('adds remotes like `dvc remote add` (relative paths rewritten relative to .dvc/, ssh URLs as given)', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('.dvc/config', START);
    expect(runRemote(tree, { name: 'Backup', url: '../backup' })).toBe(true);
    expect(runRemote(tree, { name: 'nas', url: 'ssh://vincent@bullenwinkel-server/momo-dev-kb', default: true })).toBe(true);
    repo = tmpRepo();
    expect(runDvc(repo.root, ['init', '--no-scm']).code).toBe(0);
    writeFileSync(join(repo.root, '.dvc/config'), START);
    expect(runDvc(repo.root, ['remote', 'add', 'Backup', '../backup']).code).toBe(0);
    expect(runDvc(repo.root, ['remote', 'add', '-d', 'nas', 'ssh://vincent@bullenwinkel-server/momo-dev-kb']).code).toBe(0);
    expect(tree.read('.dvc/config', 'utf-8')).toBe(readFileSync(join(repo.root, '.dvc/config'), 'utf8'));
  });

  it('changes nothing when the remote is already configured, and writes config.local when asked', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('.dvc/config', START);
    expect(runRemote(tree, { name: 'dev-remote', url: '/srv/dev', default: true })).toBe(false);
    expect(runRemote(tree, { name: 'mine', url: '/home/me/store', local: true })).toBe(true);
    expect(tree.read('.dvc/config.local', 'utf-8')).toBe("['remote \"mine\"']\n    url = /home/me/store\n");
    expect(tree.read('.dvc/config', 'utf-8')).toBe(START);
  });

  it('refuses unsupported schemes, bad names and a workspace without DVC', () => {
    const tree = createTreeWithEmptyWorkspace();
    expect(() => runRemote(tree, { name: 'x', url: '/srv' })).toThrow(expect.objectContaining({ code: 'NX_DVC_OPTIONS_INVALID' }));
    tree.write('.dvc/config', '');
    expect(() => runRemote(tree, { name: 'x', url: 'azure://c/p' })).toThrow(expect.objectContaining({ code: 'NX_DVC_REMOTE_URL_INVALID' }));
    expect(() => runRemote(tree, { name: 'a b', url: '/srv' })).toThrow(expect.objectContaining({ code: 'NX_DVC_OPTIONS_INVALID' }));
    tree.write('.dvc/config', '[core\n');
    expect(() => runRemote(tree, { name: 'x', url: '/srv' })).toThrow(expect.objectContaining({ code: 'NX_DVC_CONFIG_INVALID' }));
  });
});
