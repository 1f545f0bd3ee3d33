import { join } from 'node:path';
import type { RepoSettings } from './settings.js';
import type { RepoContext } from './repo.js';
import type { WorkspaceWalker } from './workspace-walker.js';
import type { WalkedFile } from '../hashing/hash-output.js';
import { loadConfig } from '../config/load-config.js';
import { DvcIgnore, walkFiles } from '../ignore/dvcignore.js';
import { openScm, type Scm } from '../scm/scm.js';
import { dvcError } from '../errors/dvc-error.js';

/** The engine's view of the merged config (config/load-config.ts does the reading and validation). */
export function resolveRepoSettings(root: string, ctx: RepoContext): RepoSettings {
  const config = loadConfig({ root, env: ctx.env, homeDir: ctx.homeDir, cwd: ctx.cwd });
  return {
    cacheDir: config.cache.dirConfigured ? config.cache.dir : undefined,
    cacheTypes: config.cache.type,
    cacheShared: config.cache.shared === 'group',
    noScm: config.core.noScm,
    autostage: config.core.autostage,
    checksumJobs: config.core.checksumJobs,
    defaultRemote: config.core.remote,
    config,
  };
}

/** Workspace walks with the repo's `.dvcignore` rules (ignore/dvcignore.ts). */
export function createWorkspaceWalker(ignore: DvcIgnore): WorkspaceWalker {
  return {
    walk(absDir: string): WalkedFile[] {
      const r = walkFiles(absDir, ignore, { stat: true, relativeTo: 'dir' });
      const out: WalkedFile[] = [];
      for (let i = 0; i < r.files.length; i++) {
        const st = r.stats?.[i];
        if (!st) {
          // a broken symlink cannot be hashed: DVC fails with the OS error (exit 1 in add)
          throw dvcError('TARGET_NOT_FOUND', `[Errno 2] No such file or directory: '${join(absDir, r.files[i])}'`, {
            hint: 'remove or fix the broken symlink, or list it in .dvcignore',
          });
        }
        if (!st.isDirectory()) out.push({ rel: r.files[i], st });
      }
      return out;
    },
    ignoredBy(rel: string, isDir: boolean): string | undefined {
      const r = ignore.explain(rel, isDir);
      return r.ignored ? (r.location ?? '.dvcignore') : undefined;
    },
    dvcignoresInside(absDir: string): string[] {
      return walkFiles(absDir, ignore, { relativeTo: 'dir' }).dvcignoreDirs.map((d) => join(d, '.dvcignore'));
    },
  };
}

/** git (or nothing with core.no_scm) for the repo at `root` (scm/scm.ts). */
export function createScm(root: string, settings: RepoSettings, env?: NodeJS.ProcessEnv): Scm {
  return openScm({ root, noScm: settings.noScm, env });
}
