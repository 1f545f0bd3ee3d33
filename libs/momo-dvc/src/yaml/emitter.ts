/**
 * A block-style YAML emitter that reproduces, byte for byte, what ruamel.yaml 0.19.1 writes with
 * the settings DVC uses (`dvc/utils/serialize/_yaml.py::_get_yaml`: round-trip `YAML()`,
 * `default_flow_style = False`, width 80, indent 2, `allow_unicode`).
 *
 * The behaviour mirrors `ruamel/yaml/emitter.py` of that release (re-expressed here, not copied):
 * - the column/indent/"whitespace"/"indention" bookkeeping of `write_indent` and
 *   `write_indicator`, which decides where line breaks and spaces go;
 * - sequences under a mapping key are "indentless" (the dash sits in the key's column);
 * - scalar style choice (`analyze_scalar` + `choose_scalar_style`): plain, else double quotes when
 *   the text has `'` or a line feed, else single quotes; non-printable text forces double quotes;
 * - line folding at 80 columns in `write_plain` (breaks *before* a word that would cross column
 *   80, leaving the single space at the end of the previous line; a long first word moves to its own
 *   line), `write_single_quoted` and `write_double_quoted` (with the 0.17.23+ backslash heuristic);
 * - explicit `? key` form for keys of 128 characters or more including the `!!tag` text, and for
 *   keys with line breaks;
 * - empty collections in flow style (`{}`, `[]`).
 *
 * Lengths and columns count Unicode code points, as Python does.
 */
import { resolvePlainTag, type PlainTag } from './resolve-scalar.js';

/** Scalar node: its text and the YAML tag its Python value has (str, int, float, ...). */
export interface ScalarNode {
  kind: 'scalar';
  tag: PlainTag;
  text: string;
}
export interface SeqNode {
  kind: 'seq';
  items: YamlNode[];
}
export interface MapNode {
  kind: 'map';
  pairs: Array<[YamlNode, YamlNode]>;
}
export type YamlNode = ScalarNode | SeqNode | MapNode;

const BEST_WIDTH = 80;
const BEST_INDENT = 2;
const MAX_SIMPLE_KEY_LENGTH = 128;

/** Code points that are line breaks for YAML scalar analysis. */
const BREAKS = new Set(['\n', '\x85', '\u2028', '\u2029']);
/** Whitespace set used by ruamel when checking what precedes/follows an indicator. */
const WS_ANALYSIS = new Set(['\0', ' ', '\t', '\r', '\n', '\x85', '\u2028', '\u2029']);

interface Analysis {
  empty: boolean;
  multiline: boolean;
  allowBlockPlain: boolean;
  allowSingleQuoted: boolean;
}

type Style = '' | "'" | '"';

/** Code points of a scalar: the string itself when it is ASCII (one code unit per code point). */
type Chars = string | string[];

function sub(chars: Chars, a: number, b: number): string {
  return typeof chars === 'string' ? chars.slice(a, b) : chars.slice(a, b).join('');
}

const ASCII = /^[\x00-\x7f]*$/;

function codePoints(text: string): Chars {
  return ASCII.test(text) ? text : [...text];
}

function isPrintableNonAscii(cp: number): boolean {
  // printable for the emitter with allow_unicode (BOM excluded)
  return (
    cp !== 0xfeff &&
    (cp === 0x85 || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff))
  );
}

/** Strings that are plain-safe at a glance (hashes, paths, names): skip the character scan. */
const SIMPLE = /^[A-Za-z0-9_/][A-Za-z0-9_./+=-]*$/;
const SIMPLE_ANALYSIS: Analysis = { empty: false, multiline: false, allowBlockPlain: true, allowSingleQuoted: true };

