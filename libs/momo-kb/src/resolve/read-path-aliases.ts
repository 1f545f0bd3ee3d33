import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, posix } from 'node:path';
import type * as TS from 'typescript';

/** One `compilerOptions.paths` entry with repo-relative targets: `@org/lib/*` → [`libs/lib/src/*`]. */
export interface PathAlias {
  pattern: string;
  targets: string[];
}

/** The root tsconfig files whose `paths` Nx and TypeScript monorepos use for workspace imports. */
export const TSCONFIG_FILES = ['tsconfig.base.json', 'tsconfig.json'];

/**
 * Reads `compilerOptions.paths` (relative to `baseUrl`, default the tsconfig's directory) from the
 * root `tsconfig.base.json` and `tsconfig.json` (the latter wins per pattern), with TypeScript's own
 * JSONC reader. Unreadable files contribute nothing. Sorted by pattern.
 */
export function readPathAliases(root: string): PathAlias[] {
  const ts: typeof TS = createRequire(import.meta.url)('typescript');
  const byPattern = new Map<string, string[]>();
  for (const name of TSCONFIG_FILES) {
    const p = join(root, name);
    if (!existsSync(p)) continue;
    const { config } = ts.parseConfigFileTextToJson(p, readFileSync(p, 'utf8'));
    const opts = (config as { compilerOptions?: { baseUrl?: string; paths?: Record<string, string[]> } } | undefined)?.compilerOptions;
    if (!opts?.paths) continue;
    const base = posix.normalize(opts.baseUrl ?? '.');
    for (const [pattern, targets] of Object.entries(opts.paths)) {
      if (!Array.isArray(targets)) continue;
      byPattern.set(
        pattern,
        targets.filter((t) => typeof t === 'string').map((t) => posix.normalize(posix.join(base, t)).replace(/^\.\//, '')),
      );
    }
  }
  return [...byPattern.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([pattern, targets]) => ({ pattern, targets }));
}

/** The targets a specifier maps to through the aliases (longest matching prefix first), in order. */
export function expandPathAlias(aliases: PathAlias[], spec: string): string[] {
  let best: { prefixLength: number; out: string[] } | undefined;
  for (const a of aliases) {
    const star = a.pattern.indexOf('*');
    if (star < 0) {
      if (a.pattern === spec) return a.targets;
      continue;
    }
    const prefix = a.pattern.slice(0, star);
    const suffix = a.pattern.slice(star + 1);
    if (spec.length < prefix.length + suffix.length || !spec.startsWith(prefix) || !spec.endsWith(suffix)) continue;
    const middle = spec.slice(prefix.length, spec.length - suffix.length);
    if (!best || prefix.length > best.prefixLength) best = { prefixLength: prefix.length, out: a.targets.map((t) => t.replace('*', middle)) };
  }
  return best?.out ?? [];
}
