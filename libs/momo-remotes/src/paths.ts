import { remoteError } from './errors.js';
import type { RemoteScheme } from './remote.js';

/** Where DVC 3 keeps objects below the remote (and cache) root: `files/md5` (dvc-compat §10.1). */
export const OBJECTS_DIR = 'files/md5';

/** Suffix of the temp names atomic writes use; `list` hides them. */
export const TEMP_SUFFIX = '.tmp';

const TEMP_NAME = /\.[0-9a-f]{16}\.tmp$/;
/**
 * DVC's own temp names on SFTP and local remotes: `.<token_urlsafe(16)>.tmp` in the target's directory
 * (dvc_objects/fs/utils.py `tmp_fname`, used by `as_atomic`); an interrupted `dvc push` leaves them.
 */
const DVC_TEMP_NAME = /^\.[A-Za-z0-9_-]{22}\.tmp$/;

/**
 * True when `name` is an in-flight temp file: ours (`<name>.<16 hex>.tmp`) or DVC's
 * (`.<22 url-safe chars>.tmp`), so `list` never shows a partial object of either tool.
 */
export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name) || DVC_TEMP_NAME.test(name);
}

/** A fresh temp name next to `path` (same directory, so a rename is atomic). */
export function tempPathFor(path: string): string {
  const rnd = Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0') +
    Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0');
  return `${path}.${rnd}${TEMP_SUFFIX}`;
}

/**
 * Remote-relative path of a DVC 3 object: `files/md5/<2 hex>/<30 hex>` (a `.dir` suffix stays on the
 * name). Matches DVC's `dvc_objects/db.py::oid_to_path` under the `files/md5` ODB.
 */
export function objectPath(hash: string): string {
  return `${OBJECTS_DIR}/${hash.slice(0, 2)}/${hash.slice(2)}`;
}

/** Remote-relative path of a legacy DVC 2.x (`md5-dos2unix`) object: `<2 hex>/<30 hex>`. */
export function legacyObjectPath(hash: string): string {
  return `${hash.slice(0, 2)}/${hash.slice(2)}`;
}

/**
 * Checks a remote-relative path and returns it. Throws `REMOTE_PATH_INVALID` for empty,
 * absolute, backslashed or `.`/`..` paths.
 */
export function checkPath(scheme: RemoteScheme, path: string): string {
  const bad =
    typeof path !== 'string' ||
    path.length === 0 ||
    path.startsWith('/') ||
    path.endsWith('/') ||
    path.includes('\\') ||
    path.includes('\0') ||
    path.split('/').some((s) => s === '' || s === '.' || s === '..');
  if (bad) {
    throw remoteError(scheme, 'REMOTE_PATH_INVALID', `invalid object path ${JSON.stringify(path)}: expected a relative POSIX path below the remote root`, {
      hint: 'this is a bug in the caller: object paths look like files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8',
      data: { path },
    });
  }
  return path;
}

/** Checks a list prefix: like a path, but it may be empty or end with `/`. */
export function checkPrefix(scheme: RemoteScheme, prefix: string): string {
  if (prefix === '') return prefix;
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  checkPath(scheme, trimmed);
  return prefix;
}

/** Joins a root (may be empty, may end with `/`) and a relative path with exactly one `/`. */
export function joinPath(root: string, rel: string): string {
  if (root === '') return rel;
  return root.endsWith('/') ? root + rel : `${root}/${rel}`;
}

/**
 * Groups the indexes of `paths` by parent directory (`a/b/c` → `a/b`, or `a/b/` with
 * `trailingSlash`, the form an S3 prefix takes), in first-seen order: batch existence checks list
 * a directory once for all of its objects.
 */
export function groupByParent(paths: readonly string[], trailingSlash = false): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  const cut = trailingSlash ? 1 : 0;
  paths.forEach((p, i) => {
    const dir = p.slice(0, p.lastIndexOf('/') + cut);
    const g = groups.get(dir);
    if (g) g.push(i);
    else groups.set(dir, [i]);
  });
  return groups;
}
