/**
 * Code-aware tokenisation shared by the lexical index and the hashing embedder.
 *
 * Identifiers are split into sub-tokens (`parseHttpURL2` → `parse http url 2`, `load_repo` → `load repo`);
 * both the sub-tokens and the whole identifier (lowercased) become terms, so a query for the exact
 * identifier and a natural-language query both match. Terms are lightly stemmed (plural and -ing/-ed)
 * so that "parses" meets "parse".
 */

const STOP_WORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'for', 'from', 'has', 'have', 'how', 'i', 'if', 'in',
  'into', 'is', 'it', 'its', 'of', 'on', 'or', 'that', 'the', 'this', 'to', 'was', 'were', 'what', 'when',
  'where', 'which', 'who', 'why', 'will', 'with', 'does', 'do', 'we', 'you', 'can', 'there', 'their',
  'these', 'those', 'then', 'than', 'so', 'such', 'but', 'not', 'no', 'all', 'any', 'my', 'our', 'your',
  'about', 'should', 'would', 'could', 'been', 'being', 'he', 'she', 'they', 'them', 'also', 'only',
]);

const WORD = /[A-Za-z_$][A-Za-z0-9_$]*|[0-9]+/g;
const SUB = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g;

/** Light suffix stripping (a tiny Porter step 1), enough to join plural and verb forms. */
export function stem(word: string): string {
  const w = word;
  if (w.length <= 3) return w;
  if (w.endsWith('ies') && w.length > 4) return `${w.slice(0, -3)}y`;
  if (w.endsWith('sses')) return w.slice(0, -2);
  if (w.endsWith('ss') || w.endsWith('us') || w.endsWith('is')) return w;
  if (w.endsWith('ing') && w.length > 5) return undouble(w.slice(0, -3));
  if (w.endsWith('ed') && w.length > 4) return undouble(w.slice(0, -2));
  if (w.endsWith('es') && /(?:ch|sh|x|z)es$/.test(w)) return w.slice(0, -2);
  if (w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

function undouble(w: string): string {
  const n = w.length;
  if (n > 2 && w[n - 1] === w[n - 2] && !'lsz'.includes(w[n - 1])) return w.slice(0, -1);
  if (w.endsWith('at') || w.endsWith('iz') || w.endsWith('bl')) return `${w}e`;
  return w;
}

/** Splits one identifier into lowercased sub-tokens (camelCase, PascalCase, snake_case, digits). */
export function splitIdentifier(identifier: string): string[] {
  const out: string[] = [];
  for (const part of identifier.split(/[_$]+/)) {
    if (!part) continue;
    const m = part.match(SUB);
    if (m) for (const s of m) out.push(s.toLowerCase());
  }
  return out;
}

/**
 * Terms of a text for indexing and querying: stemmed sub-tokens of every word, plus the whole
 * identifier when it splits into more than one sub-token. Stop words and one-letter tokens are dropped.
 */
export function tokenize(text: string, out: string[] = []): string[] {
  WORD.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = WORD.exec(text)) !== null) {
    const word = m[0];
    if (word.length > 64) continue;
    const subs = splitIdentifier(word);
    if (subs.length > 1) {
      const whole = word.toLowerCase().replace(/[_$]+/g, '');
      if (whole.length > 1) out.push(whole);
    }
    for (const s of subs) {
      if (s.length < 2 || STOP_WORDS.has(s)) continue;
      out.push(stem(s));
    }
  }
  return out;
}

/** Lowercased sub-tokens of a path (directories, base name without extension). */
export function tokenizePath(path: string): string[] {
  const noExt = path.replace(/\.[A-Za-z0-9]+$/, '');
  return tokenize(noExt.replace(/[/.\-@]+/g, ' '));
}
