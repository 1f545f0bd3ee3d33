import { chmodSync, lstatSync, readFileSync, realpathSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { MomoError } from '@momo/errors';
import { GITIGNORE_FILE } from '../constants.js';
import { dvcError, EXIT } from '../errors/dvc-error.js';
import { escapeGitWildMatch, pyStrip } from '../ignore/pattern-regex.js';
import { isGitIgnored, type GitOptions } from './git.js';

/**
 * Where the entry for `absPath` goes and what it is: `/<basename>` in the `.gitignore` of the
 * parent directory (scmrepo `Git._get_gitignore`). Not escaped.
 * @throws GITIGNORE_OUTSIDE_REPO when that `.gitignore` (after resolving symlinks) is not
 *   inside the work tree at `gitRoot`
 */
export function gitignoreEntryFor(gitRoot: string, absPath: string): { entry: string; gitignore: string } {
  const path = resolve(absPath);
  const dir = dirname(path);
  const entry = `/${basename(path)}`;
  const gitignore = join(dir, GITIGNORE_FILE);
  const root = realOrSelf(resolve(gitRoot));
  if (!realOrSelf(gitignore).startsWith(root + sep)) throw outsideRepo(path, gitRoot);
  return { entry, gitignore };
}

function outsideRepo(path: string, gitRoot: string): MomoError {
  return dvcError('GITIGNORE_OUTSIDE_REPO', `'${path}' is outside of git repository '${gitRoot}'`, {
    hint: 'only paths inside the git work tree can be git-ignored; move the output inside the repository',
    exitCode: EXIT.UNEXPECTED,
    data: { path, gitRoot },
  });
}

/** Python's `os.path.realpath`: resolves what exists, keeps the missing tail as written. */
function realOrSelf(p: string): string {
  const tail: string[] = [];
  let cur = p;
  for (;;) {
    try {
      const real = realpathSync(cur);
      return tail.length ? join(real, ...tail.reverse()) : real;
    } catch {
      // a missing component: resolve its parent and keep the name
      const parent = dirname(cur);
      if (parent === cur) return p;
      tail.push(basename(cur));
      cur = parent;
    }
  }
}

/** Replaces `file` atomically (temp file in the same directory + rename), keeping its mode. */
function writeAtomic(file: string, data: Buffer | string): void {
  let target = file;
  let mode: number | undefined;
  const st = lstatSync(file, { throwIfNoEntry: false });
  if (st?.isSymbolicLink()) target = realpathSync(file);
  if (st) mode = lstatSync(target).mode & 0o7777;
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    writeFileSync(tmp, data);
    if (mode !== undefined) chmodSync(tmp, mode);
    renameSync(tmp, target);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temp file was never created or is already gone
    }
    throw e;
  }
}

/**
 * Git-ignores `absPath` the way DVC does (scmrepo `Git.ignore`, dvc-compat §1.5 and errata A6):
 * unless git already ignores the path (by its rules alone), append `/<escaped basename>` to the
 * `.gitignore` of its parent directory, first adding a newline when the file does not end with
 * one. There is no duplicate check. The file is rewritten atomically.
 *
 * @param gitRoot top of the git work tree
 * @param absPath the output to ignore
 * @returns the absolute path of the `.gitignore` that changed, or undefined when nothing changed
 * @throws GITIGNORE_OUTSIDE_REPO
 */
export function ignorePath(gitRoot: string, absPath: string, options: GitOptions = {}): string | undefined {
  const path = resolve(absPath);
  const { entry, gitignore } = gitignoreEntryFor(gitRoot, path);
  if (isGitIgnored(gitRoot, [path], options)[0]) return undefined;
  let existing: Buffer = Buffer.alloc(0);
  try {
    existing = readFileSync(gitignore);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const last = existing.length ? existing[existing.length - 1] : undefined;
  // Python reads the last character in universal-newline mode, where a lone \r is a newline too
  const prefix = last === undefined || last === 0x0a || last === 0x0d ? '' : '\n';
  writeAtomic(gitignore, Buffer.concat([existing, Buffer.from(`${prefix}${escapeGitWildMatch(entry)}\n`, 'utf8')]));
  return gitignore;
}

/** What {@link unignorePath} did. */
export interface UnignoreResult {
  /** absolute path of the `.gitignore` that was rewritten or deleted */
  gitignore: string;
  /** true when no line was left and the file was deleted */
  deleted: boolean;
}

/** Python `readlines()` in text mode: universal newlines become `\n`, ends are kept. */
function pyReadlines(text: string): string[] {
  const lines: string[] = [];
  const re = /\r\n|\r|\n/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    lines.push(`${text.slice(start, m.index)}\n`);
    start = m.index + m[0].length;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/**
 * Removes the git-ignore entry of `absPath` (scmrepo `Git.ignore_remove`): every line of the
 * parent's `.gitignore` whose stripped text equals the *unescaped* `/<basename>` goes (so
 * entries DVC escaped are in practice left in place); the file is rewritten with `\n` line
 * ends, or deleted when no line is left.
 *
 * @returns what happened, or undefined when there is no `.gitignore` there. DVC asks the user to
 *   `git add` only a rewritten file, not a deleted one.
 * @throws GITIGNORE_OUTSIDE_REPO
 */
export function unignorePath(gitRoot: string, absPath: string): UnignoreResult | undefined {
  const { entry, gitignore } = gitignoreEntryFor(gitRoot, resolve(absPath));
  let text: string;
  try {
    text = readFileSync(gitignore, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const want = pyStrip(entry);
  const kept = pyReadlines(text).filter((line) => pyStrip(line) !== want);
  if (kept.length === 0) {
    unlinkSync(gitignore);
    return { gitignore, deleted: true };
  }
  writeAtomic(gitignore, kept.join(''));
  return { gitignore, deleted: false };
}
