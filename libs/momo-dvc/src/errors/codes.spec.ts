import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testErrorCodes } from '@momo/testing';
import { CODES } from './codes.js';

const src = join(dirname(fileURLToPath(import.meta.url)), '..');

testErrorCodes({ codes: CODES, srcDir: src, raisedBy: /dvcError\(\s*'([A-Z][A-Z0-9_]*)'/, minRaised: 60 });

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === '__fixtures__' ? [] : sources(join(dir, e.name))) : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [join(dir, e.name)] : [],
  );
}

describe('@momo/dvc errors', () => {
  it('are all made through dvcError (so each code is type-checked against errors/codes.ts)', () => {
    const direct = sources(src)
      .filter((f) => !f.endsWith(join('errors', 'dvc-error.ts')))
      .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/new MomoError\(\s*'([A-Z_]+)'/g)].map((m) => `${relative(src, f)}: ${m[1]}`));
    expect(direct).toEqual([]);
  });
});
