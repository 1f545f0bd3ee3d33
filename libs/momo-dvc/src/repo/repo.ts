import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { DVC_DIR, TMP_DIR, CACHE_DIR, LOCK_FILE_NAME } from '../constants.js';
import { resolveRepoRoot } from './find-root.js';
import { Odb } from '../cache/odb.js';
import { HashState } from '../managers/hash-state.js';
import { LinksRecord } from '../managers/links-record.js';
import { DirMemo } from '../managers/dir-memo.js';
import { acquireRepoLock, type RepoLock } from '../managers/repo-lock.js';
import type { RepoSettings } from './settings.js';
import type { WorkspaceWalker } from './workspace-walker.js';
import type { Scm } from '../scm/scm.js';
import { DvcIgnore } from '../ignore/dvcignore.js';
import { createWorkspaceWalker, createScm, resolveRepoSettings } from './adapters.js';

/**
 * What every operation needs from its caller: where it runs and the process environment.
 * Library code never reads process.cwd() or process.env itself (STYLE §5).
 */
export interface RepoContext {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** home directory for `~` and the global config (default: env.HOME) */
  homeDir?: string;
}

/** Common options of every repo operation. */
export interface RepoOptions {
  /** where the command runs (default process.cwd() at the CLI) */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** retry the repo lock forever (`--wait-for-lock`) */
  waitForLock?: boolean;
}

/** An opened repository: root, settings, cache, memo and ignore rules. */
export class Repo {
  readonly root: string;
  readonly dvcDir: string;
  readonly tmpDir: string;
  readonly settings: RepoSettings;
  readonly odb: Odb;
  readonly state: HashState;
  /** outputs momo materialised (for checkout's removal of untracked leftovers) */
  readonly links: LinksRecord;
  /** directory-level hash memo */
  readonly dirMemo: DirMemo;
  readonly walker: WorkspaceWalker;
  readonly scm: Scm;
  /** the repo's `.dvcignore` rules */
  readonly ignore: DvcIgnore;
  readonly ctx: RepoContext;
  private lock?: RepoLock;

  private constructor(root: string, ctx: RepoContext) {
    this.root = root;
    this.ctx = ctx;
    this.dvcDir = join(root, DVC_DIR);
    this.tmpDir = join(this.dvcDir, TMP_DIR);
    this.settings = resolveRepoSettings(root, ctx);
    this.odb = new Odb({
      cacheDir: this.settings.cacheDir ?? join(this.dvcDir, CACHE_DIR),
      types: this.settings.cacheTypes,
      shared: this.settings.cacheShared,
    });
    this.state = new HashState(join(this.tmpDir, 'momo', 'state'));
    this.links = new LinksRecord(join(this.tmpDir, 'momo', 'links.json'));
    this.dirMemo = new DirMemo(join(this.tmpDir, 'momo', 'dirs.json'));
    this.ignore = new DvcIgnore(root);
    // DVC reads the root .dvcignore when it opens the repo: a malformed one fails every command
    this.ignore.patternsFor('');
    this.walker = createWorkspaceWalker(this.ignore);
    this.scm = createScm(root, this.settings, ctx.env);
  }

  /** Opens the repo containing `cwd` (walking up like DVC). @throws NOT_A_DVC_REPO (253) */
  static open(ctx: RepoContext): Repo {
    return new Repo(resolveRepoRoot(ctx.cwd), ctx);
  }

  /** Opens `root` itself (it must contain `.dvc/`). */
  static at(root: string, ctx: RepoContext): Repo {
    return new Repo(root, ctx);
  }

  /** Takes `.dvc/tmp/lock` (shared for read-only commands). */
  async lockRepo(opts: { shared?: boolean; wait?: boolean } = {}): Promise<void> {
    mkdirSync(this.tmpDir, { recursive: true });
    this.lock = await acquireRepoLock({ file: join(this.tmpDir, LOCK_FILE_NAME), shared: opts.shared, wait: opts.wait });
  }

  /** Saves the memo and releases the lock. */
  async close(): Promise<void> {
    try {
      this.state.save();
      this.links.save();
      this.dirMemo.save();
    } finally {
      await this.lock?.release();
      this.lock = undefined;
    }
  }

  /** Runs `fn` with the repo locked, always closing it. */
  static async withRepo<T>(opts: RepoOptions, mode: 'read' | 'write', fn: (repo: Repo) => Promise<T>): Promise<T> {
    const repo = Repo.open({ cwd: opts.cwd, env: opts.env });
    await repo.lockRepo({ shared: mode === 'read', wait: opts.waitForLock });
    try {
      return await fn(repo);
    } finally {
      await repo.close();
    }
  }
}
