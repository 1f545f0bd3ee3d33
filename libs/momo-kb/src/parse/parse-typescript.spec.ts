import { describe, expect, it } from 'vitest';
import { parseTypeScript } from './parse-typescript.js';

describe('parseTypeScript signatures', () => {
  it('collapses whitespace and drops a trailing brace or semicolon', () => {
    const { symbols } = parseTypeScript({ path: 'a.ts', text: 'export function load(\n  path: string,\n  opts = {},\n): void {\n  return;\n}\nexport type T =\n  | 1\n  | 2;\n' });
    expect(symbols.map((s) => s.signature)).toEqual(['export function load( path: string, opts = {}, ): void', 'export type T = | 1 | 2']);
  });

  it('cuts a long declaration at 400 characters with an ellipsis', () => {
    const body = Array.from({ length: 200 }, (_, i) => `  | 'key${i}'`).join('\n');
    const { symbols } = parseTypeScript({ path: 'a.ts', text: `export type Key =\n${body};\n` });
    const sig = symbols.find((s) => s.name === 'Key')!.signature;
    expect(sig).toHaveLength(400);
    expect(sig.endsWith('…')).toBe(true);
    expect(sig.startsWith("export type Key = | 'key0' | 'key1' |")).toBe(true);
  });
});
