import { resolve } from 'node:path';
import { dvcError, EXIT } from '../errors/dvc-error.js';
import { findGitRoot, gitAdd, isGitIgnored, isTrackedByGit, type GitOptions } from './git.js';
import { ignorePath, unignorePath } from './gitignore.js';

/**
 * What the engine asks of the SCM, with paths relative to the DVC root unless said otherwise.
 * A repository with `core.no_scm` gets {@link NoScm}, whose methods change nothing.
 */
export interface Scm {
  /** false for `core.no_scm` repositories */
  readonly enabled: boolean;
  /** top of the git work tree (undefined without SCM) */
  readonly gitRoot: string | undefined;
  /** Git-ignores `abs` (§1.5); returns the changed `.gitignore` (absolute) or undefined. */
  ignore(abs: string): string | undefined;
  /**
   * Removes the entry of `abs`; returns the rewritten `.gitignore`, or undefined when there was
   * none or it was deleted (DVC then does not ask to `git add` it).
   */
  unignore(abs: string): string | undefined;
  /** Per path: does git track it (a file, or files below a directory)? */
  tracked(rels: readonly string[]): boolean[];
  /** Per path: do git's rules ignore it (trailing `/` = as a directory)? */
  ignored(rels: readonly string[]): boolean[];
  /** `git add` (for `core.autostage` and `dvc init`); paths absolute or relative to the DVC root. */
  add(paths: readonly string[]): void;
}

/** The SCM of a `core.no_scm` repository: nothing is tracked or ignored, nothing is written. */
export class NoScm implements Scm {
  readonly enabled = false;
  readonly gitRoot = undefined;
  ignore(): undefined {
    return undefined;
  }
  unignore(): undefined {
    return undefined;
  }
  tracked(rels: readonly string[]): boolean[] {
    return rels.map(() => false);
  }
  ignored(rels: readonly string[]): boolean[] {
    return rels.map(() => false);
  }
  add(): void {}
}

/** Git through the `git` binary, batched (one process per call, not per path). */
export class GitScm implements Scm {
  readonly enabled = true;
  constructor(
    /** the DVC root (relative paths are resolved against it) */
    readonly root: string,
    readonly gitRoot: string,
    private readonly options: GitOptions = {},
  ) {}
  ignore(abs: string): string | undefined {
    return ignorePath(this.gitRoot, resolve(this.root, abs), this.options);
  }
  unignore(abs: string): string | undefined {
    const r = unignorePath(this.gitRoot, resolve(this.root, abs));
    return r && !r.deleted ? r.gitignore : undefined;
  }
  tracked(rels: readonly string[]): boolean[] {
    return isTrackedByGit(this.root, rels, this.options);
  }
  ignored(rels: readonly string[]): boolean[] {
    return isGitIgnored(this.root, rels, this.options);
  }
  add(paths: readonly string[]): void {
    if (paths.length) gitAdd(this.root, paths, this.options);
  }
}

/** Options of {@link openScm}. */
export interface OpenScmOptions extends GitOptions {
  /** the DVC root */
  root: string;
  /** `core.no_scm` */
  noScm?: boolean;
}

/**
 * The SCM of the DVC repository at `root`: {@link NoScm} with `core.no_scm`, else git found by
 * walking up from `root` (dvc/scm.py `SCM`).
 * @throws GIT_REPO_NOT_FOUND (exit 255) when no git work tree contains `root` and `no_scm` is off
 */
export function openScm(options: OpenScmOptions): Scm {
  const root = resolve(options.root);
  if (options.noScm) return new NoScm();
  const gitRoot = findGitRoot(root);
  if (!gitRoot) {
    throw dvcError('GIT_REPO_NOT_FOUND', `${root} is not a git repository`, {
      hint: 'run `git init` there, or `momo config core.no_scm true` to use DVC without git',
      exitCode: EXIT.UNEXPECTED,
      data: { root },
    });
  }
  return new GitScm(root, gitRoot, { env: options.env });
}
