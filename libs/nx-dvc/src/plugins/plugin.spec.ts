import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpRepo, type TmpRepo } from '@momo/testing';
import type { CreateNodesContext, CreateNodesResultArray, ProjectConfiguration } from '@nx/devkit';
import { createDependencies, createNodes, createNodesV2, readPipelineMemo } from './plugin.js';
import type { NxDvcPluginOptions } from './options.js';

// Plugin specs write dvc.yaml files into a real temp dir and inspect the nodes
// (Nx packages/vite/src/plugins/plugin.spec.ts does the same).

let repo: TmpRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

const pkg = (name: string) => JSON.stringify({ name });

async function nodes(files: string[], options?: NxDvcPluginOptions): Promise<CreateNodesResultArray> {
  const ctx: CreateNodesContext = { workspaceRoot: repo!.root, nxJsonConfiguration: {} };
  return createNodes[1](files, options, ctx);
}

function project(results: CreateNodesResultArray, root: string): Omit<ProjectConfiguration, 'root'> & { root?: string } {
  const hit = results.find(([, r]) => r.projects?.[root]);
  if (!hit) throw new Error(`no project at ${root}`);
  return hit[1].projects![root];
}

const TWO_STAGES = `stages:
  prepare:
    cmd: python prepare.py
    deps:
    - prepare.py
    - data/raw
    params:
    - prepare.split
    outs:
    - data/prepared
  train:
    desc: fit the model
    cmd: python train.py
    deps:
    - data/prepared
    - train.py
    outs:
    - model.pkl
    metrics:
    - metrics.json:
        cache: false
`;

