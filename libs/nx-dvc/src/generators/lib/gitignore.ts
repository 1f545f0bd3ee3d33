/**
 * `.gitignore` edits on Nx's Tree, the way DVC makes them (dvc-compat §1.5, scmrepo `Git.ignore`):
 * one `/<basename>` line per cached output in the `.gitignore` of the output's parent directory,
 * gitignore metacharacters escaped. `.dvc` files and `dvc.lock` are never ignored: git keeps them.
 */
import { posix } from 'node:path';
import type { Tree } from '@nx/devkit';

/** DVC escapes `[ ] ! * # ?` with a backslash (spaces are left alone). */
export function escapeGitignoreEntry(entry: string): string {
  return entry.replace(/([[\]!*#?])/g, '\\$1');
}

/** The `.gitignore` file and line DVC writes for a workspace-relative output path. */
export function gitignoreEntryFor(output: string): { gitignore: string; line: string } {
  const clean = posix.normalize(output).replace(/\/+$/, '');
  const dir = posix.dirname(clean);
  return { gitignore: dir === '.' ? '.gitignore' : `${dir}/.gitignore`, line: escapeGitignoreEntry(`/${posix.basename(clean)}`) };
}

/**
 * Appends the output's entry unless the exact line is already there (DVC itself skips paths git
 * already ignores; a Tree cannot ask git, so the generator checks for its own line). Adds a newline
 * first when the file does not end with one.
 * @returns true when the file changed
 */
export function ensureOutputIgnored(tree: Tree, output: string): boolean {
  const { gitignore, line } = gitignoreEntryFor(output);
  const text = tree.exists(gitignore) ? (tree.read(gitignore, 'utf-8') ?? '') : '';
  if (text.split(/\r?\n/).some((l) => l.trim() === line)) return false;
  const prefix = text === '' || text.endsWith('\n') ? '' : '\n';
  tree.write(gitignore, `${text}${prefix}${line}\n`);
  return true;
}

/**
 * Lines of the seed's Phase 2.2 that hide what git must keep: `*.dvc` hides the pointer files,
 * `/data/` and `*\/data/` hide `.dvc` files and `dvc.lock`-tracked metrics inside data dirs.
 */
export const SEED_GITIGNORE_LINES = ['# DVC managed data', '/data/', '*/data/', '*.dvc'];

/**
 * Removes the seed's over-broad lines from the root `.gitignore` (only the exact lines of
 * {@link SEED_GITIGNORE_LINES}; anything else is left alone).
 * @returns the lines removed
 */
export function removeSeedGitignoreLines(tree: Tree): string[] {
  if (!tree.exists('.gitignore')) return [];
  const text = tree.read('.gitignore', 'utf-8') ?? '';
  const lines = text.split('\n');
  const removed: string[] = [];
  const kept = lines.filter((l) => {
    const hit = SEED_GITIGNORE_LINES.includes(l.trim());
    if (hit) removed.push(l.trim());
    return !hit;
  });
  if (removed.length) tree.write('.gitignore', kept.join('\n'));
  return removed;
}
