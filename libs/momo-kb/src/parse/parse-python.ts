import { createRequire } from 'node:module';
import type { Language as TsLanguage, Node as TsNode, Parser as TsParser } from 'web-tree-sitter';
import type { CallRef, CodeSymbol, ImportRef, ParsedFile, ParseProblem, SymbolKind } from '../types.js';
import { makeSymbolId } from './symbol-id.js';

let parserPromise: Promise<TsParser> | undefined;

/**
 * The shared tree-sitter parser with the Python grammar of @vscode/tree-sitter-wasm, loaded once on
 * first use (the WASM runtime is heavy, so nothing loads it until a Python file shows up).
 */
export function loadPythonParser(): Promise<TsParser> {
  parserPromise ??= (async () => {
    const { Parser, Language } = await import('web-tree-sitter');
    const require = createRequire(import.meta.url);
    await Parser.init();
    const lang: TsLanguage = await Language.load(require.resolve('@vscode/tree-sitter-wasm/wasm/tree-sitter-python.wasm'));
    const parser = new Parser();
    parser.setLanguage(lang);
    return parser;
  })();
  return parserPromise;
}

export interface ParsePythonOptions {
  path: string;
  text: string;
  parser: TsParser;
  /** Leave docstrings out of the result. @default false */
  withoutDocs?: boolean;
}

const MAX_SIGNATURE = 400;

function oneLine(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > MAX_SIGNATURE ? `${t.slice(0, MAX_SIGNATURE - 1)}…` : t;
}

