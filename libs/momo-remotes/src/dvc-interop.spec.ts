/**
 * Drivers against the real DVC (the compatibility oracle, `.venv-dvc`): objects DVC pushes are found
 * and read by momo's drivers at DVC's layout (and, on local remotes, with DVC's 0o444 mode), and
 * objects momo's drivers push are accepted by `dvc status -c` and `dvc pull`.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readdirSync, statSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';
import { tmpRepo, runDvc, oracleDvcPath, testEnv, startHttpServer, type TmpRepo, type HttpTestServer } from '@momo/testing';
import { createRemote, objectPath, settleLimit, type Remote } from './index.js';

function dvc(repo: TmpRepo, ...args: string[]): string {
  const r = runDvc(repo.root, args);
  if (r.code !== 0) throw new Error(`dvc ${args.join(' ')} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * Runs DVC without blocking the event loop: the HTTP test server lives in this process, so a
 * synchronous spawn would deadlock against it.
 */
function dvcAsync(repo: TmpRepo, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(oracleDvcPath(), args, { cwd: repo.root, env: testEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`dvc ${args.join(' ')} failed (${code}):\n${out}\n${err}`))));
  });
}

/** Every object in the repo's cache as remote-relative paths (files/md5/xx/yyyy). */
function cacheObjects(repo: TmpRepo): string[] {
  const root = join(repo.root, '.dvc', 'cache');
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(relative(root, join(d, e.name)));
    }
  };
  walk(join(root, 'files'));
  return out.sort();
}

async function listAll(remote: Remote): Promise<string[]> {
  const out: string[] = [];
  for await (const p of remote.list('files/md5/')) out.push(p);
  return out.sort();
}

/** A DVC repo tracking a file and a directory (so a `.dir` manifest exists). */
function makeRepo(): TmpRepo {
  const repo = tmpRepo({ git: true, prefix: 'momo-interop-' });
  dvc(repo, 'init', '-q');
  repo.gen({ 'foo': 'foo', data: { 'a.csv': 'a,b\n1,2\n', 'sub': { 'b.txt': 'bee\n' } } });
  dvc(repo, 'add', '-q', 'foo', 'data');
  return repo;
}

describe('local remote and real DVC (3.67.1)', () => {
  let repo: TmpRepo;
  let stores: TmpRepo;
  beforeAll(() => {
    repo = makeRepo();
    stores = tmpRepo({ prefix: 'momo-interop-stores-' });
  });
  afterAll(() => {
    repo.cleanup();
    stores.cleanup();
  });

  it('finds what `dvc push` wrote, at files/md5/xx/yyyy with mode 0o444 (dvc-compat §20 A2)', async () => {
    const url = join(stores.root, 'dvcpushed');
    dvc(repo, 'remote', 'add', 'dvcpushed', url);
    dvc(repo, 'push', '-q', '-r', 'dvcpushed');
    const remote = await createRemote({ name: 'dvcpushed', config: { url } });
    try {
      const objects = cacheObjects(repo);
      expect(objects).toContain(objectPath('acbd18db4cc2f85cedef654fccc4a4d8'));
      expect(objects.some((p) => p.endsWith('.dir'))).toBe(true);
      expect(await listAll(remote)).toEqual(objects);
      for (const p of objects) expect((await remote.stat(p))?.mode).toBe(0o444);
      expect((await remote.readFile(objectPath('acbd18db4cc2f85cedef654fccc4a4d8'))).toString()).toBe('foo');
    } finally {
      await remote.close();
    }
  });

  it('pushes objects that `dvc status -c` finds in sync and `dvc pull` restores', async () => {
    const url = join(stores.root, 'momopushed');
    dvc(repo, 'remote', 'add', '-d', 'momopushed', url);
    const remote = await createRemote({ name: 'momopushed', config: { url } });
    try {
      const objects = cacheObjects(repo);
      const { failures } = await settleLimit(objects, 8, (p) => remote.upload(join(repo.root, '.dvc', 'cache', p), p));
      expect(failures).toEqual([]);
      expect(dvc(repo, 'status', '-c')).toContain("Cache and remote 'momopushed' are in sync.");
      rmSync(join(repo.root, '.dvc', 'cache'), { recursive: true, force: true });
      rmSync(join(repo.root, 'data'), { recursive: true, force: true });
      rmSync(join(repo.root, 'foo'));
      dvc(repo, 'pull', '-q');
      expect(readFileSync(join(repo.root, 'data', 'sub', 'b.txt'), 'utf8')).toBe('bee\n');
      expect(readFileSync(join(repo.root, 'foo'), 'utf8')).toBe('foo');
      expect(statSync(join(url, objectPath('acbd18db4cc2f85cedef654fccc4a4d8'))).mode & 0o777).toBe(0o444);
    } finally {
      await remote.close();
    }
  });
});

describe('http remote and real DVC (3.67.1)', () => {
  let repo: TmpRepo;
  let server: HttpTestServer;
  beforeAll(async () => {
    repo = makeRepo();
    server = await startHttpServer();
  });
  afterAll(async () => {
    await server.stop();
    repo.cleanup();
  });

  it('`dvc push` uploads to the test server with POST, and the http driver reads it back', async () => {
    dvc(repo, 'remote', 'add', 'web', `${server.url}/dvc`);
    await dvcAsync(repo, 'push', '-q', '-r', 'web');
    expect(new Set(server.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD').map((r) => `${r.method} ${r.status}`))).toEqual(new Set(['POST 201']));
    const remote = await createRemote({ name: 'web', config: { url: `${server.url}/dvc` } });
    try {
      const objects = cacheObjects(repo);
      expect(await remote.existsMany(objects)).toEqual(objects.map(() => true));
      expect((await remote.readFile(objectPath('acbd18db4cc2f85cedef654fccc4a4d8'))).toString()).toBe('foo');
    } finally {
      await remote.close();
    }
  });

  it('objects the http driver uploads are pulled by `dvc pull`', async () => {
    const remote = await createRemote({ name: 'web2', config: { url: `${server.url}/momo` } });
    try {
      const objects = cacheObjects(repo);
      const { failures } = await settleLimit(objects, 8, (p) => remote.upload(join(repo.root, '.dvc', 'cache', p), p));
      expect(failures).toEqual([]);
    } finally {
      await remote.close();
    }
    dvc(repo, 'remote', 'add', 'web2', `${server.url}/momo`);
    rmSync(join(repo.root, '.dvc', 'cache'), { recursive: true, force: true });
    rmSync(join(repo.root, 'data'), { recursive: true, force: true });
    await dvcAsync(repo, 'pull', '-q', '-r', 'web2');
    expect(readFileSync(join(repo.root, 'data', 'a.csv'), 'utf8')).toBe('a,b\n1,2\n');
  });
});
