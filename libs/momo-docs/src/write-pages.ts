import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_MARKER } from './plan-docs.js';
import type { PageResult } from './types.js';

/** Result of {@link writePages}. */
export interface WritePagesResult {
  pages: PageResult[];
  /** Generated pages that no longer have a module and were deleted (file names). */
  removed: string[];
}

/**
 * Writes pages into `dir`, touching only what changed: a page whose bytes are already on disk is
 * left alone (same mtime, same inode), a changed one is replaced atomically (temp file + rename),
 * and a stale `.md` file is deleted only when it starts with the generator's marker, so
 * hand-written files in the directory survive.
 */
export function writePages(dir: string, pages: Map<string, { module?: string; content: string }>): WritePagesResult {
  mkdirSync(dir, { recursive: true });
  const results: PageResult[] = [];
  for (const name of [...pages.keys()].sort()) {
    const { module, content } = pages.get(name)!;
    const target = join(dir, name);
    const bytes = Buffer.from(content, 'utf8');
    let same = false;
    if (existsSync(target)) {
      const st = statSync(target);
      same = st.isFile() && st.size === bytes.length && readFileSync(target).equals(bytes);
    }
    if (!same) {
      const tmp = join(dir, `.${name}.${process.pid}.tmp`);
      writeFileSync(tmp, bytes);
      renameSync(tmp, target);
    }
    results.push({ path: name, ...(module !== undefined ? { module } : {}), status: same ? 'unchanged' : 'written' });
  }
  const removed: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.md') || pages.has(name)) continue;
    const p = join(dir, name);
    if (!statSync(p).isFile()) continue;
    const head = readFileSync(p, 'utf8').slice(0, GENERATED_MARKER.length);
    if (head === GENERATED_MARKER) {
      rmSync(p);
      removed.push(name);
    }
  }
  return { pages: results, removed };
}
