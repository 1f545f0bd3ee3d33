/**
 * Orders strings by Unicode code point — Python's `sorted()` order for `str`, UTF-8 byte order, and
 * the order DuckDB's VARCHAR comparison uses. JavaScript's `<` compares UTF-16 code units, which
 * differs only when a surrogate (U+D800–DFFF, half of a code point above U+FFFF) meets U+E000–FFFF;
 * this fixes that case and is otherwise as fast as `<`. Returns -1, 0 or 1.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates stand for code points above U+FFFF: move them above U+E000–FFFF.
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
}
