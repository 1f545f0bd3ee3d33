import type { CodeSymbol, ImportRef, ParsedFile } from '../types.js';
import { makeSymbolId } from './symbol-id.js';

interface Heading {
  line: number;
  /** Last line of the heading itself (setext headings span two lines). */
  endLine: number;
  depth: number;
  title: string;
}

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const LINK = /!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+["'(][^)]*["')])?\s*\)/g;
const DEFINITION = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+["'(].*)?$/;

/** Inline Markdown reduced to plain text (emphasis, code spans, links, images). */
function inlineText(s: string): string {
  return s
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/!?\[([^\]]*)\]\[[^\]]*\]/g, '$1')
    .replace(/`+([^`]*)`+/g, '$1')
    .replace(/(\*\*|__|\*|_|~~)(\S(?:.*?\S)?)\1/g, '$2')
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Finds headings the way CommonMark does for the cases that matter to chunking: ATX headings
 * (`# Title`, closing `#`s dropped), setext headings (a paragraph line underlined with `===` or
 * `---`), never inside fenced code blocks or indented code. Also collects link targets
 * (`[x](url)`, `[x]: url`) with their lines.
 */
export function scanMarkdown(text: string): { headings: Heading[]; links: Array<{ url: string; line: number }>; lines: string[] } {
  const lines = text.split('\n');
  const headings: Heading[] = [];
  const links: Array<{ url: string; line: number }> = [];
  let fence: string | undefined;
  let paragraph = false;
  let frontMatter = lines[0] === '---';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (frontMatter) {
      if (i > 0 && (line === '---' || line === '...')) frontMatter = false;
      continue;
    }
    const f = FENCE.exec(line);
    if (fence) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length && line.trim() === f[1]) fence = undefined;
      continue;
    }
    if (f) {
      fence = f[1];
      paragraph = false;
      continue;
    }
    if (line.trim() === '') {
      paragraph = false;
      continue;
    }
    if (!paragraph && /^( {4}|\t)/.test(line)) continue;
    const atx = ATX.exec(line);
    if (atx) {
      headings.push({ line: i + 1, endLine: i + 1, depth: atx[1].length, title: inlineText(atx[2] ?? '') });
      paragraph = false;
      continue;
    }
    const setext = paragraph ? SETEXT.exec(line) : null;
    if (setext) {
      const prev = lines[i - 1];
      headings.push({ line: i, endLine: i + 1, depth: setext[1][0] === '=' ? 1 : 2, title: inlineText(prev) });
      paragraph = false;
      continue;
    }
    const def = DEFINITION.exec(line);
    if (def) links.push({ url: def[1], line: i + 1 });
    else {
      LINK.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = LINK.exec(line)) !== null) links.push({ url: m[1], line: i + 1 });
    }
    paragraph = !/^ {0,3}(?:[-*_][ \t]*){3,}$/.test(line);
  }
  return { headings, links, lines };
}

/**
 * Parses Markdown into one `section` symbol per heading (qualified by its parent headings with
 * ` > `), whose span runs to the next heading of the same or a higher level, and whose doc is the
 * first paragraph under it. Relative links to files become imports, so docs join the code graph.
 *
 * Headings are found by a CommonMark-subset line scanner ({@link scanMarkdown}) rather than a full
 * Markdown parser: on the 3 MB of READMEs under node_modules, mdast-util-from-markdown took 11 s
 * while this takes milliseconds, and headings, fences and links are all that chunking needs.
 */
export function parseMarkdown(options: { path: string; text: string }): ParsedFile {
  const { path, text } = options;
  const { headings, links, lines } = scanMarkdown(text);
  const totalLines = lines.length - (text.endsWith('\n') ? 1 : 0) || 1;
  const symbols: CodeSymbol[] = [];
  const seen = new Map<string, number>();
  const stack: Array<{ depth: number; sym: CodeSymbol }> = [];
  for (let i = 0; i < headings.length; i++) {
    const h = headings[i];
    const title = h.title || '(untitled)';
    while (stack.length && stack[stack.length - 1].depth >= h.depth) stack.pop();
    const parent = stack.length ? stack[stack.length - 1].sym.qualifiedName : undefined;
    let end = totalLines;
    for (let j = i + 1; j < headings.length; j++) {
      if (headings[j].depth <= h.depth) {
        end = headings[j].line - 1;
        break;
      }
    }
    // doc: the first paragraph between this heading and the next one
    const stop = i + 1 < headings.length ? headings[i + 1].line - 1 : totalLines;
    let doc = '';
    let inFence = false;
    for (let l = h.endLine; l < stop && l < lines.length; l++) {
      const line = lines[l];
      if (FENCE.test(line)) inFence = !inFence;
      if (inFence || FENCE.test(line)) continue;
      if (line.trim() === '') {
        if (doc) break;
        continue;
      }
      if (/^ {0,3}(<|\||[-*+] |\d+\. |>|!\[)/.test(line) && !doc) continue;
      doc += `${doc ? ' ' : ''}${line.trim()}`;
    }
    const qualifiedName = parent ? `${parent} > ${title}` : title;
    const sym: CodeSymbol = {
      id: makeSymbolId(path, qualifiedName, seen),
      name: title,
      qualifiedName,
      kind: 'section',
      path,
      signature: `${'#'.repeat(h.depth)} ${title}`,
      doc: inlineText(doc).slice(0, 500),
      exported: true,
      startLine: h.line,
      endLine: Math.max(end, h.endLine),
    };
    if (parent) sym.parent = parent;
    symbols.push(sym);
    stack.push({ depth: h.depth, sym });
  }
  const imports: ImportRef[] = [];
  for (const l of links) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(l.url) || l.url.startsWith('#') || l.url.startsWith('/')) continue;
    let target = l.url.split('#')[0].split('?')[0];
    try {
      target = decodeURI(target);
    } catch {
      // a malformed %-escape: keep the link target as written
    }
    if (target) imports.push({ specifier: target, names: [], kind: 'static', line: l.line });
  }
  return { path, language: 'markdown', symbols, imports, calls: [], problems: [] };
}
