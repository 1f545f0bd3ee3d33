import { readdirSync, statSync } from 'node:fs';
import { join, resolve, isAbsolute, relative } from 'node:path';
import type { Repo } from './repo.js';
import { dvcError } from '../errors/dvc-error.js';

/** One glob path segment → RegExp (Python fnmatch rules: `*`, `?`, `[...]`, `[!...]`). */
function segmentRegex(seg: string): RegExp {
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
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += '[' + body.replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const MAGIC = /[*?[]/;

/** Expands one pattern like Python's `glob(pattern, recursive=True)` (hidden names need a leading dot). */
export function globPaths(pattern: string, cwd: string): string[] {
  const abs = isAbsolute(pattern) ? pattern : resolve(cwd, pattern);
  const parts = abs.split('/').filter((p, i) => p !== '' || i === 0);
  let bases = ['/'];
  for (let i = 1; i < parts.length; i++) {
    const seg = parts[i];
    const next: string[] = [];
    if (!MAGIC.test(seg)) {
      for (const b of bases) next.push(join(b, seg));
    } else if (seg === '**') {
      for (const b of bases) next.push(...walkDirs(b, true));
    } else {
      const re = segmentRegex(seg);
      for (const b of bases) {
        let names: string[];
        try {
          names = readdirSync(b);
        } catch {
          continue;
        }
        for (const n of names.sort()) if ((!n.startsWith('.') || seg.startsWith('.')) && re.test(n)) next.push(join(b, n));
      }
    }
    bases = next;
  }
  const seen = new Set<string>();
  return bases.filter((p) => {
    if (seen.has(p)) return false;
    seen.add(p);
    try {
      statSync(p);
      return true;
    } catch {
      return false;
    }
  });
}

function walkDirs(dir: string, self: boolean): string[] {
  const out = self ? [dir] : [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    out.push(p);
    if (e.isDirectory()) out.push(...walkDirs(p, false).filter((x) => x !== p));
  }
  return out;
}

/**
 * `--glob` expansion of targets (dvc/utils/__init__.py::glob_targets).
 * @throws TARGET_NOT_FOUND "Glob [...] has no matches." when nothing matches
 */
export function expandGlobs(repo: Repo, cwd: string, targets: string[]): string[] {
  const out: string[] = [];
  for (const t of targets) out.push(...globPaths(t, cwd).map((p) => relative(cwd, p) || '.'));
  if (!out.length) {
    throw dvcError('TARGET_NOT_FOUND', `Glob [${targets.map((t) => `'${t}'`).join(', ')}] has no matches.`, {
      hint: 'check the pattern (quote it so the shell does not expand it)',
      data: { root: repo.root },
    });
  }
  return out;
}
