import { describe, it, expect, afterEach } from 'vitest';
import * as fs from 'node:fs';
import * as crypto from 'node:crypto';
import { statSync, readdirSync, readFileSync, appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { tmpRepo, type TmpRepo } from '@momo/testing';
import { storeFiles, type StoreOutcome } from './hash-pool.js';
import { storeFileImpl, type StoreResult } from './store-file.js';

const repos: TmpRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

function setup(files: Record<string, string | Buffer>): { root: string; objects: string; srcs: string[] } {
  const r = tmpRepo({ prefix: 'momo-store-' });
  repos.push(r);
  r.gen({ ws: files });
  return { root: r.root, objects: join(r.root, 'cache', 'files', 'md5'), srcs: Object.keys(files).map((f) => join(r.root, 'ws', f)) };
}

const md5 = (s: string | Buffer) => createHash('md5').update(s).digest('hex');
const ok = (o: StoreOutcome): StoreResult => {
  if ('error' in o) throw new Error(o.error.message);
  return o;
};
function listObjects(objects: string): string[] {
  return readdirSync(objects, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(objects.length + 1))
    .sort();
}

describe('storeFiles', () => {
  it('stores each distinct content once, as a read-only object named by its md5', async () => {
    const { objects, srcs } = setup({ a: 'same', b: 'same', c: 'other' });
    const res = (await storeFiles(srcs.map((src) => ({ src, size: statSync(src).size, objects })))).map(ok);
    expect(res.map((r) => [r.md5, r.stored])).toEqual([
      [md5('same'), true],
      [md5('same'), false],
      [md5('other'), true],
    ]);
    expect(listObjects(objects)).toEqual([md5('other'), md5('same')].map((h) => `${h.slice(0, 2)}/${h.slice(2)}`).sort());
    const obj = join(objects, md5('same').slice(0, 2), md5('same').slice(2));
    expect(statSync(obj).mode & 0o777).toBe(0o444);
    expect(readFileSync(obj, 'utf8')).toBe('same');
  });

  it('leaves an object already in the cache untouched (same inode, no temp file left)', async () => {
    const { objects, srcs } = setup({ a: 'kept' });
    await storeFiles([{ src: srcs[0], objects }]);
    const obj = join(objects, md5('kept').slice(0, 2), md5('kept').slice(2));
    const before = statSync(obj);
    const [again] = (await storeFiles([{ src: srcs[0], objects }])).map(ok);
    expect(again.stored).toBe(false);
    expect(statSync(obj).ino).toBe(before.ino);
    expect(readdirSync(join(objects, md5('kept').slice(0, 2)))).toEqual([md5('kept').slice(2)]);
  });

  it('leaves an existing object untouched in a large batch too (its prefix dir existed)', async () => {
    const files: Record<string, string> = { kept: 'kept' };
    for (let i = 0; i < 99; i++) files[`f${i}`] = `other ${i}`;
    const { objects, srcs } = setup(files);
    await storeFiles([{ src: srcs[0], objects }]);
    const obj = join(objects, md5('kept').slice(0, 2), md5('kept').slice(2));
    const ino = statSync(obj).ino;
    const res = (await storeFiles(srcs.map((src) => ({ src, objects })))).map(ok);
    expect(res[0].stored).toBe(false);
    expect(statSync(obj).ino).toBe(ino);
    expect(listObjects(objects)).toHaveLength(100);
  });

  it('reports the inode and mtime the file had after it was read', async () => {
    const { objects, srcs } = setup({ a: 'x' });
    const st = statSync(srcs[0]);
    const [r] = (await storeFiles([{ src: srcs[0], size: st.size, objects }])).map(ok);
    expect([r.ino, r.mtimeMs, r.size]).toEqual([st.ino, st.mtimeMs, 1]);
  });

  it('hashes the bytes read when a file grew after the caller stat it', async () => {
    const { srcs } = setup({ a: 'abc' });
    const size = statSync(srcs[0]).size;
    appendFileSync(srcs[0], 'def');
    const [r] = (await storeFiles([{ src: srcs[0], size }])).map(ok);
    expect([r.md5, r.size]).toEqual([md5('abcdef'), 6]);
  });

  it('gives the same objects through worker threads, duplicates across batches and a large file included', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 600; i++) files[`f${i}`] = `content ${i % 200}`;
    const big = Buffer.alloc(5 * 1024 * 1024, 'w');
    const { objects, srcs } = setup({ ...files, big });
    // the byte-count hint makes the pool use workers for these few files (3 batches over 2 threads)
    const res = (await storeFiles(srcs.map((src) => ({ src, size: statSync(src).size, objects })), { jobs: 2, totalBytes: 2 ** 30 })).map(ok);
    expect(res.map((r) => r.md5)).toEqual([...srcs.slice(0, 600).map((_, i) => md5(`content ${i % 200}`)), md5(big)]);
    expect(res.filter((r) => r.stored).length).toBeGreaterThanOrEqual(201);
    expect(listObjects(objects)).toHaveLength(201);
    const obj = join(objects, md5(big).slice(0, 2), md5(big).slice(2));
    expect([readFileSync(obj).equals(big), statSync(obj).mode & 0o777]).toEqual([true, 0o444]);
  });
});

describe('large files', () => {
  const big = Buffer.alloc(5 * 1024 * 1024 + 3, 'ab');

  it('stores a large file as a read-only object with exactly its bytes and no temp file left', async () => {
    const { objects, srcs } = setup({ big });
    const [r] = (await storeFiles([{ src: srcs[0], size: big.length, objects }])).map(ok);
    expect([r.md5, r.size, r.stored]).toEqual([md5(big), big.length, true]);
    const obj = join(objects, r.md5.slice(0, 2), r.md5.slice(2));
    expect(readFileSync(obj).equals(big)).toBe(true);
    expect(statSync(obj).mode & 0o777).toBe(0o444);
    expect(listObjects(objects)).toEqual([`${r.md5.slice(0, 2)}/${r.md5.slice(2)}`]);
  });

  it('drops a concurrent copy whose source changed after hashing and stores the file in one pass', () => {
    const { objects, srcs } = setup({ big });
    mkdirSync(objects, { recursive: true });
    const tmp = join(objects, '.stale.tmp');
    writeFileSync(tmp, 'bytes of an older version');
    const st = statSync(srcs[0]);
    const adopt = { tmp, md5: md5('bytes of an older version'), size: big.length, ino: st.ino, mtimeMs: st.mtimeMs - 1000 };
    const r = storeFileImpl({ fs, crypto }, { src: srcs[0], size: big.length, objects, adopt }, new Set());
    expect([r.md5, r.stored]).toEqual([md5(big), true]);
    expect(readFileSync(join(objects, r.md5.slice(0, 2), r.md5.slice(2))).equals(big)).toBe(true);
    expect(listObjects(objects)).toEqual([`${r.md5.slice(0, 2)}/${r.md5.slice(2)}`]);
  });
});