describe('createNodes', () => {
  it('is exported under both names with the dvc.yaml glob', () => {
    expect(createNodes[0]).toBe('**/dvc.yaml');
    expect(createNodesV2).toBe(createNodes);
  });

  it('infers the pipeline targets and one target per stage for a project with a dvc.yaml', async () => {
    repo = tmpRepo();
    repo.gen({ libs: { a: { 'package.json': pkg('a'), 'dvc.yaml': TWO_STAGES, 'params.yaml': 'prepare:\n  split: 0.2\n', 'prepare.py': '', data: { raw: { 'x.csv': '1' } } } } });
    const p = project(await nodes(['libs/a/dvc.yaml']), 'libs/a');
    expect(p.name).toBe('a');
    expect(Object.keys(p.targets!)).toEqual(['dvc-repro', 'dvc-status', 'dvc-pull', 'dvc-push', 'dvc-checkout', 'dvc-stage-prepare', 'dvc-stage-train']);
    const t = p.targets!;
    expect(t['dvc-pull'].cache).toBe(false);
    expect(t['dvc-push'].cache).toBe(false);
    expect(t['dvc-repro'].cache).toBe(false);
    expect(t['dvc-repro'].executor).toBe('@momo/nx-dvc:repro');
    expect(t['dvc-repro'].outputs).toEqual(['{projectRoot}/data/prepared', '{projectRoot}/dvc.lock', '{projectRoot}/metrics.json', '{projectRoot}/model.pkl']);
    expect(t['dvc-stage-prepare']).toMatchInlineSnapshot(`
      {
        "cache": false,
        "executor": "@momo/nx-dvc:repro",
        "inputs": [
          {
            "fileset": "{projectRoot}/dvc.yaml",
          },
          {
            "fileset": "{projectRoot}/params.yaml",
          },
          {
            "fileset": "{projectRoot}/prepare.py",
            "includeIgnored": true,
          },
          {
            "fileset": "{projectRoot}/data/raw/**/*",
            "includeIgnored": true,
          },
        ],
        "metadata": {
          "description": "DVC stage 'libs/a/dvc.yaml:prepare': python prepare.py",
          "help": {
            "command": "npx momo repro --help",
            "example": {
              "options": {
                "force": true,
              },
            },
          },
          "technologies": [
            "dvc",
          ],
        },
        "options": {
          "stages": [
            "prepare",
          ],
        },
        "outputs": [
          "{projectRoot}/data/prepared",
          "{projectRoot}/dvc.lock",
        ],
        "parallelism": false,
      }
    `);
    // train.py does not exist yet and data/prepared is another stage's output: both file and dir globs
    expect(t['dvc-stage-train'].inputs).toContainEqual({ fileset: '{projectRoot}/data/prepared/**/*', includeIgnored: true });
    expect(t['dvc-stage-train'].inputs).toContainEqual({ fileset: '{projectRoot}/train.py', includeIgnored: true });
    expect(t['dvc-stage-train'].metadata?.description).toBe("fit the model — DVC stage 'libs/a/dvc.yaml:train': python train.py");
    expect(t['dvc-repro'].metadata?.description).toContain("'libs/a/dvc.yaml' (2 stages: prepare, train)");
  });

  it('creates no project for a dvc.yaml without a sibling project.json or package.json', async () => {
    repo = tmpRepo();
    repo.gen({ data: { 'dvc.yaml': TWO_STAGES }, libs: { p: { 'project.json': JSON.stringify({ name: 'from-project-json' }), 'package.json': pkg('from-package'), 'dvc.yaml': 'stages: {}\n' } } });
    const results = await nodes(['data/dvc.yaml', 'libs/p/dvc.yaml']);
    expect(results.map(([f]) => f)).toEqual(['libs/p/dvc.yaml']);
    expect(project(results, 'libs/p').name).toBe('from-project-json');
  });

  it('gives the workspace root a project when the root dvc.yaml sits next to the root package.json', async () => {
    repo = tmpRepo();
    repo.gen({ 'package.json': pkg('workspace'), 'dvc.yaml': 'stages:\n  kb-ingest:\n    cmd: python scripts/kb-ingest.py\n    outs:\n    - data/knowledge-base/\n' });
    const p = project(await nodes(['dvc.yaml']), '.');
    expect(p.name).toBe('workspace');
    expect(p.targets!['dvc-stage-kb-ingest'].outputs).toEqual(['{workspaceRoot}/data/knowledge-base', '{workspaceRoot}/dvc.lock']);
  });

  it('makes a stage depend on the stage of another project whose output it reads', async () => {
    repo = tmpRepo();
    repo.gen({
      libs: {
        a: { 'package.json': pkg('a'), 'dvc.yaml': 'stages:\n  report:\n    cmd: node report.js\n    deps:\n    - ../b/data/features.json\n    outs:\n    - report.md\n' },
        b: { 'package.json': pkg('b'), 'dvc.yaml': 'stages:\n  features:\n    cmd: python f.py\n    outs:\n    - data/features.json\n' },
        c: { 'package.json': pkg('c'), 'dvc.yaml': 'stages:\n  all:\n    cmd: cat ../b/data/* > all\n    deps:\n    - ../b/data\n    outs:\n    - all\n' },
      },
    });
    const results = await nodes(['libs/a/dvc.yaml', 'libs/b/dvc.yaml', 'libs/c/dvc.yaml']);
    const a = project(results, 'libs/a').targets!;
    expect(a['dvc-repro'].dependsOn).toEqual([{ projects: ['b'], target: 'dvc-repro' }]);
    expect(a['dvc-stage-report'].dependsOn).toEqual([{ projects: ['b'], target: 'dvc-stage-features' }]);
    expect(a['dvc-stage-report'].inputs).toContainEqual({ fileset: '{workspaceRoot}/libs/b/data/features.json', includeIgnored: true });
    // a dependency directory that contains another project's output
    expect(project(results, 'libs/c').targets!['dvc-stage-all'].dependsOn).toEqual([{ projects: ['b'], target: 'dvc-stage-features' }]);
    expect(project(results, 'libs/b').targets!['dvc-repro'].dependsOn).toBeUndefined();
  });

  it("relates an unexpanded glob dep (the engine's extension) to the outputs it matches", async () => {
    repo = tmpRepo();
    repo.gen({
      'package.json': pkg('root'),
      'dvc.yaml': 'stages:\n  collect:\n    cmd: cat libs/*/data/* > all\n    deps:\n    - libs/*/data/\n    outs:\n    - all\n',
      libs: { b: { 'package.json': pkg('b'), 'dvc.yaml': 'stages:\n  features:\n    cmd: x\n    outs:\n    - data/features.json\n' } },
    });
    const root = project(await nodes(['dvc.yaml', 'libs/b/dvc.yaml']), '.').targets!;
    expect(root['dvc-stage-collect'].dependsOn).toEqual([{ projects: ['b'], target: 'dvc-stage-features' }]);
    expect(root['dvc-stage-collect'].inputs).toContainEqual({ fileset: '{workspaceRoot}/libs/*/data/**/*', includeIgnored: true });
  });

  it('leaves whole-pipeline dependsOn out between projects that read each other, keeping the stage edges', async () => {
    repo = tmpRepo();
    repo.gen({
      libs: {
        a: { 'package.json': pkg('a'), 'dvc.yaml': 'stages:\n  one:\n    cmd: x\n    outs:\n    - one\n  three:\n    cmd: x\n    deps:\n    - ../b/two\n    outs:\n    - three\n' },
        b: { 'package.json': pkg('b'), 'dvc.yaml': 'stages:\n  two:\n    cmd: x\n    deps:\n    - ../a/one\n    outs:\n    - two\n' },
      },
    });
    const results = await nodes(['libs/a/dvc.yaml', 'libs/b/dvc.yaml']);
    expect(project(results, 'libs/a').targets!['dvc-repro'].dependsOn).toBeUndefined();
    expect(project(results, 'libs/b').targets!['dvc-repro'].dependsOn).toBeUndefined();
    expect(project(results, 'libs/a').targets!['dvc-stage-three'].dependsOn).toEqual([{ projects: ['b'], target: 'dvc-stage-two' }]);
    expect(project(results, 'libs/b').targets!['dvc-stage-two'].dependsOn).toEqual([{ projects: ['a'], target: 'dvc-stage-one' }]);
  });

  it('resolves templating, foreach stages and params files through the engine models', async () => {
    repo = tmpRepo();
    repo.gen({
      libs: {
        t: {
          'package.json': pkg('t'),
          'params.yaml': 'models: [small, large]\nout_dir: build\n',
          'dvc.yaml': 'stages:\n  fit:\n    foreach: ${models}\n    do:\n      cmd: train ${item}\n      outs:\n      - ${out_dir}/${item}.bin\n',
        },
      },
    });
    const t = project(await nodes(['libs/t/dvc.yaml']), 'libs/t').targets!;
    expect(Object.keys(t).filter((n) => n.startsWith('dvc-stage-'))).toEqual(['dvc-stage-fit@small', 'dvc-stage-fit@large']);
    expect(t['dvc-stage-fit@large'].outputs).toEqual(['{projectRoot}/build/large.bin', '{projectRoot}/dvc.lock']);
    expect(t['dvc-stage-fit@large'].inputs).toContainEqual({ fileset: '{projectRoot}/params.yaml' });
  });

  it('uses the configured target names and engine', async () => {
    repo = tmpRepo();
    repo.gen({ libs: { a: { 'package.json': pkg('a'), 'dvc.yaml': TWO_STAGES } } });
    const t = project(
      await nodes(['libs/a/dvc.yaml'], { reproTargetName: 'repro', pullTargetName: 'data-pull', stageTargetName: '{stage}', engine: 'dvc', dvcPath: '/opt/dvc', cacheRepro: true }),
      'libs/a',
    ).targets!;
    expect(Object.keys(t)).toEqual(['repro', 'dvc-status', 'data-pull', 'dvc-push', 'dvc-checkout', 'prepare', 'train']);
    expect(t.prepare.options).toEqual({ engine: 'dvc', dvcPath: '/opt/dvc', stages: ['prepare'] });
    expect(t.repro.cache).toBe(true);
    expect(t['data-pull'].cache).toBe(false);
    expect(t.repro.metadata?.description).toContain('with Python dvc');
  });

  it('rejects option values Nx cannot use', async () => {
    repo = tmpRepo();
    await expect(nodes([], { stageTargetName: 'stage' })).rejects.toMatchObject({ code: 'NX_DVC_OPTIONS_INVALID' });
    await expect(nodes([], { reproTargetName: 'dvc:repro' })).rejects.toMatchObject({ code: 'NX_DVC_OPTIONS_INVALID' });
    await expect(nodes([], { engine: 'python' as never })).rejects.toMatchObject({ code: 'NX_DVC_OPTIONS_INVALID' });
  });
});

