import type { WalkedFile } from '../hashing/hash-output.js';

/** The repo's view of its workspace with `.dvcignore` applied (built on ignore/). */
export interface WorkspaceWalker {
  /** Files under an output directory (sorted, `/`-separated, relative to it), dvc-ignore applied. */
  walk(absDir: string): WalkedFile[];
  /** `.dvcignore:<line>:<pattern>` when the repo-relative path is dvc-ignored, else undefined. */
  ignoredBy(rel: string, isDir: boolean): string | undefined;
  /** Absolute paths of `.dvcignore` files found inside `absDir` (hashing such a dir is an error). */
  dvcignoresInside(absDir: string): string[];
}
