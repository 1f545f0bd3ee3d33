import { readFileSync, mkdirSync, lstatSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { writeFileAtomic } from '../fs/write-file-atomic.js';

interface LinkMark {
  ino: number;
  mtimeMs: number;
}

/**
 * Paths momo created during checkout, with (inode, mtime) at creation, so a later checkout can
 * delete outputs that are no longer tracked and that nobody touched since (DVC's links table,
 * spec §4.6 / §5.5 step 8). Kept in `.dvc/tmp/momo/links.json`.
 */
export class LinksRecord {
  private marks: Record<string, LinkMark> | undefined;
  private dirty = false;

  constructor(private readonly file: string) {}

  private load(): Record<string, LinkMark> {
    if (this.marks) return this.marks;
    try {
      this.marks = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, LinkMark>;
    } catch {
      // no record yet
      this.marks = {};
    }
    return this.marks;
  }

  /** Remembers the current stat of `abs` under `rel` (an output path). */
  mark(rel: string, abs: string): void {
    try {
      const st = lstatSync(abs);
      this.load()[rel] = { ino: st.ino, mtimeMs: st.mtimeMs };
      this.dirty = true;
    } catch {
      // nothing was created
    }
  }

  forget(rel: string): void {
    if (this.load()[rel]) {
      delete this.load()[rel];
      this.dirty = true;
    }
  }

  /** Recorded paths whose inode and mtime are unchanged since momo created them. */
  unchanged(root: string): string[] {
    const out: string[] = [];
    for (const [rel, m] of Object.entries(this.load())) {
      try {
        const st = lstatSync(join(root, rel));
        if (st.ino === m.ino && st.mtimeMs === m.mtimeMs) out.push(rel);
      } catch {
        this.forget(rel);
      }
    }
    return out.sort();
  }

  save(): void {
    if (!this.dirty) return;
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileAtomic(this.file, JSON.stringify(this.marks));
    this.dirty = false;
  }
}