describe('createNodes with an invalid dvc.yaml', () => {
  const broken = () => {
    repo = tmpRepo();
    repo.gen({
      libs: {
        a: { 'package.json': pkg('a'), 'dvc.yaml': TWO_STAGES },
        bad: { 'package.json': pkg('bad'), 'dvc.yaml': 'stages:\n  x:\n    cmd: echo\n    outs: [a\n' },
        worse: { 'package.json': pkg('worse'), 'dvc.yaml': 'stages:\n  x:\n    command: echo\n' },
      },
    });
    return ['libs/a/dvc.yaml', 'libs/bad/dvc.yaml', 'libs/worse/dvc.yaml'];
  };

  it('reports an error per bad file and still returns every other project', async () => {
    const files = broken();
    const err = await nodes(files).then(
      () => undefined,
      (e: unknown) => e as { errors: Array<[string, Error & { code?: string }]>; partialResults: CreateNodesResultArray; name: string },
    );
    expect(err?.name).toBe('AggregateCreateNodesError');
    expect(err!.errors.map(([f, e]) => [f, e.code])).toEqual([
      ['libs/bad/dvc.yaml', 'PIPELINE_FILE_INVALID'],
      ['libs/worse/dvc.yaml', 'PIPELINE_FILE_INVALID'],
    ]);
    expect(err!.errors[0][1].message).toContain('libs/bad/dvc.yaml');
    expect(err!.errors[1][1].message).toContain('hint:');
    expect(err!.partialResults.map(([f]) => f)).toEqual(['libs/a/dvc.yaml']);
    expect(Object.keys(project(err!.partialResults, 'libs/a').targets!)).toContain('dvc-stage-train');
  });

  it("with invalidPipelines 'warn' keeps the bad project's pipeline targets and reports nothing fatal", async () => {
    const files = broken();
    const results = await nodes(files, { invalidPipelines: 'warn' });
    expect(results.map(([f]) => f)).toEqual(['libs/a/dvc.yaml', 'libs/bad/dvc.yaml', 'libs/worse/dvc.yaml']);
    expect(Object.keys(project(results, 'libs/bad').targets!)).toEqual(['dvc-repro', 'dvc-status', 'dvc-pull', 'dvc-push', 'dvc-checkout']);
  });
});

