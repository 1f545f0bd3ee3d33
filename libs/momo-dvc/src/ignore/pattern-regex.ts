/**
 * gitwildmatch pattern → JavaScript regular expression, reproducing what DVC 3.67.1 gets from
 * pathspec 1.1.1 (`pathspec/patterns/gitignore/spec.py::GitIgnoreSpecPattern.pattern_to_regex`
 * and `pathspec/patterns/gitignore/base.py::_translate_segment_glob`), including its quirks:
 *
 * - DVC matches with Python's `re.match`, i.e. anchored at the start only. The special-cased
 *   regexes for `*\/`, `**\/` and `*\/**` therefore never match a relative path.
 * - Python's `.` excludes only `\n`, and `$` also matches before one final `\n`; both are
 *   translated literally so paths with newlines behave the same.
 * - Bracket expressions are parsed the way Python's `sre_parse` parses the class pathspec emits
 *   (backslashes inside brackets are literal characters); a reversed range is an error.
 * - An unterminated `[` drops the whole pattern (git does the same); a trailing `\` is an error.
 *
 * The translation is written from the behaviour described above; no upstream code is copied.
 */

/** A pattern that cannot be compiled (DVC raises and exits 255). */
export class PatternSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatternSyntaxError';
  }
}

/** A compiled pattern: anchored regex source (flag `u`) and whether a match means "ignore". */
export interface CompiledPattern {
  /** regex source, already anchored with `^`, to be compiled with the `u` flag */
  source: string;
  /** true for an ignore pattern, false for a `!` negation */
  ignore: boolean;
}

/** Characters Python's `str.strip()`/`str.isspace()` treat as whitespace. */
const PY_WS = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_LSTRIP = new RegExp(`^[${PY_WS}]+`);
const PY_RSTRIP = new RegExp(`[${PY_WS}]+$`);

/** Python `str.strip()` (its whitespace set differs from `String.prototype.trim`). */
export function pyStrip(s: string): string {
  return s.replace(PY_LSTRIP, '').replace(PY_RSTRIP, '');
}

/** Python `str.rstrip()`. */
export function pyRstrip(s: string): string {
  return s.replace(PY_RSTRIP, '');
}

// Regex fragments (JS equivalents of the Python ones pathspec emits).
const ANY = '[^\\n]'; // Python `.`
const PY_END = '(?=\\n?$)'; // Python `$` without MULTILINE
const DIR_MARK = '/'; // `(?P<ps_d>/)`
const DIR_MARK_OPT = `(?:/|${PY_END})`; // `(?:(?P<ps_d>/)|$)`
const LEADING_ANY_DIRS = `^(?:${ANY}+/)?`; // `^(?:.+/)?`
const INNER_ANY_DIRS = `(?:/${ANY}+)?`; // `(?:/.+)?`

const SYNTAX_CHARS = new Set(['\\', '^', '$', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '/']);

function escapeLiteral(ch: string): string {
  return SYNTAX_CHARS.has(ch) ? `\\${ch}` : ch;
}

function cpEscape(ch: string): string {
  return `\\u{${ch.codePointAt(0)!.toString(16)}}`;
}

/** Marker thrown when a bracket expression is unterminated (pathspec's `_RangeError`). */
class RangeNotation extends Error {}

/**
 * The bracket expression items (literal code points, between the optional negation and the
 * closing `]`) parsed as Python's sre parses a character class: `a-b` is a range, `-` at the
 * end is literal, a reversed range is an error.
 */
function bracketToRegex(items: string[], negate: boolean, pattern: string): string {
  let out = negate ? '[^' : '[';
  let k = 0;
  while (k < items.length) {
    const lo = items[k++];
    if (items[k] === '-') {
      if (k + 1 >= items.length) {
        // `-` just before the closing bracket is a literal
        out += cpEscape(lo) + cpEscape('-');
        k++;
        break;
      }
      const hi = items[k + 1];
      k += 2;
      if (hi.codePointAt(0)! < lo.codePointAt(0)!) {
        throw new PatternSyntaxError(`bad character range ${lo}-${hi} in ${JSON.stringify(pattern)}`);
      }
      out += `${cpEscape(lo)}-${cpEscape(hi)}`;
    } else {
      out += cpEscape(lo);
    }
  }
  return `${out}]`;
}

