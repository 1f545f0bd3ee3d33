/**
 * A fast loader for YAML in the layout DVC itself writes (ruamel.yaml block style, as produced by
 * {@link dumpYaml}): block mappings and sequences with 2-space steps, indentless sequences under
 * keys, compact `- key: value` / `- - x` items, plain scalars folded over continuation lines,
 * single- and double-quoted scalars (with escapes and folding), and empty `{}` / `[]`.
 *
 * `dvc.lock` and `.dvc` files are read on every status/repro and are almost always in this layout;
 * the general `yaml` parser is ~10x slower on them. Anything outside the subset (comments, anchors,
 * tags, flow collections, block scalars, tabs, duplicate or merge keys, explicit `?` keys,
 * documents markers…) makes {@link fastParseYaml} return `undefined`, and the caller falls back to
 * the full parser, which also produces the error messages. Values are typed exactly like
 * `parseYaml` (ruamel's YAML 1.2 rules); mappings are `Map`s.
 */
import { constructScalar, keyIdentity, type YamlKey, type YamlValue } from './parse.js';
import { resolvePlainTag } from './resolve-scalar.js';

class Fallback extends Error {}
const fallback = (): never => {
  throw new Fallback();
};

const INDICATOR_START = new Set([...'#,[]{}&*!|>\'"%@`?']);
const DQ_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};

function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && line.charCodeAt(i) === 32) i++;
  return i;
}

function plain(text: string): YamlValue {
  const tag = resolvePlainTag(text);
  if (tag === 'merge' || tag === 'value' || tag === 'yaml') fallback();
  return constructScalar(tag, text, undefined);
}

/** Is `s` acceptable as a plain scalar DVC could have written (else: not our subset)? */
function checkPlain(s: string): void {
  if (s === '' || INDICATOR_START.has(s[0]!) || s.includes(': ') || s.includes(' #') || s.endsWith(':') || s.endsWith(' ')) fallback();
  if ((s[0] === '-' || s[0] === ':') && (s.length === 1 || s[1] === ' ')) fallback();
}

class FastParser {
  private i = 0;
  constructor(private readonly lines: string[]) {}

  run(): YamlValue {
    const first = this.lines[0]!;
    const ind = indentOf(first);
    if (ind !== 0) fallback();
    const v = this.node(0);
    if (this.i !== this.lines.length) fallback();
    return v;
  }

  private isSeqItem(content: string): boolean {
    return content === '-' || content.startsWith('- ');
  }

  /** A block node whose first line is the current line, at indentation `ind`. */
  private node(ind: number): YamlValue {
    const line = this.lines[this.i]!;
    const content = line.slice(ind);
    if (this.isSeqItem(content)) return this.sequence(ind);
    if (content === '{}' || content === '[]') {
      this.i++;
      return content === '{}' ? new Map() : [];
    }
    return this.mapping(ind);
  }

