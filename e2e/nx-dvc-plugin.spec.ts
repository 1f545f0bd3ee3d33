import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { oracleDvcPath, snapshotTree } from '@momo/testing';
import { createNxWorkspace, type NxWorkspace } from '../libs/nx-dvc/src/__fixtures__/nx-workspace.js';
import { e2eWorkspaceFiles, TS_STAGES } from '../libs/nx-dvc/src/__fixtures__/e2e-workspace-files.js';

// User story: an existing Nx workspace (two TypeScript libraries, one uv Python library) adopts
// DVC with `nx g @momo/nx-dvc:init`; the plugin infers targets and the cross-project graph.
// Real Nx 24 from node_modules, offline, daemon off, no cloud.

const SLOW = 300_000;
let ws: NxWorkspace;

function nxOk(args: string[]) {
  const r = ws.nx(args);
  if (r.code !== 0) throw new Error(`nx ${args.join(' ')} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Every file of the workspace except tooling state, with its content. */
function files() {
  return snapshotTree(ws.root, { skip: (rel) => rel === 'node_modules' || rel === '.git' || rel === '.nx' });
}

beforeAll(() => {
  ws = createNxWorkspace({ name: 'acme', files: e2eWorkspaceFiles(), git: true });
  nxOk(['g', '@momo/nx-dvc:init', `--remoteUrl=${ws.root}-remote`, '--no-interactive']);
}, SLOW);

afterAll(() => ws?.cleanup());

describe('nx g @momo/nx-dvc:init in a real workspace', () => {
  it('sets the workspace up as a DVC repository with the seed pipelines', () => {
    expect(readFileSync(join(ws.root, '.dvc/config'), 'utf8')).toBe(`[core]\n    remote = dev-remote\n['remote "dev-remote"']\n    url = ${ws.root}-remote\n`);
    expect(readFileSync(join(ws.root, '.dvc/.gitignore'), 'utf8')).toBe('/config.local\n/tmp\n/cache\n');
    expect(readFileSync(join(ws.root, 'dvc.yaml'), 'utf8')).toContain('    - libs/python/momo-py/momo_py/\n');
    expect(readFileSync(join(ws.root, 'libs/python/momo-py/dvc.yaml'), 'utf8')).toContain('cmd: uv run python scripts/process_data.py\n');
    expect(JSON.parse(readFileSync(join(ws.root, 'libs/python/momo-py/project.json'), 'utf8')).name).toBe('momo-py');
    for (const dir of ['data/raw', 'data/processed', 'data/models', 'data/knowledge-base', 'libs/python/momo-py/data']) expect(existsSync(join(ws.root, dir))).toBe(true);
    expect(readFileSync(join(ws.root, 'CLAUDE.md'), 'utf8')).toContain('nx run acme:dvc-stage-kb-ingest');
  });

  it('changes nothing when run a second time', () => {
    const before = files();
    nxOk(['g', '@momo/nx-dvc:init', `--remoteUrl=${ws.root}-remote`, '--no-interactive']);
    expect(files()).toEqual(before);
  }, SLOW);
});

describe('the plugin on the workspace', () => {
  beforeAll(() => {
    for (const args of TS_STAGES) nxOk(['g', '@momo/nx-dvc:stage', ...args, '--no-interactive']);
  }, SLOW);

  it('writes the TypeScript stages with the stage generator', () => {
    expect(readFileSync(join(ws.root, 'libs/ts-b/dvc.yaml'), 'utf8')).toBe(
      'stages:\n  summarize:\n    cmd: node summarize.mjs\n    deps:\n    - ../python/momo-py/data/processed/features.json\n    - summarize.mjs\n    outs:\n    - data/summary.json\n',
    );
    expect(readFileSync(join(ws.root, 'libs/ts-b/data/.gitignore'), 'utf8')).toBe('/summary.json\n');
  });

  it('lists the inferred targets in `nx show project`', () => {
    const b = JSON.parse(nxOk(['show', 'project', 'ts-b', '--json']).stdout);
    expect(Object.keys(b.targets)).toEqual(expect.arrayContaining(['dvc-repro', 'dvc-status', 'dvc-pull', 'dvc-push', 'dvc-checkout', 'dvc-stage-summarize']));
    expect(b.targets['dvc-stage-summarize'].dependsOn).toEqual([{ projects: ['momo-py'], target: 'dvc-stage-process-data' }]);
    // the plugin's cross-project edge, then nx.json's targetDefaults (the seed's format/typecheck)
    expect(b.targets['dvc-repro'].dependsOn).toEqual([{ projects: ['momo-py'], target: 'dvc-repro' }, 'format', 'typecheck']);
    expect(b.targets['dvc-pull'].cache).toBe(false);
    expect(b.targets['dvc-push'].cache).toBe(false);
    expect(b.targets['dvc-stage-summarize'].inputs).toContainEqual({ fileset: '{workspaceRoot}/libs/python/momo-py/data/processed/features.json', includeIgnored: true });
    expect(b.targets['dvc-stage-summarize'].outputs).toEqual(['{projectRoot}/data/summary.json', '{projectRoot}/dvc.lock']);
    expect(b.targets['dvc-repro'].metadata.description).toContain("'libs/ts-b/dvc.yaml'");

  }, SLOW);

  it('puts the cross-project edges of the DVC graph into `nx graph --file`', () => {
    nxOk(['graph', '--file=graph.json']);
    const { graph } = JSON.parse(readFileSync(join(ws.root, 'graph.json'), 'utf8'));
    expect(graph.dependencies['ts-b']).toContainEqual({ source: 'ts-b', target: 'momo-py', type: 'static' });
    expect(graph.dependencies['ts-a']).toContainEqual({ source: 'ts-a', target: 'ts-b', type: 'static' });
    // the root project (named after package.json) carries the seed's stages
    const root = graph.nodes.acme.data.targets;
    expect(Object.keys(root)).toEqual(expect.arrayContaining(['dvc-repro', 'dvc-stage-kb-ingest', 'dvc-stage-docs-generate', 'dvc-stage-benchmark-kb']));
    expect(root['dvc-stage-kb-ingest'].dependsOn).toEqual(['test-all']);
    expect(Object.keys(graph.nodes['momo-py'].data.targets)).toEqual(expect.arrayContaining(['dvc-repro', 'dvc-stage-process-data']));
  }, SLOW);

  it('runs executors in-process, honours --verbose, and switches to the Python engine by option', () => {
    const momo = nxOk(['run', 'momo-py:dvc-status', '--verbose', '--output-style=stream']);
    expect(momo.stdout + momo.stderr).toContain("[nx-dvc] status in 'libs/python/momo-py' with momo (in-process)");
    expect(momo.stdout + momo.stderr).toContain('[nx-dvc] DVC files of this project: dvc.yaml');
    const py = nxOk(['run', 'momo-py:dvc-status', '--engine=dvc', `--dvcPath=${oracleDvcPath()}`, '--verbose', '--output-style=stream']);
    expect(py.stdout + py.stderr).toContain(`[nx-dvc] ${oracleDvcPath()} --wait-for-lock -v status dvc.yaml`);
    expect(py.stdout).toContain('process-data:');
    expect(py.stdout).toMatch(/deleted: +data\/processed/);
  }, SLOW);

  it('keeps glob deps in sync when a project is added (`nx sync:check`, `nx sync`)', () => {
    nxOk(['sync:check']);
    ws.gen({ libs: { python: { 'momo-graph': { 'pyproject.toml': '[project]\nname = "momo-graph"\nversion = "0.1.0"\n', momo_graph: { '__init__.py': '' } } } } });
    const check = ws.nx(['sync:check']);
    expect(check.code).not.toBe(0);
    expect(check.stdout + check.stderr).toContain('dvc.yaml:kb-ingest +libs/python/momo-graph/momo_graph/');
    nxOk(['sync']);
    expect(readFileSync(join(ws.root, 'dvc.yaml'), 'utf8')).toContain('    - libs/python/momo-graph/momo_graph/\n    - libs/python/momo-py/momo.md\n');
    nxOk(['sync:check']);
  }, SLOW);

  it('reports a broken dvc.yaml by file and line, with the other projects still in the graph', () => {
    const file = join(ws.root, 'libs/ts-a/dvc.yaml');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, 'stages:\n  report:\n    command: node report.mjs\n');
    try {
      const r = ws.nx(['graph', '--file=broken.json']);
      expect(r.stdout + r.stderr).toContain('libs/ts-a/dvc.yaml');
      expect(r.stdout + r.stderr).toContain('extra keys not allowed, in stages -> report -> command, line 3');
      const { graph } = JSON.parse(readFileSync(join(ws.root, 'broken.json'), 'utf8'));
      expect(graph.nodes['ts-b'].data.targets['dvc-stage-summarize']).toBeDefined();
      expect(graph.nodes['ts-a'].data.targets['dvc-repro']).toBeUndefined();
    } finally {
      writeFileSync(file, good);
    }
  }, SLOW);
});
