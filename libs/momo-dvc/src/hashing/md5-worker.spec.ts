import { describe, it, expect } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { tmpRepo } from '@momo/testing';
import { md5FileInWorker } from './md5-worker.js';

describe('md5FileInWorker', () => {
  it('hashes files on worker threads like md5 of their bytes, more at once than there are CPUs', async () => {
    const repo = tmpRepo({ prefix: 'momo-md5-worker-' });
    try {
      const files = Array.from({ length: 5 }, (_, i) => {
        const data = Buffer.alloc((1 << 20) * 2 + i * 7, i + 1);
        const file = join(repo.root, `f${i}`);
        writeFileSync(file, data);
        return { file, md5: createHash('md5').update(data).digest('hex') };
      });
      const got = await Promise.all(files.map((f) => md5FileInWorker(f.file)));
      expect(got).toEqual(files.map((f) => f.md5));
    } finally {
      repo.cleanup();
    }
  });

  it('rejects with the read error of a missing file', async () => {
    await expect(md5FileInWorker('/nonexistent/momo-md5-worker')).rejects.toThrow(/ENOENT/);
  });
});
