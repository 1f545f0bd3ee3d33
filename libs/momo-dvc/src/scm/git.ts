import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync } from 'node:fs';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { dvcError, EXIT } from '../errors/dvc-error.js';

/** What running git returned. */
export interface GitRun {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Options shared by the git helpers. */
export interface GitOptions {
  /** environment for the git process (default: inherited) */
  env?: NodeJS.ProcessEnv;
}

/** Most paths handed to git on one command line (keeps argv far below the OS limit). */
const ARGV_CHUNK = 500;

/**
 * Runs `git <args>` in `cwd` synchronously. Never throws for a non-zero exit (the caller
 * decides); throws GIT_COMMAND_FAILED when git cannot be started at all.
 */
export function runGit(cwd: string, args: string[], input?: string | Buffer, options: GitOptions = {}): GitRun {
  const r = spawnSync('git', args, {
    cwd,
    input,
    env: options.env,
    maxBuffer: 1 << 30,
  });
  if (r.error) {
    throw dvcError('GIT_COMMAND_FAILED', `cannot run git: ${r.error.message}`, {
      hint: 'install git and make sure it is on PATH, or set `core.no_scm` for a repository without git',
      exitCode: EXIT.UNEXPECTED,
      data: { args },
    });
  }
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

function gitFailed(args: string[], run: GitRun, cwd: string) {
  const text = run.stderr.trim() || `exit code ${run.code}`;
  return dvcError('GIT_COMMAND_FAILED', `git ${args[0] === '--literal-pathspecs' ? args[1] : args[0]} failed: ${text}`, {
    hint: `run the git command yourself in '${cwd}' to see the full error`,
    exitCode: EXIT.UNEXPECTED,
    data: { args: args.slice(0, 8), code: run.code },
  });
}

/**
 * The top of the git work tree containing `dir`: the nearest directory, walking up, that holds
 * a `.git` directory or `.git` file (worktrees, submodules), as dulwich's discovery does for DVC.
 * No git process is started. Returns undefined outside any work tree.
 */
export function findGitRoot(dir: string): string | undefined {
  let d = resolve(dir);
  for (;;) {
    if (lstatSync(join(d, '.git'), { throwIfNoEntry: false })) return d;
    const parent = dirname(d);
    if (parent === d) return undefined;
    d = parent;
  }
}

/** A path as git should receive it on stdin/argv: relative to `cwd`, never pathspec magic. */
function toGitPath(cwd: string, p: string): string {
  let rel = isAbsolute(p) ? relative(cwd, p) + (p.endsWith('/') && p.length > 1 ? '/' : '') : p;
  if (sep !== '/') rel = rel.split(sep).join('/');
  if (rel === '') return '.';
  // a leading ':' would be read as pathspec magic
  return rel.startsWith(':') ? `./${rel}` : rel;
}

function checkIgnoreBatch(cwd: string, paths: string[], options: GitOptions): Set<string> | undefined {
  const run = runGit(cwd, ['check-ignore', '--no-index', '--stdin', '-z'], paths.join('\0') + '\0', options);
  if (run.code !== 0 && run.code !== 1) return undefined;
  const out = new Set<string>();
  for (const p of run.stdout.toString('utf8').split('\0')) if (p) out.add(p);
  return out;
}

/**
 * Which paths git ignores, by pattern only (`git check-ignore --no-index`, one process for all
 * paths): tracked files still count as ignored when a rule matches, as with the dulwich check
 * DVC uses. A path with a trailing `/` is checked as a directory. Paths are relative to `cwd`
 * (any directory of the work tree) or absolute. A path git refuses (outside the work tree,
 * inside a submodule, beyond a symlink) is reported as not ignored.
 */
export function isGitIgnored(cwd: string, paths: readonly string[], options: GitOptions = {}): boolean[] {
  if (paths.length === 0) return [];
  const sent = paths.map((p) => toGitPath(cwd, p));
  if (sent.some((p) => p.includes('\0'))) throw new TypeError('paths must not contain NUL');
  let ignored = checkIgnoreBatch(cwd, sent, options);
  if (!ignored) {
    // one bad path makes git abort the batch: ask path by path
    ignored = new Set();
    for (const p of new Set(sent)) if (checkIgnoreBatch(cwd, [p], options)?.has(p)) ignored.add(p);
  }
  return sent.map((p) => ignored.has(p));
}

/**
 * Which paths git tracks: a file in the index, or a directory with a file of the index below
 * it (scmrepo's `is_tracked`). Paths are relative to `cwd` or absolute; `git ls-files` runs once
 * per 500 paths with literal pathspecs.
 */
export function isTrackedByGit(cwd: string, paths: readonly string[], options: GitOptions = {}): boolean[] {
  if (paths.length === 0) return [];
  const norm = paths.map((p) => {
    const g = posix.normalize(toGitPath(cwd, p));
    return g === '.' || g === './' ? '' : g.replace(/^\.\//, '').replace(/\/+$/, '');
  });
  const listed = new Set<string>();
  const dirs = new Set<string>();
  let any = false;
  const unique = [...new Set(norm)];
  for (let i = 0; i < unique.length; i += ARGV_CHUNK) {
    const chunk = unique.slice(i, i + ARGV_CHUNK).map((p) => (p === '' ? '.' : p));
    const args = ['--literal-pathspecs', 'ls-files', '-z', '--', ...chunk];
    const run = runGit(cwd, args, undefined, options);
    if (run.code !== 0) throw gitFailed(args, run, cwd);
    for (const f of run.stdout.toString('utf8').split('\0')) {
      if (!f) continue;
      any = true;
      listed.add(f);
      for (let j = f.lastIndexOf('/'); j > 0; j = f.lastIndexOf('/', j - 1)) {
        const d = f.slice(0, j);
        if (dirs.has(d)) break;
        dirs.add(d);
      }
    }
  }
  return norm.map((p) => (p === '' ? any : listed.has(p) || dirs.has(p)));
}

/** Paths of the submodules of the work tree at `gitRoot` (from `.gitmodules`), relative to it. */
export function listSubmodules(gitRoot: string, options: GitOptions = {}): string[] {
  if (!existsSync(join(gitRoot, '.gitmodules'))) return [];
  const run = runGit(gitRoot, ['config', '-z', '-f', '.gitmodules', '--get-regexp', '^submodule\\..*\\.path$'], undefined, options);
  if (run.code !== 0) return [];
  const out: string[] = [];
  for (const rec of run.stdout.toString('utf8').split('\0')) {
    const nl = rec.indexOf('\n');
    if (nl > 0) out.push(rec.slice(nl + 1));
  }
  return out;
}

/**
 * `git add` for `files` (absolute, or relative to `cwd`), skipping those inside submodules as
 * DVC's `add_no_submodules` does. Returns the paths it skipped.
 * @throws GIT_COMMAND_FAILED when git refuses (for example an ignored path)
 */
export function gitAdd(cwd: string, files: readonly string[], options: GitOptions = {}): { skipped: string[] } {
  const gitRoot = findGitRoot(cwd);
  const subs = gitRoot ? listSubmodules(gitRoot, options).map((s) => join(gitRoot, s)) : [];
  const keep: string[] = [];
  const skipped: string[] = [];
  for (const f of files) {
    const abs = resolve(cwd, f);
    if (subs.some((s) => abs === s || abs.startsWith(s + sep))) skipped.push(f);
    else keep.push(toGitPath(cwd, abs));
  }
  for (let i = 0; i < keep.length; i += ARGV_CHUNK) {
    const args = ['--literal-pathspecs', 'add', '--', ...keep.slice(i, i + ARGV_CHUNK)];
    const run = runGit(cwd, args, undefined, options);
    if (run.code !== 0) throw gitFailed(args, run, cwd);
  }
  return { skipped };
}
