import { mkdtempSync, realpathSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { execFileSync } from 'node:child_process';

/** Nested object → files: strings are file contents, objects are directories. */
export type FileTree = { [name: string]: string | Buffer | FileTree };

export interface TmpRepo {
  /** realpath of the temp directory */
  root: string;
  /** Writes a nested tree of files below root (or below `base`). */
  gen(tree: FileTree, base?: string): void;
  /** Runs git in the repo and returns stdout. */
  git(...args: string[]): string;
  /** Removes the directory. */
  cleanup(): void;
}

/** Environment under which git behaves the same on every machine (fixed identity, no signing). */
export const GIT_ENV: Record<string, string> = {
  GIT_AUTHOR_NAME: 'momo test',
  GIT_AUTHOR_EMAIL: 'test@momo.local',
  GIT_COMMITTER_NAME: 'momo test',
  GIT_COMMITTER_EMAIL: 'test@momo.local',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
};

export function writeTree(base: string, tree: FileTree): void {
  for (const [name, value] of Object.entries(tree)) {
    const p = join(base, name);
    if (typeof value === 'string' || Buffer.isBuffer(value)) {
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, value);
    } else {
      mkdirSync(p, { recursive: true });
      writeTree(p, value);
    }
  }
}

/**
 * A fresh realpath'd temp dir, optionally a git repo with a fixed identity, gpg signing and gc off.
 * Modelled on DVC's dvc/testing/tmp_dir.py.
 */
export function tmpRepo(opts: { git?: boolean; prefix?: string } = {}): TmpRepo {
  const root = realpathSync(mkdtempSync(join(tmpdir(), opts.prefix ?? 'momo-test-')));
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: root, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' });
  if (opts.git) {
    git('init', '-q', '-b', 'main');
    git('config', 'commit.gpgsign', 'false');
    git('config', 'gc.auto', '0');
    git('config', 'core.autocrlf', 'false');
  }
  return {
    root,
    gen: (tree, base) => writeTree(base ? join(root, base) : root, tree),
    git,
    cleanup: () => rmSync(root, { recursive: true, force: true, maxRetries: 3 }),
  };
}