describe('readPipelineMemo', () => {
  it('reuses a parse while the dvc.yaml and the params files it read are unchanged', () => {
    repo = tmpRepo();
    repo.gen({ 'params.yaml': 'n: 1\n', 'dvc.yaml': 'stages:\n  s:\n    cmd: echo ${n}\n' });
    const first = readPipelineMemo(repo.root, 'dvc.yaml');
    expect(readPipelineMemo(repo.root, 'dvc.yaml')).toBe(first);
    writeFileSync(join(repo.root, 'params.yaml'), 'n: 2\n');
    const second = readPipelineMemo(repo.root, 'dvc.yaml');
    expect(second).not.toBe(first);
    expect(second.stages[0].cmd).toBe('echo 2');
  });
});

describe('createDependencies', () => {
  it('adds a static edge from the reading project to the producing project', async () => {
    repo = tmpRepo();
    repo.gen({
      libs: {
        a: { 'dvc.yaml': 'stages:\n  r:\n    cmd: x\n    deps:\n    - ../b/out\n' },
        b: { 'dvc.yaml': 'stages:\n  p:\n    cmd: x\n    outs:\n    - out\n' },
        c: {},
      },
    });
    const deps = await createDependencies(undefined, {
      workspaceRoot: repo.root,
      projects: { a: { root: 'libs/a' }, b: { root: 'libs/b' }, c: { root: 'libs/c' } },
      nxJsonConfiguration: {},
      externalNodes: {},
      fileMap: { projectFileMap: {}, nonProjectFiles: [] },
      filesToProcess: { projectFileMap: {}, nonProjectFiles: [] },
    });
    expect(deps).toEqual([{ source: 'a', target: 'b', type: 'static', sourceFile: 'libs/a/dvc.yaml' }]);
  });
});
