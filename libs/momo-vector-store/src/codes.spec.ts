import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VECTOR_STORE_CODES } from './codes.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && e.name !== 'codes.ts' ? [join(dir, e.name)] : [],
  );
}

describe('error codes', () => {
  const text = sources(import.meta.dirname).map((f) => readFileSync(f, 'utf8')).join('\n');
  const thrown = new Set([...text.matchAll(/MomoError\(\s*'([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1]));

  it('registers every code the package throws', () => {
    for (const code of thrown) expect(Object.keys(VECTOR_STORE_CODES), code).toContain(code);
  });

  it('uses every registered code', () => {
    for (const code of Object.keys(VECTOR_STORE_CODES)) expect(text, code).toContain(`'${code}'`);
  });

  it('gives every code a one-line meaning', () => {
    for (const [code, meaning] of Object.entries(VECTOR_STORE_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(meaning.length).toBeGreaterThan(10);
      expect(meaning).not.toContain('\n');
    }
  });
});
