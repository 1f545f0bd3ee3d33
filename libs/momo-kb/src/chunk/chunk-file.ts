import type { Chunk, CodeSymbol, KbLanguage, SymbolKind } from '../types.js';

export interface ChunkFileOptions {
  path: string;
  module: string;
  language: KbLanguage;
  text: string;
  symbols: CodeSymbol[];
  /** Maximum characters per chunk (a single line longer than this still makes one chunk). */
  chunkSize: number;
  /** Characters repeated between consecutive windows when one syntax unit is cut into several. */
  overlap: number;
}

interface Unit {
  start: number;
  end: number;
  symbol?: CodeSymbol;
}

/** Start offsets of each line (1-based: `offsets[l]` is the offset of line l; `offsets[n+1]` = length). */
function lineOffsets(text: string): number[] {
  const offsets = [0, 0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) offsets.push(i + 1);
  if (offsets[offsets.length - 1] !== text.length || text.length === 0) offsets.push(text.length + 1);
  return offsets;
}

/**
 * Cuts a file into chunks on syntax boundaries.
 *
 * Each top-level declaration (with its doc comment and decorators) is a unit; the code between
 * declarations (imports, statements) forms gap units that join the following declaration. Small
 * neighbouring units share a chunk while it stays within `chunkSize` characters; a declaration
 * larger than `chunkSize` is cut at its members (class and interface members), and a unit with no
 * members left is cut into line windows that repeat `overlap` characters. Markdown is cut at every
 * heading. Lines are 1-based and inclusive; chunks never overlap except by the `overlap` windows.
 */
export function chunkFile(options: ChunkFileOptions): Chunk[] {
  const { text, chunkSize, overlap } = options;
  const offsets = lineOffsets(text);
  const lineCount = offsets.length - 2;
  if (lineCount <= 0 || text.trim() === '') return [];
  const size = (start: number, end: number) => offsets[end + 1] - offsets[start];
  const blank = (start: number, end: number) => text.slice(offsets[start], offsets[end + 1]).trim() === '';

  const childrenOf = new Map<string, CodeSymbol[]>();
  for (const s of options.symbols) {
    const key = s.parent ?? '';
    let list = childrenOf.get(key);
    if (!list) childrenOf.set(key, (list = []));
    list.push(s);
  }
  const unitStart = (s: CodeSymbol) => Math.min(s.docStartLine ?? s.startLine, s.startLine);

  /** Units covering [from, to] built from the given symbols (sorted, non-overlapping) plus gaps. */
  const unitsFor = (symbols: CodeSymbol[], from: number, to: number): Unit[] => {
    const units: Unit[] = [];
    let cursor = from;
    const sorted = [...symbols].sort((a, b) => unitStart(a) - unitStart(b) || b.endLine - a.endLine);
    for (const s of sorted) {
      const st = Math.max(unitStart(s), cursor);
      const en = Math.min(s.endLine, to);
      if (en < st) continue;
      if (st > cursor) units.push({ start: cursor, end: st - 1 });
      units.push({ start: st, end: en, symbol: s });
      cursor = en + 1;
    }
    if (cursor <= to) units.push({ start: cursor, end: to });
    return units.filter((u) => !blank(u.start, u.end));
  };

  let topUnits: Unit[];
  if (options.language === 'markdown') {
    // every heading starts a unit that runs to the next heading of any level
    const heads = [...options.symbols].sort((a, b) => a.startLine - b.startLine);
    topUnits = [];
    if (heads.length === 0 || heads[0].startLine > 1) topUnits.push({ start: 1, end: (heads[0]?.startLine ?? lineCount + 1) - 1 });
    heads.forEach((h, i) => topUnits.push({ start: h.startLine, end: (heads[i + 1]?.startLine ?? lineCount + 1) - 1, symbol: h }));
    topUnits = topUnits.filter((u) => u.end >= u.start && !blank(u.start, u.end));
  } else {
    topUnits = unitsFor(childrenOf.get('') ?? [], 1, lineCount);
  }

  const chunks: Chunk[] = [];
  // symbols by start line, for the "declared in this chunk" lists (binary search per chunk)
  const byStart = [...options.symbols].sort((a, b) => a.startLine - b.startLine);
  const firstAtOrAfter = (line: number) => {
    let lo = 0;
    let hi = byStart.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byStart[mid].startLine < line) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const emit = (start: number, end: number, symbol: CodeSymbol | undefined) => {
    while (start < end && blank(start, start)) start++;
    while (end > start && blank(end, end)) end--;
    const declared: string[] = [];
    for (let i = firstAtOrAfter(start); i < byStart.length && byStart[i].startLine <= end; i++) declared.push(byStart[i].qualifiedName);
    const c: Chunk = {
      id: `${options.path}:${start}-${end}`,
      path: options.path,
      module: options.module,
      language: options.language,
      startLine: start,
      endLine: end,
      symbols: [...new Set(declared)],
      text: text.slice(offsets[start], offsets[end + 1]).replace(/\n$/, ''),
    };
    if (symbol) {
      c.symbol = symbol.qualifiedName;
      c.kind = symbol.kind as SymbolKind;
    }
    chunks.push(c);
  };

  /** Cuts [start, end] into line windows of at most chunkSize characters with `overlap` characters repeated. */
  const windows = (start: number, end: number, symbol: CodeSymbol | undefined) => {
    let s = start;
    while (s <= end) {
      let e = s;
      while (e < end && size(s, e + 1) <= chunkSize) e++;
      emit(s, e, symbol);
      if (e >= end) break;
      let next = e + 1;
      while (next - 1 > s + 1 && size(next - 1, e) <= overlap) next--;
      s = next;
    }
  };

  /** Lays out units into chunks; oversized declarations are cut at their members. */
  const layout = (units: Unit[], enclosing: CodeSymbol | undefined) => {
    let cur: Unit[] = [];
    const flush = () => {
      if (!cur.length) return;
      const start = cur[0].start;
      const end = cur[cur.length - 1].end;
      // the largest declaration names the chunk; a chunk of gaps belongs to the enclosing declaration
      let main: Unit | undefined;
      for (const u of cur) if (u.symbol && (!main || size(u.start, u.end) > size(main.start, main.end))) main = u;
      emit(start, end, main?.symbol ?? enclosing);
      cur = [];
    };
    for (const u of units) {
      const usize = size(u.start, u.end);
      if (usize > chunkSize) {
        // a trailing gap (imports, comments) before a big declaration becomes its own chunk
        flush();
        const kids = u.symbol ? (childrenOf.get(u.symbol.qualifiedName) ?? []) : [];
        if (u.symbol && kids.length && options.language !== 'markdown') {
          layout(unitsFor(kids, u.start, u.end), u.symbol);
        } else {
          windows(u.start, u.end, u.symbol ?? enclosing);
        }
        continue;
      }
      if (cur.length) {
        const curStart = cur[0].start;
        const fits = size(curStart, u.end) <= chunkSize;
        const curHasBigSymbol = cur.some((c) => c.symbol && size(c.start, c.end) >= chunkSize / 4);
        const curHasSymbol = cur.some((c) => c.symbol);
        // Markdown sections are topics of their own: never two headings in one chunk
        const joinable =
          fits &&
          !(u.symbol && options.language === 'markdown' && curHasSymbol) &&
          (!u.symbol || !curHasBigSymbol) &&
          !(u.symbol && usize >= chunkSize / 4 && curHasSymbol);
        if (!joinable) flush();
      }
      cur.push(u);
    }
    flush();
  };

  layout(topUnits, undefined);
  return chunks;
}
