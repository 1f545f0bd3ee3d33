import { fromMarkdown } from 'mdast-util-from-markdown';
import type { CodeSymbol, ImportRef, ParsedFile } from '../types.js';
import { makeSymbolId } from './symbol-id.js';

interface MdNode {
  type: string;
  depth?: number;
  value?: string;
  url?: string;
  children?: MdNode[];
  position?: { start: { line: number }; end: { line: number } };
}

function plainText(node: MdNode): string {
  if (node.value !== undefined) return node.value;
  return (node.children ?? []).map(plainText).join('');
}

function collectLinks(node: MdNode, out: Array<{ url: string; line: number }>): void {
  if ((node.type === 'link' || node.type === 'definition') && node.url) {
    out.push({ url: node.url, line: node.position?.start.line ?? 1 });
  }
  for (const c of node.children ?? []) collectLinks(c, out);
}

/**
 * Parses Markdown into one `section` symbol per heading (qualified by its parent headings with
 * ` > `), whose span runs to the next heading of the same or a higher level, and whose doc is the
 * first paragraph. Relative links to files become imports, so docs join the code graph.
 */
export function parseMarkdown(options: { path: string; text: string }): ParsedFile {
  const { path, text } = options;
  const tree = fromMarkdown(text) as unknown as MdNode;
  const totalLines = text.length === 0 ? 1 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  const symbols: CodeSymbol[] = [];
  const seen = new Map<string, number>();
  const stack: Array<{ depth: number; sym: CodeSymbol }> = [];
  const children = tree.children ?? [];
  for (let i = 0; i < children.length; i++) {
    const node = children[i];
    if (node.type !== 'heading' || !node.position) continue;
    const depth = node.depth ?? 1;
    const title = plainText(node).trim() || '(untitled)';
    while (stack.length && stack[stack.length - 1].depth >= depth) stack.pop();
    const parent = stack.length ? stack[stack.length - 1].sym.qualifiedName : undefined;
    let end = totalLines;
    let doc = '';
    for (let j = i + 1; j < children.length; j++) {
      const n = children[j];
      if (n.type === 'heading' && (n.depth ?? 1) <= depth) {
        end = (n.position?.start.line ?? end + 1) - 1;
        break;
      }
      if (!doc && n.type === 'paragraph') doc = plainText(n).replace(/\s+/g, ' ').trim();
    }
    const qualifiedName = parent ? `${parent} > ${title}` : title;
    const sym: CodeSymbol = {
      id: makeSymbolId(path, qualifiedName, seen),
      name: title,
      qualifiedName,
      kind: 'section',
      path,
      signature: `${'#'.repeat(depth)} ${title}`,
      doc,
      exported: true,
      startLine: node.position.start.line,
      endLine: Math.max(end, node.position.end.line),
    };
    if (parent) sym.parent = parent;
    symbols.push(sym);
    stack.push({ depth, sym });
  }
  const links: Array<{ url: string; line: number }> = [];
  collectLinks(tree, links);
  const imports: ImportRef[] = [];
  for (const l of links) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(l.url) || l.url.startsWith('#') || l.url.startsWith('/')) continue;
    const target = decodeURI(l.url.split('#')[0]);
    if (target) imports.push({ specifier: target, names: [], kind: 'static', line: l.line });
  }
  return { path, language: 'markdown', symbols, imports, calls: [], problems: [] };
}
