import * as fs from 'node:fs';
import { join, resolve, relative } from 'node:path';
import { findGitRoot, isGitIgnored, gitAdd } from '../scm/git.js';
import { withOperation } from '@momo/errors';
import { DVC_DIR, CONFIG_FILE, DVCIGNORE_FILE, DVCIGNORE_INIT_TEXT, TMP_DIR } from '../constants.js';
import { dvcError, EXIT } from '../errors/dvc-error.js';

export interface InitOptions {
  /** where the command runs */
  cwd: string;
  /** directory to initialise (default: cwd) */
  directory?: string;
  /** a repo without git (`core.no_scm = True`) */
  noScm?: boolean;
  /** allow initialising inside a subdirectory of a git work tree */
  subdir?: boolean;
  /** delete an existing `.dvc/` (including its cache) first */
  force?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface InitResult {
  root: string;
  /** files staged in git (absolute) */
  staged: string[];
  noScm: boolean;
}

/** Content of `.dvc/config` for `--no-scm` (configobj writes Python's `True`). */
export const NO_SCM_CONFIG = '[core]\n    no_scm = True\n';
/** `.dvc/.gitignore` written by init, in this order (dvc/repo/__init__.py). */
export const DVC_GITIGNORE_ENTRIES = ['/config.local', '/tmp', '/cache'];

/**
 * Creates a DVC repository exactly as `dvc init` 3.67.1 does (dvc/repo/init.py, spec §1.2–1.4):
 * an empty `.dvc/config` (or `no_scm = True`), `.dvcignore`, `.dvc/.gitignore`, `.dvc/tmp/btime`,
 * and stages the three files in git.
 * @throws REPO_INIT_INVALID, REPO_ALREADY_INITIALIZED
 */
export async function init(opts: InitOptions): Promise<InitResult> {
  return withOperation('init', async () => {
    const root = resolve(opts.cwd, opts.directory ?? '.');
    if (opts.noScm && opts.subdir) {
      throw dvcError('USAGE_INVALID', 'Cannot initialize repo with `--no-scm` and `--subdir`', {
        hint: 'use one of the two flags',
        exitCode: EXIT.UNEXPECTED,
      });
    }
    let gitRoot: string | undefined;
    if (!opts.noScm) {
      gitRoot = fs.existsSync(root) ? findGitRoot(root) : undefined;
      const realRoot = fs.existsSync(root) ? fs.realpathSync(root) : root;
      if (!gitRoot || (!opts.subdir && fs.realpathSync(gitRoot) !== realRoot)) {
        throw dvcError(
          'REPO_INIT_INVALID',
          `failed to initiate DVC - ${root} is not tracked by any supported SCM tool (e.g. Git). Use \`--no-scm\` if you don't want to use any SCM or \`--subdir\` if initializing inside a subdirectory of a parent SCM repository.`,
          { hint: 'run `git init` first, or use `momo init --no-scm`' },
        );
      }
    }
    const dvcDir = join(root, DVC_DIR);
    if (fs.existsSync(dvcDir)) {
      if (!opts.force) {
        throw dvcError('REPO_ALREADY_INITIALIZED', `failed to initiate DVC - '${relative(opts.cwd, dvcDir) || DVC_DIR}' exists. Use \`-f\` to force.`, {
          hint: '`momo init -f` deletes the existing .dvc directory, including its cache',
        });
      }
    }
    if (gitRoot && isGitIgnored(root, [DVC_DIR + '/'], { env: opts.env })[0]) {
      throw dvcError('REPO_INIT_INVALID', `failed to initiate DVC - ${dvcDir} is ignored by your SCM tool. \nMake sure that it's tracked, for example, by adding '!.dvc' to .gitignore.`, {
        hint: "add '!.dvc' to .gitignore",
      });
    }
    if (fs.existsSync(dvcDir)) fs.rmSync(dvcDir, { recursive: true, force: true });
    fs.mkdirSync(join(dvcDir, TMP_DIR), { recursive: true });
    fs.writeFileSync(join(dvcDir, CONFIG_FILE), opts.noScm ? NO_SCM_CONFIG : '');
    const dvcignore = join(root, DVCIGNORE_FILE);
    if (!fs.existsSync(dvcignore)) fs.writeFileSync(dvcignore, DVCIGNORE_INIT_TEXT);
    fs.writeFileSync(join(dvcDir, TMP_DIR, 'btime'), '');
    const staged: string[] = [];
    if (gitRoot) {
      const gi = join(dvcDir, '.gitignore');
      // only entries git does not already ignore are written (scmrepo ignore semantics)
      const already = isGitIgnored(root, DVC_GITIGNORE_ENTRIES.map((e) => DVC_DIR + e), { env: opts.env });
      const wanted = DVC_GITIGNORE_ENTRIES.filter((_, i) => !already[i]);
      if (wanted.length) fs.writeFileSync(gi, wanted.map((e) => e + '\n').join(''));
      const files = [join(dvcDir, CONFIG_FILE), dvcignore, ...(wanted.length ? [gi] : [])];
      gitAdd(root, files.map((f) => relative(root, f)), { env: opts.env });
      staged.push(...files);
    }
    return { root, staged, noScm: Boolean(opts.noScm) };
  });
}
