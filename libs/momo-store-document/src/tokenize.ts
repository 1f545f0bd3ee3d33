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

// A compound: identifier characters joined by path/namespace/kebab separators (libs/momo-kb/src/index.ts,
// a.b.c, momo-kb, std::vec). Identifier characters include `_` and `$`.
const COMPOUND_RE = /[\p{L}\p{N}_$]+(?:[./\\:-]+[\p{L}\p{N}_$]+)*/gu;
const SEPARATOR_RE = /[./\\:-]+/u;
// Sub-words of an identifier: acronyms (HTTP in HTTPServer), Capitalised or lower words, digit runs.
const SUBWORD_RE = /\p{Lu}+(?!\p{Ll})|\p{Lu}?\p{Ll}+|\p{N}+|\p{L}+/gu;

function keep(token: string): boolean {
  return token.length >= 2 && token.length <= MAX_TOKEN_LENGTH && !STOPWORDS.has(token);
}

function pushIdentifier(out: string[], ident: string): void {
  const whole = ident.toLowerCase();
  const subwords: string[] = [];
  for (const piece of ident.split(/[_$]+/)) {
    for (const m of piece.matchAll(SUBWORD_RE)) subwords.push(m[0].toLowerCase());
  }
  if (subwords.length <= 1) {
    // A plain word: the whole identifier and its only sub-word are the same token (minus `_`/`$`).
    const token = subwords.length === 1 ? subwords[0] : whole;
    if (keep(token)) out.push(token);
    return;
  }
  // Keep the whole identifier (exact-match boost) and every sub-word (partial match).
  if (whole.length >= 2 && whole.length <= MAX_TOKEN_LENGTH) out.push(whole);
  for (const s of subwords) if (keep(s)) out.push(s);
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
  for (const m of text.matchAll(COMPOUND_RE)) {
    const compound = m[0];
    const parts = compound.split(SEPARATOR_RE).filter((p) => p.length > 0);
    if (parts.length > 1) {
      const whole = compound.toLowerCase();
      if (whole.length <= MAX_TOKEN_LENGTH) out.push(whole);
    }
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
