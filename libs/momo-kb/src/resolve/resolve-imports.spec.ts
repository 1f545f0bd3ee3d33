import { describe, expect, it } from 'vitest';
import { createModuleLocator } from '../modules/detect-modules.js';
import type { ImportRef, KbLanguage } from '../types.js';
import { expandPathAlias } from './read-path-aliases.js';
import { createImportResolver, packageNameOf } from './resolve-imports.js';

const files = [
  'libs/py/pkg-a/src/pkg_a/__init__.py',
  'libs/py/pkg-a/src/pkg_a/core.py',
  'libs/py/pkg-a/src/pkg_a/sub/__init__.py',
  'libs/py/pkg-a/src/pkg_a/sub/leaf.py',
  'libs/ts/ui/src/index.tsx',
  'libs/ts/ui/src/button.tsx',
  'libs/ts/ui/src/theme/index.ts',
  'libs/ts/util/lib/strings.ts',
];
const modules = [
  { name: 'pkg-a', root: 'libs/py/pkg-a', aliases: ['pkg-a'], entries: [] },
  { name: '@x/ui', root: 'libs/ts/ui', aliases: ['@x/ui'], entries: ['libs/ts/ui/dist/index.js'] },
  { name: 'util', root: 'libs/ts/util', aliases: [], entries: [] },
];
const resolver = createImportResolver(files, modules, createModuleLocator(modules), [{ pattern: '@x/util/*', targets: ['libs/ts/util/lib/*'] }]);

function resolve(from: string, language: KbLanguage, specifier: string, names: string[] = []): ImportRef {
  const ref: ImportRef = { specifier, names, kind: 'static', line: 1 };
  resolver.resolve(from, language, ref);
  return ref;
}

describe('createImportResolver', () => {
  it('resolves Python imports in a src layout, relative and absolute, including submodules named in from-imports', () => {
    const from = 'libs/py/pkg-a/src/pkg_a/sub/leaf.py';
    expect(resolve(from, 'python', '..core').resolvedPath).toBe('libs/py/pkg-a/src/pkg_a/core.py');
    expect(resolve(from, 'python', '.', ['__init__']).resolvedPath).toBe('libs/py/pkg-a/src/pkg_a/sub/__init__.py');
    expect(resolve('libs/py/pkg-a/src/pkg_a/core.py', 'python', '.', ['sub']).resolvedPath).toBe('libs/py/pkg-a/src/pkg_a/sub/__init__.py');
    expect(resolve(from, 'python', 'pkg_a.core')).toMatchObject({ resolvedPath: 'libs/py/pkg-a/src/pkg_a/core.py', resolvedModule: 'pkg-a' });
    expect(resolve(from, 'python', 'pkg_a', ['sub']).resolvedPath).toBe('libs/py/pkg-a/src/pkg_a/sub/__init__.py');
    expect(resolve(from, 'python', 'numpy').resolvedPath).toBeUndefined();
  });

  it('resolves TypeScript specifiers: .js to .tsx, directory index, package entry from dist to src, tsconfig paths', () => {
    expect(resolve('libs/ts/ui/src/index.tsx', 'typescript', './button.js').resolvedPath).toBe('libs/ts/ui/src/button.tsx');
    expect(resolve('libs/ts/ui/src/index.tsx', 'typescript', './theme').resolvedPath).toBe('libs/ts/ui/src/theme/index.ts');
    expect(resolve('apps/x/main.ts', 'typescript', '@x/ui')).toMatchObject({ resolvedPath: 'libs/ts/ui/src/index.tsx', resolvedModule: '@x/ui' });
    expect(resolve('apps/x/main.ts', 'typescript', '@x/util/strings')).toMatchObject({ resolvedPath: 'libs/ts/util/lib/strings.ts', resolvedModule: 'util' });
    expect(resolve('apps/x/main.ts', 'typescript', 'node:fs').resolvedPath).toBeUndefined();
  });

  it('names external packages by their npm name', () => {
    expect(packageNameOf('@scope/name/deep/path')).toBe('@scope/name');
    expect(packageNameOf('lodash/fp')).toBe('lodash');
    expect(resolver.resolve('apps/x/main.ts', 'typescript', { specifier: 'react-dom/client', names: [], kind: 'static', line: 1 })).toBe('react-dom');
  });

  it('expands the longest matching tsconfig path pattern', () => {
    const aliases = [
      { pattern: '@a/*', targets: ['libs/*/src'] },
      { pattern: '@a/core/*', targets: ['libs/core/lib/*'] },
    ];
    expect(expandPathAlias(aliases, '@a/core/x')).toEqual(['libs/core/lib/x']);
    expect(expandPathAlias(aliases, '@a/ui')).toEqual(['libs/ui/src']);
    expect(expandPathAlias(aliases, 'other')).toEqual([]);
  });
});
