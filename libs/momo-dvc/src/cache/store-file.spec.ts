import { describe, it, expect, afterEach } from 'vitest';
import { statSync, readdirSync, readFileSync, appendFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { tmpRepo, type TmpRepo } from '@momo/testing';
import { storeFiles, type StoreOutcome } from './hash-pool.js';
import type { StoreResult } from './store-file.js';

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

  it('gives the same objects through worker threads, duplicates across batches included', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 600; i++) files[`f${i}`] = `content ${i % 200}`;
    const { objects, srcs } = setup(files);
    // the byte-count hint makes the pool use workers for these few files (3 batches over 2 threads)
    const res = (await storeFiles(srcs.map((src) => ({ src, objects })), { jobs: 2, totalBytes: 2 ** 30 })).map(ok);
    expect(res.map((r) => r.md5)).toEqual(srcs.map((_, i) => md5(`content ${i % 200}`)));
    expect(res.filter((r) => r.stored).length).toBeGreaterThanOrEqual(200);
    expect(listObjects(objects)).toHaveLength(200);
  });
});
