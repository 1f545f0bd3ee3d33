/**
 * User story: the seed's knowledge-base pipeline (kb-ingest -> benchmark-kb -> docs-generate, plus a
 * Python module pipeline under uv) on a seed-shaped workspace (examples/seed-workspace), run by momo:
 * a first repro does the work, a second is a no-op that real DVC 3.67.1 agrees with, a param change
 * reruns exactly the stages that depend on it, the docs name the workspace's real symbols and
 * edges, and the metrics move when the code moves. Needs `npm run build` (scripts/dist, the CLI).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GIT_ENV, PROJECT_ROOT, runDvc, runMomo, tmpRepo, type TmpRepo } from '@momo/testing';

const EXAMPLE = join(PROJECT_ROOT, 'examples', 'seed-workspace');
const VENV_BIN = join(PROJECT_ROOT, '.venv-dvc', 'bin');
const UV_VERSION = '0.13.9';

let repo: TmpRepo;
let env: Record<string, string>;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repo.root, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' });
}

function momo(...args: string[]) {
  const r = runMomo(repo.root, args, env);
  if (r.code !== 0) throw new Error(`momo ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

/** Stage names that ran in a repro output ("Running stage 'x':"). */
function ran(output: string): string[] {
  return [...output.matchAll(/Running stage '([^']+)'/g)].map((m) => m[1]).sort();
}

function read(p: string): string {
  return readFileSync(join(repo.root, p), 'utf8');
}

function metrics(): Record<string, Record<string, number>> {
  return JSON.parse(read('benchmarks/kb_metrics.json'));
}

/** Every file under the outputs with its bytes, mtime and inode (to prove nothing was rewritten). */
function outputState(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    const abs = join(repo.root, rel);
    if (!existsSync(abs)) return;
    const st = statSync(abs);
    if (st.isDirectory()) for (const e of readdirSync(abs).sort()) walk(`${rel}/${e}`);
    else out.set(rel, `${st.size}:${st.mtimeMs}:${st.ino}:${readFileSync(abs).toString('base64').length}`);
  };
  for (const p of ['data', 'docs/generated', 'benchmarks/kb_metrics.json', 'libs/python/momo-kb/data', 'dvc.lock', 'libs/python/momo-kb/dvc.lock']) walk(p);
  return out;
}

beforeAll(() => {
  // uv manages the example's Python modules; it installs from PyPI into the project's tool venv
  // (the same one as the DVC oracle). .ci/run installs it up front; this covers an older venv.
  if (!existsSync(join(VENV_BIN, 'uv'))) execFileSync(join(VENV_BIN, 'pip'), ['install', '-q', `uv==${UV_VERSION}`], { stdio: 'inherit' });
  repo = tmpRepo({ git: true, prefix: 'momo-seed-ws-' });
  cpSync(EXAMPLE, repo.root, { recursive: true });
  // `npm test` builds before it runs the tests; other sources of the checkout may be edited while
  // they run, so the scripts' stale-build guard (BUILD_STALE) is off here
  env = { MOMO_SCRIPTS: join(PROJECT_ROOT, 'scripts', 'dist'), PATH: `${VENV_BIN}:${process.env.PATH ?? ''}`, UV_OFFLINE: '1', MOMO_ALLOW_STALE_BUILD: '1' };
  momo('init');
  git('add', '-A');
  git('commit', '-qm', 'seed workspace');
});

afterAll(() => repo?.cleanup());

