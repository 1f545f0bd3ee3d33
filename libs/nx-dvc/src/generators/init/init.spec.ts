import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readNxJson, type Tree } from '@nx/devkit';
import { init, loadPipeline, readParamsFile } from '@momo/dvc';
import { runDvc, testEnv, tmpRepo, type TmpRepo } from '@momo/testing';
import { runInit } from './init.js';
import { STALE_CHECK_COMMAND } from './lib/hooks.js';

// Generator specs on Nx's virtual tree (Nx packages/jest/src/generators/configuration/configuration.spec.ts);
// the bytes DVC would write are checked against real DVC 3.67.1 in temp dirs.

let repo: TmpRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

const SEED_GITIGNORE = 'node_modules\n# DVC managed data\n/data/\n*/data/\n*.dvc\ndist\n';

/** The seed's workspace shape: a Python module, an app, developer notes, the seed's .gitignore. */
function seedWorkspace(opts: { git?: boolean } = {}): Tree {
  const tree = createTreeWithEmptyWorkspace();
  if (opts.git) tree.write('.git/HEAD', 'ref: refs/heads/main\n');
  tree.write('.gitignore', SEED_GITIGNORE);
  tree.write('CLAUDE.md', '# MomoAI\n\nSome notes.\n');
  tree.write('libs/python/momo-kb/pyproject.toml', '[project]\nname = "momo-kb"\nversion = "0.1.0"\n');
  tree.write('libs/python/momo-kb/momo_kb/__init__.py', '');
  tree.write('libs/python/momo-kb/momo.md', '# momo-kb\n');
  tree.write('libs/python/not-a-module/readme.md', '');
  tree.write('apps/core/project.json', '{ "name": "core" }\n');
  return tree;
}

/** Every file the tree would write, with its content. */
function snapshot(tree: Tree): Map<string, string> {
  return new Map(tree.listChanges().map((c) => [c.path, c.type === 'DELETE' ? '<deleted>' : (c.content?.toString('utf8') ?? '')]));
}

