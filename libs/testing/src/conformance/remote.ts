/**
 * The remote-driver conformance suite: every `@momo/remotes` driver runs it against a real backend
 * (a temp dir, OpenSSH sshd, an S3 server, a Node HTTP server). Modelled on DVC's
 * `dvc/testing/remote_tests.py` and unstorage's `test/drivers/utils.ts` (behaviour, not code).
 *
 * The suite types the remote structurally so `@momo/testing` needs no build-time dependency on
 * `@momo/remotes`; passing a real `Remote` checks the shapes at compile time.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Readable } from 'node:stream';
import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync, readFileSync, statSync, existsSync, readdirSync, rmSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMomoError } from '@momo/errors';

/** Progress report shape of `@momo/remotes`. */
export interface ConformanceProgress {
  path: string;
  transferred: number;
  delta: number;
  total: number | undefined;
}

/** The subset of `@momo/remotes`' `Remote` the suite exercises. */
export interface ConformanceRemote {
  readonly scheme: string;
  readonly url: string;
  readonly jobs: number;
  readonly capabilities: { readonly list: boolean; readonly write: boolean; readonly delete: boolean; readonly batchExists: boolean };
  exists(path: string): Promise<boolean>;
  existsMany(paths: readonly string[], options?: { jobs?: number; onProgress?: (done: number, total: number) => void }): Promise<boolean[]>;
  stat(path: string): Promise<{ size: number; mode: number | undefined } | null>;
  list(prefix: string): AsyncIterable<string>;
  read(path: string, options?: { onProgress?: (p: ConformanceProgress) => void }): Promise<Readable>;
  readFile(path: string, options?: { onProgress?: (p: ConformanceProgress) => void }): Promise<Buffer>;
  download(path: string, toFile: string, options?: { mode?: number; onProgress?: (p: ConformanceProgress) => void }): Promise<void>;
  write(path: string, source: Readable | Buffer | string, options?: { size?: number; onProgress?: (p: ConformanceProgress) => void }): Promise<void>;
  upload(fromFile: string, path: string, options?: { onProgress?: (p: ConformanceProgress) => void }): Promise<void>;
  delete(path: string): Promise<void>;
  close(): Promise<void>;
}

/** What a factory returns: a connected remote plus backend-side helpers. */
export interface RemoteFixture<R extends ConformanceRemote = ConformanceRemote> {
  remote: R;
  /** Puts an object behind the driver's back (required when the driver cannot write). */
  seed?: (path: string, data: Buffer) => Promise<void>;
  /** Releases the backend (the suite closes the remote itself). */
  cleanup?: () => Promise<void>;
}

