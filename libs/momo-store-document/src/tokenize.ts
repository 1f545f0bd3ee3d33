import { MAX_TOKEN_LENGTH } from './constants.js';

/**
 * English words too common to help ranking. Code keywords (`import`, `return`, `class`) are kept:
 * people search for them, and BM25's idf already discounts them.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be been but by can did do does for from had has have he her his how i if in into is it its ' +
    'me my no nor not of off on or our out she so than that the their them then there these they this those to too ' +
    'us very was we were what when where which who whom why will with you your'
  ).split(' '),
);

const SEPARATOR_RE = /[./\\:-]+/u;
// Sub-words of an identifier: acronyms (HTTP in HTTPServer), Capitalised or lower words, digit runs.
const SUBWORD_RE = /\p{Lu}+(?!\p{Ll})|\p{Lu}?\p{Ll}+|\p{N}+|\p{L}+/gu;

function keep(token: string): boolean {
  return token.length >= 2 && token.length <= MAX_TOKEN_LENGTH && !STOPWORDS.has(token);
}

function identifierTokens(ident: string): string[] {
  const out: string[] = [];
  const whole = ident.toLowerCase();
  const subwords: string[] = [];
  for (const piece of ident.split(/[_$]+/)) {
    for (const m of piece.matchAll(SUBWORD_RE)) subwords.push(m[0].toLowerCase());
  }
  if (subwords.length <= 1) {
    // A plain word: the whole identifier and its only sub-word are the same token (minus `_`/`$`).
    const token = subwords.length === 1 ? subwords[0] : whole;
    if (keep(token)) out.push(token);
    return out;
  }
  // Keep the whole identifier (exact-match boost) and every sub-word (partial match).
  if (whole.length >= 2 && whole.length <= MAX_TOKEN_LENGTH) out.push(whole);
  for (const sw of subwords) if (keep(sw)) out.push(sw);
  return out;
}

// Code repeats its identifiers, so their tokens are memoised (bounded: cleared when full).
const IDENT_CACHE_LIMIT = 200_000;
let identCache = new Map<string, string[]>();

function pushIdentifier(out: string[], ident: string): void {
  let tokens = identCache.get(ident);
  if (tokens === undefined) {
    tokens = identifierTokens(ident);
    if (identCache.size >= IDENT_CACHE_LIMIT) identCache = new Map();
    identCache.set(ident, tokens);
  }
  for (let i = 0; i < tokens.length; i++) out.push(tokens[i]);
}

const isSeparator = (c: number) => c === 46 || c === 47 || c === 92 || c === 58 || c === 45; // . / \ : -

// ASCII identifier characters: 0-9 A-Z a-z _ $.
const ASCII_WORD = new Uint8Array(128);
for (let c = 48; c <= 57; c++) ASCII_WORD[c] = 1;
for (let c = 65; c <= 90; c++) ASCII_WORD[c] = 1;
for (let c = 97; c <= 122; c++) ASCII_WORD[c] = 1;
ASCII_WORD[95] = 1;
ASCII_WORD[36] = 1;
const UNICODE_WORD_RE = /^[\p{L}\p{N}]$/u;
const unicodeWordCache = new Map<number, boolean>();

/** Length in UTF-16 units of the identifier character at `i`, or 0 when there is none. */
function wordCharAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 128) return ASCII_WORD[c];
  const cp = text.codePointAt(i)!;
  let ok = unicodeWordCache.get(cp);
  if (ok === undefined) {
    ok = UNICODE_WORD_RE.test(String.fromCodePoint(cp));
    unicodeWordCache.set(cp, ok);
  }
  return ok ? (cp > 0xffff ? 2 : 1) : 0;
}

/**
 * Splits text into lower-case search terms, tuned for code:
 * - `getUserName` gives `getusername`, `get`, `user`, `name`;
 * - `snake_case_id` gives `snake_case_id`, `snake`, `case`, `id`;
 * - `libs/momo-kb/src/index.ts` gives the whole path, then each segment split on `/ . \ : -`
 *   (`libs`, `momo`, `kb`, `src`, `index`, `ts`), each handled as an identifier;
 * - `HTTPServer2` gives `httpserver2`, `http`, `server`;
 * - English stopwords and 1-character sub-words are dropped; tokens longer than 64 characters too.
 *
 * Documents and queries go through the same function, so an identifier typed in a query matches
 * the identifier exactly (all its tokens) and its parts partially.
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const n = text.length;
  let i = 0;
  // One pass over the text finds compounds: identifier runs joined by separators (the same language
  // as /[\p{L}\p{N}_$]+(?:[./\\:-]+[\p{L}\p{N}_$]+)*/u, scanned by hand because it is 3x faster).
  while (i < n) {
    let w = wordCharAt(text, i);
    if (w === 0) {
      i++;
      continue;
    }
    const start = i;
    let separated = false;
    for (;;) {
      while (w > 0) {
        i += w;
        w = i < n ? wordCharAt(text, i) : 0;
      }
      let j = i;
      while (j < n && isSeparator(text.charCodeAt(j))) j++;
      if (j > i && j < n && (w = wordCharAt(text, j)) > 0) {
        separated = true;
        i = j;
        continue;
      }
      break;
    }
    const compound = text.slice(start, i);
    if (!separated) {
      pushIdentifier(out, compound);
      continue;
    }
    const parts = compound.split(SEPARATOR_RE).filter((p) => p.length > 0);
    const whole = compound.toLowerCase();
    if (whole.length <= MAX_TOKEN_LENGTH) out.push(whole);
    for (const p of parts) pushIdentifier(out, p);
  }
  return out;
}

/** Term frequencies of `tokens`, keys in first-seen order. */
export function countTerms(tokens: readonly string[]): Map<string, number> {
  const tf = new Map<string, number>();
  for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
  return tf;
}

/** The text a document is indexed under: title, content and metadata.source. */
export function indexedText(doc: { title?: string; content: string; metadata?: { source?: string } }): string {
  return [doc.title ?? '', doc.content, doc.metadata?.source ?? ''].join('\n');
}
