import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { tmpRepo, startHttpServer } from '@momo/testing';
import { isMomoError } from '@momo/errors';
import { createRemote, resolveRemoteScheme, LocalRemote, SshRemote, S3Remote, HttpRemote, objectPath, legacyObjectPath } from './index.js';

async function errorOf(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (isMomoError(e)) return e;
    throw e;
  }
  throw new Error('expected a MomoError');
}

describe('createRemote', () => {
  it('picks the driver by URL scheme', async () => {
    expect(await createRemote({ config: { url: '/srv/dvc' } })).toBeInstanceOf(LocalRemote);
    expect(await createRemote({ config: { url: 'ssh://u@h/srv' } })).toBeInstanceOf(SshRemote);
    expect(await createRemote({ config: { url: 's3://bkt/p' } })).toBeInstanceOf(S3Remote);
    expect(await createRemote({ config: { url: 'https://h/p' } })).toBeInstanceOf(HttpRemote);
    expect(resolveRemoteScheme('C:\\dvc\\store')).toBe('local');
    expect(resolveRemoteScheme('../store')).toBe('local');
  });

  it('resolves a relative local url against cwd and writes DVC-layout objects', async () => {
    const dir = tmpRepo();
    try {
      const r = await createRemote({ name: 'local', config: { url: '../store', jobs: '3' }, cwd: join(dir.root, 'repo', '.dvc') });
      await r.write(objectPath('acbd18db4cc2f85cedef654fccc4a4d8'), 'foo');
      expect(r.jobs).toBe(3);
      expect((r as LocalRemote).root).toBe(join(dir.root, 'repo', 'store'));
      expect(await r.exists('files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8')).toBe(true);
      await r.close();
    } finally {
      dir.cleanup();
    }
  });

  it('maps DVC ssh keys onto the driver (config keys win over the URL)', async () => {
    const r = (await createRemote({ name: 'box', config: { url: 'ssh://alice@example.com:2200/data', user: 'bob', port: '22', keyfile: '~/.ssh/k', max_sessions: '4', timeout: '7.5' }, homeDir: '/home/x' })) as SshRemote;
    expect(r.target).toMatchObject({ host: 'example.com', port: 22, username: 'bob', root: '/data' });
  });

  it('maps the s3 url onto bucket and prefix', async () => {
    const r = (await createRemote({ config: { url: 's3://bucket/some/prefix/', endpointurl: 'localhost:9000', use_ssl: 'false' } })) as S3Remote;
    expect([r.bucket, r.prefix]).toEqual(['bucket', 'some/prefix']);
  });

  it('maps DVC http keys (ssl_verify as a CA path or a boolean, auth, method) onto a working driver', async () => {
    const s = await startHttpServer({ tls: true, writeMethods: ['PUT'], auth: { type: 'basic', user: 'u', password: 'p' } });
    try {
      for (const sslVerify of [s.caFile!, 'false']) {
        const r = await createRemote({ name: 'web', config: { url: `${s.url}/store`, ssl_verify: sslVerify, auth: 'basic', user: 'u', password: 'p', method: 'put' } });
        await r.write('files/md5/00/11', 'ok');
        expect((await r.readFile('files/md5/00/11')).toString()).toBe('ok');
        await r.close();
      }
      expect(s.requests.filter((q) => q.method === 'PUT').map((q) => q.status)).toEqual([201, 201]);
    } finally {
      await s.stop();
    }
  });

  it('rejects keys DVC would reject, as a config error (exit 251)', async () => {
    const e = await errorOf(createRemote({ name: 'storage', config: { url: 's3://b', endpoint_url: 'x' } }));
    expect(e.code).toBe('REMOTE_CONFIG_INVALID');
    expect(e.exitCode).toBe(251);
    expect(e.message).toBe(`[remote:s3] 'remote "storage"'.endpoint_url is not a valid key for a s3 remote`);
    expect(e.hint).toBe('remove it with `dvc remote modify --unset storage endpoint_url`');
  });

  it('rejects bad values with the key path and what was expected', async () => {
    const e = await errorOf(createRemote({ name: 'box', config: { url: 'ssh://h/x', port: 'twenty' } }));
    expect(e.code).toBe('REMOTE_CONFIG_INVALID');
    expect(e.message).toBe(`[remote:ssh] 'remote "box"'.port: expected a non-negative integer, found "twenty"`);
    expect((await errorOf(createRemote({ config: { url: 'http://h/x', auth: 'oauth' } }))).code).toBe('REMOTE_CONFIG_INVALID');
    expect((await errorOf(createRemote({ config: { url: 'http://h/x', method: 'PATCH' } }))).code).toBe('REMOTE_CONFIG_INVALID');
    expect((await errorOf(createRemote({ config: { url: 'ssh://h/x', ask_password: 'maybe' } }))).code).toBe('REMOTE_CONFIG_INVALID');
  });

  it('reports a missing url', async () => {
    expect((await errorOf(createRemote({ name: 'x', config: {} }))).code).toBe('REMOTE_CONFIG_INVALID');
  });

  it('names unsupported schemes', async () => {
    const e = await errorOf(createRemote({ name: 'gcs', config: { url: 'gs://bucket/x' } }));
    expect(e.code).toBe('REMOTE_SCHEME_UNSUPPORTED');
    expect(e.message).toBe("[remote] remote 'gcs' uses 'gs://', which momo does not support yet");
  });

  it('refuses cloud-versioned remotes and gss_auth instead of misbehaving', async () => {
    expect((await errorOf(createRemote({ config: { url: 's3://b/x', version_aware: 'true' } }))).code).toBe('REMOTE_OPERATION_UNSUPPORTED');
    expect((await errorOf(createRemote({ config: { url: 'ssh://h/x', gss_auth: 'true' } }))).code).toBe('REMOTE_OPERATION_UNSUPPORTED');
  });
});

describe('object paths', () => {
  it('follows the DVC 3 layout files/md5/<2>/<30> and the legacy <2>/<30>', () => {
    expect(objectPath('acbd18db4cc2f85cedef654fccc4a4d8')).toBe('files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8');
    expect(objectPath('3863d0e317dee0a55c4e59d2ec0eef33.dir')).toBe('files/md5/38/63d0e317dee0a55c4e59d2ec0eef33.dir');
    expect(legacyObjectPath('acbd18db4cc2f85cedef654fccc4a4d8')).toBe('ac/bd18db4cc2f85cedef654fccc4a4d8');
  });
});