/** One path segment's glob → regex (pathspec `_translate_segment_glob` with range_error='raise'). */
function translateSegmentGlob(segment: string, pattern: string): string {
  const cps = Array.from(segment);
  const end = cps.length;
  let escape = false;
  let regex = '';
  let i = 0;
  while (i < end) {
    const ch = cps[i++];
    if (escape) {
      escape = false;
      regex += escapeLiteral(ch);
    } else if (ch === '\\') {
      escape = true;
    } else if (ch === '*') {
      regex += '[^/]*';
    } else if (ch === '?') {
      regex += '[^/]';
    } else if (ch === '[') {
      let j = i;
      if (j < end && (cps[j] === '!' || cps[j] === '^')) j++;
      if (j < end && cps[j] === ']') j++;
      while (j < end && cps[j] !== ']') j++;
      if (j >= end) throw new RangeNotation();
      let negate = false;
      if (cps[i] === '!' || cps[i] === '^') {
        negate = true;
        i++;
      }
      regex += bracketToRegex(cps.slice(i, j), negate, pattern);
      i = j + 1;
    } else {
      regex += escapeLiteral(ch);
    }
  }
  if (escape) {
    throw new PatternSyntaxError(`escape character found with no next character to escape: ${JSON.stringify(pattern)}`);
  }
  return regex;
}

/**
 * Compiles one gitwildmatch pattern. Returns null for a no-op (blank, comment, `/`, or a pattern
 * git discards for an unterminated bracket).
 * @throws PatternSyntaxError for a pattern DVC rejects (trailing `\`, nothing left after `!`,
 *   reversed character range)
 */
export function compileGitWildMatch(raw: string): CompiledPattern | null {
  let pattern = raw.endsWith('\\ ') ? raw : pyRstrip(raw);
  if (!pattern || pattern.startsWith('#') || pattern === '/') return null;
  let ignore = true;
  if (pattern.startsWith('!')) {
    ignore = false;
    pattern = pattern.slice(1);
  }
  const segs = pattern.split('/');
  const isDirPattern = segs[segs.length - 1] === '';

  if (segs[0] === '') {
    segs.shift();
  } else if (segs.length === 1 || (segs.length === 2 && segs[1] === '')) {
    if (segs[0] !== '**') segs.unshift('**');
  }
  if (segs.length === 0) throw new PatternSyntaxError(`pattern normalized to nothing: ${JSON.stringify(raw)}`);
  if (segs[segs.length - 1] === '') segs[segs.length - 1] = '**';
  for (let i = segs.length - 1; i > 0; i--) {
    if (segs[i - 1] === '**' && segs[i] === '**') segs.splice(i, 1);
  }

  let body: string;
  const n = segs.length;
  if (n === 1 && segs[0] === '**') {
    body = isDirPattern ? DIR_MARK : ANY;
  } else if (n === 2 && segs[0] === '**' && segs[1] === '*') {
    body = ANY;
  } else if (n === 3 && segs[0] === '**' && segs[1] === '*' && segs[2] === '**') {
    body = isDirPattern ? DIR_MARK : '/';
  } else {
    const parts: string[] = [];
    let needSlash = false;
    const end = n - 1;
    try {
      for (let i = 0; i < n; i++) {
        const seg = segs[i];
        if (seg === '**') {
          if (i === 0) parts.push(LEADING_ANY_DIRS);
          else if (i < end) {
            parts.push(INNER_ANY_DIRS);
            needSlash = true;
          } else parts.push(isDirPattern ? DIR_MARK : '/');
        } else {
          if (i === 0) parts.push('^');
          if (needSlash) parts.push('/');
          parts.push(seg === '*' ? '[^/]+' : translateSegmentGlob(seg, raw));
          if (i === end) parts.push(DIR_MARK_OPT);
          needSlash = true;
        }
      }
    } catch (e) {
      if (e instanceof RangeNotation) return null;
      throw e;
    }
    body = parts.join('');
  }
  // re.match anchors at the start; most bodies already begin with `^`
  return { source: body.startsWith('^') ? body : `^${body}`, ignore };
}

/**
 * Escapes a gitignore entry the way pathspec's `escape` does (used by scmrepo when writing
 * `.gitignore`): each of `\ [ ] ! * # ?` gets a backslash in front.
 */
export function escapeGitWildMatch(s: string): string {
  let out = '';
  for (const ch of s) out += '\\[]!*#?'.includes(ch) ? `\\${ch}` : ch;
  return out;
}
