/**
 * momo extension: wildcard dependencies in dvc.yaml (`- libs/python/*\/momo_*\/`), as the seed's
 * migration guide writes them. Real DVC treats such a path literally (it does not exist, so DVC
 * reports the dependency `deleted` and `dvc repro` fails on it); momo expands it.
 *
 * Semantics:
 * - `*` and `?` match within one path segment, `[abc]`/`[!abc]` a character class, `**` any number
 *   of whole segments (including none); a trailing `/` matches directories only;
 * - the pattern is relative to the stage wdir; `.dvcignore` applies to the walk;
 * - matches are sorted by code point, so the expansion is deterministic;
 * - the dependency is hashed as one set: a `.dir`-style manifest listing every matched file
 *   (directories contribute all files below them) with its path relative to the pattern's static
 *   base (the segments before the first wildcard). The lock records `md5: <hash>.dir`, `size` and
 *   `nfiles`, exactly the keys of a directory dependency, so real DVC still parses dvc.lock.
 */
import { readdirSync, statSync, type Dirent, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { Repo } from './repo.js';
import { computeDirHash, type TreeEntry } from '../hashing/dir-manifest.js';
import { hashFiles, type OutputHash } from '../hashing/hash-output.js';
import { compareCodePoints } from '../models/py-compare.js';

const MAGIC = /[*?[]/;

/** Does a dvc.yaml path use wildcards (the glob-dependency extension)? */
export function hasGlobMagic(path: string): boolean {
  return MAGIC.test(path);
}

function segmentRegex(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const j = seg.indexOf(']', i + 2);
      if (j < 0) re += '\\[';
      else {
        let body = seg.slice(i + 1, j);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = j;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Splits a normalised repo-relative pattern into its static base and wildcard segments. */
export function splitGlob(pattern: string): { base: string; segments: string[]; dirsOnly: boolean } {
  const dirsOnly = pattern.endsWith('/');
  const parts = pattern.split('/').filter((p) => p !== '' && p !== '.');
  const first = parts.findIndex((p) => MAGIC.test(p));
  const baseParts = first < 0 ? parts : parts.slice(0, first);
  return { base: baseParts.join('/'), segments: first < 0 ? [] : parts.slice(first), dirsOnly };
}

/** A predicate telling whether a repo-relative path matches the (repo-relative) pattern. */
export function globMatcher(pattern: string): (rel: string) => boolean {
  const { base, segments } = splitGlob(pattern);
  let re = base ? base.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') : '';
  segments.forEach((seg, i) => {
    const sep = re === '' && i === 0 ? '' : '/';
    if (seg === '**') re += `(?:${sep}[^/]+)*`;
    else re += sep + segmentRegex(seg).source.slice(1, -1);
  });
  const full = new RegExp(`^${re}$`);
  return (rel) => full.test(rel);
}

/**
 * Expands a glob dependency (repo-relative, normalised pattern; a trailing `/` keeps only
 * directories). Returns the matched repo-relative paths, sorted.
 */
export function expandGlob(repo: Repo, pattern: string): string[] {
  const { base, segments, dirsOnly } = splitGlob(pattern);
  const out: string[] = [];
  const walk = (rel: string, i: number, isDir: boolean): void => {
    if (i === segments.length) {
      if (!dirsOnly || isDir) out.push(rel);
      return;
    }
    if (!isDir) return;
    const seg = segments[i]!;
    let entries: Dirent[];
    try {
      entries = readdirSync(rel ? join(repo.root, rel) : repo.root, { withFileTypes: true });
    } catch {
      // an unreadable or vanished directory matches nothing
      return;
    }
    const kids: Array<[string, boolean]> = [];
    for (const e of entries) {
      if (rel === '' && e.name === '.dvc') continue;
      if (rel === '' && e.name === '.git') continue;
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      let dir = e.isDirectory();
      if (e.isSymbolicLink()) dir = statSync(join(repo.root, childRel), { throwIfNoEntry: false })?.isDirectory() ?? false;
      if (repo.walker.ignoredBy(childRel, dir) !== undefined) continue;
      kids.push([e.name, dir]);
    }
    kids.sort((a, b) => compareCodePoints(a[0], b[0]));
    if (seg === '**') {
      walk(rel, i + 1, true);
      for (const [name, dir] of kids) if (dir) walk(rel ? `${rel}/${name}` : name, i, true);
      return;
    }
    const re = segmentRegex(seg);
    for (const [name, dir] of kids) if (re.test(name)) walk(rel ? `${rel}/${name}` : name, i + 1, dir);
  };
  const st = statSync(base ? join(repo.root, base) : repo.root, { throwIfNoEntry: false });
  if (st?.isDirectory()) walk(base, 0, true);
  return [...new Set(out)].sort(compareCodePoints);
}

/**
 * Hashes a glob dependency as one set (see the module comment). Undefined when nothing matches
 * (the dependency is then `deleted`, like a missing path).
 */
export async function hashGlobDependency(repo: Repo, pattern: string, jobs?: number): Promise<OutputHash | undefined> {
  const matches = expandGlob(repo, pattern);
  if (!matches.length) return undefined;
  const { base } = splitGlob(pattern);
  const files: Array<{ rel: string; abs: string; st: Stats }> = [];
  for (const m of matches) {
    const abs = join(repo.root, m);
    const st = statSync(abs, { throwIfNoEntry: false });
    if (!st) continue;
    const relToBase = base ? m.slice(base.length + 1) : m;
    if (st.isDirectory()) {
      for (const f of repo.walker.walk(abs)) files.push({ rel: `${relToBase}/${f.rel}`, abs: join(abs, f.rel), st: f.st });
    } else files.push({ rel: relToBase, abs, st });
  }
  const hashed = await hashFiles(
    files.map((f) => ({ abs: f.abs, st: f.st })),
    { state: repo.state, walk: (d) => repo.walker.walk(d), root: repo.root, jobs: jobs ?? repo.settings.checksumJobs },
  );
  const tree: TreeEntry[] = files.map((f, i) => ({
    relpath: f.rel,
    md5: hashed[i]!.md5,
    size: hashed[i]!.size,
    isexec: (f.st.mode & 0o111) !== 0 || undefined,
  }));
  tree.sort((a, b) => compareCodePoints(a.relpath, b.relpath));
  const dir = computeDirHash(tree);
  return { md5: dir.md5, size: dir.size, nfiles: dir.nfiles, isDir: true, tree, manifest: dir.manifest };
}
