import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { startHttpServer, testRemote, type HttpTestServer } from '@momo/testing';
import { isMomoError } from '@momo/errors';
import { createHttpRemote, type HttpRemoteOptions } from './http.js';

let server: HttpTestServer;

beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(async () => {
  await server?.stop();
});

function seedInto(root: string) {
  return async (p: string, data: Buffer) => {
    const file = join(root, p);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, data);
  };
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return isMomoError(e) ? e.code : `not a MomoError: ${String(e)}`;
  }
}

testRemote(
  'http (Node server, POST uploads)',
  async () => ({
    remote: createHttpRemote({ url: `${server.url}/dvc-storage`, name: 'web', retry: { baseDelayMs: 5 } }),
    seed: seedInto(join(server.root, 'dvc-storage')),
  }),
  {
    features: { list: false, write: true, delete: false },
    additionalTests: (ctx) => {
      it('uploads with POST to <url>/<object path> by default, as dvc-http does', async () => {
        const d = ctx.dir();
        const before = server.requests.length;
        await ctx.remote.write(`${d}files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8`, 'foo');
        expect(server.requests.slice(before)).toEqual([{ method: 'POST', path: `/dvc-storage/${d}files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8`, status: 201 }]);
        expect(readFileSync(join(server.root, 'dvc-storage', d, 'files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8'), 'utf8')).toBe('foo');
      });

      it('retries 5xx answers with backoff and then succeeds', async () => {
        const d = ctx.dir();
        await ctx.remote.write(`${d}x`, 'retried');
        server.failNext(2, 503);
        expect((await ctx.remote.readFile(`${d}x`)).toString()).toBe('retried');
        server.failNext(2, 502);
        await ctx.remote.write(`${d}y`, 'written after 2 failures');
        expect(readFileSync(join(server.root, 'dvc-storage', d, 'y'), 'utf8')).toBe('written after 2 failures');
      });

      it('gives up after the configured retries with REMOTE_TRANSFER_FAILED', async () => {
        const d = ctx.dir();
        server.failNext(10, 500);
        const err = await ctx.remote.exists(`${d}x`).catch((e) => e);
        server.failNext(0);
        expect(err.code).toBe('REMOTE_TRANSFER_FAILED');
        expect(err.message).toContain('HTTP 500');
      });

      it('reuses kept-alive sockets for many small requests', async () => {
        const d = ctx.dir();
        const before = server.connections();
        const paths = Array.from({ length: 200 }, (_, i) => `${d}o${i}`);
        for (const p of paths.slice(0, 50)) await ctx.remote.write(p, p);
        const found = await ctx.remote.existsMany(paths, { jobs: 8 });
        expect(found.filter(Boolean).length).toBe(50);
        expect(server.connections() - before).toBeLessThanOrEqual(8);
      });
    },
  },
);

