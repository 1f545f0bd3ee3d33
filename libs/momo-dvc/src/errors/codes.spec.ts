import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODES } from './codes.js';

const src = join(dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === '__fixtures__' ? [] : sources(join(dir, e.name))) : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [join(dir, e.name)] : [],
  );
}

const files = sources(src).filter((f) => !f.endsWith(join('errors', 'codes.ts')));
const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');

describe('@momo/dvc error codes (errors/codes.ts)', () => {
  it('are UPPER_SNAKE with a one-line meaning, and each is raised somewhere in the sources', () => {
    const unused: string[] = [];
    for (const [code, meaning] of Object.entries(CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(meaning.length).toBeGreaterThan(10);
      expect(meaning).not.toContain('\n');
      if (!text.includes(`'${code}'`)) unused.push(code);
    }
    expect(unused, 'registered but never raised').toEqual([]);
  });

  it('every error is made through dvcError (so its code is type-checked against the registry)', () => {
    const direct = files
      .filter((f) => !f.endsWith(join('errors', 'dvc-error.ts')))
      .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/new MomoError\(\s*'([A-Z_]+)'/g)].map((m) => `${relative(src, f)}: ${m[1]}`));
    expect(direct).toEqual([]);
  });
});
