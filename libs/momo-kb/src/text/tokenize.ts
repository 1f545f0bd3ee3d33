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


/** Light suffix stripping (a tiny Porter step 1), enough to join plural and verb forms. */
export function stem(word: string): string {
  return dropFinalE(strip(word));
}

function strip(w: string): string {
  if (w.length <= 3) return w;
  if (w.endsWith('ies') && w.length > 4) return `${w.slice(0, -3)}y`;
  if (w.endsWith('sses')) return w.slice(0, -2);
  if (w.endsWith('ss') || w.endsWith('us') || w.endsWith('is')) return w;
  if (w.endsWith('ing') && w.length > 5) return undouble(w.slice(0, -3));
  if (w.endsWith('ed') && w.length > 4) return undouble(w.slice(0, -2));
  if (w.endsWith('es') && /(?:ch|sh|x|z)es$/.test(w)) return w.slice(0, -2);
  if (w.endsWith('s')) return w.slice(0, -1);
  return w;
}

/** Porter's step 5a: a final e goes (create/created/creating all become `creat`). */
function dropFinalE(w: string): string {
  return w.length > 4 && w.endsWith('e') ? w.slice(0, -1) : w;
}

function undouble(w: string): string {
  const n = w.length;
  if (n > 2 && w[n - 1] === w[n - 2] && !'lsz'.includes(w[n - 1])) return w.slice(0, -1);
  if (w.endsWith('at') || w.endsWith('iz') || w.endsWith('bl')) return `${w}e`;
  return w;
}

const UPPER = 1;
const LOWER = 2;
const DIGIT = 3;
const SEP = 4;
const CLASS = new Uint8Array(128);
for (let c = 65; c <= 90; c++) CLASS[c] = UPPER;
for (let c = 97; c <= 122; c++) CLASS[c] = LOWER;
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;
CLASS[95] = SEP; // _
CLASS[36] = SEP; // $

/**
 * Appends the lowercased sub-tokens of `s[from, to)` (one identifier) to `out`: runs of lower
 * case letters with an optional leading capital, runs of capitals (an acronym ends before a
 * capital that starts a word: `HTTPServer` → http, server), runs of digits; `_` and `$` separate.
 */
function splitInto(s: string, from: number, to: number, out: string[]): void {
  let i = from;
  while (i < to) {
    const k = CLASS[s.charCodeAt(i)];
    if (k === SEP || k === 0) {
      i++;
      continue;
    }
    let j = i + 1;
    if (k === DIGIT) {
      while (j < to && CLASS[s.charCodeAt(j)] === DIGIT) j++;
    } else if (k === LOWER) {
      while (j < to && CLASS[s.charCodeAt(j)] === LOWER) j++;
    } else {
      while (j < to && CLASS[s.charCodeAt(j)] === UPPER) j++;
      if (j < to && CLASS[s.charCodeAt(j)] === LOWER) {
        if (j - i > 1) {
          // acronym followed by a capitalised word: the last capital starts the word
          out.push(s.slice(i, j - 1).toLowerCase());
          i = j - 1;
        }
        while (j < to && CLASS[s.charCodeAt(j)] === LOWER) j++;
      }
    }
    out.push(s.slice(i, j).toLowerCase());
    i = j;
  }
}

/** Splits one identifier into lowercased sub-tokens (camelCase, PascalCase, snake_case, digits). */
export function splitIdentifier(identifier: string): string[] {
  const out: string[] = [];
  splitInto(identifier, 0, identifier.length, out);
  return out;
}

const subs: string[] = [];
const memo = new Map<string, string[]>();
const MEMO_LIMIT = 200_000;

/** The terms of one word: the whole identifier when it has several sub-tokens, then the stemmed sub-tokens. */
function wordTerms(word: string): string[] {
  subs.length = 0;
  splitInto(word, 0, word.length, subs);
  const terms: string[] = [];
  if (subs.length > 1) {
    let whole = '';
    for (const s of subs) whole += s;
    terms.push(whole);
  }
  for (const s of subs) {
    if (s.length < 2 || STOP_WORDS.has(s)) continue;
    terms.push(stem(s));
  }
  return terms;
}

/**
 * Terms of a text for indexing and querying: stemmed sub-tokens of every word, plus the whole
 * identifier when it splits into more than one sub-token. Stop words and one-letter tokens are dropped.
 * Words are runs of `[A-Za-z0-9_$]` that start with a letter, `_` or `$`, or runs of digits.
 */
export function tokenize(text: string, out: string[] = []): string[] {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const k = c < 128 ? CLASS[c] : 0;
    if (k === 0) {
      i++;
      continue;
    }
    let j = i + 1;
    if (k === DIGIT) {
      while (j < n && text.charCodeAt(j) < 128 && CLASS[text.charCodeAt(j)] === DIGIT) j++;
    } else {
      while (j < n && text.charCodeAt(j) < 128 && CLASS[text.charCodeAt(j)] !== 0) j++;
    }
    if (j - i <= 64) {
      // code repeats its words: the terms of each distinct word are computed once
      const word = text.slice(i, j);
      let terms = memo.get(word);
      if (terms === undefined) {
        terms = wordTerms(word);
        if (memo.size >= MEMO_LIMIT) memo.clear();
        memo.set(word, terms);
      }
      for (let t = 0; t < terms.length; t++) out.push(terms[t]);
    }
    i = j;
  }
  return out;
}

/** Lowercased sub-tokens of a path (directories, base name without extension). */
export function tokenizePath(path: string): string[] {
  const noExt = path.replace(/\.[A-Za-z0-9]+$/, '');
  return tokenize(noExt.replace(/[/.\-@]+/g, ' '));
}
