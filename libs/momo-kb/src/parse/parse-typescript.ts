import { createRequire } from 'node:module';
import type * as TS from 'typescript';
import type { CallRef, CodeSymbol, ImportRef, ParsedFile, ParseProblem, SymbolKind } from '../types.js';
import { makeSymbolId } from './symbol-id.js';

export interface ParseTypeScriptOptions {
  path: string;
  text: string;
  /** Leave doc comments out of the result (used to hold them out in retrieval benchmarks). @default false */
  withoutDocs?: boolean;
}

/**
 * The TypeScript compiler, loaded with require(): importing its 9 MB CommonJS bundle from ESM makes
 * Node scan it for named exports first, which costs about a second in every worker thread.
 */
const ts: typeof TS = createRequire(import.meta.url)('typescript');

const MAX_SIGNATURE = 400;

function scriptKindOf(path: string): TS.ScriptKind {
  if (path.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (path.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(path)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** Strips comment markers from a `/** ... *\/` block. */
export function cleanDocComment(raw: string): string {
  return raw
    .replace(/^\/\*\*+/, '')
    .replace(/\*+\/$/, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\*? ?/, '').trimEnd())
    .join('\n')
    .trim();
}

function hasModifier(node: TS.Node, kind: TS.SyntaxKind): boolean {
  const mods = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  return !!mods && mods.some((m) => m.kind === kind);
}

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029 || (c >= 0x2000 && c <= 0x200a) || c === 0x1680 || c === 0x202f || c === 0x205f || c === 0x3000;

/**
 * The signature of a declaration: `text[start, end)` without trailing `;`/`{`, whitespace runs as
 * one space, trimmed, and cut to MAX_SIGNATURE characters with an ellipsis. Scans only as far as
 * the cut needs (a class or a large object literal would otherwise be collapsed in full).
 */
function signatureOf(text: string, start: number, end: number): string {
  let out = '';
  let pendingSpace = false;
  let i = start;
  for (; i < end && out.length <= MAX_SIGNATURE; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      pendingSpace = out.length > 0;
      continue;
    }
    if (pendingSpace) out += ' ';
    pendingSpace = false;
    out += text[i];
  }
  if (out.length > MAX_SIGNATURE) {
    // cut, unless everything left (and the overflow) is trailing `;`, `{` or whitespace
    let rest = i;
    while (rest < end && (isSpace(text.charCodeAt(rest)) || text[rest] === ';' || text[rest] === '{')) rest++;
    if (rest < end) return `${out.slice(0, MAX_SIGNATURE - 1)}…`;
  }
  const t = out.replace(/[;{ ]+$/, '');
  return t.length > MAX_SIGNATURE ? `${t.slice(0, MAX_SIGNATURE - 1)}…` : t;
}

/**
 * Parses a TypeScript or JavaScript file with the TypeScript compiler API into symbols (with
 * signatures, doc comments and spans), imports (static, type-only, re-exports, dynamic `import()`,
 * `require()`) and calls. Syntax errors are reported as problems; the file is still read as far as
 * the parser's error recovery allows.
 */
export function parseTypeScript(options: ParseTypeScriptOptions): ParsedFile {
  const { path, text } = options;
  // JSDoc is read from comment ranges (docOf), so the parser need not build JSDoc nodes
  const sf = ts.createSourceFile(path, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, false, scriptKindOf(path));
  const symbols: CodeSymbol[] = [];
  const imports: ImportRef[] = [];
  const calls: CallRef[] = [];
  const seenIds = new Map<string, number>();
  const exportedNames = new Set<string>();
  const isDeclarationFile = /\.d\.[cm]?ts$/.test(path);

  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;

  const docOf = (node: TS.Node): { doc: string; docPos: number } => {
    if (options.withoutDocs) return { doc: '', docPos: -1 };
    const ranges = ts.getLeadingCommentRanges(text, node.pos);
    if (!ranges) return { doc: '', docPos: -1 };
    for (let i = ranges.length - 1; i >= 0; i--) {
      const r = ranges[i];
      if (r.kind === ts.SyntaxKind.MultiLineCommentTrivia && text.startsWith('/**', r.pos) && !text.startsWith('/**/', r.pos)) {
        return { doc: cleanDocComment(text.slice(r.pos, r.end)), docPos: r.pos };
      }
    }
    return { doc: '', docPos: -1 };
  };

  const addSymbol = (
    node: TS.Node,
    name: string,
    kind: SymbolKind,
    signatureEnd: number | undefined,
    parent: string | undefined,
    exported: boolean,
  ): CodeSymbol => {
    const start = node.getStart(sf);
    const { doc, docPos } = docOf(node);
    const qualifiedName = parent ? `${parent}.${name}` : name;

    const sym: CodeSymbol = {
      id: makeSymbolId(path, qualifiedName, seenIds),
      name,
      qualifiedName,
      kind,
      path,
      signature: signatureOf(text, start, signatureEnd ?? node.end),
      doc,
      exported,
      startLine: lineOf(start),
      endLine: lineOf(node.end),
    };
    if (docPos >= 0) {
      const dl = lineOf(docPos);
      if (dl < sym.startLine) sym.docStartLine = dl;
    }
    if (parent) sym.parent = parent;
    symbols.push(sym);
    return sym;
  };

  const nameText = (n: TS.PropertyName | TS.BindingName | TS.ModuleName | undefined): string | undefined => {
    if (!n) return undefined;
    if (ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) return n.text;
    if (ts.isStringLiteral(n) || ts.isNumericLiteral(n)) return n.text;
    if (ts.isComputedPropertyName(n)) return undefined;
    return undefined;
  };

  const calleeName = (e: TS.Expression): string | undefined => {
    if (ts.isIdentifier(e)) return e.text;
    if (e.kind === ts.SyntaxKind.ThisKeyword) return 'this';
    if (e.kind === ts.SyntaxKind.SuperKeyword) return 'super';
    if (ts.isPropertyAccessExpression(e)) {
      const left = calleeName(e.expression);
      return left ? `${left}.${e.name.text}` : e.name.text;
    }
    if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e)) return calleeName(e.expression);
    return undefined;
  };

  const stringArg = (call: TS.CallExpression): string | undefined => {
    const a = call.arguments[0];
    return a && (ts.isStringLiteral(a) || ts.isNoSubstitutionTemplateLiteral(a)) ? a.text : undefined;
  };

  /** Visits expressions and statements inside bodies: calls, dynamic imports, require(). */
  const visitBody = (node: TS.Node, caller: string | undefined): void => {
    if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const spec = stringArg(node);
        if (spec !== undefined) imports.push({ specifier: spec, names: ['*'], kind: 'dynamic', line: lineOf(node.getStart(sf)) });
      } else if (ts.isIdentifier(node.expression) && node.expression.text === 'require' && node.arguments.length === 1) {
        const spec = stringArg(node);
        if (spec !== undefined) imports.push({ specifier: spec, names: ['*'], kind: 'require', line: lineOf(node.getStart(sf)) });
      } else {
        const callee = calleeName(node.expression);
        if (callee) {
          const c: CallRef = { callee, line: lineOf(node.getStart(sf)) };
          if (caller) c.caller = caller;
          calls.push(c);
        }
      }
    } else if (ts.isNewExpression(node)) {
      const callee = calleeName(node.expression);
      if (callee) {
        const c: CallRef = { callee, line: lineOf(node.getStart(sf)) };
        if (caller) c.caller = caller;
        calls.push(c);
      }
    }
    ts.forEachChild(node, (child) => visitBody(child, caller));
  };

  const functionSignatureEnd = (fn: TS.SignatureDeclaration & { body?: TS.Node }): number | undefined =>
    fn.body ? fn.body.getStart(sf) : undefined;

  const visitClassLike = (
    node: TS.ClassLikeDeclaration | TS.InterfaceDeclaration,
    qualified: string,
    exported: boolean,
  ): void => {
    for (const m of node.members) {
      const isPrivate =
        hasModifier(m, ts.SyntaxKind.PrivateKeyword) || (m.name !== undefined && ts.isPrivateIdentifier(m.name));
      const memberExported = exported && !isPrivate;
      if (ts.isConstructorDeclaration(m)) {
        addSymbol(m, 'constructor', 'constructor', functionSignatureEnd(m), qualified, memberExported);
        if (m.body) visitBody(m.body, `${qualified}.constructor`);
        continue;
      }
      const name = nameText(m.name);
      if (!name) continue;
      if (ts.isMethodDeclaration(m) || ts.isMethodSignature(m) || ts.isGetAccessor(m) || ts.isSetAccessor(m)) {
        const s = addSymbol(m, name, 'method', ts.isMethodSignature(m) ? undefined : functionSignatureEnd(m), qualified, memberExported);
        const body = (m as TS.MethodDeclaration).body;
        if (body) visitBody(body, s.qualifiedName);
      } else if (ts.isPropertyDeclaration(m) || ts.isPropertySignature(m)) {
        const init = (m as TS.PropertyDeclaration).initializer;
        const isFn = init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init));
        const s = addSymbol(m, name, isFn ? 'method' : 'property', isFn ? functionSignatureEnd(init) : init ? init.pos : undefined, qualified, memberExported);
        if (init) visitBody(init, s.qualifiedName);
      }
    }
  };

  const visitStatement = (node: TS.Node, parent: string | undefined, inExportedScope: boolean): void => {
    const exportedMod = hasModifier(node, ts.SyntaxKind.ExportKeyword) || (isDeclarationFile && inExportedScope);
    if (ts.isImportDeclaration(node)) {
      if (!ts.isStringLiteral(node.moduleSpecifier)) return;
      const names: string[] = [];
      const clause = node.importClause;
      if (clause) {
        if (clause.name) names.push('default');
        const nb = clause.namedBindings;
        if (nb) {
          if (ts.isNamespaceImport(nb)) names.push('*');
          else for (const el of nb.elements) names.push((el.propertyName ?? el.name).text);
        }
      }
      imports.push({
        specifier: node.moduleSpecifier.text,
        names,
        kind: clause?.isTypeOnly ? 'type' : 'static',
        line: lineOf(node.getStart(sf)),
      });
      return;
    }
    if (ts.isExportDeclaration(node)) {
      const names: string[] = [];
      if (node.exportClause && ts.isNamedExports(node.exportClause)) {
        for (const el of node.exportClause.elements) {
          names.push((el.propertyName ?? el.name).text);
          if (!node.moduleSpecifier) exportedNames.add((el.propertyName ?? el.name).text);
        }
      } else names.push('*');
      if (node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        imports.push({ specifier: node.moduleSpecifier.text, names, kind: 'reexport', line: lineOf(node.getStart(sf)) });
      }
      return;
    }
    if (ts.isExportAssignment(node)) {
      if (ts.isIdentifier(node.expression)) exportedNames.add(node.expression.text);
      visitBody(node.expression, parent);
      return;
    }
    if (ts.isImportEqualsDeclaration(node)) {
      const ref = node.moduleReference;
      if (ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression)) {
        imports.push({ specifier: ref.expression.text, names: [node.name.text], kind: 'require', line: lineOf(node.getStart(sf)) });
      }
      return;
    }
    if (ts.isFunctionDeclaration(node)) {
      const name = node.name?.text ?? 'default';
      const s = addSymbol(node, name, 'function', functionSignatureEnd(node), parent, exportedMod);
      if (node.body) visitBody(node.body, s.qualifiedName);
      return;
    }
    if (ts.isClassDeclaration(node)) {
      const name = node.name?.text ?? 'default';
      const membersStart = node.members.pos;
      const s = addSymbol(node, name, 'class', membersStart, parent, exportedMod);
      for (const h of node.heritageClauses ?? []) for (const t of h.types) visitBody(t, s.qualifiedName);
      visitClassLike(node, s.qualifiedName, exportedMod);
      return;
    }
    if (ts.isInterfaceDeclaration(node)) {
      const s = addSymbol(node, node.name.text, 'interface', node.members.pos, parent, exportedMod);
      visitClassLike(node, s.qualifiedName, exportedMod);
      return;
    }
    if (ts.isTypeAliasDeclaration(node)) {
      addSymbol(node, node.name.text, 'type', undefined, parent, exportedMod);
      return;
    }
    if (ts.isEnumDeclaration(node)) {
      addSymbol(node, node.name.text, 'enum', node.members.pos, parent, exportedMod);
      return;
    }
    if (ts.isModuleDeclaration(node)) {
      const name = nameText(node.name) ?? 'module';
      const isGlobal = name === 'global';
      const s = addSymbol(node, name, 'namespace', node.body ? node.body.pos : undefined, parent, exportedMod || isDeclarationFile);
      let body: TS.ModuleBody | undefined = node.body;
      let q = s.qualifiedName;
      while (body && ts.isModuleDeclaration(body)) {
        q = `${q}.${nameText(body.name)}`;
        body = body.body;
      }
      if (body && ts.isModuleBlock(body)) {
        for (const st of body.statements) visitStatement(st, isGlobal ? parent : q, exportedMod || isDeclarationFile);
      }
      return;
    }
    if (ts.isVariableStatement(node)) {
      for (const d of node.declarationList.declarations) {
        const name = nameText(d.name);
        if (!name) {
          if (d.initializer) visitBody(d.initializer, parent);
          continue;
        }
        const init = d.initializer;
        const isFn = init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init));
        const target = node.declarationList.declarations.length === 1 ? node : d;
        const sigEnd = isFn ? functionSignatureEnd(init) : init ? init.pos : undefined;
        const s = addSymbol(target, name, isFn ? 'function' : 'variable', sigEnd, parent, exportedMod);
        if (init) visitBody(init, s.qualifiedName);
      }
      return;
    }
    visitBody(node, parent);
  };

  for (const st of sf.statements) visitStatement(st, undefined, false);
  if (exportedNames.size) {
    for (const s of symbols) if (!s.parent && exportedNames.has(s.name)) s.exported = true;
  }

  const problems: ParseProblem[] = [];
  const diags = (sf as unknown as { parseDiagnostics?: TS.Diagnostic[] }).parseDiagnostics ?? [];
  for (const d of diags.slice(0, 20)) {
    problems.push({
      line: d.start !== undefined ? lineOf(d.start) : 1,
      message: ts.flattenDiagnosticMessageText(d.messageText, ' '),
    });
  }
  return {
    path,
    language: /\.[cm]?jsx?$/.test(path) ? 'javascript' : 'typescript',
    symbols,
    imports,
    calls,
    problems,
  };
}
