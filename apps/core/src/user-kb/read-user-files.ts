/**
 * Turns the user's private files and folders into chunks, in memory: TypeScript/JavaScript,
 * Python and Markdown through @momo/kb's parsers and chunker (declarations and headings stay
 * whole), any other text file as line windows. Nothing is written anywhere.
 */
import { openSync, readSync, closeSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import type { Chunk, CodeSymbol, KbLanguage } from '@momo/kb';
import { coreError } from '../errors.js';

/** Files larger than this are skipped. */
export const MAX_USER_FILE_BYTES = 2_000_000;
const CHUNK_SIZE = 1500;
const OVERLAP = 200;
/** Directories never entered. */
const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '.venv', 'venv', '__pycache__', '.dvc', 'dist', 'build']);

const LANGS: Record<string, KbLanguage> = { ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript', js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript', py: 'python', md: 'markdown', markdown: 'markdown' };

/** One chunk of a user file. */
export interface UserChunk {
  /** the file's path as the user sees it (absolute) */
  file: string;
  /** language or `text` */
  language: string;
  startLine: number;
  endLine: number;
  symbol?: string;
  text: string;
}

/** What reading a path gave. */
export interface ReadUserFilesResult {
  kind: 'file' | 'folder';
  files: number;
  chunks: UserChunk[];
  skipped: Array<{ file: string; reason: 'binary' | 'huge' | 'unreadable' }>;
}

function isBinary(abs: string): boolean {
  const fd = openSync(abs, 'r');
  try {
    const buf = Buffer.alloc(8192);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).includes(0);
  } finally {
    closeSync(fd);
  }
}

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      // an unreadable directory: nothing to add from it
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (e.name.startsWith('.')) continue;
      const abs = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(abs);
      } else if (e.isFile()) out.push(abs);
    }
  };
  walk(root);
  return out;
}

let pythonParser: unknown;

async function chunksOf(abs: string, display: string, text: string): Promise<UserChunk[]> {
  const kb = await import('@momo/kb');
  const ext = basename(abs).split('.').pop()?.toLowerCase() ?? '';
  const language = LANGS[ext];
  let symbols: CodeSymbol[] = [];
  if (language === 'typescript' || language === 'javascript') symbols = kb.parseTypeScript({ path: display, text }).symbols;
  else if (language === 'markdown') symbols = kb.parseMarkdown({ path: display, text }).symbols;
  else if (language === 'python') {
    pythonParser ??= await kb.loadPythonParser();
    symbols = kb.parsePython({ path: display, text, parser: pythonParser as Parameters<typeof kb.parsePython>[0]['parser'] }).symbols;
  }
  const chunks: Chunk[] = kb.chunkFile({ path: display, module: 'user', language: language ?? 'markdown', text, symbols, chunkSize: CHUNK_SIZE, overlap: OVERLAP });
  return chunks.map((c) => ({ file: abs, language: language ?? 'text', startLine: c.startLine, endLine: c.endLine, ...(c.symbol ? { symbol: c.symbol } : {}), text: c.text }));
}

/**
 * Reads a file or every text file below a folder (hidden entries, VCS and dependency folders
 * skipped) into chunks. @throws CORE_PATH_NOT_FOUND
 */
export async function readUserFiles(abs: string): Promise<ReadUserFilesResult> {
  const st = statSync(abs, { throwIfNoEntry: false });
  if (!st || (!st.isFile() && !st.isDirectory())) {
    throw coreError('CORE_PATH_NOT_FOUND', `'${abs}' does not exist`, { hint: 'give the path of a file or folder on this machine', data: { path: abs } });
  }
  const kind = st.isDirectory() ? 'folder' : 'file';
  const files = kind === 'folder' ? listFiles(abs) : [abs];
  const result: ReadUserFilesResult = { kind, files: 0, chunks: [], skipped: [] };
  for (const f of files) {
    try {
      const size = statSync(f).size;
      if (size > MAX_USER_FILE_BYTES) {
        result.skipped.push({ file: f, reason: 'huge' });
        continue;
      }
      if (isBinary(f)) {
        result.skipped.push({ file: f, reason: 'binary' });
        continue;
      }
      const text = readFileSync(f, 'utf8');
      const display = kind === 'folder' ? relative(abs, f).split(sep).join('/') : basename(f);
      result.chunks.push(...(await chunksOf(f, display, text)));
      result.files++;
    } catch {
      // unreadable or unparsable file: reported, the others are still added
      result.skipped.push({ file: f, reason: 'unreadable' });
    }
  }
  if (result.files === 0) {
    throw coreError('CORE_PATH_NOT_FOUND', `'${abs}' has no readable text file`, { hint: 'add text, code or Markdown files', data: { path: abs, skipped: result.skipped.length } });
  }
  return result;
}
