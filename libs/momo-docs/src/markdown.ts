import { posix } from 'node:path';

/** Escapes text for a Markdown table cell (pipes, newlines). */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Inline code that survives backticks inside the text. */
export function code(text: string): string {
  const flat = text.replace(/\r?\n\s*/g, ' ');
  const runs = flat.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A fenced code block whose fence is longer than any backtick run inside. */
export function codeBlock(lang: string, text: string): string {
  const runs = text.match(/`{3,}/g) ?? [];
  const fence = '`'.repeat(Math.max(3, ...runs.map((r) => r.length + 1)));
  return `${fence}${lang}\n${text.replace(/\s+$/, '')}\n${fence}\n`;
}

/**
 * A doc comment as Markdown body text: kept as written except that lines which would open a
 * heading are escaped (a doc comment must never restructure the page) and trailing space trimmed.
 */
export function docText(doc: string): string {
  let inFence = false;
  return doc
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
      if (!inFence && /^\s{0,3}#/.test(line)) return line.replace('#', '\\#');
      return line.replace(/\s+$/, '');
    })
    .join('\n')
    .trim();
}

/** First sentence (or line) of a doc comment, for one-line summaries. */
export function summaryOf(doc: string): string {
  const para = doc.split(/\n\s*\n|\n\s*@/)[0].replace(/\s+/g, ' ').trim();
  const m = para.match(/^(.+?[.!?])(\s|$)/);
  return (m ? m[1] : para).slice(0, 240);
}

/** A Markdown heading anchor as GitHub computes it (lower case, punctuation dropped, spaces to dashes). */
export function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

/** Relative link from a page in `pageDir` (repo-relative) to a repo-relative path. */
export function hrefTo(pageDir: string, path: string, line?: number): string {
  const rel = posix.relative(pageDir || '.', path || '.') || '.';
  return line ? `${rel}#L${line}` : rel;
}

/** File name of a module's page: the name without `@`, `/` as `-`, lower case, safe characters only. */
export function pageSlug(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/^@/, '')
    .replace(/[/\\]+/g, '-')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '');
  return s || 'module';
}

const LANGUAGE_NAMES: Record<string, string> = {
  typescript: 'TypeScript',
  javascript: 'JavaScript',
  python: 'Python',
  markdown: 'Markdown',
  mixed: 'mixed',
  unknown: 'unknown',
};

/** Display name of a KB language. */
export function languageName(l: string): string {
  return LANGUAGE_NAMES[l] ?? l;
}

/** Integer with thousands separators, locale-independent. */
export function int(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
