/**
 * Glob patterns in dvc.yaml deps (`libs/python/*\/momo_*\/`, the seed's style), with the semantics
 * of `@momo/dvc`'s glob-dependency extension: `*` and `?` match within one path segment,
 * `[abc]`/`[!abc]` a character class, `**` any number of whole segments; a trailing `/` selects
 * directories only. Pure string work; listing goes through a callback.
 */

const MAGIC = /[*?[]/;

/** Does the path use wildcards? */
export function hasGlobMagic(path: string): boolean {
  return MAGIC.test(path);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function segmentSource(seg: string): string {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = seg.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += escapeRegex(c);
  }
  return re;
}

/** The pattern's segments (no empty or `.` ones) and whether it selects directories only. */
export function splitPattern(pattern: string): { segments: string[]; dirsOnly: boolean } {
  return { segments: pattern.split('/').filter((s) => s !== '' && s !== '.'), dirsOnly: pattern.endsWith('/') };
}

/** The segments before the first wildcard, joined (`libs/python` for `libs/python/*\/x`). */
export function staticBase(pattern: string): string {
  const { segments } = splitPattern(pattern);
  const first = segments.findIndex((s) => MAGIC.test(s));
  return (first < 0 ? segments : segments.slice(0, first)).join('/');
}

/**
 * Does the workspace-relative `path` (no trailing `/`) match the pattern? A `**` segment matches
 * zero or more whole segments, so `a/**` matches `a` itself and everything below it.
 */
export function globMatches(pattern: string, path: string): boolean {
  return globRegex(pattern).test(`${path}/`);
}

/** The regex behind {@link globMatches}; it is tested against the path with a `/` appended. */
export function globRegex(pattern: string): RegExp {
  const { segments } = splitPattern(pattern);
  const body = segments.map((seg) => (seg === '**' ? '(?:[^/]+/)*' : `${segmentSource(seg)}/`)).join('');
  return new RegExp(`^${body}$`);
}

/** Lists a directory (workspace-relative, '' for the root): entry names and whether each is a directory. */
export type ListDir = (dir: string) => Array<{ name: string; dir: boolean }>;

/** Directories a `**` walk never enters (tooling state, not pipeline inputs). */
const SKIP_DIRS = new Set(['.git', '.dvc', 'node_modules', '.nx', '.venv']);

/**
 * Expands a pattern relative to `base` (a workspace-relative directory, '' for the root). Returns
 * the matches relative to `base`, sorted by code point, directories with a trailing `/` when the
 * pattern has one.
 */
export function expandGlob(pattern: string, base: string, list: ListDir): string[] {
  const { segments, dirsOnly } = splitPattern(pattern);
  const out = new Set<string>();
  const join = (a: string, b: string) => (a && b ? `${a}/${b}` : a || b);
  const walk = (rel: string, i: number, isDir: boolean): void => {
    if (i === segments.length) {
      if (!dirsOnly || isDir) out.add(dirsOnly ? `${rel}/` : rel);
      return;
    }
    if (!isDir) return;
    const seg = segments[i];
    const abs = join(base, rel);
    if (seg === '**') {
      walk(rel, i + 1, true);
      for (const e of list(abs)) if (e.dir && !SKIP_DIRS.has(e.name)) walk(join(rel, e.name), i, true);
      return;
    }
    if (!MAGIC.test(seg)) {
      const hit = list(abs).find((e) => e.name === seg);
      if (hit) walk(join(rel, seg), i + 1, hit.dir);
      return;
    }
    const re = new RegExp(`^${segmentSource(seg)}$`);
    for (const e of list(abs)) if (re.test(e.name)) walk(join(rel, e.name), i + 1, e.dir);
  };
  walk('', 0, true);
  return [...out].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Does a glob dependency touch the output `out` in one of DVC's three ways: a match is the output,
 * lies inside it, or contains it?
 */
export function globTouches(pattern: string, out: string): boolean {
  const outSegs = out.split('/');
  // a match equals the output, or contains it (the output lies inside a matched directory)
  for (let k = outSegs.length; k >= 1; k--) if (globMatches(pattern, outSegs.slice(0, k).join('/'))) return true;
  // a match lies inside the output: the pattern's first segments can match the output itself
  const { segments } = splitPattern(pattern);
  const prefix: string[] = [];
  for (const seg of segments) {
    if (seg === '**') return globMatches([...prefix, '**'].join('/'), out);
    prefix.push(seg);
    if (prefix.length === outSegs.length) return prefix.length < segments.length && globMatches(prefix.join('/'), out);
  }
  return false;
}