describe('init generator', () => {
  it('writes the seed phases on an Nx workspace', () => {
    const tree = seedWorkspace();
    const report = runInit(tree, { remoteUrl: '/srv/momo-dev-kb' });
    expect(report).toMatchObject({ dvcInitialised: true, scm: false, modules: ['libs/python/momo-kb'], gitignoreRemoved: ['# DVC managed data', '/data/', '*/data/', '*.dvc'] });
    expect(report.dataDirs).toEqual(['data/raw', 'data/processed', 'data/models', 'data/knowledge-base', 'libs/python/momo-kb/data']);
    expect(tree.read('.dvc/config', 'utf-8')).toBe('[core]\n    no_scm = True\n    remote = dev-remote\n[\'remote "dev-remote"\']\n    url = /srv/momo-dev-kb\n');
    expect(tree.read('.gitignore', 'utf-8')).toBe('node_modules\ndist\n');
    expect(tree.read('data/.gitignore', 'utf-8')).toBe('/knowledge-base\n/vectors\n/graphs\n');
    expect(tree.read('docs/.gitignore', 'utf-8')).toBe('/generated\n');
    expect(tree.read('libs/python/momo-kb/data/.gitignore', 'utf-8')).toBe('/processed\n');
    expect(tree.exists('benchmarks/.gitignore')).toBe(false);
    expect(tree.read('params.yaml', 'utf-8')).toBe('kb_config:\n  embedding_model: hash-v1\n  chunk_size: 1500\n');
    expect(tree.read('dvc.yaml', 'utf-8')).toMatchInlineSnapshot(`
      "stages:
        kb-ingest:
          cmd: python scripts/kb-ingest.py
          deps:
          - apps/core/
          - libs/python/momo-kb/momo.md
          - libs/python/momo-kb/momo_kb/
          - scripts/kb-ingest.py
          params:
          - kb_config.chunk_size
          - kb_config.embedding_model
          outs:
          - data/graphs/
          - data/knowledge-base/
          - data/vectors/
          meta:
            nx-dvc:
              deps:
              - libs/python/*/momo_*/
              - libs/python/*/momo.md
              - apps/*/
        docs-generate:
          cmd: python scripts/docs-generate.py
          deps:
          - data/knowledge-base/
          - scripts/docs-generate.py
          outs:
          - docs/generated/
        benchmark-kb:
          cmd: python scripts/benchmark-kb.py
          deps:
          - data/knowledge-base/
          - scripts/benchmark-kb.py
          metrics:
          - benchmarks/kb_metrics.json:
              cache: false
      "
    `);
    expect(JSON.parse(tree.read('libs/python/momo-kb/project.json', 'utf-8')!)).toMatchObject({ name: 'momo-kb', projectType: 'library' });
    expect(tree.exists('libs/python/not-a-module/dvc.yaml')).toBe(false);
    const nx = readNxJson(tree)!;
    expect(nx.plugins).toContainEqual({ plugin: '@momo/nx-dvc/plugin', options: {} });
    expect(nx.targetDefaults).toMatchObject({
      'dvc-repro': { cache: false, dependsOn: ['...', 'format', 'typecheck'] },
      'dvc-pull': { cache: false },
      'dvc-push': { cache: false },
      'dvc-stage-kb-ingest': { cache: false, dependsOn: ['...', 'test-all'] },
      build: { cache: true },
    });
    expect(nx.sync?.globalGenerators).toEqual(['@momo/nx-dvc:sync']);
    expect(tree.read('.pre-commit-config.yaml', 'utf-8')).toContain(`entry: ${STALE_CHECK_COMMAND}\n`);
    expect(tree.read('deployment/.dvc/config', 'utf-8')).toBe(
      "[core]\n    no_scm = True\n    remote = \"\"\n[cache]\n    dir = ~/.momo/cache\n['remote \"local-cache\"']\n    url = ~/.momo/data\n",
    );
    const notes = tree.read('CLAUDE.md', 'utf-8')!;
    expect(notes.startsWith('# MomoAI\n\nSome notes.\n\n### DVC MLOps Commands\n')).toBe(true);
    expect(notes).toContain('nx run @proj/source:dvc-stage-kb-ingest');
    expect(notes).toContain('nx run momo-kb:dvc-repro');
  });

  it('changes nothing when run a second time', () => {
    const tree = seedWorkspace({ git: true });
    runInit(tree, { remoteUrl: '../remote', hooks: 'husky' });
    const first = snapshot(tree);
    const report = runInit(tree, { remoteUrl: '../remote', hooks: 'husky' });
    expect(snapshot(tree)).toEqual(first);
    expect(report).toMatchObject({ dvcInitialised: false, remoteChanged: false, gitignoreRemoved: [] });
    expect(report.hookFile).toBeUndefined();
  });

  it('keeps stages and params the user already has', () => {
    const tree = seedWorkspace();
    tree.write('dvc.yaml', 'stages:\n  kb-ingest:\n    cmd: momo kb ingest . --out data\n');
    tree.write('params.yaml', '# tuned\nkb_config:\n  chunk_size: 900\nother: 1\n');
    tree.write('libs/python/momo-kb/dvc.yaml', 'stages: {}\n');
    runInit(tree, { remoteUrl: '/srv/r' });
    const text = tree.read('dvc.yaml', 'utf-8')!;
    expect(text.startsWith('stages:\n  kb-ingest:\n    cmd: momo kb ingest . --out data\n  docs-generate:\n')).toBe(true);
    expect(tree.read('params.yaml', 'utf-8')).toBe('# tuned\nkb_config:\n  chunk_size: 900\n  embedding_model: hash-v1\nother: 1\n');
    expect(tree.read('libs/python/momo-kb/dvc.yaml', 'utf-8')).toBe('stages: {}\n');
    // the kept kb-ingest stage's outputs are the user's business: no entries for them
    expect(tree.exists('data/.gitignore')).toBe(false);
  });

  it('writes only parseable pipelines (the engine loads them)', () => {
    const tree = seedWorkspace();
    runInit(tree, { remoteUrl: '/srv/r' });
    const load = () => ({ status: 'missing' as const });
    expect(loadPipeline({ text: tree.read('dvc.yaml', 'utf-8')!, load }).stages.map((s) => s.name)).toEqual(['kb-ingest', 'docs-generate', 'benchmark-kb']);
    expect(loadPipeline({ text: tree.read('libs/python/momo-kb/dvc.yaml', 'utf-8')!, file: 'libs/python/momo-kb/dvc.yaml', load }).stages[0].deps.map((d) => d.path)).toEqual([
      '../../../data/raw/',
      'momo_kb/',
      'scripts/process_data.py',
    ]);
    expect(readParamsFile).toBeTypeOf('function');
  });

  it('adds the check to an existing pre-commit config, and supports lefthook', () => {
    let tree = seedWorkspace();
    tree.write('.pre-commit-config.yaml', '# hooks\nrepos:\n  - repo: https://github.com/psf/black\n    rev: 24.1.0\n    hooks:\n      - id: black\n');
    runInit(tree, { remoteUrl: '/srv/r' });
    expect(tree.read('.pre-commit-config.yaml', 'utf-8')).toBe(
      '# hooks\nrepos:\n  - repo: https://github.com/psf/black\n    rev: 24.1.0\n    hooks:\n      - id: black\n  - repo: local\n    hooks:\n      - id: dvc-check\n        name: DVC Pipeline Check\n        entry: npx --no momo status -q\n        language: system\n        pass_filenames: false\n        always_run: true\n',
    );
    tree = seedWorkspace();
    runInit(tree, { remoteUrl: '/srv/r', hooks: 'lefthook' });
    expect(tree.read('lefthook.yml', 'utf-8')).toBe('pre-commit:\n  commands:\n    dvc-check:\n      run: npx --no momo status -q\n');
    expect(tree.exists('.pre-commit-config.yaml')).toBe(false);
  });

  it('uses git in a git workspace unless --no-scm, and refuses --scm without git', () => {
    let tree = seedWorkspace({ git: true });
    expect(runInit(tree, { remoteUrl: '/srv/r', scm: false }).scm).toBe(false);
    expect(tree.read('.dvc/config', 'utf-8')).toMatch(/^\[core\]\n    no_scm = True\n/);
    expect(tree.exists('.dvc/.gitignore')).toBe(false);
    tree = seedWorkspace();
    expect(() => runInit(tree, { remoteUrl: '/srv/r', scm: true })).toThrow(expect.objectContaining({ code: 'NX_DVC_OPTIONS_INVALID' }));
    expect(tree.exists('.dvc/config')).toBe(false);
  });

  it('refuses a remote scheme momo cannot use before writing anything', () => {
    const tree = seedWorkspace();
    const before = snapshot(tree);
    expect(() => runInit(tree, { remoteUrl: 'gdrive://folder' })).toThrow(expect.objectContaining({ code: 'NX_DVC_REMOTE_URL_INVALID' }));
    expect(snapshot(tree)).toEqual(before);
  });
});

