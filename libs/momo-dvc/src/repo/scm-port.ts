/** What the engine needs from git (or nothing, with `core.no_scm`); built on scm/. */
export interface ScmPort {
  /** false for `--no-scm` repos: every method is then a no-op */
  readonly enabled: boolean;
  /** Adds `/<name>` for `abs` to its parent's .gitignore unless git already ignores it; returns the changed file (abs) */
  ignore(abs: string): string | undefined;
  /** Removes the entry for `abs`; returns the changed (or deleted) .gitignore (abs) */
  unignore(abs: string): string | undefined;
  /** Which of these repo-relative paths git tracks (files or anything under directories). */
  tracked(rels: string[]): boolean[];
  /** Which of these repo-relative paths git ignores. */
  ignored(rels: string[]): boolean[];
  /** `git add` (for core.autostage) */
  add(abs: string[]): void;
}