/** Given to `additionalTests`: the live fixture and a unique path prefix per call. */
export interface RemoteTestContext<R extends ConformanceRemote = ConformanceRemote> {
  readonly fixture: RemoteFixture<R>;
  readonly remote: R;
  /** A fresh directory-like prefix (`t-<random>/`) no other test uses. */
  dir(): string;
  /** Writes an object through the driver, or through `seed` for read-only drivers. */
  put(path: string, data: Buffer | string): Promise<void>;
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const p of it) out.push(p);
  return out.sort();
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected a MomoError ${code}`).toBeDefined();
  expect(isMomoError(caught, code), `expected code ${code}, got ${String((caught as Error)?.message ?? caught)}`).toBe(true);
}

/** A stream that emits `good` bytes, then fails. */
function failingStream(good: Buffer): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(good);
      } else {
        this.destroy(new Error('source failed mid-way'));
      }
    },
  });
}

/** Which optional operations the driver under test has; the suite checks they match `capabilities`. */
export interface RemoteFeatures {
  list: boolean;
  write: boolean;
  delete: boolean;
}

/** Options of {@link testRemote}. */
export interface TestRemoteOptions<R extends ConformanceRemote> {
  /** @default all true */
  features?: Partial<RemoteFeatures>;
  /** Driver-specific tests, run inside the same `describe` with the live fixture. */
  additionalTests?: (ctx: RemoteTestContext<R>) => void;
}

/**
 * Runs the conformance suite for one driver.
 *
 * @param name suite title, e.g. `'local'`.
 * @param factory creates a fresh fixture; called once for the suite and once more for the
 *   close() test.
 * @param options expected features and driver-specific tests (a function is `additionalTests`).
 */
export function testRemote<R extends ConformanceRemote>(
  name: string,
  factory: () => Promise<RemoteFixture<R>>,
  options: TestRemoteOptions<R> | ((ctx: RemoteTestContext<R>) => void) = {},
): void {
  const opts: TestRemoteOptions<R> = typeof options === 'function' ? { additionalTests: options } : options;
  const features: RemoteFeatures = { list: true, write: true, delete: true, ...opts.features };
  const additionalTests = opts.additionalTests;
  describe(`remote conformance: ${name}`, () => {
    let fixture: RemoteFixture<R> | undefined;
    let counter = 0;
    const local = realpathSync(mkdtempSync(join(tmpdir(), 'momo-remote-conf-')));

    const ctx: RemoteTestContext<R> = {
      get fixture() {
        if (!fixture) throw new Error('fixture not ready');
        return fixture;
      },
      get remote() {
        return ctx.fixture.remote;
      },
      dir: () => `t-${process.pid}-${Date.now().toString(36)}-${counter++}/`,
      put: async (path, data) => {
        const buf = typeof data === 'string' ? Buffer.from(data) : data;
        if (ctx.remote.capabilities.write) await ctx.remote.write(path, buf);
        else if (ctx.fixture.seed) await ctx.fixture.seed(path, buf);
        else throw new Error(`fixture of read-only remote ${name} has no seed()`);
      },
    };

    beforeAll(async () => {
      fixture = await factory();
    });
    afterAll(async () => {
      await fixture?.remote.close();
      await fixture?.cleanup?.();
      rmSync(local, { recursive: true, force: true });
    });

    it('reports a missing object as absent', async () => {
      const d = ctx.dir();
      expect(await ctx.remote.exists(`${d}missing`)).toBe(false);
      expect(await ctx.remote.stat(`${d}missing`)).toBeNull();
    });

    it('reads back exactly the bytes that were put, with size', async () => {
      const d = ctx.dir();
      const data = randomBytes(100_003);
      await ctx.put(`${d}files/md5/ab/cdef`, data);
      expect(await ctx.remote.exists(`${d}files/md5/ab/cdef`)).toBe(true);
      expect((await ctx.remote.stat(`${d}files/md5/ab/cdef`))?.size).toBe(data.length);
      expect(md5(await ctx.remote.readFile(`${d}files/md5/ab/cdef`))).toBe(md5(data));
      expect(md5(await readAll(await ctx.remote.read(`${d}files/md5/ab/cdef`)))).toBe(md5(data));
    });

    it('handles names with spaces, plus, equals, percent and non-ASCII characters', async () => {
      const d = ctx.dir();
      const odd = `${d}sub dir/a b+c=d%20é.txt`;
      await ctx.put(odd, 'odd name');
      expect(await ctx.remote.exists(odd)).toBe(true);
      expect((await ctx.remote.readFile(odd)).toString()).toBe('odd name');
      if (ctx.remote.capabilities.list) expect(await collect(ctx.remote.list(`${d}sub dir/a b+`))).toEqual([odd]);
    });

    it('round-trips an empty object', async () => {
      const d = ctx.dir();
      await ctx.put(`${d}empty`, Buffer.alloc(0));
      expect(await ctx.remote.exists(`${d}empty`)).toBe(true);
      expect((await ctx.remote.stat(`${d}empty`))?.size).toBe(0);
      expect((await ctx.remote.readFile(`${d}empty`)).length).toBe(0);
    });

    it('reports read progress in bytes up to the object size', async () => {
      const d = ctx.dir();
      const data = randomBytes(3 * 1024 * 1024 + 17);
      await ctx.put(`${d}big`, data);
      const reports: ConformanceProgress[] = [];
      const got = await readAll(await ctx.remote.read(`${d}big`, { onProgress: (p) => reports.push(p) }));
      expect(md5(got)).toBe(md5(data));
      expect(reports.length).toBeGreaterThan(0);
      expect(reports.at(-1)!.transferred).toBe(data.length);
      expect(reports.reduce((s, r) => s + r.delta, 0)).toBe(data.length);
      expect(reports.every((r) => r.path === `${d}big`)).toBe(true);
    });

    it('fails reads of missing objects with REMOTE_OBJECT_MISSING', async () => {
      const d = ctx.dir();
      await expectCode(ctx.remote.read(`${d}nope`), 'REMOTE_OBJECT_MISSING');
      await expectCode(ctx.remote.readFile(`${d}nope`), 'REMOTE_OBJECT_MISSING');
      await expectCode(ctx.remote.download(`${d}nope`, join(local, 'nope')), 'REMOTE_OBJECT_MISSING');
      expect(existsSync(join(local, 'nope'))).toBe(false);
    });

    it('downloads to a local file atomically, creating parents and applying the mode', async () => {
      const d = ctx.dir();
      const data = randomBytes(2 * 1024 * 1024 + 5);
      await ctx.put(`${d}obj`, data);
      const target = join(local, d, 'deep', 'obj');
      const reports: ConformanceProgress[] = [];
      await ctx.remote.download(`${d}obj`, target, { mode: 0o444, onProgress: (p) => reports.push(p) });
      expect(md5(readFileSync(target))).toBe(md5(data));
      expect(statSync(target).mode & 0o777).toBe(0o444);
      expect(readdirSync(join(local, d, 'deep'))).toEqual(['obj']);
      expect(reports.at(-1)?.transferred).toBe(data.length);
    });

    it('rejects invalid object paths with REMOTE_PATH_INVALID', async () => {
      for (const bad of ['', '/abs', '../up', 'a/../b', 'a//b', 'trailing/']) {
        await expectCode(ctx.remote.exists(bad), 'REMOTE_PATH_INVALID');
        await expectCode(ctx.remote.readFile(bad), 'REMOTE_PATH_INVALID');
      }
    });

    it('answers existsMany in input order', async () => {
      const d = ctx.dir();
      await ctx.put(`${d}a`, 'a');
      await ctx.put(`${d}c`, 'c');
      const progress: number[] = [];
      const got = await ctx.remote.existsMany([`${d}a`, `${d}b`, `${d}c`, `${d}x/y`], { jobs: 2, onProgress: (n) => progress.push(n) });
      expect(got).toEqual([true, false, true, false]);
      expect(progress.at(-1)).toBe(4);
    });

    it('declares the expected list/write/delete capabilities', () => {
      const { list, write, delete: del } = ctx.remote.capabilities;
      expect({ list, write, delete: del }).toEqual(features);
      expect(ctx.remote.jobs).toBeGreaterThan(0);
    });

    if (!features.list) {
      it('refuses listing with REMOTE_OPERATION_UNSUPPORTED', async () => {
        await expectCode(collect(ctx.remote.list(ctx.dir())), 'REMOTE_OPERATION_UNSUPPORTED');
      });
    }
    if (!features.write) {
      it('refuses writes with REMOTE_OPERATION_UNSUPPORTED', async () => {
        await expectCode(ctx.remote.write(`${ctx.dir()}w`, 'x'), 'REMOTE_OPERATION_UNSUPPORTED');
      });
    }
    if (!features.delete) {
      it('refuses deletes with REMOTE_OPERATION_UNSUPPORTED', async () => {
        await expectCode(ctx.remote.delete(`${ctx.dir()}w`), 'REMOTE_OPERATION_UNSUPPORTED');
      });
    }

    if (features.write) describe('writing', () => {

      it('writes strings as UTF-8', async () => {
        const d = ctx.dir();
        await ctx.remote.write(`${d}s`, 'héllo\n');
        expect((await ctx.remote.readFile(`${d}s`)).toString('utf8')).toBe('héllo\n');
      });

      it('writes a stream of unknown size and reports progress', async () => {
        const d = ctx.dir();
        const data = randomBytes(1024 * 1024 + 3);
        const reports: ConformanceProgress[] = [];
        await ctx.remote.write(`${d}stream`, Readable.from([data.subarray(0, 1000), data.subarray(1000)]), { onProgress: (p) => reports.push(p) });
        expect(md5(await ctx.remote.readFile(`${d}stream`))).toBe(md5(data));
        expect(reports.reduce((s, r) => s + r.delta, 0)).toBe(data.length);
      });

      it('writes a stream of known size', async () => {
        const d = ctx.dir();
        const data = randomBytes(70_000);
        const reports: ConformanceProgress[] = [];
        await ctx.remote.write(`${d}sized`, Readable.from([data]), { size: data.length, onProgress: (p) => reports.push(p) });
        expect(md5(await ctx.remote.readFile(`${d}sized`))).toBe(md5(data));
        expect(reports.at(-1)?.total).toBe(data.length);
      });

      it('replaces an existing object whole, longer then shorter', async () => {
        const d = ctx.dir();
        await ctx.remote.write(`${d}o`, 'first version, long');
        await ctx.remote.write(`${d}o`, 'second');
        expect((await ctx.remote.readFile(`${d}o`)).toString()).toBe('second');
      });

      it('uploads a local file and reports its size as total', async () => {
        const d = ctx.dir();
        const file = join(local, `up-${counter}`);
        const data = randomBytes(5 * 1024 * 1024 + 1);
        writeFileSync(file, data);
        const reports: ConformanceProgress[] = [];
        await ctx.remote.upload(file, `${d}files/md5/12/3456`, { onProgress: (p) => reports.push(p) });
        expect(md5(await ctx.remote.readFile(`${d}files/md5/12/3456`))).toBe(md5(data));
        expect(reports.at(-1)).toMatchObject({ transferred: data.length, total: data.length });
      });

      it('leaves no object (and no listed temp file) when the source fails mid-write', async () => {
        const d = ctx.dir();
        await expect(ctx.remote.write(`${d}partial`, failingStream(randomBytes(64 * 1024)))).rejects.toThrow();
        expect(await ctx.remote.exists(`${d}partial`)).toBe(false);
        if (ctx.remote.capabilities.list) expect(await collect(ctx.remote.list(d))).toEqual([]);
      });

      it('keeps the old object intact when an overwrite fails mid-write', async () => {
        const d = ctx.dir();
        await ctx.remote.write(`${d}keep`, 'old content');
        await expect(ctx.remote.write(`${d}keep`, failingStream(randomBytes(64 * 1024)))).rejects.toThrow();
        expect((await ctx.remote.readFile(`${d}keep`)).toString()).toBe('old content');
      });

      it('ends concurrent writes to one path with one whole version', async () => {
        const d = ctx.dir();
        const a = Buffer.alloc(300_000, 'a');
        const b = Buffer.alloc(200_000, 'b');
        await Promise.all([ctx.remote.write(`${d}race`, a), ctx.remote.write(`${d}race`, b)]);
        const got = md5(await ctx.remote.readFile(`${d}race`));
        expect([md5(a), md5(b)]).toContain(got);
      });

      it('uploads 300 small objects in parallel and finds them all', async () => {
        const d = ctx.dir();
        const file = join(local, `small-${counter}`);
        writeFileSync(file, 'small object');
        const paths = Array.from({ length: 300 }, (_, i) => `${d}files/md5/${(i % 16).toString(16).padStart(2, '0')}/${i.toString(16).padStart(30, '0')}`);
        let next = 0;
        await Promise.all(
          Array.from({ length: 16 }, async () => {
            while (next < paths.length) await ctx.remote.upload(file, paths[next++]);
          }),
        );
        expect((await ctx.remote.existsMany(paths, { jobs: 16 })).every(Boolean)).toBe(true);
        if (ctx.remote.capabilities.list) expect(await collect(ctx.remote.list(`${d}files/md5/`))).toEqual([...paths].sort());
      });
    });

    if (features.list) describe('listing', () => {
      it('lists by string prefix, recursively, and nothing for a missing prefix', async () => {
        const d = ctx.dir();
        for (const p of ['files/md5/00/aa', 'files/md5/00/bb', 'files/md5/0a/cc', 'files/md5/1b/dd', 'files/md5/ab.dir', 'runs/x/y/z']) {
          await ctx.put(`${d}${p}`, p);
        }
        expect(await collect(ctx.remote.list(`${d}files/md5/0`))).toEqual([`${d}files/md5/00/aa`, `${d}files/md5/00/bb`, `${d}files/md5/0a/cc`]);
        expect(await collect(ctx.remote.list(`${d}files/md5/00/`))).toEqual([`${d}files/md5/00/aa`, `${d}files/md5/00/bb`]);
        expect(await collect(ctx.remote.list(`${d}files/md5/00/a`))).toEqual([`${d}files/md5/00/aa`]);
        expect((await collect(ctx.remote.list(d))).length).toBe(6);
        expect(await collect(ctx.remote.list(`${d}files/md5/ff/`))).toEqual([]);
        expect(await collect(ctx.remote.list(`${ctx.dir()}`))).toEqual([]);
      });
    });

    if (features.delete) describe('deleting', () => {
      it('deletes an object, and deleting a missing one is not an error', async () => {
        const d = ctx.dir();
        await ctx.put(`${d}gone`, 'bye');
        await ctx.remote.delete(`${d}gone`);
        expect(await ctx.remote.exists(`${d}gone`)).toBe(false);
        await ctx.remote.delete(`${d}gone`);
        await ctx.remote.delete(`${d}never/existed`);
      });
    });

    it('refuses every call after close() with REMOTE_CLOSED', async () => {
      const other = await factory();
      try {
        await other.remote.exists('warm-up');
        await other.remote.close();
        await expectCode(other.remote.exists('x'), 'REMOTE_CLOSED');
        await expectCode(other.remote.readFile('x'), 'REMOTE_CLOSED');
        await other.remote.close();
      } finally {
        await other.cleanup?.();
      }
    });

    additionalTests?.(ctx);
  });
}
