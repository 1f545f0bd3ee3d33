import { compileGitWildMatch, pyStrip, PatternSyntaxError } from './pattern-regex.js';

/**
 * One `.dvcignore` pattern and where it came from. `source` is DVC's location string
 * (`<.dvcignore path>:<line>:<pattern as written>`, `in sub_repo:<name>`, or empty for the
 * built-in patterns); see {@link formatPatternInfo}.
 */
export interface PatternInfo {
  /** the pattern text (re-based onto the repo root for nested `.dvcignore` files) */
  pattern: string;
  /** location string, empty for built-ins */
  source: string;
}

/** DVC's rendering of a pattern location (`PatternInfo.__str__` in dvc/pathspec_math.py). */
export function formatPatternInfo(info: PatternInfo): string {
  return info.source || `:${info.pattern}`;
}

/** Thrown when a pattern cannot be compiled; carries the offending pattern. */
export class InvalidPatternError extends Error {
  constructor(
    readonly info: PatternInfo,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'InvalidPatternError';
  }
}

interface Group {
  ignore: boolean;
  dirOnly: boolean;
  regex: RegExp;
  infos: PatternInfo[];
}

/** Result of matching one candidate path. */
export interface PatternMatch {
  ignore: boolean;
  info: PatternInfo;
}

/**
 * An ordered, compiled list of patterns owned by the repo root (DVC's `DvcIgnorePatterns`,
 * dvc/ignore.py). Consecutive ignore patterns of the same kind (dir-only or not) form one
 * group, as DVC merges them into one alternation; negations stay one per group. Matching a
 * candidate scans the groups from the last one, so the last matching group decides, and inside
 * a group the earliest matching pattern is the one reported (errata A11).
 */
export class PatternList {
  /** the patterns that compiled to something (blank/comment/discarded ones are dropped) */
  readonly infos: readonly PatternInfo[];
  private readonly groups: Group[];
  /** memo of directory-prefix decisions (paths of directories only; bounded by the tree walked) */
  private readonly dirMemo = new Map<string, PatternMatch | null>();
  /** true when the list is exactly DVC's four built-in patterns (walkers use name checks) */
  readonly builtinOnly: boolean;

  /** @throws InvalidPatternError */
  constructor(infos: readonly PatternInfo[], builtinOnly = false) {
    const kept: PatternInfo[] = [];
    const compiled: Array<{ source: string; ignore: boolean; dirOnly: boolean; info: PatternInfo }> = [];
    for (const info of infos) {
      let c;
      try {
        c = compileGitWildMatch(info.pattern);
      } catch (e) {
        if (e instanceof PatternSyntaxError) throw new InvalidPatternError(info, e.message);
        throw e;
      }
      if (!c) continue;
      kept.push(info);
      compiled.push({ source: c.source, ignore: c.ignore, dirOnly: info.pattern.endsWith('/'), info });
    }
    this.infos = kept;
    this.builtinOnly = builtinOnly;
    this.groups = [];
    let i = 0;
    while (i < compiled.length) {
      const first = compiled[i];
      let j = i + 1;
      if (first.ignore) {
        while (j < compiled.length && compiled[j].ignore && compiled[j].dirOnly === first.dirOnly) j++;
      }
      const members = compiled.slice(i, j);
      const source =
        members.length === 1 ? members[0].source : `^(?:${members.map((m) => `(${m.source})`).join('|')})`;
      this.groups.push({
        ignore: first.ignore,
        dirOnly: first.dirOnly,
        regex: new RegExp(source, 'u'),
        infos: members.map((m) => m.info),
      });
      i = j;
    }
  }

  /** True when the list has no effective pattern (DVC's `__bool__`). */
  get isEmpty(): boolean {
    return this.infos.length === 0;
  }

