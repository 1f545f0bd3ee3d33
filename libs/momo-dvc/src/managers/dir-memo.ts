import { readFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createHash } from 'node:crypto';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import type { WalkedFile } from '../hashing/hash-output.js';

export interface DirMemoEntry {
  /** fingerprint of (relpath, inode, mtime, size) of every file */
  fp: string;
  md5: string;
  size: number;
  nfiles: number;
  name: string;
}

/**
 * Directory-level hash memo: when every file under an output directory has the same
 * (path, inode, mtime, size) as when its `.dir` hash was computed, that hash still holds — the
 * same invalidation rule as the per-file memo, applied to the whole listing at once, so a no-op
 * `status` on 70k files needs no per-file lookups. Kept in `.dvc/tmp/momo/dirs.json`.
 */
export class DirMemo {
  private data: Record<string, DirMemoEntry> | undefined;
  private dirty = false;
  constructor(private readonly file: string) {}

  private load(): Record<string, DirMemoEntry> {
    if (this.data) return this.data;
    try {
      this.data = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, DirMemoEntry>;
    } catch {
      // no memo yet
      this.data = {};
    }
    return this.data;
  }

  static fingerprint(files: WalkedFile[]): string {
    const h = createHash('md5');
    let chunk = '';
    for (const f of files) {
      chunk += `${f.rel}\0${f.st.ino}\0${f.st.mtimeMs}\0${f.st.size}\n`;
      if (chunk.length > 65536) {
        h.update(chunk);
        chunk = '';
      }
    }
    h.update(chunk);
    return h.digest('hex');
  }

  get(rel: string, fp: string, name: string): DirMemoEntry | undefined {
    const e = this.load()[rel];
    return e && e.fp === fp && e.name === name ? e : undefined;
  }

  set(rel: string, entry: DirMemoEntry): void {
    const cur = this.load()[rel];
    if (cur && cur.fp === entry.fp && cur.md5 === entry.md5) return;
    this.load()[rel] = entry;
    this.dirty = true;
  }

  save(): void {
    if (!this.dirty) return;
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileAtomic(this.file, JSON.stringify(this.data));
    this.dirty = false;
  }
}
