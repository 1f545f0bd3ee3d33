import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isMomoError } from '@momo/errors';
import type { CodeSymbol, KbModule } from '@momo/kb';
import * as docs from './index.js';
import { planDocs, type DocsInput } from './plan-docs.js';
import { computePublicApi } from './public-api.js';
import { writePages } from './write-pages.js';

function sym(path: string, name: string, startLine: number, extra: Partial<CodeSymbol> = {}): CodeSymbol {
  return { id: `${path}#${name}`, name, qualifiedName: name, kind: 'function', path, signature: `export function ${name}(): void`, doc: '', exported: true, startLine, endLine: startLine + 2, ...extra };
}

function mod(name: string, root: string, files: string[], extra: Partial<KbModule> = {}): KbModule {
  return { name, root, kind: 'lib', source: 'package.json', language: 'typescript', description: '', aliases: [name], files, dependencies: [], dependents: [], externalDependencies: [], declaredDependencies: [], entryPoints: [], ...extra };
}

/** Two modules: `@x/app` imports `@x/lib`, whose index re-exports one of two functions of util.ts. */
function input(): DocsInput {
  const libFiles = ['libs/lib/README.md', 'libs/lib/src/index.ts', 'libs/lib/src/util.ts', 'libs/lib/src/util.spec.ts'];
  const appFiles = ['apps/app/src/main.ts'];
  const modules = [
    mod('@x/app', 'apps/app', appFiles, { kind: 'app', dependencies: ['@x/lib'] }),
    mod('@x/lib', 'libs/lib', libFiles, { description: 'Utilities for the app.', dependents: ['@x/app'], entryPoints: ['libs/lib/dist/index.js'] }),
  ];
  const symbols = new Map<string, CodeSymbol[]>([
    ['libs/lib/README.md', [sym('libs/lib/README.md', '@x/lib', 1, { kind: 'section', signature: '# @x/lib' })]],
    ['libs/lib/src/index.ts', []],
    ['libs/lib/src/util.ts', [sym('libs/lib/src/util.ts', 'shown', 3, { doc: 'Shown because index.ts re-exports it.' }), sym('libs/lib/src/util.ts', 'hidden', 9)]],
    ['libs/lib/src/util.spec.ts', []],
    ['apps/app/src/main.ts', [sym('apps/app/src/main.ts', 'main', 1)]],
  ]);
  const files = new Map(
    [...libFiles, ...appFiles].map((p) => [
      p,
      {
        path: p,
        language: p.endsWith('.md') ? 'markdown' : 'typescript',
        hash: `h-${p}`,
        lines: 10,
        module: p.startsWith('libs') ? '@x/lib' : '@x/app',
        imports: p === 'libs/lib/src/index.ts' ? [{ specifier: './util.js', names: ['shown'], kind: 'reexport' as const, line: 1, resolvedPath: 'libs/lib/src/util.ts', resolvedModule: '@x/lib' }] : [],
      },
    ]),
  );
  const graphNodes = new Set<string>(['module:@x/app', 'module:@x/lib', ...files.keys()].map((x) => (x.startsWith('module:') ? x : `file:${x}`)));
  for (const list of symbols.values()) for (const s of list) graphNodes.add(`symbol:${s.id}`);
  return {
    modules,
    files,
    symbols,
    graphNodes,
    pipelines: [
      {
        file: 'libs/lib/dvc.yaml',
        name: 'measure',
        cmd: 'node measure.js',
        wdir: 'libs/lib',
        deps: ['src/'],
        params: [],
        outs: [{ path: 'm.json', kind: 'metrics', cache: true, persist: false }],
        metrics: [{ path: 'm.json', values: [{ key: 'score', value: 0.5 }] }],
      },
    ],
    kb: { params: { chunk_size: 1500 }, counts: { files: 5, symbols: 4, chunks: 5 } },
  };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('planDocs', () => {
  it('documents the public API through the entry file re-exports, not every exported symbol', () => {
    const api = computePublicApi(input().modules[1], input().files, input().symbols);
    expect(api.entries).toEqual(['libs/lib/src/index.ts']);
    expect(api.symbols.map((s) => s.name)).toEqual(['shown']);
  });

  it('renders purpose, API, dependency graph, files, pipelines with metric values; same input, same bytes', () => {
    const a = planDocs(input(), { outDir: 'docs/generated' });
    const b = planDocs(input(), { outDir: 'docs/generated' });
    expect([...a.pages.keys()].sort()).toEqual(['index.md', 'x-app.md', 'x-lib.md']);
    const lib = a.pages.get('x-lib.md')!.content;
    expect(lib).toContain('Utilities for the app.');
    expect(lib).toContain('export function shown(): void');
    expect(lib).toContain('Shown because index.ts re-exports it.');
    expect(lib).not.toContain('hidden');
    expect(lib).toContain('m0["@x/app"]\n  m1["@x/lib"]\n  m0 --> m1');
    expect(lib).toContain('[`src/util.ts`](../../libs/lib/src/util.ts#L3)');
    expect(lib).toContain('| score | 0.5 |');
    expect(a.pages.get('index.md')!.content).toContain('[@x/lib](x-lib.md)');
    expect(b.pages).toEqual(a.pages);
  });

  it('fails with DOCS_REFERENCE_UNRESOLVED when a page would name something the code graph lacks', () => {
    const bad = input();
    bad.graphNodes.delete('symbol:libs/lib/src/util.ts#shown');
    try {
      planDocs(bad, { outDir: 'docs/generated' });
      expect.unreachable();
    } catch (e) {
      expect(isMomoError(e, 'DOCS_REFERENCE_UNRESOLVED')).toBe(true);
      expect((e as Error).message).toContain('x-lib.md: symbol:libs/lib/src/util.ts#shown');
    }
  });
});

describe('writePages', () => {
  it('rewrites only changed pages and deletes only stale generated ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'momo-docs-'));
    dirs.push(dir);
    const planned = planDocs(input(), { outDir: 'docs/generated' });
    expect(writePages(dir, planned.pages).pages.every((p) => p.status === 'written')).toBe(true);
    const before = statSync(join(dir, 'x-app.md'));
    writeFileSync(join(dir, 'notes.md'), 'hand-written\n');
    writeFileSync(join(dir, 'old-module.md'), `${docs.GENERATED_MARKER}\nstale\n`);
    const changed = new Map(planned.pages);
    changed.set('x-lib.md', { module: '@x/lib', content: `${changed.get('x-lib.md')!.content}extra\n` });
    const r = writePages(dir, changed);
    expect(r.pages.map((p) => `${p.path}:${p.status}`)).toEqual(['index.md:unchanged', 'x-app.md:unchanged', 'x-lib.md:written']);
    expect(r.removed).toEqual(['old-module.md']);
    const after = statSync(join(dir, 'x-app.md'));
    expect([after.mtimeMs, after.ino]).toEqual([before.mtimeMs, before.ino]);
    expect(readFileSync(join(dir, 'notes.md'), 'utf8')).toBe('hand-written\n');
  });
});

describe('@momo/docs public surface', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(docs).sort()).toMatchInlineSnapshot(`
      [
        "DOCS_CODES",
        "GENERATED_MARKER",
        "anchorOf",
        "computePublicApi",
        "computeRelatedModules",
        "entrySourceCandidates",
        "generateDocs",
        "isTestPath",
        "loadDocsInput",
        "pageSlug",
        "planDocs",
        "repoPath",
        "sourceRevision",
        "writePages",
      ]
    `);
  });
});
