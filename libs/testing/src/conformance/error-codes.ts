import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What {@link testErrorCodes} checks a package's error-code registry against. */
export interface TestErrorCodesOptions {
  /** The registry: code → one-line meaning (a package's `codes.ts`). */
  codes: Readonly<Record<string, string>>;
  /** The package's `src/` directory; every non-spec `.ts` file under it (but `codes.ts`) is read. */
  srcDir: string;
  /** How the sources raise a code; group 1 is the code. Default: `MomoError('CODE'`. */
  raisedBy?: RegExp;
  /** The fewest raise sites the pattern must find, so a wrong pattern cannot pass silently. Default 1. */
  minRaised?: number;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? e.name === '__fixtures__' ? [] : sources(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && e.name !== 'codes.ts' ? [join(dir, e.name)] : [],
  );
}

/**
 * The error-code registry suite every package runs: each code the sources raise is registered, each
 * registered code is raised somewhere (quoted as `'CODE'`), and each has an UPPER_SNAKE name and a
 * one-line meaning.
 */
export function testErrorCodes(options: TestErrorCodesOptions): void {
  const pattern = new RegExp(options.raisedBy?.source ?? String.raw`MomoError\(\s*'([A-Z][A-Z0-9_]*)'`, 'g');
  describe('error codes', () => {
    const text = sources(options.srcDir).map((f) => readFileSync(f, 'utf8')).join('\n');
    const raised = new Set([...text.matchAll(pattern)].map((m) => m[1]));

    it('registers every code the package raises', () => {
      expect(raised.size).toBeGreaterThanOrEqual(options.minRaised ?? 1);
      const unregistered = [...raised].filter((c) => !(c in options.codes));
      expect(unregistered, 'raised but not in codes.ts').toEqual([]);
    });

    it('raises every registered code somewhere', () => {
      const unused = Object.keys(options.codes).filter((c) => !text.includes(`'${c}'`));
      expect(unused, 'in codes.ts but never raised').toEqual([]);
    });

    it('gives every code an UPPER_SNAKE name and a one-line meaning', () => {
      for (const [code, meaning] of Object.entries(options.codes)) {
        expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
        expect(meaning.length, code).toBeGreaterThan(10);
        expect(meaning, code).not.toContain('\n');
      }
    });
  });
}