/** Mirrors `Emitter.analyze_scalar` for block context with allow_unicode. */
function analyzeScalar(chars: Chars): Analysis {
  if (typeof chars === 'string' && SIMPLE.test(chars)) return SIMPLE_ANALYSIS;
  const n = chars.length;
  if (n === 0) return { empty: true, multiline: false, allowBlockPlain: true, allowSingleQuoted: true };
  let blockIndicators = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  const first3 = sub(chars, 0, 3);
  if (first3 === '---' || first3 === '...') blockIndicators = true;
  let precededByWs = true;
  let followedByWs = n === 1 || WS_ANALYSIS.has(chars[1]!);
  let previousSpace = false;
  let previousBreak = false;
  for (let i = 0; i < n; i++) {
    const ch = chars[i]!;
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      if ((ch === '?' || ch === ':') && followedByWs) blockIndicators = true;
      if (ch === '-' && followedByWs) blockIndicators = true;
    } else {
      if (ch === ':' && followedByWs) blockIndicators = true;
      if (ch === '#' && precededByWs) blockIndicators = true;
    }
    const isBreak = BREAKS.has(ch);
    if (isBreak) lineBreaks = true;
    const cp = ch.codePointAt(0)!;
    if (!(ch === '\n' || (cp >= 0x20 && cp <= 0x7e))) {
      if (!isPrintableNonAscii(cp)) special = true;
    }
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === n - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak) {
      if (i === 0) leadingBreak = true;
      if (i === n - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWs = WS_ANALYSIS.has(ch);
    followedByWs = i + 2 >= n || WS_ANALYSIS.has(chars[i + 2]!);
  }
  let allowBlockPlain = true;
  let allowSingleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) allowBlockPlain = false;
  if (breakSpace) allowBlockPlain = allowSingleQuoted = false;
  if (special) allowBlockPlain = allowSingleQuoted = false;
  else if (spaceBreak) allowBlockPlain = allowSingleQuoted = false;
  if (lineBreaks) allowBlockPlain = false;
  if (blockIndicators) allowBlockPlain = false;
  return { empty: false, multiline: lineBreaks, allowBlockPlain, allowSingleQuoted };
}

const ESCAPES: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\x08': 'b',
  '\t': 't',
  '\n': 'n',
  '\x0b': 'v',
  '\x0c': 'f',
  '\r': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xa0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

function hex(cp: number, width: number): string {
  return cp.toString(16).toUpperCase().padStart(width, '0');
}

