import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDvc, runMomo } from '@momo/testing';
import { pipelineTwins, same, sameFile, sameWorkspace, commitAll, dvcYaml, type Twins } from './pipelines-kit.js';

// The seed's pipeline shapes (migration guide: root kb-ingest → docs-generate → benchmark-kb, a
// module-level dvc.yaml climbing out with ../../), each run under real DVC 3.67.1
// and under momo in twin repos: identical dvc.lock bytes, equal `status --json`, cross-reading.

let t: Twins | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

describe('the seed pipelines', () => {
  const seed = () => ({
    'params.yaml': 'kb_config:\n  chunk_size: 512\n  embedding_model: all-MiniLM-L6-v2\n  top_k: 5\n',
    libs: { python: { 'momo-kb': { momo_kb: { 'core.py': 'print(1)\n' }, 'momo.md': '# kb\n' } } },
    apps: { web: { 'main.ts': 'x\n' } },
    data: { raw: { 'a.txt': 'raw a\n' } },
    scripts: {
      'ingest.sh': 'mkdir -p data/knowledge-base && cat libs/python/momo-kb/momo_kb/core.py > data/knowledge-base/kb.txt && echo chunk=$1 model=$2 >> data/knowledge-base/kb.txt\n',
      'bench.sh': 'mkdir -p benchmarks && printf \'{"recall": 0.75, "latency": {"p50": 12}}\' > benchmarks/kb_metrics.json\n',
    },
    'dvc.yaml': dvcYaml({
      'kb-ingest': {
        cmd: 'sh scripts/ingest.sh ${kb_config.chunk_size} ${kb_config.embedding_model}',
        deps: ['libs/python/momo-kb/momo_kb/', 'libs/python/momo-kb/momo.md', 'apps/web/', 'scripts/ingest.sh'],
        params: ['kb_config.chunk_size', 'kb_config.embedding_model'],
        outs: ['data/knowledge-base/'],
      },
      'docs-generate': { cmd: 'mkdir -p docs/generated && cp data/knowledge-base/kb.txt docs/generated/index.md', deps: ['data/knowledge-base/'], outs: ['docs/generated/'] },
      'benchmark-kb': { cmd: 'sh scripts/bench.sh', deps: ['data/knowledge-base/', 'scripts/bench.sh'], params: ['kb_config.top_k'], metrics: [{ 'benchmarks/kb_metrics.json': { cache: false } }] },
    }),
  });

  it('reproduces kb-ingest → docs-generate → benchmark-kb like DVC; a param change reruns exactly the stages reading it', () => {
    t = pipelineTwins(seed() as never);
    same(t, ['status', '--json']);
    same(t, ['repro']);
    sameFile(t, 'dvc.lock');
    sameFile(t, 'data/.gitignore');
    sameWorkspace(t);
    commitAll(t);
    // top_k is read by benchmark-kb only
    t.each((r) => writeFileSync(join(r.root, 'params.yaml'), 'kb_config:\n  chunk_size: 512\n  embedding_model: all-MiniLM-L6-v2\n  top_k: 10\n'));
    same(t, ['status', '--json']);
    const r = same(t, ['repro']);
    expect(r.momo.stdout).toContain("Stage 'kb-ingest' didn't change, skipping");
    expect(r.momo.stdout).toContain("Stage 'docs-generate' didn't change, skipping");
    expect(r.momo.stdout).toContain("Running stage 'benchmark-kb'");
    sameFile(t, 'dvc.lock');
    same(t, ['params', 'diff', '--json']);
    same(t, ['metrics', 'show', '--json']);
  });

  it('cross-reads: a lock written by DVC is up to date for momo, and the reverse', () => {
    t = pipelineTwins(seed() as never);
    // each tool writes its own lock, then the other tool reads it
    expect(runDvc(t.dvc.root, ['repro']).code).toBe(0);
    expect(runMomo(t.momo.root, ['repro']).code).toBe(0);
    for (const [who, root, tool] of [['dvc-made, momo reads', t.dvc.root, runMomo], ['momo-made, dvc reads', t.momo.root, runDvc]] as const) {
      const st = tool(root, ['status', '--json']);
      expect(st.stdout.trim(), who).toBe('{}');
      const rp = tool(root, ['repro']);
      expect(rp.stdout, who).toContain('Data and pipelines are up to date.');
    }
  });

  it('runs a module-level dvc.yaml whose deps climb out with ../../, from the root and from its directory', () => {
    t = pipelineTwins({
      data: { raw: { 'a.txt': 'a\n', 'b.txt': 'b\n' } },
      libs: {
        'momo-kb': {
          momo_kb: { 'x.py': 'x\n' },
          'dvc.yaml': dvcYaml({
            'process-embeddings': { cmd: 'mkdir -p data/embeddings && ls ../../data/raw momo_kb > data/embeddings/list.txt', deps: ['momo_kb/', '../../data/raw/'], outs: ['data/embeddings/'] },
          }),
        },
      },
    });
    same(t, ['status', '--json']);
    same(t, ['repro'], { cwd: 'libs/momo-kb' });
    sameFile(t, 'libs/momo-kb/dvc.lock');
    same(t, ['status', '--json'], { cwd: 'libs/momo-kb' });
    t.gen({ data: { raw: { 'c.txt': 'c\n' } } });
    same(t, ['status', '--json']);
    same(t, ['status'], { cwd: 'libs/momo-kb' });
    same(t, ['repro', 'libs/momo-kb/dvc.yaml:process-embeddings']);
    sameFile(t, 'libs/momo-kb/dvc.lock');
    sameWorkspace(t);
  });
});

