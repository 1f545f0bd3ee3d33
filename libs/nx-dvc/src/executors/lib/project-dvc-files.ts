import { relative, resolve, sep } from 'node:path';
import { collectDvcFiles, DvcIgnore, loadConfig, openScm, resolveRepoRoot } from '@momo/dvc';

/** The DVC files one Nx project owns. */
export interface ProjectDvcFiles {
  /** absolute DVC root (the directory holding `.dvc/`) */
  repoRoot: string;
  /** `dvc.yaml` and `*.dvc` files, relative to the project directory, in DVC's walk order */
  targets: string[];
}

function isInside(child: string, parent: string): boolean {
  return parent === '' || child === parent || child.startsWith(`${parent}/`);
}

/**
 * The DVC files below `projectDir`, minus those inside other (nested) Nx projects, so that
 * `nx run-many -t dvc-push` transfers every file exactly once. Collected the way DVC collects them
 * (`collectDvcFiles`: `.dvcignore` and git-ignored paths skipped).
 *
 * @param projectDir absolute directory of the project
 * @param otherProjectDirs absolute directories of every other Nx project
 * @throws MomoError `NOT_A_DVC_REPO` when no `.dvc` directory is found above `projectDir`
 */
export function projectDvcFiles(options: { projectDir: string; otherProjectDirs: readonly string[]; env?: NodeJS.ProcessEnv }): ProjectDvcFiles {
  const repoRoot = resolveRepoRoot(options.projectDir);
  const rel = (abs: string) => relative(repoRoot, abs).split(sep).join('/');
  const own = rel(resolve(options.projectDir));
  const nested = options.otherProjectDirs.map((d) => rel(resolve(d))).filter((d) => d !== own && !d.startsWith('..') && isInside(d, own));
  const config = loadConfig({ root: repoRoot, env: options.env });
  const scm = openScm({ root: repoRoot, noScm: config.core.noScm, env: options.env });
  const { files } = collectDvcFiles({ root: repoRoot, ignore: new DvcIgnore(repoRoot), scm });
  const targets = files
    .filter((f) => isInside(f, own) && !nested.some((n) => isInside(f, n)))
    .map((f) => (own === '' ? f : f.slice(own.length + 1)));
  return { repoRoot, targets };
}
