/**
 * Python's `repr()` of a `str`, used where DVC formats paths with `{path!r}` (for example
 * "Path '<abs>' is ignored by ..."): single quotes unless the text contains `'` and no `"`,
 * backslash escapes, and `\xhh`/`\uhhhh`/`\Uhhhhhhhh` for characters Python deems unprintable
 * (Unicode categories C* and Z* other than the ASCII space).
 */
const UNPRINTABLE = /[\p{C}\p{Z}]/u;

export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch !== ' ' && UNPRINTABLE.test(ch)) {
      const cp = ch.codePointAt(0)!;
      if (cp < 0x100) out += `\\x${cp.toString(16).padStart(2, '0')}`;
      else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
      else out += `\\U${cp.toString(16).padStart(8, '0')}`;
    } else out += ch;
  }
  return out + quote;
}
