import type { Tree } from '@nx/devkit';
import { DVC_GITIGNORE_ENTRIES, NO_SCM_CONFIG } from '@momo/dvc';
import { deploymentConfig, remoteUrlForConfig, setRemoteInConfig } from '../../lib/dvc-config.js';

/**
 * Text `dvc init` writes into a new `.dvcignore` (DVC `dvc/ignore.py`; `@momo/dvc`'s init writes the
 * same bytes, which init.spec.ts checks against a real `momo init`).
 */
export const DVCIGNORE_INIT_TEXT = '# Add patterns of files dvc should ignore, which could improve\n# the performance. Learn more at\n# https://dvc.org/doc/user-guide/dvcignore\n';

/**
 * The files `momo init` (= `dvc init`) creates, written to the Tree: `.dvc/config` (empty, or
 * `no_scm = True`), `.dvc/.gitignore` (with SCM), `.dvcignore` and `.dvc/tmp/btime`. Nothing is
 * written when `.dvc/config` exists (the workspace is a DVC repo already).
 * @returns true when the repo was created
 */
export function initDvcRepo(tree: Tree, options: { scm: boolean }): boolean {
  if (tree.exists('.dvc/config')) return false;
  tree.write('.dvc/config', options.scm ? '' : NO_SCM_CONFIG);
  if (options.scm) tree.write('.dvc/.gitignore', DVC_GITIGNORE_ENTRIES.map((e) => `${e}\n`).join(''));
  if (!tree.exists('.dvcignore')) tree.write('.dvcignore', DVCIGNORE_INIT_TEXT);
  tree.write('.dvc/tmp/btime', '');
  return true;
}

/**
 * Adds (or re-points) a remote in `.dvc/config`, as `momo remote add [-d] <name> <url>` run at the
 * workspace root would. A relative local URL is relative to the workspace root.
 * @returns true when the config changed
 */
export function configureRemote(tree: Tree, options: { name: string; url: string; makeDefault: boolean; local?: boolean }): boolean {
  const file = options.local ? '.dvc/config.local' : '.dvc/config';
  const text = tree.exists(file) ? (tree.read(file, 'utf-8') ?? '') : '';
  const next = setRemoteInConfig({ text, file, name: options.name, url: remoteUrlForConfig(options.url), makeDefault: options.makeDefault });
  if (next === text && tree.exists(file)) return false;
  tree.write(file, next);
  return true;
}

/** `deployment/.dvc/config` for local-only mode, unless it exists. @returns true when written */
export function writeDeploymentConfig(tree: Tree): boolean {
  if (tree.exists('deployment/.dvc/config')) return false;
  tree.write('deployment/.dvc/config', deploymentConfig());
  return true;
}