  private sequence(ind: number): YamlValue[] {
    const out: YamlValue[] = [];
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (indentOf(line) !== ind || !this.isSeqItem(line.slice(ind))) break;
      if (line.length === ind + 1) fallback();
      const rest = line.slice(ind + 2);
      if (rest === '') {
        // `- ` : null item
        this.i++;
        out.push(null);
        continue;
      }
      if (rest.startsWith(' ')) fallback();
      if (this.isSeqItem(rest) || this.keyEnd(rest) !== undefined) {
        // compact nested sequence or mapping: re-read the rest as a line indented by ind + 2
        this.lines[this.i] = ' '.repeat(ind + 2) + rest;
        out.push(this.node(ind + 2));
        continue;
      }
      out.push(this.scalarValue(rest, ind + 2, ind));
    }
    return out;
  }

  /**
   * If `s` starts with a mapping key, the offset just after its `:` (followed by a space or the
   * end of the line); else undefined.
   */
  private keyEnd(s: string): number | undefined {
    if (s[0] === "'" || s[0] === '"') {
      const q = this.scanQuotedOnLine(s);
      if (q === undefined) return undefined;
      return s[q] === ':' && (q + 1 === s.length || s[q + 1] === ' ') ? q + 1 : undefined;
    }
    const p = s.indexOf(': ');
    if (p > 0) return p + 1;
    if (s.endsWith(':') && s.length > 1) return s.length;
    return undefined;
  }

  /** End offset (after the closing quote) of a quoted scalar that closes on this line. */
  private scanQuotedOnLine(s: string): number | undefined {
    const q = s[0]!;
    for (let j = 1; j < s.length; j++) {
      if (q === "'" && s[j] === "'") {
        if (s[j + 1] === "'") {
          j++;
          continue;
        }
        return j + 1;
      }
      if (q === '"') {
        if (s[j] === '\\') {
          j++;
          continue;
        }
        if (s[j] === '"') return j + 1;
      }
    }
    return undefined;
  }

  private mapping(ind: number): Map<YamlKey, YamlValue> {
    const out = new Map<YamlKey, YamlValue>();
    const ids = new Set<string>();
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (indentOf(line) !== ind) {
        if (indentOf(line) > ind || line === '') fallback();
        break;
      }
      const content = line.slice(ind);
      if (this.isSeqItem(content)) break;
      const end = this.keyEnd(content);
      if (end === undefined) fallback();
      const keyText = content.slice(0, end! - 1);
      let key: YamlKey;
      if (keyText[0] === "'" || keyText[0] === '"') {
        key = this.quotedOneLine(keyText);
      } else {
        checkPlain(keyText);
        if (keyText === '<<') fallback();
        key = plain(keyText) as YamlKey;
      }
      const id = keyIdentity(key);
      if (ids.has(id)) fallback();
      ids.add(id);
      const rest = content.slice(end!);
      if (rest === '') {
        this.i++;
        out.set(key, this.blockValue(ind));
      } else if (rest === ' ') {
        // `key: ` + a long first word on the next line (ruamel ≥ 0.18.13 folding)
        this.i++;
        const next = this.lines[this.i];
        if (next === undefined || indentOf(next) <= ind) fallback();
        out.set(key, this.plainContinuation('', ind, true));
      } else {
        out.set(key, this.scalarValue(rest.slice(1), ind + 2, ind));
      }
    }
    return out;
  }

  /** The value after `key:` at the end of a line: nested block, or null. */
  private blockValue(keyInd: number): YamlValue {
    const next = this.lines[this.i];
    if (next === undefined || next === '') return null;
    const ind = indentOf(next);
    const content = next.slice(ind);
    if (ind === keyInd && this.isSeqItem(content)) return this.sequence(keyInd);
    if (ind > keyInd) {
      if (this.isSeqItem(content) || this.keyEnd(content) === undefined) fallback();
      return this.mapping(ind);
    }
    return null;
  }

  /** A scalar starting at `text` (rest of the current line); `parentInd` bounds continuation lines. */
  private scalarValue(text: string, _col: number, parentInd: number): YamlValue {
    if (text === '{}' || text === '[]') {
      this.i++;
      return text === '{}' ? new Map() : [];
    }
    if (text[0] === "'" || text[0] === '"') return this.quoted(text, parentInd);
    this.i++;
    return this.plainContinuation(text, parentInd, false);
  }

  /** A plain scalar: `first` plus continuation lines indented deeper than `parentInd`. */
  private plainContinuation(first: string, parentInd: number, startsOnNextLine: boolean): YamlValue {
    const parts: string[] = startsOnNextLine ? [] : [first];
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line === '' || indentOf(line) <= parentInd) break;
      parts.push(line.slice(indentOf(line)));
      this.i++;
    }
    if (parts.length === 0) fallback();
    // line folding: a break (and the single space ruamel may leave before it) reads as one space
    for (let k = 0; k < parts.length - 1; k++) {
      const p = parts[k]!;
      if (p.endsWith('  ')) fallback();
      if (p.endsWith(' ')) parts[k] = p.slice(0, -1);
    }
    const text = parts.join(' ');
    checkPlain(text);
    return plain(text);
  }

  /** A quoted scalar that must close on the same line (keys). */
  private quotedOneLine(s: string): string {
    const end = this.scanQuotedOnLine(s);
    if (end !== s.length) fallback();
    return s[0] === "'" ? s.slice(1, -1).replace(/''/g, "'") : this.unescapeDouble(s.slice(1, -1));
  }

  private unescapeDouble(body: string): string {
    let out = '';
    for (let j = 0; j < body.length; j++) {
      const c = body[j]!;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = body[++j];
      if (e === undefined) fallback();
      if (e! in DQ_ESCAPES) out += DQ_ESCAPES[e!];
      else if (e === 'x' || e === 'u' || e === 'U') {
        const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = body.slice(j + 1, j + 1 + n);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) fallback();
        out += String.fromCodePoint(parseInt(hex, 16));
        j += n;
      } else fallback();
    }
    return out;
  }

  /** A single- or double-quoted scalar starting at `text`, possibly folded over lines. */
  private quoted(text: string, parentInd: number): string {
    const q = text[0]!;
    let out = '';
    // length of trailing unescaped whitespace in `out` (stripped at a line break)
    let trailingWs = 0;
    let s = text.slice(1);
    for (;;) {
      let j = 0;
      let closed = false;
      let escapedBreak = false;
      while (j < s.length) {
        const c = s[j]!;
        if (q === "'" && c === "'") {
          if (s[j + 1] === "'") {
            out += "'";
            trailingWs = 0;
            j += 2;
            continue;
          }
          closed = true;
          j++;
          break;
        }
        if (q === '"' && c === '"') {
          closed = true;
          j++;
          break;
        }
        if (q === '"' && c === '\\') {
          if (j + 1 === s.length) {
            escapedBreak = true;
            j++;
            break;
          }
          const e = s[j + 1]!;
          if (e in DQ_ESCAPES) {
            out += DQ_ESCAPES[e];
            j += 2;
          } else if (e === 'x' || e === 'u' || e === 'U') {
            const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
            const hex = s.slice(j + 2, j + 2 + n);
            if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) fallback();
            out += String.fromCodePoint(parseInt(hex, 16));
            j += 2 + n;
          } else return fallback();
          trailingWs = 0;
          continue;
        }
        out += c;
        trailingWs = c === ' ' ? trailingWs + 1 : 0;
        j++;
      }
      if (closed) {
        if (j !== s.length) fallback();
        this.i++;
        return out;
      }
      // the scalar continues on the next line(s)
      if (!escapedBreak && trailingWs) out = out.slice(0, out.length - trailingWs);
      trailingWs = 0;
      this.i++;
      let empty = 0;
      while (this.i < this.lines.length && this.lines[this.i]!.trim() === '' && this.lines[this.i] !== '') {
        empty++;
        this.i++;
      }
      if (this.i >= this.lines.length || this.lines[this.i] === '') fallback();
      const next = this.lines[this.i]!;
      if (indentOf(next) <= parentInd) fallback();
      if (!escapedBreak) out += empty ? '\n'.repeat(empty) : ' ';
      s = next.slice(indentOf(next));
    }
  }
}

/**
 * Loads DVC-layout YAML quickly; `undefined` when the text is outside the supported subset (the
 * caller must then use the full parser).
 */
export function fastParseYaml(text: string): YamlValue | undefined {
  if (!text.endsWith('\n') || text.includes('\t') || text.includes('\r') || text.startsWith('---') || text.startsWith('%')) return undefined;
  if (/[\x85\u2028\u2029\ufeff]/.test(text)) return undefined;
  const lines = text.slice(0, -1).split('\n');
  try {
    return new FastParser(lines).run();
  } catch (e) {
    if (e instanceof Fallback) return undefined;
    // a value our constructor rejects (bad timestamp…): let the full parser report it
    return undefined;
  }
}
