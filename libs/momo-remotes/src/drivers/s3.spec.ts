import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, writeFileSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { Readable } from 'node:stream';
import { randomBytes, createHash } from 'node:crypto';
import { startS3Server, testRemote, tmpRepo, type S3Server } from '@momo/testing';
import { isMomoError } from '@momo/errors';
import { createS3Remote, profileRegion, type S3RemoteOptions } from './s3.js';

let server: S3Server;
const home = tmpRepo({ prefix: 'momo-s3-home-' });

beforeAll(async () => {
  server = await startS3Server();
});
afterAll(async () => {
  await server?.stop();
  home.cleanup();
});

function remote(extra: Partial<S3RemoteOptions> = {}) {
  return createS3Remote({
    url: `s3://${server.bucket}/dvcstore`,
    endpointUrl: server.endpoint,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
    homeDir: home.root,
    name: 'storage',
    retry: { retries: 1, baseDelayMs: 10 },
    ...extra,
  });
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return isMomoError(e) ? e.code : `not a MomoError: ${String(e)}`;
  }
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

testRemote(
  's3 (versitygw)',
  async () => ({
    remote: remote(),
    seed: async (p, data) => {
      const file = join(server.dataDir, server.bucket, 'dvcstore', p);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, data);
    },
  }),
  (ctx) => {
    it('stores objects under <bucket>/<prefix>/files/md5/xx/yyyy', async () => {
      const d = ctx.dir();
      await ctx.remote.write(`${d}files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8`, 'foo');
      expect(readFileSync(join(server.dataDir, server.bucket, 'dvcstore', d, 'files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8'), 'utf8')).toBe('foo');
    });

    it('uploads large files in several parts and reports progress per part', async () => {
      const r = remote({ multipartThreshold: 6 * 1024 * 1024, partSize: 5 * 1024 * 1024 });
      try {
        const d = ctx.dir();
        const data = randomBytes(12 * 1024 * 1024 + 11);
        const file = join(home.root, 'big.bin');
        writeFileSync(file, data);
        const reports: number[] = [];
        await r.upload(file, `${d}big`, { onProgress: (p) => reports.push(p.transferred) });
        expect(md5(await r.readFile(`${d}big`))).toBe(md5(data));
        expect(reports.length).toBeGreaterThanOrEqual(3);
        expect(reports.at(-1)).toBe(data.length);
      } finally {
        await r.close();
      }
    });

    it('answers large existsMany batches from directory listings, HEADing past the listing budget', async () => {
      const r = remote({ listPageSize: 10 });
      try {
        const d = ctx.dir();
        // dir a/ holds 50 objects; 30 asked there give a budget of 2 pages of 10 (a/00..a/19), the rest is HEADed.
        const present = [...Array.from({ length: 50 }, (_, i) => `${d}a/${String(i).padStart(2, '0')}`), ...Array.from({ length: 5 }, (_, i) => `${d}b/${i}`)];
        for (const p of present) await ctx.remote.write(p, p);
        const asked = [...present.filter((_, i) => i % 2 === 0), ...Array.from({ length: 5 }, (_, i) => `${d}a/${String(i * 9).padStart(2, "0")}x`), `${d}c/none`];
        const progress: number[] = [];
        const got = await r.existsMany(asked, { onProgress: (n) => progress.push(n) });
        expect(got).toEqual(asked.map((p) => present.includes(p)));
        expect(progress.at(-1)).toBe(asked.length);
      } finally {
        await r.close();
      }
    });

    it('leaves no object when a multipart upload fails mid-way', async () => {
      const r = remote({ multipartThreshold: 6 * 1024 * 1024, partSize: 5 * 1024 * 1024 });
      try {
        const d = ctx.dir();
        let sent = 0;
        const failing = new Readable({
          read() {
            if (sent >= 11 * 1024 * 1024) return this.destroy(new Error('disk read failed'));
            sent += 1024 * 1024;
            this.push(randomBytes(1024 * 1024));
          },
        });
        await expect(r.write(`${d}broken`, failing)).rejects.toThrow();
        expect(await r.exists(`${d}broken`)).toBe(false);
        expect(existsSync(join(server.dataDir, server.bucket, 'dvcstore', d, 'broken'))).toBe(false);
      } finally {
        await r.close();
      }
    });
  },
);

