import { pyJsonDumps, compareCodePoints, pyJsonString } from './py-json.js';
import { md5Hex } from './md5.js';
import { dvcError } from '../errors/dvc-error.js';

/** One file of a directory manifest (`.dir` object). */
export interface TreeEntry {
  /** path relative to the directory, `/`-separated */
  relpath: string;
  md5: string;
  /** size in bytes when known (not stored in the manifest) */
  size?: number;
  isexec?: boolean;
}

/** A directory's hash info as recorded in `.dvc`/`dvc.lock`. */
export interface DirHash {
  /** `<md5 of manifest>.dir` */
  md5: string;
  size: number;
  nfiles: number;
  /** manifest bytes, stored verbatim as the cache object */
  manifest: Buffer;
}

/**
 * Builds a `.dir` manifest exactly as DVC does (dvc_data/hashfile/tree.py): entries sorted by
 * relpath in code point order, serialised with Python's json.dumps(sort_keys=True), md5 of the
 * bytes plus the literal `.dir` suffix.
 */
export function computeDirHash(entries: TreeEntry[]): DirHash {
  const sorted = [...entries].sort((a, b) => compareCodePoints(a.relpath, b.relpath));
  // fast path for the common shape; pyJsonDumps gives identical bytes for {md5, relpath}
  let text = '[';
  let size = 0;
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i];
    if (i > 0) text += ', ';
    text += '{"md5": ' + pyJsonString(e.md5) + ', "relpath": ' + pyJsonString(e.relpath) + '}';
    size += e.size ?? 0;
  }
  text += ']';
  const manifest = Buffer.from(text, 'utf8');
  return { md5: md5Hex(manifest) + '.dir', size, nfiles: sorted.length, manifest };
}

/** Parses a `.dir` manifest object. Extra keys in entries are ignored for hashing. */
export function parseDirManifest(data: Buffer | string, where: string): TreeEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed)) {
    throw dvcError('CACHE_OBJECT_CORRUPTED', `corrupted directory manifest '${where}': expected a JSON list`, {
      hint: 'remove the object and run `momo fetch` or `momo commit -f` to rebuild it',
    });
  }
  return parsed.map((e: Record<string, unknown>) => {
    const entry: TreeEntry = { relpath: String(e.relpath), md5: String(e.md5) };
    if (typeof e.size === 'number') entry.size = e.size;
    if (e.isexec === true) entry.isexec = true;
    return entry;
  });
}

export { pyJsonDumps };
