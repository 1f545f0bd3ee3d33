import { readFileSync, writeFileSync, mkdirSync, renameSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Which algorithm a memoised hash was computed with. */
export type HashName = 'md5' | 'md5-dos2unix';

interface Memo {
  ino: number;
  mtimeMs: number;
  size: number;
  md5: string;
  name: HashName;
  used: boolean;
}

const HEADER = 'momo-state 1\n';

/**
 * The hash memo: (inode, mtime, size) → md5, so an unchanged file is never hashed twice.
 * Same rule as DVC's state db (dvc_data/hashfile/state.py): any change of inode, size or the
 * exact mtime invalidates an entry. Kept in momo's own file (`.dvc/tmp/momo/state`), loaded
 * once per command and rewritten atomically only when something new was hashed.
 */
export class HashState {
  private memo = new Map<string, Memo>();
  private dirty = false;
  private loaded = false;

  constructor(private readonly file: string) {}

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      // no memo yet: everything is hashed once
      return;
    }
    if (!text.startsWith(HEADER)) return;
    let pos = HEADER.length;
    while (pos < text.length) {
      const nl = text.indexOf('\n', pos);
      const line = text.slice(pos, nl < 0 ? text.length : nl);
      pos = nl < 0 ? text.length : nl + 1;
      const f = line.split('\t', 6);
      if (f.length < 6) continue;
      const path = f[5].startsWith('"') ? (JSON.parse(line.slice(line.indexOf('\t"') + 1)) as string) : line.slice(nthTab(line, 5) + 1);
      this.memo.set(path, {
        name: f[0] === 'L' ? 'md5-dos2unix' : 'md5',
        md5: f[1],
        size: Number(f[2]),
        ino: Number(f[3]),
        mtimeMs: Number(f[4]),
        used: false,
      });
    }
  }

  /** The memoised hash of `path` when its stat still matches, else undefined. */
  get(path: string, st: Stats, name: HashName = 'md5'): string | undefined {
    this.load();
    const m = this.memo.get(name === 'md5' ? path : `\0L${path}`);
    if (!m || m.ino !== st.ino || m.size !== st.size || m.mtimeMs !== st.mtimeMs || m.name !== name) return undefined;
    m.used = true;
    return m.md5;
  }

  set(path: string, st: Stats, md5: string, name: HashName = 'md5'): void {
    this.load();
    const key = name === 'md5' ? path : `\0L${path}`;
    const old = this.memo.get(key);
    if (old && old.md5 === md5 && old.ino === st.ino && old.size === st.size && old.mtimeMs === st.mtimeMs) {
      old.used = true;
      return;
    }
    this.memo.set(key, { ino: st.ino, mtimeMs: st.mtimeMs, size: st.size, md5, name, used: true });
    this.dirty = true;
  }

  /** Writes the memo atomically (temp + rename) when it changed. */
  save(): void {
    if (!this.dirty) return;
    const parts: string[] = [HEADER];
    // keep at most ~2M entries: beyond that, drop the ones this run did not touch
    const prune = this.memo.size > 2_000_000;
    for (const [key, m] of this.memo) {
      if (prune && !m.used) continue;
      const path = key.startsWith('\0L') ? key.slice(2) : key;
      const p = /[\t\n\r"]/.test(path[0] ?? '') || /[\t\n\r]/.test(path) ? JSON.stringify(path) : path;
      parts.push(`${m.name === 'md5' ? 'M' : 'L'}\t${m.md5}\t${m.size}\t${m.ino}\t${m.mtimeMs}\t${p}\n`);
    }
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(tmp, parts.join(''));
    renameSync(tmp, this.file);
    this.dirty = false;
  }
}

function nthTab(s: string, n: number): number {
  let i = -1;
  for (let k = 0; k < n; k++) i = s.indexOf('\t', i + 1);
  return i;
}
