import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tmpRepo, type TmpRepo } from '@momo/testing';
import type { Io } from '../io.js';
import { main } from '../main.js';

function captureIo(cwd: string): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
    isTTY: false,
    cwd,
    env: {},
  };
  return io;
}

async function momo(cwd: string, args: string[]) {
  const io = captureIo(cwd);
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('momo kb', () => {
  let repo: TmpRepo;
  beforeEach(() => {
    repo = tmpRepo({ prefix: 'momo-cli-kb-' });
    repo.gen({
      'package.json': JSON.stringify({ name: 'ws', private: true, workspaces: ['libs/*'] }),
      '.gitignore': 'data/\n',
      libs: {
        units: {
          'package.json': JSON.stringify({ name: '@ws/units' }),
          src: {
            'index.ts': "export { toCelsius } from './temperature.js';\n",
            'temperature.ts': '/** Converts degrees Fahrenheit to Celsius. */\nexport function toCelsius(f: number): number {\n  return ((f - 32) * 5) / 9;\n}\n',
          },
        },
        weather: {
          'package.json': JSON.stringify({ name: '@ws/weather' }),
          src: { 'forecast.ts': "import { toCelsius } from '@ws/units';\n\n/** Tomorrow's forecast in Celsius. */\nexport function forecast(f: number): string {\n  return `${toCelsius(f)} C`;\n}\n" },
        },
      },
      tools: { 'report.py': 'def weekly_report(rows):\n    """Summarise a week of readings."""\n    return len(rows)\n' },
    });
  });
  afterEach(() => repo.cleanup());

  it('ingests a repo into data/ and finds code by a question, as JSON with repo-relative paths', async () => {
    const ingest = await momo(repo.root, ['kb', 'ingest']);
    expect(ingest.code, ingest.stderr).toBe(0);
    expect(ingest.stderr).toMatch(/Ingested 4 files \(4 parsed, 0 unchanged, 0 removed\)/);
    for (const f of ['knowledge-base/manifest.json', 'vectors/vectors.f32', 'graphs/graph.json']) expect(existsSync(join(repo.root, 'data', f)), f).toBe(true);

    const search = await momo(repo.root, ['kb', 'search', 'convert fahrenheit to celsius', '--kb', 'data', '--limit', '2', '--json']);
    expect(search.code, search.stderr).toBe(0);
    const hits = JSON.parse(search.stdout);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.length).toBeLessThanOrEqual(2);
    expect(hits[0]).toMatchObject({ path: 'libs/units/src/temperature.ts', startLine: 1, endLine: 4, symbol: 'toCelsius', module: '@ws/units', type: 'chunk' });
    expect(typeof hits[0].score).toBe('number');
  });

  it('re-ingests incrementally into an existing --out directory', async () => {
    await momo(repo.root, ['kb', 'ingest', '.', '--out', 'kbout']);
    repo.gen({ tools: { 'report.py': 'def weekly_report(rows):\n    return sum(rows)\n' } });
    const again = await momo(repo.root, ['kb', 'ingest', '.', '--out', 'kbout', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ files: 4, parsed: 1, reused: 3 });
    const manifest = JSON.parse(readFileSync(join(repo.root, 'kbout', 'knowledge-base', 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: 'momo-kb', vectors: '../vectors', graphs: '../graphs' });
  });

  it('writes the same bytes when run again on an unchanged tree, output directory included', async () => {
    // data/ is in .gitignore: the first run does not see it, the second must not count it either
    await momo(repo.root, ['kb', 'ingest']);
    const first = readFileSync(join(repo.root, 'data', 'knowledge-base', 'manifest.json'));
    const chunks = readFileSync(join(repo.root, 'data', 'knowledge-base', 'chunks.jsonl'));
    await momo(repo.root, ['kb', 'ingest', '--full']);
    expect(readFileSync(join(repo.root, 'data', 'knowledge-base', 'manifest.json')).toString()).toBe(first.toString());
    expect(readFileSync(join(repo.root, 'data', 'knowledge-base', 'chunks.jsonl')).equals(chunks)).toBe(true);
  });

  it('lists modules and shows a module graph', async () => {
    await momo(repo.root, ['kb', 'ingest']);
    const modules = await momo(repo.root, ['kb', 'modules', '--kb', 'data']);
    expect(modules.code, modules.stderr).toBe(0);
    expect(modules.stdout).toMatch(/^module\s+kind\s+language\s+files\s+root\s+depends on\n/);
    expect(modules.stdout).toMatch(/@ws\/weather\s+lib\s+typescript\s+1\s+libs\/weather\s+@ws\/units\n/);
    const graph = await momo(repo.root, ['kb', 'graph', '@ws/units', '--kb', 'data', '--json']);
    expect(graph.code, graph.stderr).toBe(0);
    expect(JSON.parse(graph.stdout)).toMatchObject({ dependents: [{ name: '@ws/weather', depth: 1 }], dependencies: [], entryFiles: [{ path: 'libs/units/src/index.ts', importedBy: 1 }] });
    const text = await momo(repo.root, ['kb', 'graph', '@ws/weather', '--kb', 'data']);
    expect(text.stdout).toContain('depends on:\n  @ws/units\n');
  });

  it('fails with a hint when the knowledge base or the module does not exist', async () => {
    const missing = await momo(repo.root, ['kb', 'search', 'x', '--kb', 'nowhere']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("ERROR: 'nowhere' is not a knowledge base");
    expect(missing.stderr).toContain('momo kb ingest');
    await momo(repo.root, ['kb', 'ingest']);
    const noModule = await momo(repo.root, ['kb', 'graph', 'unitz', '--kb', 'data']);
    expect(noModule.code).toBe(1);
    expect(noModule.stderr).toContain("module 'unitz' is not in the knowledge base");
    const badLimit = await momo(repo.root, ['kb', 'search', 'x', '--limit', 'zero']);
    expect(badLimit.code).toBe(254);
  });
});
