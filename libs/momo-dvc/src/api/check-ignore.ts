import { dvcError, EXIT } from '../errors/dvc-error.js';
import { DvcIgnore, formatPatternInfo, type PatternInfo } from '../ignore/dvcignore.js';
import { resolveRepoRoot } from '../repo/find-root.js';

/** Flags of `dvc check-ignore` (dvc/commands/check_ignore.py). */
export interface CheckIgnoreFlags {
  /** `-d`: print the deciding pattern with each target */
  details?: boolean;
  /** `-a`: every matching pattern (DVC reports at most one anyway) */
  all?: boolean;
  /** `-n`: with `-d`, also print targets that match nothing, as `::` */
  nonMatching?: boolean;
  /** `--stdin`: targets come from standard input (validation only; the caller feeds them) */
  stdin?: boolean;
  /** `-q` (not allowed with `-d`) */
  quiet?: boolean;
}

/** Options of {@link checkIgnore}. */
export interface CheckIgnoreOptions extends CheckIgnoreFlags {
  /** where the command runs; targets are relative to it */
  cwd: string;
  /** paths to check (not with `stdin`) */
  targets?: string[];
}

/** The answer for one target. */
export interface CheckIgnoreTargetResult {
  /** the target as given */
  file: string;
  /** true when the target is dvc-ignored */
  match: boolean;
  /** the deciding pattern (a negation when one matched last), at most one */
  patterns: PatternInfo[];
  /** the lines `dvc check-ignore` prints for it (without newline) */
  lines: string[];
  /** true when this target makes the command succeed (exit 0) */
  counts: boolean;
}

/** The answer of {@link checkIgnore}. */
export interface CheckIgnoreResult {
  results: CheckIgnoreTargetResult[];
  /** DVC's exit code: 0 when some target counted, else 1 */
  exitCode: 0 | 1;
}

function usage(message: string) {
  // DVC raises a plain DvcException here, which ends the command with 255
  return dvcError('USAGE_INVALID', message, { exitCode: EXIT.UNEXPECTED, hint: 'see `momo check-ignore --help`' });
}

/**
 * Validates the flag combination exactly as DVC does, with its messages.
 * @throws USAGE_INVALID (exit 255)
 */
export function validateCheckIgnoreFlags(flags: CheckIgnoreFlags & { targets?: string[] }): void {
  const hasTargets = Boolean(flags.targets && flags.targets.length);
  if (!flags.stdin && !hasTargets) throw usage('`targets` or `--stdin` needed');
  if (flags.stdin && hasTargets) throw usage('cannot have both `targets` and `--stdin`');
  if (flags.nonMatching && !flags.details) throw usage('`--non-matching` is only valid with `--details`');
  if (flags.all && !flags.details) throw usage('`--all` is only valid with `--details`');
  if (flags.quiet && flags.details) throw usage('cannot use both `--details` and `--quiet`');
}

/** A reusable checker (one set of loaded rules) for `--stdin` mode, one target at a time. */
export interface IgnoreChecker {
  /** absolute DVC root */
  root: string;
  check(target: string): CheckIgnoreTargetResult;
}

/**
 * Opens the repository containing `cwd` and returns a checker that answers targets one by one
 * the way `dvc check-ignore` does.
 * @throws NOT_A_DVC_REPO (253), USAGE_INVALID (255)
 */
export function createIgnoreChecker(options: Omit<CheckIgnoreOptions, 'targets'> & { targets?: string[] }): IgnoreChecker {
  validateCheckIgnoreFlags(options);
  const root = resolveRepoRoot(options.cwd);
  const ignore = new DvcIgnore(root);
  return {
    root,
    check(target: string): CheckIgnoreTargetResult {
      const r = ignore.checkIgnore(target, options.cwd);
      const lines: string[] = [];
      if (options.details) {
        let shown = r.patterns.map(formatPatternInfo);
        if (!shown.length && options.nonMatching) shown = ['::'];
        if (!options.all) shown = shown.slice(-1);
        for (const p of shown) lines.push(`${p}\t${r.file}`);
      } else if (r.match) {
        lines.push(r.file);
      }
      const counts = (r.match || Boolean(options.details)) && r.patterns.length > 0;
      return { file: r.file, match: r.match, patterns: r.patterns, lines, counts };
    },
  };
}

/**
 * `dvc check-ignore targets...`: which targets `.dvcignore` rules (and DVC's built-in patterns
 * and subrepos) exclude, with DVC's output lines and exit code.
 *
 * @example
 * const r = checkIgnore({ cwd: '/repo', targets: ['data/x.tmp'], details: true });
 * // r.results[0].lines → ['.dvcignore:1:*.tmp\tdata/x.tmp'], r.exitCode → 0
 * @throws NOT_A_DVC_REPO (253), USAGE_INVALID (255), DVCIGNORE_INVALID (255)
 */
export function checkIgnore(options: CheckIgnoreOptions): CheckIgnoreResult {
  const checker = createIgnoreChecker(options);
  const results = (options.targets ?? []).map((t) => checker.check(t));
  return { results, exitCode: results.some((r) => r.counts) ? 0 : 1 };
}