describe('init generator against real DVC and momo', () => {
  /** Writes the tree's files below `root`. */
  function flush(tree: Tree, root: string, only?: (path: string) => boolean) {
    for (const c of tree.listChanges()) {
      if (c.type === 'DELETE' || (only && !only(c.path))) continue;
      mkdirSync(join(root, c.path, '..'), { recursive: true });
      writeFileSync(join(root, c.path), c.content!);
    }
  }

  it('writes .dvc/ like `dvc init` + `dvc remote add -d` (git and --no-scm)', async () => {
    for (const git of [true, false]) {
      const tree = seedWorkspace({ git });
      runInit(tree, { remoteUrl: '../remote' });
      repo = tmpRepo({ git });
      expect(runDvc(repo.root, ['init', ...(git ? [] : ['--no-scm'])]).code).toBe(0);
      expect(runDvc(repo.root, ['remote', 'add', '-d', 'dev-remote', '../remote']).code).toBe(0);
      for (const f of ['.dvc/config', '.dvcignore', ...(git ? ['.dvc/.gitignore'] : [])]) {
        expect([git, f, tree.read(f, 'utf-8')]).toEqual([git, f, readFileSync(join(repo.root, f), 'utf8')]);
      }
      expect(tree.exists('.dvc/.gitignore')).toBe(git);
      repo.cleanup();
      // momo's own init writes the same .dvcignore
      repo = tmpRepo();
      await init({ cwd: repo.root, noScm: true, env: testEnv() });
      expect(tree.read('.dvcignore', 'utf-8')).toBe(readFileSync(join(repo.root, '.dvcignore'), 'utf8'));
      repo.cleanup();
      repo = undefined;
    }
  });

  it("writes the module pipeline byte for byte like `dvc stage add`, and a deployment config DVC accepts", () => {
    const tree = seedWorkspace();
    runInit(tree, { remoteUrl: '/srv/r' });
    repo = tmpRepo();
    expect(runDvc(repo.root, ['init', '--no-scm']).code).toBe(0);
    const mod = join(repo.root, 'libs/python/momo-kb');
    mkdirSync(mod, { recursive: true });
    const r = runDvc(mod, ['stage', 'add', '-n', 'process-data', '-d', 'momo_kb/', '-d', 'scripts/process_data.py', '-d', '../../../data/raw/', '-o', 'data/processed/', '-M', 'benchmarks/metrics.json', 'uv run python scripts/process_data.py']);
    expect(r.code).toBe(0);
    expect(tree.read('libs/python/momo-kb/dvc.yaml', 'utf-8')).toBe(readFileSync(join(mod, 'dvc.yaml'), 'utf8'));

    flush(tree, repo.root, (p) => p.startsWith('deployment/'));
    // DVC reads it as its own repo config, expanding `~` (dvc-compat §3.3)
    const home = '/home/momo-test';
    const cfg = runDvc(join(repo.root, 'deployment'), ['config', '--list', '--project'], { HOME: home });
    expect(cfg.stderr).toBe('');
    expect(cfg.stdout.split('\n').filter(Boolean).sort()).toEqual([
      `cache.dir=${home}/.momo/cache`,
      'core.no_scm=True',
      'core.remote=',
      `remote.local-cache.url=${home}/.momo/data`,
    ]);
    expect(runDvc(join(repo.root, 'deployment'), ['remote', 'list'], { HOME: home }).stdout.split(/\s+/).filter(Boolean)).toEqual(['local-cache', `${home}/.momo/data`]);
  });
});