/** Is `ch` written raw inside double quotes (`write_double_quoted` with allow_unicode)? */
function isRawInDoubleQuotes(ch: string): boolean {
  if ('"\\\x85\u2028\u2029\ufeff'.includes(ch)) return false;
  const cp = ch.codePointAt(0)!;
  return (
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** Tag text length as ruamel prepares it for the simple-key length check (`!!str` etc.). */
function tagLength(tag: PlainTag): number {
  return 2 + tag.length;
}

interface Ctx {
  root?: boolean;
  sequence?: boolean;
  mapping?: boolean;
  simpleKey?: boolean;
}

class Emitter {
  private out = '';
  private column = 0;
  private whitespace = true;
  private indention = true;
  private openEnded = false;
  private indent: number | null = null;
  /** Stack of [enclosing indent, is-sequence] as in ruamel's `Indents`. */
  private indents: Array<[number | null, boolean]> = [];
  private flowLevel = 0;

  result(): string {
    return this.out;
  }

  emitDocument(node: YamlNode): void {
    this.emitNode(node, { root: true });
    // expect_document_end
    this.writeIndent();
    if (this.openEnded) {
      this.writeIndicator('...', true);
      this.writeIndent();
    }
  }

  // --- low-level writers (emitter.py: write_indicator, write_indent, write_line_break) ---

  private write(data: string, width: number): void {
    this.column += width;
    this.out += data;
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWhitespace ? indicator : ' ' + indicator;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.openEnded = false;
    this.write(data, [...data].length);
  }

  private writeIndent(): void {
    const indent = this.indent ?? 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) {
      this.writeLineBreak();
    }
    if (this.column < indent) {
      this.whitespace = true;
      const pad = indent - this.column;
      this.out += ' '.repeat(pad);
      this.column = indent;
    }
  }

  private writeLineBreak(data = '\n'): void {
    this.whitespace = true;
    this.indention = true;
    this.column = 0;
    this.out += data;
  }

  private increaseIndent(flow: boolean, sequence: boolean, indentless = false): void {
    this.indents.push([this.indent, sequence]);
    if (this.indent === null) {
      // top level: block collections start at 0; a flow/scalar at the root has no indent
      this.indent = flow ? null : 0;
    } else if (!indentless) {
      this.indent += BEST_INDENT;
    }
  }

  private popIndent(): void {
    this.indent = this.indents.pop()![0];
  }

  private seqSeq(): boolean {
    const v = this.indents;
    return v.length >= 2 && v[v.length - 2]![1] && v[v.length - 1]![1];
  }

  /** `Indents.seq_flow_align` without pre-comments. */
  private seqFlowAlign(): number {
    const v = this.indents;
    if (v.length < 2 || !v[v.length - 1]![1]) return 0;
    const base = v[v.length - 1]![0] ?? 0;
    return base + BEST_INDENT - this.column - 1;
  }

  // --- node handlers ---

  private emitNode(node: YamlNode, ctx: Ctx): void {
    if (node.kind === 'scalar') {
      // expect_scalar (a root scalar follows the implicit document start on the same line)
      this.increaseIndent(true, false);
      this.processScalar(node, ctx);
      this.popIndent();
    } else if (node.kind === 'seq') {
      if (node.items.length === 0 || this.flowLevel > 0) this.emptyFlow('[', ']', true);
      else this.blockSequence(node, !!ctx.mapping);
    } else {
      if (node.pairs.length === 0 || this.flowLevel > 0) this.emptyFlow('{', '}', false);
      else this.blockMapping(node);
    }
  }

  private emptyFlow(open: string, close: string, sequence: boolean): void {
    const ind = this.seqFlowAlign();
    this.writeIndicator(' '.repeat(Math.max(ind, 0)) + open, true, true);
    this.flowLevel++;
    this.increaseIndent(true, sequence);
    if (sequence && this.seqSeq()) this.indention = true;
    this.popIndent();
    this.flowLevel--;
    this.writeIndicator(close, false);
    if (this.flowLevel === 0) this.writeLineBreak();
  }

  private blockSequence(node: SeqNode, mappingContext: boolean): void {
    const indentless = mappingContext ? !this.indention : false;
    this.increaseIndent(false, true, indentless);
    if (this.seqSeq()) this.indention = true;
    for (const item of node.items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.emitNode(item, { sequence: true });
    }
    this.popIndent();
  }

  private blockMapping(node: MapNode): void {
    this.increaseIndent(false, false);
    for (const [key, value] of node.pairs) {
      this.writeIndent();
      if (this.isSimpleKey(key)) {
        this.emitNode(key, { mapping: true, simpleKey: true });
        this.writeIndicator(':', false);
        this.emitNode(value, { mapping: true });
      } else {
        this.writeIndicator('?', true, false, true);
        this.emitNode(key, { mapping: true });
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
        this.emitNode(value, { mapping: true });
      }
    }
    this.popIndent();
  }

  private isSimpleKey(key: YamlNode): boolean {
    if (key.kind !== 'scalar') {
      // collections as keys are only simple when empty (flow); DVC never writes them
      return key.kind === 'seq' ? key.items.length === 0 : key.pairs.length === 0;
    }
    const chars = codePoints(key.text);
    const length = tagLength(key.tag) + chars.length;
    return length < MAX_SIMPLE_KEY_LENGTH && !analyzeScalar(chars).multiline;
  }

  private chooseStyle(node: ScalarNode, a: Analysis, ctx: Ctx): Style {
    const plainImplicit = resolvePlainTag(node.text) === node.tag;
    if (plainImplicit) {
      if (!(ctx.simpleKey && (a.empty || a.multiline)) && a.allowBlockPlain) return '';
    }
    if (node.text.includes("'") || node.text.includes('\n')) return '"';
    if (a.allowSingleQuoted && !(ctx.simpleKey && a.multiline)) return "'";
    return '"';
  }

  private processScalar(node: ScalarNode, ctx: Ctx): void {
    let text = node.text;
    // represent_none at the document root writes `null`
    if (ctx.root && node.tag === 'null' && text === '') text = 'null';
    let chars = codePoints(text);
    let a = analyzeScalar(chars);
    let style = this.chooseStyle({ ...node, text }, a, ctx);
    if (style === "'" && node.tag === 'null' && text === '') {
      // process_tag's `alt_null`: a null that would need quotes (a key) is written `null`
      text = 'null';
      chars = codePoints(text);
      a = analyzeScalar(chars);
      style = this.chooseStyle({ ...node, text }, a, ctx);
    }
    const split = !ctx.simpleKey;
    if (ctx.sequence && this.flowLevel === 0) this.writeIndent();
    if (style === '"') this.writeDoubleQuoted(chars, split);
    else if (style === "'") this.writeSingleQuoted(chars, split);
    else this.writePlain(chars, split, !!ctx.root);
  }

  // --- scalar writers ---

  private writePlain(chars: Chars, split: boolean, root: boolean): void {
    if (root) this.openEnded = true;
    if (chars.length === 0) return;
    if (!this.whitespace) this.write(' ', 1);
    this.whitespace = false;
    this.indention = false;
    let spaces = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end] : undefined;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column >= BEST_WIDTH && split) {
            this.writeIndent();
            this.whitespace = false;
            this.indention = false;
          } else {
            this.write(sub(chars, start, end), end - start);
          }
          start = end;
        }
      } else if (ch === undefined || ch === ' ') {
        // plain scalars never contain line breaks (analysis forbids them)
        const len = end - start;
        if (len + this.column > BEST_WIDTH && this.indent !== null && this.column > this.indent) {
          this.writeIndent();
        }
        this.write(sub(chars, start, end), len);
        start = end;
      }
      if (ch !== undefined) spaces = ch === ' ';
    }
  }

  private writeSingleQuoted(chars: Chars, split: boolean): void {
    this.writeIndicator("'", true);
    let spaces = false;
    let breaks = false;
    let start = 0;
    const n = chars.length;
    for (let end = 0; end <= n; end++) {
      const ch = end < n ? chars[end] : undefined;
      if (spaces) {
        if (ch === undefined || ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split && start !== 0 && end !== n) {
            this.writeIndent();
          } else {
            this.write(sub(chars, start, end), end - start);
          }
          start = end;
        }
      } else if (breaks) {
        if (ch === undefined || !BREAKS.has(ch)) {
          if (chars[start] === '\n') this.writeLineBreak();
          for (let i = start; i < end; i++) {
            const br = chars[i]!;
            this.writeLineBreak(br === '\n' ? '\n' : br);
          }
          this.writeIndent();
          start = end;
        }
      } else if (ch === undefined || ch === ' ' || BREAKS.has(ch) || ch === "'") {
        if (start < end) {
          this.write(sub(chars, start, end), end - start);
          start = end;
        }
      }
      if (ch === "'") {
        this.write("''", 2);
        start = end + 1;
      }
      if (ch !== undefined) {
        spaces = ch === ' ';
        breaks = BREAKS.has(ch);
      }
    }
    this.writeIndicator("'", false);
  }

  private writeDoubleQuoted(chars: Chars, split: boolean): void {
    this.writeIndicator('"', true);
    const n = chars.length;
    let start = 0;
    for (let end = 0; end <= n; end++) {
      const ch = end < n ? chars[end] : undefined;
      if (ch === undefined || !isRawInDoubleQuotes(ch)) {
        if (start < end) {
          this.write(sub(chars, start, end), end - start);
          start = end;
        }
        if (ch !== undefined) {
          const cp = ch.codePointAt(0)!;
          const esc = ESCAPES[ch];
          const data =
            esc !== undefined ? '\\' + esc : cp <= 0xff ? '\\x' + hex(cp, 2) : cp <= 0xffff ? '\\u' + hex(cp, 4) : '\\U' + hex(cp, 8);
          this.write(data, data.length);
          start = end + 1;
        }
      }
      if (end > 0 && end < n - 1 && (ch === ' ' || start >= end) && this.column + (end - start) > BEST_WIDTH && split) {
        const needBackslash = this.needsBackslash(chars, start, end);
        const data = sub(chars, start, end) + (needBackslash ? '\\' : '');
        if (start < end) start = end;
        this.write(data, [...data].length);
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
        if (chars[start] === ' ') {
          if (!needBackslash) start += 1;
          if (needBackslash) this.write('\\', 1);
        }
      }
    }
    this.writeIndicator('"', false);
  }

  /**
   * The heuristic ruamel.yaml ≥ 0.17.23 uses to decide whether a folded double-quoted line must end
   * in `\` (`write_double_quoted`, the branch citing stackoverflow 75634614).
   */
  private needsBackslash(chars: Chars, start: number, end: number): boolean {
    const n = chars.length;
    let spacePos = chars.indexOf(' ', end);
    if (spacePos < 0) return true;
    for (let i = end; i < spacePos; i++) {
      if (chars[i] === '\n') {
        spacePos = i;
        break;
      }
    }
    if (spacePos + 1 >= n) return true; // Python raises IndexError, leaving the backslash
    if (chars[spacePos] === '\n' && chars[spacePos + 1] !== ' ') return true;
    const word = sub(chars, end, spacePos);
    if (
      !word.includes('"') &&
      !word.includes("'") &&
      chars[spacePos + 1] !== ' ' &&
      chars[spacePos + 1] !== '\n' &&
      !(chars[end - 1] === ' ' && chars[end] === ' ') &&
      start !== end
    ) {
      return false;
    }
    return true;
  }
}

/** Emits a node tree as a YAML document exactly as DVC's ruamel.yaml settings would. */
export function emitYaml(node: YamlNode): string {
  const e = new Emitter();
  e.emitDocument(node);
  return e.result();
}
