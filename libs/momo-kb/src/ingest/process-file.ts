import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Parser as TsParser } from 'web-tree-sitter';
import { chunkFile } from '../chunk/chunk-file.js';
import { parseMarkdown } from '../parse/parse-markdown.js';
import { parsePython } from '../parse/parse-python.js';
import { parseTypeScript } from '../parse/parse-typescript.js';
import type { Chunk, KbFile, KbLanguage, ParsedFile, SkipReason } from '../types.js';
import { isBinaryContent, isGeneratedContent } from '../walk/walk-repo.js';

/** A file as held in the knowledge base: its facts, parse result and chunks. */
export interface FileRecord {
  file: KbFile;
  parsed: ParsedFile;
  chunks: Chunk[];
}

/** Settings that change what a file turns into (part of the cache key of a parse). */
export interface ProcessSettings {
  chunkSize: number;
  overlap: number;
  /** Blank out doc comments before parsing (retrieval benchmarks hold them out). */
  holdOutDocComments: boolean;
}

export type ProcessOutcome =
  | { kind: 'record'; record: FileRecord; reused: boolean }
  | { kind: 'unchanged'; hash: string }
  | { kind: 'skip'; reason: SkipReason }
  | { kind: 'error'; message: string };

/** sha256 of a buffer, hex. */
export function sha256(buf: Buffer | string): string {
  return createHash('sha256').update(buf).digest('hex');
}

/** Replaces `/** ... *\/` blocks by blank lines of the same shape, keeping every line number. */
export function blankDocComments(text: string): string {
  return text.replace(/\/\*\*(?!\/)[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '));
}

/**
 * Python docstrings (the string literal that opens a module, class or function body), blanked
 * like {@link blankDocComments}: the held-out benchmark must not find a symbol by its own docstring.
 */
const PY_DOCSTRING = /(^|(?:^|\n)[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+\w+[^:]*(?:\([^)]*\)[^:\n]*)?(?:->[^:\n]*)?:[ \t]*(?:#[^\n]*)?\n(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*)([rRuU]?("""|'''|"|')[\s\S]*?\3)/g;

/** Replaces the text of Python docstrings by blanks of the same shape, keeping every line number. */
export function blankPythonDocstrings(text: string): string {
  // the quotes stay, so a body that holds only its docstring is still a valid statement
  return text.replace(PY_DOCSTRING, (_m, head: string, doc: string, quote: string) => {
    const open = doc.indexOf(quote) + quote.length;
    const close = doc.length - quote.length;
    return head + doc.slice(0, open) + doc.slice(open, close).replace(/[^\n]/g, ' ') + doc.slice(close);
  });
}

function countLines(text: string): number {
  if (!text) return 0;
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n - 1 : n;
}

/**
 * Reads, classifies, parses and chunks one file. When `previous` has the same content hash, its
 * parse and chunks are reused (only the module is re-assigned), so unchanged files are not parsed
 * again. Parser crashes become an `error` outcome; they never stop the run.
 */
export function processFile(args: {
  path: string;
  abs: string;
  language: KbLanguage;
  module: string;
  settings: ProcessSettings;
  previous?: FileRecord;
  /** Hash of the previous parse when the record itself is elsewhere (worker threads). */
  previousHash?: string;
  pythonParser?: TsParser;
}): ProcessOutcome {
  let buf: Buffer;
  try {
    buf = readFileSync(args.abs);
  } catch (e) {
    return { kind: 'error', message: `cannot read: ${(e as Error).message}` };
  }
  if (isBinaryContent(buf)) return { kind: 'skip', reason: 'binary' };
  const hash = sha256(buf);
  if (args.previousHash === hash) return { kind: 'unchanged', hash };
  const prev = args.previous;
  if (prev && prev.file.hash === hash && prev.file.language === args.language) {
    if (prev.file.module !== args.module) {
      prev.file.module = args.module;
      for (const c of prev.chunks) c.module = args.module;
    }
    return { kind: 'record', record: prev, reused: true };
  }
  let text = buf.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes('\r\n')) text = text.replace(/\r\n/g, '\n');
  if (isGeneratedContent(text)) return { kind: 'skip', reason: 'generated' };
  if (args.settings.holdOutDocComments && args.language === 'python') text = blankPythonDocstrings(text);
  else if (args.settings.holdOutDocComments && args.language !== 'markdown') text = blankDocComments(text);
  let parsed: ParsedFile;
  try {
    if (args.language === 'python') {
      if (!args.pythonParser) throw new Error('the Python parser is not loaded');
      parsed = parsePython({ path: args.path, text, parser: args.pythonParser, withoutDocs: args.settings.holdOutDocComments });
    } else if (args.language === 'markdown') {
      parsed = parseMarkdown({ path: args.path, text });
    } else {
      parsed = parseTypeScript({ path: args.path, text, withoutDocs: args.settings.holdOutDocComments });
    }
  } catch (e) {
    return { kind: 'error', message: `parser failed: ${(e as Error).message}` };
  }
  const chunks = chunkFile({
    path: args.path,
    module: args.module,
    language: args.language,
    text,
    symbols: parsed.symbols,
    chunkSize: args.settings.chunkSize,
    overlap: args.settings.overlap,
  });
  const file: KbFile = {
    path: args.path,
    language: parsed.language,
    hash,
    size: buf.length,
    lines: countLines(text),
    module: args.module,
    problems: parsed.problems.length,
  };
  return { kind: 'record', record: { file, parsed, chunks }, reused: false };
}
