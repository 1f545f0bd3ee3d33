import { readdirSync, statSync, type Dirent } from 'node:fs';
import { join, resolve } from 'node:path';
import { DVC_FILE_SUFFIX, DVCIGNORE_FILE, PROJECT_FILE } from '../constants.js';
import { DvcIgnore } from '../ignore/dvcignore.js';
import type { Scm } from '../scm/scm.js';

/** Options of {@link collectDvcFiles}. */
export interface CollectDvcFilesOptions {
  /** absolute DVC root */
  root: string;
  /** the repo's `.dvcignore` rules (default: loaded from `root`) */
  ignore?: DvcIgnore;
  /**
   * git, to skip git-ignored DVC files and directories; omit (or pass a NoScm) to skip no
   * path for git's sake, as DVC does without SCM
   */
  scm?: Pick<Scm, 'ignored'>;
  /**
   * Called with each DVC file found (repo-relative), level by level from the root, before any
   * directory below that level is entered: parse it here to learn its outputs.
   */
  onDvcFile?: (rel: string) => void;
  /**
   * Return true to not descend into a repo-relative directory because it is an output of a
   * DVC file already reported through `onDvcFile` (DVC prunes local output directories).
   */
  isOutputDir?: (relDir: string) => boolean;
}

/** The answer of {@link collectDvcFiles}. */
export interface CollectDvcFilesResult {
  /**
   * Every `*.dvc` and `dvc.yaml` (repo-relative, `/`-separated) in walk order with sorted
   * listings: a directory's own files first, then each subdirectory in turn.
   */
  files: string[];
}

function isDvcFileName(name: string): boolean {
  return name.endsWith(DVC_FILE_SUFFIX) || name === PROJECT_FILE;
}

function joinRel(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

interface DirNode {
  rel: string;
  files: string[];
  children: DirNode[];
}

/**
 * Finds the repository's DVC files the way DVC's `collect_files` does (dvc/repo/index.py,
 * dvc-compat §1.7): walk from the root with `.dvcignore` applied and subrepos excluded, take files
 * whose name ends in `.dvc` or is exactly `dvc.yaml` unless git ignores them, and do not enter
 * git-ignored directories (checked with a trailing `/`), output directories, or symlinked
 * directories.
 *
 * The walk goes level by level so that git is asked once per depth for all the candidates of
 * that depth (one `git check-ignore` process, not one per directory).
 *
 * @throws DVCIGNORE_INVALID for a malformed `.dvcignore`
 */
export function collectDvcFiles(options: CollectDvcFilesOptions): CollectDvcFilesResult {
  const root = resolve(options.root);
  const ignore = options.ignore ?? new DvcIgnore(root);
  const scm = options.scm;
  const top: DirNode = { rel: '', files: [], children: [] };
  let level: DirNode[] = [top];

  while (level.length) {
    // 1. list every directory of this level and apply .dvcignore
    const candidateFiles: Array<[DirNode, string]> = [];
    const candidateDirs: Array<[DirNode, string]> = [];
    for (const node of level) {
      const abs = node.rel === '' ? root : join(root, node.rel);
      let entries: Dirent[];
      try {
        entries = readdirSync(abs, { withFileTypes: true });
      } catch {
        // os.walk skips directories it cannot list
        continue;
      }
      const fileNames: string[] = [];
      const dirNames: string[] = [];
      const realDirs = new Set<string>();
      for (const e of entries) {
        if (e.isDirectory()) {
          dirNames.push(e.name);
          realDirs.add(e.name);
        } else if (e.isSymbolicLink() && statSync(join(abs, e.name), { throwIfNoEntry: false })?.isDirectory()) {
          dirNames.push(e.name);
        } else fileNames.push(e.name);
      }
      dirNames.sort();
      fileNames.sort();
      const rules = ignore.patternsFor(node.rel, { ignoreSubrepos: true }, { dirs: dirNames, hasDvcignore: fileNames.includes(DVCIGNORE_FILE) });
      if (node.rel !== '' && rules.isDirChainIgnored(node.rel)) continue;
      for (const name of fileNames) {
        if (!isDvcFileName(name)) continue;
        const rel = joinRel(node.rel, name);
        if (!rules.decides(rel, false)) candidateFiles.push([node, rel]);
      }
      for (const name of dirNames) {
        if (!realDirs.has(name)) continue;
        const rel = joinRel(node.rel, name);
        if (!rules.decides(rel, true)) candidateDirs.push([node, rel]);
      }
    }
    // 2. one git call for all candidates of this level
    const asked = [...candidateFiles.map(([, rel]) => rel), ...candidateDirs.map(([, rel]) => `${rel}/`)];
    const gitIgnored = scm && asked.length ? scm.ignored(asked) : asked.map(() => false);
    candidateFiles.forEach(([node, rel], i) => {
      if (gitIgnored[i]) return;
      node.files.push(rel);
      options.onDvcFile?.(rel);
    });
    // 3. the next level: directories neither git-ignored nor outputs
    const next: DirNode[] = [];
    candidateDirs.forEach(([node, rel], i) => {
      if (gitIgnored[candidateFiles.length + i]) return;
      if (options.isOutputDir?.(rel)) return;
      const child: DirNode = { rel, files: [], children: [] };
      node.children.push(child);
      next.push(child);
    });
    level = next;
  }

  const files: string[] = [];
  const emit = (node: DirNode): void => {
    files.push(...node.files);
    for (const c of node.children) emit(c);
  };
  emit(top);
  return { files };
}