describe('s3 errors and credentials', () => {
  it('reports a wrong secret as REMOTE_AUTH_FAILED on reads and writes', async () => {
    const r = remote({ secretAccessKey: 'wrong-secret' });
    expect(await codeOf(r.write('x', 'x'))).toBe('REMOTE_AUTH_FAILED');
    expect(await codeOf(r.exists('x'))).toBe('REMOTE_AUTH_FAILED');
    const err = await r.readFile('x').catch((e) => e);
    expect(err.code).toBe('REMOTE_AUTH_FAILED');
    expect(err.message).toMatch(/^\[remote:s3\] S3 rejected the credentials of remote 'storage' \(s3:\/\/momo-test\/dvcstore\) \(SignatureDoesNotMatch\)/);
    // a HEAD answer has no body: the driver asks again with a one-byte GET to name the cause
    const head = await r.exists('files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8').catch((e) => e);
    expect(head.message).toContain('(SignatureDoesNotMatch) during exists');
    await r.close();
  });

  it('reports an unknown access key as REMOTE_AUTH_FAILED', async () => {
    const r = remote({ accessKeyId: 'NOSUCHKEY' });
    expect(await codeOf(r.write('x', 'x'))).toBe('REMOTE_AUTH_FAILED');
    await r.close();
  });

  it('sends unsigned requests with allow_anonymous_login, which a signing server refuses', async () => {
    const r = remote({ accessKeyId: undefined, secretAccessKey: undefined, anonymous: true });
    expect(await codeOf(r.write('anon', 'x'))).toBe('REMOTE_PERMISSION_DENIED');
    expect(existsSync(join(server.dataDir, server.bucket, 'dvcstore', 'anon'))).toBe(false);
    await r.close();
  });

  it('reports a missing bucket as REMOTE_BUCKET_MISSING', async () => {
    const r = remote({ url: 's3://no-such-bucket/x' });
    expect(await codeOf(r.write('x', 'x'))).toBe('REMOTE_BUCKET_MISSING');
    await r.close();
  });

  it('reports a closed endpoint as REMOTE_UNREACHABLE', async () => {
    const r = remote({ endpointUrl: 'http://127.0.0.1:1', retry: { retries: 0 } });
    expect(await codeOf(r.exists('x'))).toBe('REMOTE_UNREACHABLE');
    await r.close();
  });

  it('reads credentials and region of a profile from credentialpath and configpath', async () => {
    const creds = join(home.root, 'aws-credentials');
    const config = join(home.root, 'aws-config');
    writeFileSync(creds, `[other]\naws_access_key_id = nope\naws_secret_access_key = nope\n\n[ci]\naws_access_key_id = ${server.accessKeyId}\naws_secret_access_key = ${server.secretAccessKey}\n`);
    writeFileSync(config, `[profile ci]\nregion = ${server.region}\n`);
    const r = remote({ accessKeyId: undefined, secretAccessKey: undefined, profile: 'ci', credentialPath: creds, configPath: config });
    await r.write('profile/x', 'via profile');
    expect((await r.readFile('profile/x')).toString()).toBe('via profile');
    await r.close();
  });

  it('uses the root of the bucket when the URL has no prefix', async () => {
    server.createBucket('rootbucket');
    const r = remote({ url: 's3://rootbucket' });
    await r.write('files/md5/00/11', 'x');
    expect(readdirSync(join(server.dataDir, 'rootbucket'))).toContain('files');
    const listed: string[] = [];
    for await (const p of r.list('files/')) listed.push(p);
    expect(listed).toEqual(['files/md5/00/11']);
    await r.close();
  });

  it('finds the region of a profile in a shared config file', () => {
    const text = '[default]\nregion = eu-west-1\n[profile x]\noutput = json\nregion = us-west-2\n';
    expect(profileRegion(text, 'x')).toBe('us-west-2');
    expect(profileRegion(text, 'default')).toBe('eu-west-1');
    expect(profileRegion(text, 'y')).toBeUndefined();
  });

  it('talks HTTPS to an endpoint, checking its certificate unless ssl_verify says otherwise', async () => {
    const tls = await startS3Server({ tls: true });
    try {
      const base = { url: `s3://${tls.bucket}/x`, endpointUrl: tls.endpoint, accessKeyId: tls.accessKeyId, secretAccessKey: tls.secretAccessKey, retry: { retries: 0 } };
      const strict = createS3Remote(base);
      expect(await codeOf(strict.exists('a'))).toBe('REMOTE_UNREACHABLE');
      await strict.close();
      for (const sslVerify of [false, tls.caFile!]) {
        const r = createS3Remote({ ...base, sslVerify });
        await r.write('a', 'over tls');
        expect((await r.readFile('a')).toString()).toBe('over tls');
        await r.close();
      }
    } finally {
      await tls.stop();
    }
  });

  it('rejects a URL without a bucket', () => {
    expect(() => createS3Remote({ url: 's3://' })).toThrow(expect.objectContaining({ code: 'REMOTE_URL_INVALID' }));
  });
});