describe('http remote variants', () => {
  it('uploads with PUT when method = PUT', async () => {
    const s = await startHttpServer({ writeMethods: ['PUT'] });
    try {
      const r = createHttpRemote({ url: s.url, method: 'PUT' });
      await r.write('a/b', 'put me');
      expect(s.requests.at(-1)).toMatchObject({ method: 'PUT', status: 201 });
      await r.close();
      const post = createHttpRemote({ url: s.url, name: 'ro' });
      const err = await post.write('a/c', 'x').catch((e) => e);
      expect(err.code).toBe('REMOTE_OPERATION_UNSUPPORTED');
      expect(err.hint).toContain('method PUT');
      await post.close();
    } finally {
      await s.stop();
    }
  });

  it('reads from a read-only server and falls back to GET where HEAD is refused', async () => {
    const s = await startHttpServer({ writeMethods: [], rejectHead: true });
    try {
      await seedInto(s.root)('files/md5/00/11', Buffer.from('seeded'));
      const r = createHttpRemote({ url: s.url });
      expect(await r.existsMany(['files/md5/00/11', 'files/md5/00/22'])).toEqual([true, false]);
      expect((await r.readFile('files/md5/00/11')).toString()).toBe('seeded');
      expect(await codeOf(r.write('x', 'x'))).toBe('REMOTE_OPERATION_UNSUPPORTED');
      expect(readdirSync(s.root)).toEqual(['files']);
      await r.close();
    } finally {
      await s.stop();
    }
  });

  for (const auth of [
    { type: 'basic', user: 'alice', password: 's3cret' },
    { type: 'digest', user: 'alice', password: 's3cret' },
    { type: 'custom', header: 'X-Token', value: 's3cret' },
  ] as const) {
    it(`authenticates with auth = ${auth.type} and reports a wrong password as REMOTE_AUTH_FAILED`, async () => {
      const s = await startHttpServer({ auth });
      try {
        const opts: HttpRemoteOptions =
          auth.type === 'custom'
            ? { url: s.url, auth: 'custom', customAuthHeader: auth.header, password: auth.value }
            : { url: s.url, auth: auth.type, user: auth.user, password: auth.password };
        const r = createHttpRemote(opts);
        await r.write('files/md5/aa/bb', `with ${auth.type}`);
        await r.write('files/md5/aa/cc', Buffer.from('second request reuses the challenge'));
        expect((await r.readFile('files/md5/aa/bb')).toString()).toBe(`with ${auth.type}`);
        await r.close();
        const wrong = createHttpRemote({ ...opts, password: 'wrong' });
        expect(await codeOf(wrong.readFile('files/md5/aa/bb'))).toBe('REMOTE_AUTH_FAILED');
        await wrong.close();
        const none = createHttpRemote({ url: s.url });
        expect(await codeOf(none.exists('files/md5/aa/bb'))).toBe('REMOTE_AUTH_FAILED');
        await none.close();
      } finally {
        await s.stop();
      }
    });
  }

  it('asks for the password when ask_password is set', async () => {
    const s = await startHttpServer({ auth: { type: 'basic', user: 'bob', password: 'pw' } });
    try {
      const prompts: string[] = [];
      const r = createHttpRemote({ url: s.url, auth: 'basic', user: 'bob', askPassword: true, askSecret: async (p) => (prompts.push(p), 'pw') });
      await r.write('x', 'x');
      await r.write('y', 'y');
      expect(prompts).toEqual([`Enter a password for host '127.0.0.1:${s.port}' user 'bob':`]);
      await r.close();
    } finally {
      await s.stop();
    }
  });

  it('checks TLS certificates: refuses a self-signed one unless ssl_verify is false or names its CA', async () => {
    const s = await startHttpServer({ tls: true });
    try {
      await seedInto(s.root)('obj', Buffer.from('over tls'));
      const strict = createHttpRemote({ url: s.url, name: 'tls', retry: { retries: 0 } });
      expect(strict.scheme).toBe('https');
      const err = await strict.readFile('obj').catch((e) => e);
      expect(err.code).toBe('REMOTE_UNREACHABLE');
      expect(err.message).toContain('TLS verification of 127.0.0.1');
      expect(err.hint).toContain('ssl_verify');
      await strict.close();
      for (const sslVerify of [false, s.caFile!]) {
        const r = createHttpRemote({ url: s.url, sslVerify });
        expect((await r.readFile('obj')).toString()).toBe('over tls');
        await r.write('up', 'tls upload');
        expect(readFileSync(join(s.root, 'up'), 'utf8')).toBe('tls upload');
        await r.close();
      }
    } finally {
      await s.stop();
    }
  });

  it('reports a closed port as REMOTE_UNREACHABLE', async () => {
    const r = createHttpRemote({ url: 'http://127.0.0.1:1/x', retry: { retries: 0 } });
    expect(await codeOf(r.exists('a'))).toBe('REMOTE_UNREACHABLE');
    await r.close();
  });

  it('rejects auth = custom without custom_auth_header', () => {
    expect(() => createHttpRemote({ url: 'http://127.0.0.1/x', auth: 'custom', password: 'x' })).toThrow(expect.objectContaining({ code: 'REMOTE_CONFIG_INVALID' }));
  });

  it('percent-encodes object paths below the URL path', () => {
    const r = createHttpRemote({ url: 'https://example.com/store/' });
    expect(r.objectUrl('files/md5/ab/c d#e').href).toBe('https://example.com/store/files/md5/ab/c%20d%23e');
  });
});
