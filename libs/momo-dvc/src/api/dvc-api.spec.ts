import { afterEach, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { oracleDvcPath, runDvc, testEnv, tmpRepo, type TmpRepo } from '@momo/testing';
import { getUrl, open, read, resolveData, verifyDataBundle, writeDataBundle } from './dvc-api.js';
import { init } from './init.js';
import { add } from './add.js';
import { push } from './push.js';
import { remoteAdd } from './remote.js';

// Oracle: DVC 3.67.1's dvc.api (get_url/read) run by the venv's Python in the same temp repo.
const PROBE = `
import json, sys, dvc.api
out = []
for c in json.load(sys.stdin):
    fn = getattr(dvc.api, c.pop('fn'))
    path = c.pop('path')
    try:
        r = fn(path, **c)
        out.append({'ok': r.decode('latin1') if isinstance(r, bytes) else r})
    except Exception as e:
        out.append({'err': type(e).__name__, 'msg': str(e)})
print(json.dumps(out))
`;

// real processes (git, DVC, scrypt, Chromium) on a shared 2-core machine: generous limits
vi.setConfig({ testTimeout: 180_000, hookTimeout: 240_000 });

type Call = { fn: 'get_url' | 'read'; path: string; rev?: string; remote?: string; mode?: string };
type Answer = { ok?: string; err?: string; msg?: string };

function dvcApi(cwd: string, calls: Call[]): Answer[] {
  const python = join(dirname(oracleDvcPath()), 'python');
  const r = spawnSync(python, ['-c', PROBE], { cwd, input: JSON.stringify(calls), env: testEnv(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`oracle failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Answer[];
}

async function momoApi(cwd: string, calls: Call[]): Promise<Answer[]> {
  const out: Answer[] = [];
  for (const c of calls) {
    const opts = { repo: cwd, rev: c.rev, remote: c.remote, mode: c.mode, env: { HOME: process.env.HOME } };
    try {
      if (c.fn === 'get_url') out.push({ ok: await getUrl(c.path, opts) });
      else {
        const r = await read(c.path, opts);
        out.push({ ok: typeof r === 'string' ? r : r.toString('latin1') });
      }
    } catch (e) {
      out.push({ err: (e as { code?: string }).code, msg: (e as Error).message });
    }
  }
  return out;
}

const DVC_EXCEPTION_TO_CODE: Record<string, string> = {
  OutputNotFoundError: 'OUTPUT_NOT_FOUND',
  PathMissingError: 'API_PATH_MISSING',
  IsADirectoryError: 'API_PATH_IS_DIRECTORY',
  ValueError: 'API_MODE_UNSUPPORTED',
  RevError: 'REV_NOT_FOUND',
  NoRemoteError: 'REMOTE_NO_DEFAULT',
  RemoteNotFoundError: 'REMOTE_NOT_FOUND',
};

let repo: TmpRepo | undefined;
let n = 0;
const tmpdirName = () => join(tmpdir(), `momo-dvc-api-${process.pid}-${n++}`);
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

/**
 * A git repo with `foo` and `data/kb/` tracked (by momo, in-process: fast), tagged v1, then
 * changed in the workspace. With `remote`, a default remote is configured before v1 and v1's
 * objects are pushed to it.
 */
async function scenario(opts: { remote?: string } = {}): Promise<TmpRepo> {
  const r = tmpRepo({ git: true });
  const env = testEnv();
  await init({ cwd: r.root, env });
  r.gen({ foo: 'foo\n', data: { kb: { 'a.txt': 'a\n', 'b.txt': 'b\n', sub: { 'c.txt': 'c\n' } } } });
  await add({ cwd: r.root, env, targets: ['foo', 'data/kb'] });
  if (opts.remote) {
    remoteAdd({ cwd: r.root, env, name: 'store', url: opts.remote, default: true });
    await push({ cwd: r.root, env });
  }
  r.git('add', '-A');
  r.git('commit', '-qm', 'v1');
  r.git('tag', 'v1');
  r.gen({ data: { kb: { 'a.txt': 'a2\n' } } });
  await add({ cwd: r.root, env, targets: ['data/kb'] });
  return r;
}

function same(momo: Answer[], dvc: Answer[], root: string) {
  const norm = (a: Answer) => (a.err ? { err: DVC_EXCEPTION_TO_CODE[a.err] ?? a.err, msg: a.msg } : { ok: a.ok?.split(root).join('<root>') });
  expect(momo.map((a) => (a.err ? { err: a.err, msg: a.msg } : { ok: a.ok?.split(root).join('<root>') }))).toEqual(dvc.map(norm));
}

describe('dvc api against DVC 3.67.1', () => {
  it('answers get_url and read like dvc.api for the workspace and a tag, without a remote (the cache is the upstream)', async () => {
    repo = await scenario();
    const calls: Call[] = [
      { fn: 'get_url', path: 'foo' },
      { fn: 'get_url', path: 'data/kb' },
      { fn: 'get_url', path: 'data/kb/' },
      { fn: 'get_url', path: 'data/kb/a.txt' },
      { fn: 'get_url', path: 'data/kb/a.txt', rev: 'v1' },
      { fn: 'get_url', path: 'data/kb', rev: 'v1' },
      { fn: 'get_url', path: 'nope' },
      { fn: 'get_url', path: 'foo', rev: 'nosuch' },
      { fn: 'read', path: 'data/kb/a.txt' },
      { fn: 'read', path: 'data/kb/a.txt', rev: 'v1' },
      { fn: 'read', path: 'data/kb/sub/c.txt', rev: 'v1', mode: 'rb' },
      { fn: 'read', path: '.dvc/.gitignore', rev: 'v1' },
      { fn: 'read', path: 'nope' },
      { fn: 'read', path: 'nope', rev: 'v1' },
      { fn: 'read', path: 'data/kb' },
      { fn: 'read', path: 'foo', mode: 'w' },
      { fn: 'read', path: 'foo', rev: 'nosuch' },
    ];
    same(await momoApi(repo.root, calls), dvcApi(repo.root, calls), repo.root);
  });

  it('uses the default remote (and -r) for URLs, and at a tag the tag’s config decides the default', async () => {
    repo = await scenario();
    expect(runDvc(repo.root, ['remote', 'add', '-d', 'store', join(repo.root, '..', `${repo.root.split('/').pop()}-store`)]).code).toBe(0);
    expect(runDvc(repo.root, ['remote', 'add', 'web', 'https://example.com/dvc']).code).toBe(0);
    const calls: Call[] = [
      { fn: 'get_url', path: 'foo' },
      { fn: 'get_url', path: 'data/kb/b.txt' },
      { fn: 'get_url', path: 'data/kb/a.txt', remote: 'web' },
      { fn: 'get_url', path: 'foo', remote: 'nosuch' },
      { fn: 'get_url', path: 'foo', rev: 'v1' },
      { fn: 'get_url', path: 'foo', rev: 'v1', remote: 'store' },
    ];
    const dvc = dvcApi(repo.root, calls);
    const momo = await momoApi(repo.root, calls);
    // DVC names the git tree root ('/') in the no-remote message at a revision; momo names the project
    expect(dvc[4]).toEqual({ err: 'NoRemoteError', msg: 'config file error: no remote specified in /' });
    expect(momo[4].err).toBe('REMOTE_NO_DEFAULT');
    dvc.splice(4, 1);
    momo.splice(4, 1);
    same(momo, dvc, repo.root);
    rmSync(`${repo.root}-store`, { recursive: true, force: true });
  });

  it('reads objects from the remote when the cache lacks them, and refuses a corrupted remote object', async () => {
    const store = `${tmpdirName()}-remote`;
    repo = await scenario({ remote: store });
    rmSync(join(repo.root, '.dvc', 'cache'), { recursive: true, force: true });
    const url = await getUrl('data/kb/sub/c.txt', { repo: repo.root, rev: 'v1' });
    expect(url.startsWith(store)).toBe(true);
    expect(await read('data/kb/sub/c.txt', { repo: repo.root, rev: 'v1' })).toBe('c\n');
    // stream form
    let text = '';
    for await (const chunk of await open('data/kb/sub/c.txt', { repo: repo.root, rev: 'v1' })) text += chunk;
    expect(text).toBe('c\n');
    // tamper with the remote copy of b.txt
    const bUrl = await getUrl('data/kb/b.txt', { repo: repo.root, rev: 'v1' });
    chmodSync(bUrl, 0o644);
    writeFileSync(bUrl, 'evil\n');
    await expect(read('data/kb/b.txt', { repo: repo.root, rev: 'v1' })).rejects.toMatchObject({ code: 'CACHE_OBJECT_CORRUPTED' });
    rmSync(store, { recursive: true, force: true });
  });

  it('resolveData names the output and recording file of a path inside a tracked directory', async () => {
    repo = await scenario();
    const d = await resolveData('data/kb/a.txt', { repo: repo.root, rev: 'v1' });
    expect(d).toMatchObject({ path: 'data/kb/a.txt', out: 'data/kb', dvcfile: 'data/kb.dvc', isDir: false, legacy: false, rev: 'v1' });
    expect(d.md5).toBe('60b725f10c9c85c70d97880dfe8191b3');
    const sub = await resolveData('data/kb/sub', { repo: repo.root });
    expect(sub).toMatchObject({ isDir: true, nfiles: 1 });
  });
});

describe('data bundles', () => {
  it('writes the outputs as recorded at a tag (not the workspace), verified, byte-identical on a re-run', async () => {
    repo = await scenario();
    const out = join(repo.root, '..', `${repo.root.split('/').pop()}-bundle`);
    const res = await writeDataBundle({ repo: repo.root, rev: 'v1', paths: ['data/kb', 'foo'], optionalPaths: ['data/vectors'], out, momoVersion: '9.9.9' });
    expect(res.manifest.source.rev).toBe('v1');
    expect(res.manifest.source.commit).toBe(repo.git('rev-parse', 'v1').trim());
    expect(res.manifest.files.map((f) => f.path)).toEqual(['data/kb/a.txt', 'data/kb/b.txt', 'data/kb/sub/c.txt', 'foo']);
    expect(readFileSync(join(out, 'data/kb/a.txt'), 'utf8')).toBe('a\n');
    expect(res.fromCache).toBe(4);
    const first = readFileSync(join(out, 'manifest.json'));
    await writeDataBundle({ repo: repo.root, rev: 'v1', paths: ['data/kb', 'foo'], out, momoVersion: '9.9.9' });
    expect(readFileSync(join(out, 'manifest.json')).equals(first)).toBe(true);
    expect(verifyDataBundle({ dir: out })).toMatchObject({ ok: true, problems: [], checked: 4 });

    writeFileSync(join(out, 'data/kb/b.txt'), 'B\n');
    appendFileSync(join(out, 'foo'), 'more');
    rmSync(join(out, 'data/kb/sub/c.txt'));
    writeFileSync(join(out, 'data/kb/extra.txt'), 'x');
    const v = verifyDataBundle({ dir: out });
    expect(v.ok).toBe(false);
    expect(v.problems.map((p) => [p.path, p.kind])).toEqual([
      ['data/kb/b.txt', 'modified'],
      ['data/kb/extra.txt', 'unexpected'],
      ['data/kb/sub/c.txt', 'missing'],
      ['foo', 'size'],
    ]);
    rmSync(out, { recursive: true, force: true });
  });

  it('refuses a path the tag does not track and a destination that is not a bundle, changing nothing', async () => {
    repo = await scenario();
    const out = join(repo.root, 'not-a-bundle');
    repo.gen({ 'not-a-bundle': { 'keep.txt': 'mine' } });
    await expect(writeDataBundle({ repo: repo.root, rev: 'v1', paths: ['data/nothing'], out: join(repo.root, 'b2'), momoVersion: '1' })).rejects.toMatchObject({ code: 'OUTPUT_NOT_FOUND' });
    expect(existsSync(join(repo.root, 'b2'))).toBe(false);
    await expect(writeDataBundle({ repo: repo.root, rev: 'v1', paths: ['foo'], out, momoVersion: '1' })).rejects.toMatchObject({ code: 'BUNDLE_OUT_INVALID' });
    expect(readFileSync(join(out, 'keep.txt'), 'utf8')).toBe('mine');
  });

  it('takes objects from the remote when the cache lacks them, and stops on a missing object', async () => {
    const store = `${tmpdirName()}-remote2`;
    repo = await scenario({ remote: store });
    rmSync(join(repo.root, '.dvc', 'cache'), { recursive: true, force: true });
    const out = join(repo.root, 'bundle');
    const res = await writeDataBundle({ repo: repo.root, rev: 'v1', paths: ['data/kb', 'foo'], out, momoVersion: '1' });
    expect(res.fromRemote).toBe(4);
    expect(verifyDataBundle({ dir: out }).ok).toBe(true);
    rmSync(store, { recursive: true, force: true });
    await expect(writeDataBundle({ repo: repo.root, rev: 'v1', paths: ['foo'], out: join(repo.root, 'bundle3'), momoVersion: '1' })).rejects.toMatchObject({ code: 'CACHE_OBJECT_MISSING' });
    expect(existsSync(join(repo.root, 'bundle3'))).toBe(false);
  });
});