describe('the knowledge-base pipeline on a seed-shaped workspace', () => {
  it('runs every stage on the first repro, the Python one under uv', () => {
    const out = momo('repro');
    expect(ran(out)).toEqual(['benchmark-kb', 'docs-generate', 'kb-ingest', 'libs/python/momo-kb/dvc.yaml:process-embeddings']);
    expect(out).toMatch(/process-embeddings \(python 3\.\d+\): \d+ items/);
    expect(existsSync(join(repo.root, 'libs/python/momo-kb/.venv'))).toBe(true);
    for (const p of ['data/knowledge-base/manifest.json', 'data/vectors/vectors.f32', 'data/graphs/graph.json', 'docs/generated/index.md', 'benchmarks/kb_metrics.json', 'libs/python/momo-kb/data/embeddings/embeddings.json']) {
      expect(existsSync(join(repo.root, p)), p).toBe(true);
    }
    const modules = JSON.parse(read('data/knowledge-base/modules.json')) as Array<{ name: string; language: string; dependencies: string[] }>;
    expect(modules.map((m) => m.name)).toEqual(['@seed/core', '@seed/graph-client', 'momo-kb', 'momo-vector-store']);
    expect(modules.find((m) => m.name === 'momo-kb')?.dependencies).toEqual(['momo-vector-store']);
    expect(modules.find((m) => m.name === '@seed/core')?.dependencies).toEqual(['@seed/graph-client']);
  });

  it('writes docs that name the workspace\'s real symbols and edges, each of them in the code graph', () => {
    const kbPage = read('docs/generated/momo-kb.md');
    expect(kbPage).toContain('class KnowledgeBase');
    expect(kbPage).toContain('def answer(self, question, limit=3)');
    expect(kbPage).toContain('Answer a question from the knowledge base with the most similar documents.');
    expect(kbPage).toMatch(/m0\["momo-kb"\]\n\s+m1\["momo-vector-store"\]\n\s+m0 --> m1/);
    expect(kbPage).toContain('libs/python/momo-kb/dvc.yaml:process-embeddings');
    expect(kbPage).toMatch(/\| name_recall_at_1 \| [\d.]+ \|/);
    expect(kbPage).not.toMatch(/TODO|placeholder|\d{4}-\d\d-\d\dT\d\d:/);
    const client = read('docs/generated/seed-graph-client.md');
    expect(client).toContain('export function shortestPath(graph: Graph, from: string, to: string): string[] | undefined');
    expect(client).toContain('[@seed/core](seed-core.md)');
    const index = read('docs/generated/index.md');
    expect(index).toContain('# Seed workspace');
    expect(index).toMatch(/\| heldout\.ndcg_at_10 \| [\d.]+ \|/);
    // every code link of every page points at a file that exists, and every symbol it names is a graph node
    const graph = JSON.parse(read('data/graphs/graph.json')) as { nodes: Array<{ id: string }> };
    const nodes = new Set(graph.nodes.map((n) => n.id));
    for (const page of readdirSync(join(repo.root, 'docs/generated'))) {
      const text = read(`docs/generated/${page}`);
      for (const m of text.matchAll(/\]\((\.\.\/\.\.\/[^)#]+)(?:#L\d+)?\)/g)) {
        const path = m[1].slice('../../'.length);
        expect(nodes.has(`file:${path}`), `${page} links ${path}`).toBe(true);
      }
    }
  });

  it('is a no-op the second time, byte for byte, and real DVC agrees that the lock is up to date', () => {
    const before = outputState();
    const out = momo('repro');
    expect(ran(out)).toEqual([]);
    expect(outputState()).toEqual(before);
    const dvc = runDvc(repo.root, ['status'], env);
    expect(dvc.stderr).toBe('');
    expect(dvc.stdout.trim()).toBe('Data and pipelines are up to date.');
  });

  it('reruns exactly the stages that depend on a changed param', () => {
    git('add', '-A');
    git('commit', '-qm', 'first run');
    const params = read('params.yaml');
    writeFileSync(join(repo.root, 'params.yaml'), params.replace('similarity_threshold: 0.1', 'similarity_threshold: 0.9'));
    expect(ran(momo('repro'))).toEqual(['docs-generate']);
    writeFileSync(join(repo.root, 'params.yaml'), read('params.yaml').replace('chunk_size: 1500', 'chunk_size: 300'));
    const out = momo('repro');
    expect(ran(out)).toEqual(['benchmark-kb', 'docs-generate', 'kb-ingest']);
    expect(JSON.parse(read('data/knowledge-base/manifest.json')).params.chunk_size).toBe(300);
    expect(runDvc(repo.root, ['status'], env).stdout.trim()).toBe('Data and pipelines are up to date.');
  });

  it('measures the code: metrics change when the workspace changes, and momo metrics show/diff read them', () => {
    git('add', '-A');
    git('commit', '-qm', 'small chunks');
    const before = metrics();
    expect(before.heldout.queries).toBeGreaterThan(5);
    expect(before.handwritten.queries).toBe(4);
    appendFileSync(
      join(repo.root, 'libs/python/momo-vector-store/momo_vector_store/store.py'),
      '\n\ndef normalize(vector):\n    """Scale a vector to unit length so that dot products become cosine similarities."""\n    n = math.sqrt(sum(x * x for x in vector))\n    return [x / n for x in vector] if n else list(vector)\n',
    );
    const out = momo('repro');
    // process-embeddings imports momo_vector_store, so it depends on it and runs again too
    expect(ran(out)).toEqual(['benchmark-kb', 'docs-generate', 'kb-ingest', 'libs/python/momo-kb/dvc.yaml:process-embeddings']);
    const after = metrics();
    expect(after.corpus.symbols).toBe(before.corpus.symbols + 1);
    expect(after.heldout.candidates).toBe(before.heldout.candidates + 1);
    expect(after.index_bytes.knowledge_base).toBeGreaterThan(before.index_bytes.knowledge_base);
    const shown = JSON.parse(momo('metrics', 'show', '--json')) as Record<string, { data: Record<string, { data: Record<string, unknown> }> }>;
    expect(JSON.stringify(shown)).toContain(`"symbols":${after.corpus.symbols}`);
    const diff = momo('metrics', 'diff');
    expect(diff).toContain('corpus.symbols');
    expect(diff).toContain(String(after.corpus.symbols));
    expect(read('docs/generated/momo-vector-store.md')).toContain('def normalize(vector)');
  });
});