  /**
   * The pattern deciding one candidate path (no prefix handling): scans groups from the last;
   * a directory is tried as `p` and `p/`. Mirrors `_find_matching_pattern`.
   */
  findMatching(path: string, isDir: boolean): PatternMatch | null {
    const groups = this.groups;
    for (let g = groups.length - 1; g >= 0; g--) {
      const group = groups[g];
      if (group.dirOnly && !isDir) continue;
      let m = this.matchGroup(group, path);
      if (!m && isDir && !path.endsWith('/')) m = this.matchGroup(group, `${path}/`);
      if (m) return m;
    }
    return null;
  }

  /** Boolean form of {@link findMatching} for hot loops (no allocation on a miss). */
  decides(path: string, isDir: boolean): boolean {
    const groups = this.groups;
    for (let g = groups.length - 1; g >= 0; g--) {
      const group = groups[g];
      if (group.dirOnly && !isDir) continue;
      if (group.regex.test(path) || (isDir && !path.endsWith('/') && group.regex.test(`${path}/`))) return group.ignore;
    }
    return false;
  }

  private matchGroup(group: Group, candidate: string): PatternMatch | null {
    if (group.infos.length === 1) return group.regex.test(candidate) ? { ignore: group.ignore, info: group.infos[0] } : null;
    const m = group.regex.exec(candidate);
    if (!m) return null;
    for (let k = 1; k < m.length; k++) {
      if (m[k] !== undefined) return { ignore: group.ignore, info: group.infos[k - 1] };
    }
    return { ignore: group.ignore, info: group.infos[0] };
  }

  private dirDecision(path: string): PatternMatch | null {
    let r = this.dirMemo.get(path);
    if (r === undefined) {
      r = this.findMatching(path, true);
      this.dirMemo.set(path, r);
    }
    return r;
  }

  /**
   * DVC's `_ignore`: every leading directory of `path` is tried first (a file under an ignored
   * directory is ignored), then the path itself. Returns the decision and the pattern that
   * decided it (a negation when a `!` pattern matched last), or none.
   */
  explain(path: string, isDir: boolean): { ignored: boolean; matches: PatternInfo[] } {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const m = this.dirDecision(parts.slice(0, i).join('/'));
      if (m?.ignore) return { ignored: true, matches: [m.info] };
    }
    const m = isDir ? this.dirDecision(path) : this.findMatching(path, false);
    return m ? { ignored: m.ignore, matches: [m.info] } : { ignored: false, matches: [] };
  }

  /** True when `path` (relative to the repo root, `/`-separated) is ignored. */
  isIgnored(path: string, isDir: boolean): boolean {
    return this.explain(path, isDir).ignored;
  }

  /** True when any leading directory of `path`, or `path` itself as a directory, is ignored. */
  isDirChainIgnored(path: string): boolean {
    if (path === '') return false;
    return this.explain(path, true).ignored;
  }

  /** A new list with `more` appended (DVC's `merge_patterns` after re-basing). */
  append(more: readonly PatternInfo[]): PatternList {
    if (more.length === 0) return this;
    return new PatternList([...this.infos, ...more]);
  }
}

/**
 * Re-bases one pattern from a nested `.dvcignore` in directory `rel` (relative to the repo
 * root, `/`-separated) onto the root, as dvc/pathspec_math.py `change_rule` does, followed by
 * pathspec's `normalize_file` (which drops a leading `/`).
 */
export function rebasePattern(pattern: string, rel: string): string {
  let rule = pyStrip(pattern);
  if (rule.startsWith('#')) return rule;
  const negate = rule.startsWith('!');
  if (negate) rule = rule.slice(1);
  let matchAll: boolean;
  if (rule.slice(0, -1).includes('/') && !rule.startsWith('**/')) {
    if (rule.startsWith('/')) rule = rule.slice(1);
    matchAll = false;
  } else {
    if (rule.startsWith('**/')) rule = rule.slice(3);
    matchAll = true;
  }
  if (rule.startsWith('\\')) rule = rule.slice(1);
  rule = matchAll ? `/**/${rule}` : `/${rule}`;
  rule = negate ? `!/${rel}${rule}` : `/${rel}${rule}`;
  if (rule.startsWith('/')) return rule.slice(1);
  if (rule.startsWith('./')) return rule.slice(2);
  return rule;
}