/** The text of a Python string literal node without quotes and prefixes, dedented. */
function stringLiteralText(node: TsNode): string {
  let t = node.text.replace(/^[rRbBuUfF]*/, '');
  if (t.startsWith('"""') || t.startsWith("'''")) t = t.slice(3, -3);
  else t = t.slice(1, -1);
  const lines = t.split('\n');
  const indents = lines.slice(1).filter((l) => l.trim()).map((l) => l.match(/^\s*/)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return [lines[0], ...lines.slice(1).map((l) => l.slice(cut))].join('\n').trim();
}

function docstringOf(block: TsNode | null): string {
  if (!block) return '';
  const first = block.namedChildren[0];
  if (first && first.type === 'expression_statement') {
    const s = first.namedChildren[0];
    if (s && s.type === 'string') return stringLiteralText(s);
  }
  return '';
}

function calleeText(node: TsNode): string | undefined {
  if (node.type === 'identifier') return node.text;
  if (node.type === 'attribute') {
    const obj = node.childForFieldName('object');
    const attr = node.childForFieldName('attribute');
    if (!attr) return undefined;
    const left = obj ? calleeText(obj) : undefined;
    return left ? `${left}.${attr.text}` : attr.text;
  }
  return undefined;
}

/**
 * Parses a Python file with tree-sitter into symbols (functions, classes, methods, module-level
 * assignments) with signatures, docstrings and spans, imports (`import x`, `from .y import z`) and
 * calls. A file with syntax errors still yields what tree-sitter's error recovery kept.
 */
export function parsePython(options: ParsePythonOptions): ParsedFile {
  const { path, text } = options;
  const tree = options.parser.parse(text);
  if (!tree) throw new Error(`tree-sitter returned no tree for ${path}`);
  const root = tree.rootNode;
  const symbols: CodeSymbol[] = [];
  const imports: ImportRef[] = [];
  const calls: CallRef[] = [];
  const seen = new Map<string, number>();
  let allNames: Set<string> | undefined;

  const add = (
    node: TsNode,
    outer: TsNode,
    name: string,
    kind: SymbolKind,
    sigEnd: number,
    parent: string | undefined,
    doc: string,
  ): CodeSymbol => {
    const qualifiedName = parent ? `${parent}.${name}` : name;
    const isPublic = !name.startsWith('_') || (name.startsWith('__') && name.endsWith('__'));
    const sym: CodeSymbol = {
      id: makeSymbolId(path, qualifiedName, seen),
      name,
      qualifiedName,
      kind,
      path,
      signature: oneLine(text.slice(node.startIndex, sigEnd).replace(/:\s*$/, '')),
      doc: options.withoutDocs ? '' : doc,
      exported: isPublic,
      startLine: node.startPosition.row + 1,
      endLine: outer.endPosition.row + 1,
    };
    if (outer.startPosition.row < node.startPosition.row) sym.docStartLine = outer.startPosition.row + 1;
    if (parent) sym.parent = parent;
    symbols.push(sym);
    return sym;
  };

  const visitCalls = (node: TsNode, caller: string | undefined): void => {
    // iterative walk: deep expression trees would overflow a recursive one
    const stack: TsNode[] = [node];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.type === 'call') {
        const fn = n.childForFieldName('function');
        const callee = fn ? calleeText(fn) : undefined;
        if (callee) {
          const c: CallRef = { callee, line: n.startPosition.row + 1 };
          if (caller) c.caller = caller;
          calls.push(c);
        }
      }
      if (n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'decorated_definition') {
        if (n !== node) continue;
      }
      const kids = n.namedChildren;
      for (let i = kids.length - 1; i >= 0; i--) if (kids[i]) stack.push(kids[i]!);
    }
  };

  const visitDefinition = (outer: TsNode, parent: string | undefined, inClass: boolean): void => {
    let def = outer;
    if (outer.type === 'decorated_definition') {
      const d = outer.childForFieldName('definition');
      if (!d) return;
      def = d;
      for (const dec of outer.namedChildren) if (dec && dec.type === 'decorator') visitCalls(dec, parent);
    }
    const nameNode = def.childForFieldName('name');
    const body = def.childForFieldName('body');
    if (!nameNode || !body) return;
    const name = nameNode.text;
    if (def.type === 'function_definition') {
      const kind: SymbolKind = inClass ? (name === '__init__' ? 'constructor' : 'method') : 'function';
      const s = add(def, outer, name, kind, body.startIndex, parent, docstringOf(body));
      visitBlock(body, s.qualifiedName, false);
    } else if (def.type === 'class_definition') {
      const s = add(def, outer, name, 'class', body.startIndex, parent, docstringOf(body));
      const sup = def.childForFieldName('superclasses');
      if (sup) visitCalls(sup, s.qualifiedName);
      visitBlock(body, s.qualifiedName, true);
    }
  };

  /** Visits the statements of a module, class or function body. Only module and class level declare symbols. */
  const visitBlock = (block: TsNode, scope: string | undefined, inClass: boolean): void => {
    const declares = scope === undefined || inClass;
    for (const st of block.namedChildren) {
      if (!st) continue;
      switch (st.type) {
        case 'function_definition':
        case 'class_definition':
        case 'decorated_definition':
          if (declares) visitDefinition(st, scope, inClass);
          else visitNested(st, scope);
          break;
        case 'import_statement':
        case 'import_from_statement':
        case 'future_import_statement':
          readImport(st);
          break;
        case 'expression_statement': {
          const a = st.namedChildren[0];
          if (declares && a && a.type === 'assignment') {
            const left = a.childForFieldName('left');
            if (left && left.type === 'identifier') {
              if (left.text === '__all__' && scope === undefined) readAll(a);
              const kind: SymbolKind = inClass ? 'property' : 'variable';
              const right = a.childForFieldName('right');
              const sigEnd = right && right.endIndex - a.startIndex > 120 ? right.startIndex : a.endIndex;
              add(st, st, left.text, kind, sigEnd, scope, '');
            }
          }
          visitCalls(st, scope);
          break;
        }
        case 'if_statement':
        case 'try_statement':
        case 'with_statement':
        case 'for_statement':
        case 'while_statement':
          // conditional imports and definitions (e.g. `if TYPE_CHECKING:`) still count at this level
          for (const part of st.namedChildren) {
            if (!part) continue;
            if (part.type === 'block') visitBlock(part, scope, inClass);
            else if (part.type.endsWith('_clause') || part.type === 'else_clause') {
              const b = part.namedChildren.find((c) => c?.type === 'block');
              if (b) visitBlock(b, scope, inClass);
              else visitCalls(part, scope);
            } else visitCalls(part, scope);
          }
          break;
        default:
          visitCalls(st, scope);
      }
    }
  };

  /** A definition nested in a function body: no symbol, but its calls count for the enclosing symbol. */
  const visitNested = (node: TsNode, scope: string | undefined): void => {
    const def = node.type === 'decorated_definition' ? node.childForFieldName('definition') : node;
    const body = def?.childForFieldName('body');
    if (body) visitBlock(body, scope, false);
  };

  const readAll = (assignment: TsNode): void => {
    const right = assignment.childForFieldName('right');
    if (!right || (right.type !== 'list' && right.type !== 'tuple')) return;
    allNames = new Set();
    for (const el of right.namedChildren) if (el && el.type === 'string') allNames.add(stringLiteralText(el));
  };

  const readImport = (st: TsNode): void => {
    const line = st.startPosition.row + 1;
    if (st.type === 'import_statement') {
      for (const n of st.namedChildren) {
        if (!n) continue;
        const dotted = n.type === 'aliased_import' ? n.childForFieldName('name') : n;
        if (dotted && dotted.type === 'dotted_name') imports.push({ specifier: dotted.text, names: ['*'], kind: 'static', line });
      }
      return;
    }
    const mod = st.childForFieldName('module_name');
    const specifier = st.type === 'future_import_statement' ? '__future__' : mod ? mod.text : '';
    if (!specifier) return;
    const names: string[] = [];
    for (const n of st.namedChildren) {
      if (!n || n === mod || (mod && n.startIndex === mod.startIndex)) continue;
      if (n.type === 'wildcard_import') names.push('*');
      else if (n.type === 'dotted_name') names.push(n.text);
      else if (n.type === 'aliased_import') {
        const nm = n.childForFieldName('name');
        if (nm) names.push(nm.text);
      }
    }
    imports.push({ specifier, names, kind: 'static', line });
  };

  visitBlock(root, undefined, false);
  if (allNames) {
    for (const s of symbols) if (!s.parent) s.exported = allNames.has(s.name);
  }

  const problems: ParseProblem[] = [];
  if (root.hasError) {
    const stack: TsNode[] = [root];
    while (stack.length && problems.length < 20) {
      const n = stack.pop()!;
      if (n.type === 'ERROR' || n.isMissing) {
        problems.push({
          line: n.startPosition.row + 1,
          message: n.isMissing ? `missing ${n.type}` : `syntax error near ${JSON.stringify(n.text.slice(0, 30))}`,
        });
        continue;
      }
      if (!n.hasError) continue;
      const kids = n.children;
      for (let i = kids.length - 1; i >= 0; i--) if (kids[i]) stack.push(kids[i]!);
    }
    problems.sort((a, b) => a.line - b.line);
  }
  tree.delete();
  return { path, language: 'python', symbols, imports, calls, problems };
}
