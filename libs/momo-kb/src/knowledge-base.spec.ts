import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isMomoError } from '@momo/errors';
import { tmpRepo, type TmpRepo } from '@momo/testing';
import { polyglotTree } from './__fixtures__/polyglot-repo.js';
import { KnowledgeBase } from './knowledge-base.js';

function listFiles(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

async function buildAll(kb: KnowledgeBase, root: string, out: string): Promise<void> {
  await kb.buildVectors(join(root, out, 'vectors'));
  await kb.buildGraphs(join(root, out, 'graphs'));
  await kb.exportKnowledge(join(root, out, 'knowledge-base'));
}

describe('KnowledgeBase ingestion of a polyglot repo', () => {
  let repo: TmpRepo;
  let kb: KnowledgeBase;

  beforeEach(async () => {
    repo = tmpRepo({ prefix: 'momo-kb-' });
    repo.gen(polyglotTree());
    repo.gen({ libs: { geometry: { src: { 'huge.ts': `export const BIG = ${JSON.stringify('x'.repeat(6000))};\n` } } } });
    kb = new KnowledgeBase({ root: repo.root, maxFileBytes: 5000 });
  });
  afterEach(async () => {
    await kb.close();
    repo.cleanup();
  });

  it('indexes the TS library, the app, the Python package and the docs, and counts what it skipped', async () => {
    const r = await kb.ingest();
    const paths = kb.getChunks().map((c) => c.path);
    expect([...new Set(paths)].sort()).toEqual([
      'apps/viewer/src/main.ts',
      'docs/guide.md',
      'libs/colors/src/index.ts',
      'libs/geometry/README.md',
      'libs/geometry/src/area.ts',
      'libs/geometry/src/broken.ts',
      'libs/geometry/src/index.ts',
      'libs/geometry/src/shapes.ts',
      'libs/python/momo-stats/momo_stats/__init__.py',
      'libs/python/momo-stats/momo_stats/bad.py',
      'libs/python/momo-stats/momo_stats/cli.py',
      'libs/python/momo-stats/momo_stats/mean.py',
      'libs/python/momo-stats/momo_stats/util.py',
      'tools/scripts/cleanup.py',
      'tools/scripts/momo.md',
    ]);
    expect(r.skipped.counts).toMatchObject({ vendored: 1, binary: 2, huge: 1 });
    // .gitignore: dist/, debug.log, secret/ ; .dvcignore: data/raw/
    expect(r.skipped.examples.ignored).toEqual(expect.arrayContaining(['debug.log', 'secret/', 'data/raw/', 'libs/geometry/dist/']));
    expect(r.skipped.examples.binary).toEqual(['libs/geometry/src/blob.ts', 'logo.png'].sort());
    expect(r.skipped.examples.huge).toEqual(['libs/geometry/src/huge.ts']);
    expect(r.skipped.examples.vendored).toEqual(['node_modules/']);
  });

  it('extracts symbols with kind, signature, doc comment and span', async () => {
    await kb.ingest();
    const shapes = kb.getSymbols('libs/geometry/src/shapes.ts');
    const circle = shapes.find((s) => s.qualifiedName === 'Circle')!;
    expect(circle).toMatchObject({ kind: 'class', exported: true, doc: 'A circle given by its radius.', signature: 'export class Circle', startLine: 2, endLine: 9, docStartLine: 1 });
    expect(shapes.find((s) => s.qualifiedName === 'Circle.circumference')).toMatchObject({
      kind: 'method',
      parent: 'Circle',
      signature: 'circumference(): number',
      doc: 'Perimeter of the circle (its circumference).',
      startLine: 6,
      endLine: 8,
    });
    expect(shapes.find((s) => s.name === 'Rectangle')).toMatchObject({ kind: 'interface', doc: 'An axis-aligned rectangle.' });
    expect(kb.getSymbols('libs/geometry/src/area.ts')).toEqual([
      expect.objectContaining({ id: 'libs/geometry/src/area.ts#area', kind: 'function', signature: 'export function area(c: Circle): number', doc: 'Computes the area of a circle in square units.', startLine: 4, endLine: 6 }),
    ]);
    const mean = kb.getSymbols('libs/python/momo-stats/momo_stats/mean.py');
    expect(mean.map((s) => [s.qualifiedName, s.kind])).toEqual([
      ['arithmetic_mean', 'function'],
      ['RunningMean', 'class'],
      ['RunningMean.__init__', 'constructor'],
      ['RunningMean.push', 'method'],
    ]);
    expect(mean[0]).toMatchObject({ signature: 'def arithmetic_mean(values)', doc: 'Return the arithmetic mean of a list of numbers.', startLine: 5, endLine: 8 });
    expect(kb.getSymbols('docs/guide.md').map((s) => s.qualifiedName)).toEqual(['Guide', 'Guide > Installing', 'Guide > Computing areas']);
  });

  it('resolves imports to files and modules, and module dependencies both ways', async () => {
    await kb.ingest();
    const modules = kb.getModules();
    expect(modules.map((m) => [m.name, m.root, m.kind, m.source, m.language])).toEqual([
      ['@fx/viewer', 'apps/viewer', 'app', 'package.json', 'typescript'],
      ['colors', 'libs/colors', 'lib', 'nx', 'typescript'],
      ['geometry', 'libs/geometry', 'lib', 'nx', 'typescript'],
      ['momo-stats', 'libs/python/momo-stats', 'lib', 'pyproject.toml', 'python'],
      ['scripts', 'tools/scripts', 'package', 'momo.md', 'python'],
    ]);
    const viewer = modules.find((m) => m.name === '@fx/viewer')!;
    // '@fx/colors' has no package.json: it resolves through tsconfig.base.json `paths`
    expect(viewer.dependencies).toEqual(['colors', 'geometry']);
    expect(viewer.externalDependencies).toEqual(['chalk']);
    expect(modules.find((m) => m.name === 'geometry')!.dependents).toEqual(['@fx/viewer']);
    expect(modules.find((m) => m.name === 'momo-stats')).toMatchObject({ externalDependencies: ['numpy'], description: 'Small statistics helpers' });
    // shutil is the standard library: not declared anywhere, so not an external dependency
    expect(modules.find((m) => m.name === 'scripts')).toMatchObject({ externalDependencies: [], description: 'Maintenance scripts for the fixture.' });

    const graph = await kb.getGraph();
    const imports = await graph.listEdges({ kind: 'imports' });
    expect(imports.map((e) => `${e.from} -> ${e.to}`)).toEqual([
      'file:apps/viewer/src/main.ts -> file:libs/colors/src/index.ts',
      'file:apps/viewer/src/main.ts -> file:libs/geometry/src/index.ts',
      'file:libs/geometry/src/area.ts -> file:libs/geometry/src/shapes.ts',
      'file:libs/geometry/src/index.ts -> file:libs/geometry/src/area.ts',
      'file:libs/geometry/src/index.ts -> file:libs/geometry/src/shapes.ts',
      'file:libs/python/momo-stats/momo_stats/__init__.py -> file:libs/python/momo-stats/momo_stats/mean.py',
      'file:libs/python/momo-stats/momo_stats/cli.py -> file:libs/python/momo-stats/momo_stats/mean.py',
      'file:libs/python/momo-stats/momo_stats/mean.py -> file:libs/python/momo-stats/momo_stats/util.py',
    ]);
    const refs = await graph.listEdges({ kind: 'references' });
    expect(refs.map((e) => `${e.from} -> ${e.to}`)).toEqual(['file:docs/guide.md -> file:libs/geometry/src/area.ts']);
  });

  it('resolves calls across files, through re-exports and to class members', async () => {
    await kb.ingest();
    const graph = await kb.getGraph();
    const calls = (await graph.listEdges({ kind: 'calls' })).map((e) => `${e.from} -> ${e.to}`);
    expect(calls).toEqual(
      expect.arrayContaining([
        // main.ts imports `area` from the package index, which re-exports it from area.ts
        'symbol:apps/viewer/src/main.ts#renderArea -> symbol:libs/geometry/src/area.ts#area',
        'symbol:apps/viewer/src/main.ts#renderArea -> symbol:libs/geometry/src/shapes.ts#Circle',
        'symbol:libs/python/momo-stats/momo_stats/mean.py#arithmetic_mean -> symbol:libs/python/momo-stats/momo_stats/util.py#check_not_empty',
      ]),
    );
    const path = await graph.shortestPath('module:@fx/viewer', 'module:geometry');
    expect(path?.nodes).toEqual(['module:@fx/viewer', 'module:geometry']);
  });

  it('keeps indexing past syntax errors and reports them with their line', async () => {
    const r = await kb.ingest();
    const byPath = new Map<string, number[]>();
    for (const p of r.problems) byPath.set(p.path, [...(byPath.get(p.path) ?? []), p.line]);
    expect([...byPath.keys()].sort()).toEqual(['libs/geometry/src/broken.ts', 'libs/python/momo-stats/momo_stats/bad.py']);
    expect(byPath.get('libs/python/momo-stats/momo_stats/bad.py')![0]).toBe(1);
    expect(r.failures).toEqual([]);
    // the valid function after the error is still a symbol
    expect(kb.getSymbols('libs/python/momo-stats/momo_stats/bad.py').map((s) => s.name)).toContain('fine');
  });

  it('cuts chunks on declarations and keeps the doc comment with its declaration', async () => {
    await kb.ingest();
    const area = kb.getChunks().filter((c) => c.path === 'libs/geometry/src/area.ts');
    expect(area.map((c) => [c.startLine, c.endLine, c.symbol])).toEqual([[1, 6, 'area']]);
    const guide = kb.getChunks().filter((c) => c.path === 'docs/guide.md');
    expect(guide.map((c) => [c.startLine, c.endLine, c.symbol])).toEqual([
      [1, 3, 'Guide'],
      [5, 7, 'Guide > Installing'],
      [9, 11, 'Guide > Computing areas'],
    ]);
  });

  it('honours chunk_size and overlap when one declaration is larger than a chunk', async () => {
    const body = Array.from({ length: 40 }, (_, i) => `  const v${i} = compute(${i}) + offset;`).join('\n');
    repo.gen({ libs: { geometry: { src: { 'long.ts': `export function long(offset: number): number {\n${body}\n  return 0;\n}\n` } } } });
    const small = new KnowledgeBase({ root: repo.root, chunkSize: 300, overlap: 80 });
    await small.ingest();
    const chunks = small.getChunks().filter((c) => c.path === 'libs/geometry/src/long.ts');
    expect(chunks.length).toBeGreaterThan(4);
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(300);
      expect(c.symbol).toBe('long');
    }
    for (let i = 1; i < chunks.length; i++) {
      // consecutive windows overlap by at least one line and move forward
      expect(chunks[i].startLine).toBeLessThanOrEqual(chunks[i - 1].endLine);
      expect(chunks[i].startLine).toBeGreaterThan(chunks[i - 1].startLine);
    }
    expect(chunks[0].startLine).toBe(1);
    expect(chunks[chunks.length - 1].endLine).toBe(43);
  });

  it('answers hand-written questions with the right file in the top 3', async () => {
    await kb.ingest();
    const questions: Array<[string, string]> = [
      ['how do I compute the area of a circle', 'libs/geometry/src/area.ts'],
      ['perimeter of a circle', 'libs/geometry/src/shapes.ts'],
      ['arithmetic mean of a list of numbers', 'libs/python/momo-stats/momo_stats/mean.py'],
      ['raise an error when the sequence is empty', 'libs/python/momo-stats/momo_stats/util.py'],
      ['keep a running mean of a stream', 'libs/python/momo-stats/momo_stats/mean.py'],
      ['how to install the toolchain', 'docs/guide.md'],
      ['render a label for the area', 'apps/viewer/src/main.ts'],
      ['rectangle width and height', 'libs/geometry/src/shapes.ts'],
    ];
    for (const [q, expected] of questions) {
      const hits = await kb.search(q, { limit: 3 });
      expect(hits.map((h) => h.path), q).toContain(expected);
    }
    const hits = await kb.search('how do I compute the area of a circle', { limit: 3 });
    expect(hits.find((h) => h.path === 'libs/geometry/src/area.ts')).toMatchObject({ path: 'libs/geometry/src/area.ts', startLine: 1, endLine: 6, symbol: 'area', module: 'geometry', type: 'chunk' });
  });

  it('filters by module and language metadata, and applies limit and threshold', async () => {
    await kb.ingest();
    const py = await kb.search('mean', { filters: { 'custom.module': 'momo-stats' } });
    expect(py.length).toBeGreaterThan(0);
    expect(py.every((h) => h.module === 'momo-stats')).toBe(true);
    const docs = await kb.search('area circle', { filters: { category: 'docs' } });
    expect(docs[0].path).toBe('docs/guide.md');
    expect(docs.every((h) => h.path.endsWith('.md'))).toBe(true);
    expect(await kb.search('circle', { limit: 1 })).toHaveLength(1);
    expect(await kb.search('circle', { threshold: 1e9 })).toEqual([]);
  });

  it('saves, finds, counts and deletes documents with custom metadata', async () => {
    await kb.ingest();
    const chunks = await kb.count();
    await kb.save({ id: 'tut-1', title: 'Circles for beginners', content: 'A gentle tutorial on circle areas and radii.', metadata: { source: 'notes/tut.md', category: 'tutorial', tags: ['maths'], custom: { difficulty: 'beginner' } } });
    await kb.save({ id: 'tut-2', title: 'Advanced tessellation', content: 'Tiling the plane with polygons.', metadata: { category: 'tutorial', custom: { difficulty: 'expert' } } });
    expect(await kb.count()).toBe(chunks + 2);
    expect(await kb.count({ 'custom.difficulty': 'beginner' })).toBe(1);
    const hits = await kb.search('circle tutorial', { filters: { 'custom.difficulty': 'beginner' } });
    expect(hits.map((h) => [h.id, h.type])).toEqual([['tut-1', 'document']]);
    expect((await kb.get('tut-1'))?.metadata.custom).toEqual({ difficulty: 'beginner' });
    expect((await kb.get('libs/geometry/src/area.ts:1-6'))?.content).toContain('export function area');
    expect(await kb.delete('tut-1')).toBe(true);
    expect(await kb.get('tut-1')).toBeUndefined();
    expect(await kb.count()).toBe(chunks + 1);
  });

  it('describes a module for docs generation: public symbols, files, dependencies', async () => {
    await kb.ingest();
    const d = kb.describeModule('geometry');
    expect(d.module.description).toBe('Shapes and the maths to measure them.');
    expect(d.symbols.map((s) => s.qualifiedName)).toEqual(['area', 'broken', 'Circle', 'Circle.constructor', 'Circle.circumference', 'Rectangle', 'Rectangle.width', 'Rectangle.height']);
    expect(d.dependents).toEqual(['@fx/viewer']);
    expect(d.files.map((f) => f.path)).toContain('libs/geometry/README.md');
    expect(d.sections.map((s) => s.name)).toEqual(['geometry']);
    expect(d.overview).toBe('# geometry\n\nShapes and the maths to measure them.');
    // area is imported by the index (re-export) and called from the viewer app
    expect(d.references['libs/geometry/src/area.ts#area']).toBeGreaterThanOrEqual(2);
    expect(d.references['libs/geometry/src/shapes.ts#Rectangle']).toBe(0);
    const g = await kb.moduleGraph('@fx/geometry');
    expect(g.module.name).toBe('geometry');
    expect(g.dependents).toEqual([{ name: '@fx/viewer', depth: 1 }]);
    expect(g.entryFiles).toEqual([{ path: 'libs/geometry/src/index.ts', importedBy: 1 }]);
    try {
      kb.describeModule('geometri');
      expect.unreachable();
    } catch (e) {
      expect(isMomoError(e, 'KB_MODULE_NOT_FOUND')).toBe(true);
    }
  });

  it('treats directories given to ingestModule/ingestApp as modules even without a manifest', async () => {
    repo.gen({ apps: { cron: { 'job.py': 'def nightly():\n    """Runs every night."""\n    return 1\n' } } });
    await kb.ingestModule('libs/geometry');
    await kb.ingestApp('apps/cron');
    const names = kb.getModules().map((m) => [m.name, m.kind, m.source]);
    expect(names).toEqual(expect.arrayContaining([['cron', 'app', 'ingest'], ['geometry', 'lib', 'nx']]));
    expect(kb.getChunks().every((c) => c.path.startsWith('libs/geometry/') || c.path.startsWith('apps/cron/'))).toBe(true);
  });
});

