/**
 * Python's `fnmatch.fnmatchcase(name, pattern)` as a RegExp: `*` any run, `?` one character,
 * `[seq]` / `[!seq]` a class, everything else literal; case-sensitive, and `*` crosses `/` and
 * newlines, as in Python. DVC uses it for stage-name globs (dvc/repo/index.py via fnmatch), dpath
 * key segments of params (`dpath.util.search`) and, per path segment, for `push --glob`.
 */
export function fnmatchRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '[') {
      const j = pattern.indexOf(']', i + 2);
      if (j < 0) re += '\\[';
      else {
        let body = pattern.slice(i + 1, j).replace(/[\\\][]/g, '\\$&');
        // `[!…]` negates; a literal leading `^` is escaped (fnmatch.translate)
        if (body.startsWith('!')) body = '^' + body.slice(1);
        else if (body.startsWith('^')) body = '\\' + body;
        re += `[${body}]`;
        i = j;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
