/**
 * Reading repository files either from the workspace or from a git revision (for `params diff`
 * and `metrics diff`, which compare `HEAD` with the workspace by default). Paths are relative to
 * the DVC root, POSIX.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Repo } from './repo.js';
import { collectDvcFiles } from './collect-dvc-files.js';
import { PROJECT_FILE } from '../constants.js';
import { dvcError } from '../errors/dvc-error.js';
import { compareCodePoints } from '../models/py-compare.js';

/** Files of one revision. */
export interface RevTree {
  /** `workspace` or the revision as given */
  rev: string;
  read(rel: string): string | undefined;
  isDir(rel: string): boolean;
  /** every file below a directory (repo-relative), sorted */
  filesUnder(rel: string): string[];
  /** every dvc.yaml (repo-relative) */
  pipelineFiles(): string[];
}

/** The workspace as a {@link RevTree}. */
export function workspaceTree(repo: Repo): RevTree {
  return {
    rev: 'workspace',
    read: (rel) => {
      try {
        return readFileSync(join(repo.root, rel), 'utf8');
      } catch {
        // missing or unreadable: absent from this revision
        return undefined;
      }
    },
    isDir: (rel) => statSync(join(repo.root, rel), { throwIfNoEntry: false })?.isDirectory() ?? false,
    filesUnder: (rel) => {
      const out: string[] = [];
      const walk = (d: string) => {
        for (const e of readdirSync(join(repo.root, d), { withFileTypes: true })) {
          const r = `${d}/${e.name}`;
          if (e.isDirectory()) walk(r);
          else out.push(r);
        }
      };
      walk(rel);
      return out.sort(compareCodePoints);
    },
    pipelineFiles: () => collectDvcFiles({ root: repo.root, ignore: repo.ignore, scm: repo.scm }).files.filter((f) => f === PROJECT_FILE || f.endsWith(`/${PROJECT_FILE}`)),
  };
}

/** Does the git repository have at least one commit? */
export function hasCommits(repo: Repo): boolean {
  if (!repo.scm.enabled) return false;
  try {
    execFileSync('git', ['rev-parse', '--verify', '-q', 'HEAD'], { cwd: repo.root, stdio: ['ignore', 'pipe', 'ignore'] });
    return true;
  } catch {
    // no commits yet
    return false;
  }
}

/**
 * A git revision as a {@link RevTree} (paths below the DVC root, which may be a subdirectory of
 * the git work tree).
 * @throws REV_NOT_FOUND
 */
export function gitRevTree(repo: Repo, rev: string): RevTree {
  const git = (args: string[]) => execFileSync('git', args, { cwd: repo.root, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  let files: string[];
  try {
    git(['rev-parse', '--verify', '-q', `${rev}^{commit}`]);
    files = git(['ls-tree', '-r', '--name-only', '-z', rev]).split('\0').filter(Boolean);
  } catch {
    throw dvcError('REV_NOT_FOUND', `unknown Git revision '${rev}'`, { hint: 'use a branch, tag or commit that exists (`git log`)', exitCode: 255 });
  }
  const set = new Set(files);
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.split('/');
    for (let k = 1; k < parts.length; k++) dirs.add(parts.slice(0, k).join('/'));
  }
  return {
    rev,
    read: (rel) => {
      if (!set.has(rel)) return undefined;
      try {
        return git(['show', `${rev}:./${rel}`]);
      } catch {
        // unreadable blob (e.g. a submodule): absent
        return undefined;
      }
    },
    isDir: (rel) => dirs.has(rel),
    filesUnder: (rel) => files.filter((f) => f.startsWith(rel + '/')).sort(compareCodePoints),
    pipelineFiles: () => files.filter((f) => f === PROJECT_FILE || f.endsWith(`/${PROJECT_FILE}`)),
  };
}
