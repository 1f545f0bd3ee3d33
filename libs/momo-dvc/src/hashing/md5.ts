import { createHash } from 'node:crypto';
import { openSync, readSync, closeSync, fstatSync } from 'node:fs';

const CHUNK = 1024 * 1024;
let sharedBuf: Buffer | undefined;

/** md5 hex of bytes. */
export function md5Hex(data: string | Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

/**
 * DVC 3 file hash: md5 of the exact bytes, streamed in 1 MiB chunks through one reused buffer
 * (dvc_data/hashfile/hash.py). Symlinks are followed by open().
 */
export function md5File(path: string): { md5: string; size: number } {
  const fd = openSync(path, 'r');
  try {
    const buf = (sharedBuf ??= Buffer.allocUnsafe(CHUNK));
    const h = createHash('md5');
    let size = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      h.update(n === CHUNK ? buf : buf.subarray(0, n));
      size += n;
    }
    return { md5: h.digest('hex'), size };
  } finally {
    closeSync(fd);
  }
}

/**
 * The legacy 2.x `md5-dos2unix` hash: per 1 MiB chunk, a "text" chunk (judged on its first
 * 512 bytes: no NUL and at most 30% bytes outside printable ASCII + \n\r\t\f\b) has CRLF → LF
 * before hashing (dvc_data/hashfile/hash.py, istextfile.py). A CRLF split across chunks stays.
 */
export function md5Dos2UnixFile(path: string): { md5: string; size: number } {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    const h = createHash('md5');
    let size = 0;
    const total = fstatSync(fd).size;
    for (;;) {
      // fill a whole chunk (readSync may return short reads)
      let n = 0;
      while (n < CHUNK) {
        const r = readSync(fd, buf, n, CHUNK - n, null);
        if (r === 0) break;
        n += r;
      }
      if (n === 0) break;
      size += n;
      const chunk = buf.subarray(0, n);
      h.update(isTextChunk(chunk) ? dos2unix(chunk) : chunk);
      if (size >= total && n < CHUNK) break;
    }
    return { md5: h.digest('hex'), size };
  } finally {
    closeSync(fd);
  }
}

function isTextChunk(chunk: Buffer): boolean {
  const block = chunk.subarray(0, 512);
  if (block.length === 0) return true;
  if (block.includes(0)) return false;
  let nontext = 0;
  for (const b of block) {
    const text = (b >= 0x20 && b <= 0x7e) || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x0c || b === 0x08;
    if (!text) nontext++;
  }
  return nontext / block.length <= 0.3;
}

function dos2unix(chunk: Buffer): Buffer {
  if (!chunk.includes(0x0d)) return chunk;
  const out = Buffer.allocUnsafe(chunk.length);
  let j = 0;
  for (let i = 0; i < chunk.length; i++) {
    if (chunk[i] === 0x0d && chunk[i + 1] === 0x0a) continue;
    out[j++] = chunk[i];
  }
  return out.subarray(0, j);
}