describe('KnowledgeBase artifacts', () => {
  let repo: TmpRepo;
  beforeEach(() => {
    repo = tmpRepo({ prefix: 'momo-kb-art-' });
    repo.gen(polyglotTree());
  });
  afterEach(() => repo.cleanup());

  it('writes byte-identical artifacts for the same inputs and params', async () => {
    const a = new KnowledgeBase({ root: repo.root });
    await a.ingest();
    await a.save({ id: 'n1', content: 'a note', metadata: { custom: { difficulty: 'beginner' } } });
    await buildAll(a, repo.root, 'out-a');
    const b = new KnowledgeBase({ root: repo.root });
    await b.ingest();
    await b.save({ id: 'n1', content: 'a note', metadata: { custom: { difficulty: 'beginner' } } });
    await buildAll(b, repo.root, 'out-b');
    const fa = listFiles(join(repo.root, 'out-a'));
    const fb = listFiles(join(repo.root, 'out-b'));
    expect([...fa.keys()]).toEqual([
      'graphs/graph.json',
      'graphs/manifest.json',
      'knowledge-base/chunks.jsonl',
      'knowledge-base/documents.jsonl',
      'knowledge-base/files.jsonl',
      'knowledge-base/manifest.json',
      'knowledge-base/modules.json',
      'knowledge-base/skipped.json',
      'knowledge-base/symbols.jsonl',
      'vectors/embedder.json',
      'vectors/ids.json',
      'vectors/manifest.json',
      'vectors/vectors.f32',
    ]);
    for (const [k, v] of fa) expect(v.equals(fb.get(k)!), k).toBe(true);
    const text = [...fa.values()].map((v) => v.toString('latin1')).join('\n');
    expect(text).not.toContain(repo.root);
    await a.close();
    await b.close();
  });

  it('parses on worker threads with the same result as inline', async () => {
    const inline = new KnowledgeBase({ root: repo.root, jobs: 1 });
    await inline.ingest();
    await inline.exportKnowledge(join(repo.root, 'inline'));
    const pooled = new KnowledgeBase({ root: repo.root, jobs: 2, parallelThreshold: 1 });
    const r = await pooled.ingest();
    expect([...new Set(r.problems.map((p) => p.path))]).toEqual(['libs/geometry/src/broken.ts', 'libs/python/momo-stats/momo_stats/bad.py']);
    await pooled.exportKnowledge(join(repo.root, 'pooled'));
    const a = listFiles(join(repo.root, 'inline'));
    const b = listFiles(join(repo.root, 'pooled'));
    for (const [k, v] of a) expect(v.equals(b.get(k)!), k).toBe(true);
    // an unchanged re-run through the pool reuses every parse
    writeFileSync(join(repo.root, 'libs/geometry/src/area.ts'), 'export const area = 0;\n');
    const again = await pooled.ingest();
    expect(again.parsedPaths).toEqual(['libs/geometry/src/area.ts']);
  });

  it('loads an export back and answers the same queries with the same hits', async () => {
    const kb = new KnowledgeBase({ root: repo.root });
    await kb.ingest();
    await buildAll(kb, repo.root, 'data');
    const loaded = await KnowledgeBase.load(join(repo.root, 'data', 'knowledge-base'));
    expect(loaded.root).toBe(repo.root);
    expect(loaded.getModules()).toEqual(kb.getModules());
    for (const q of ['area of a circle', 'arithmetic mean', 'installing']) {
      expect(await loaded.search(q, { limit: 5 })).toEqual(await kb.search(q, { limit: 5 }));
    }
    expect((await loaded.moduleGraph('geometry')).dependents).toEqual([{ name: '@fx/viewer', depth: 1 }]);
  });

  it('builds an HNSW vector index that proposes candidates and survives a load', async () => {
    const kb = new KnowledgeBase({ root: repo.root, vectorIndex: 'hnsw' });
    await kb.ingest();
    const res = await kb.buildVectors(join(repo.root, 'data', 'vectors'));
    expect(res.files).toEqual(['embedder.json', 'hnsw.graph', 'ids.json', 'manifest.json', 'vectors.f32']);
    await kb.exportKnowledge(join(repo.root, 'data', 'knowledge-base'));
    const loaded = await KnowledgeBase.load(join(repo.root, 'data', 'knowledge-base'));
    // no chunk has the word 'circumferential'; the embedding's character trigrams still find the method
    expect(await loaded.search('circumferential', { limit: 3, mode: 'bm25' })).toEqual([]);
    const hits = await loaded.search('circumferential', { limit: 3 });
    expect(hits.map((h) => h.symbol)).toContain('Circle');
    expect(await loaded.search('arithmetic mean', { limit: 3 })).toEqual(await kb.search('arithmetic mean', { limit: 3 }));
    await kb.close();
    await loaded.close();
  });

  it('re-parses only the file whose content changed, also across a load', async () => {
    const kb = new KnowledgeBase({ root: repo.root });
    const first = await kb.ingest();
    expect(first.parsed).toBe(first.files);
    writeFileSync(join(repo.root, 'libs/geometry/src/area.ts'), '/** Area of a square. */\nexport function squareArea(s: number): number {\n  return s * s;\n}\n');
    const second = await kb.ingest();
    expect(second.parsedPaths).toEqual(['libs/geometry/src/area.ts']);
    expect(second.reused).toBe(first.files - 1);
    expect(kb.getSymbols('libs/geometry/src/area.ts').map((s) => s.name)).toEqual(['squareArea']);
    await kb.exportKnowledge(join(repo.root, 'kb'));

    writeFileSync(join(repo.root, 'libs/python/momo-stats/momo_stats/util.py'), 'def check_not_empty(values):\n    return bool(values)\n');
    const loaded = await KnowledgeBase.load(join(repo.root, 'kb'), { root: repo.root });
    const third = await loaded.ingest();
    expect(third.parsedPaths).toEqual(['libs/python/momo-stats/momo_stats/util.py']);
    expect(third.removed).toBe(0);

    // other chunking params make every old parse stale
    const rechunked = await KnowledgeBase.load(join(repo.root, 'kb'), { root: repo.root, chunkSize: 400, overlap: 50 });
    const fourth = await rechunked.ingest();
    expect(fourth.parsed).toBe(fourth.files);
  });

  it('fails with a typed error on a missing directory or a missing export', async () => {
    const kb = new KnowledgeBase({ root: repo.root });
    await expect(kb.ingest({ path: 'nope' })).rejects.toMatchObject({ code: 'KB_ROOT_NOT_FOUND' });
    await expect(KnowledgeBase.load(join(repo.root, 'nothing-here'))).rejects.toMatchObject({ code: 'KB_NOT_FOUND' });
    expect(() => new KnowledgeBase({ root: repo.root, chunkSize: 100, overlap: 100 })).toThrow(expect.objectContaining({ code: 'KB_PARAM_INVALID' }));
  });

  it('names the missing embedding model directory instead of downloading anything', async () => {
    const kb = new KnowledgeBase({ root: repo.root, embeddingModel: 'models/all-MiniLM-L6-v2' });
    await kb.ingest();
    await expect(kb.search('area')).rejects.toMatchObject({ code: 'EMBEDDING_MODEL_NOT_FOUND' });
  });
});
