import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODES } from './errors/codes.js';
import * as api from './index.js';
import * as plugin from '../plugin.js';

const here = dirname(fileURLToPath(import.meta.url));
const pkgRoot = join(here, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === '__fixtures__' ? [] : sources(join(dir, e.name))) : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && e.name !== 'codes.ts' ? [join(dir, e.name)] : [],
  );
}

describe('error codes', () => {
  it('are UPPER_SNAKE with the NX_DVC_ prefix and each is raised somewhere', () => {
    const text = sources(here).map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const code of Object.keys(CODES)) {
      expect(code).toMatch(/^NX_DVC_[A-Z0-9_]+$/);
      expect(text.includes(`'${code}'`), `${code} is never raised`).toBe(true);
    }
  });

  it('every code raised is registered', () => {
    const text = sources(here).map((f) => readFileSync(f, 'utf8')).join('\n');
    const raised = new Set([...text.matchAll(/nxDvcError\(\s*'([A-Z0-9_]+)'/g)].map((m) => m[1]));
    expect(raised.size).toBeGreaterThan(5);
    for (const code of raised) expect(Object.keys(CODES)).toContain(code);
  });
});

describe('public surface', () => {
  it('the plugin entry exports what Nx loads, and nothing else', () => {
    expect(Object.keys(plugin).sort()).toEqual(['createDependencies', 'createNodes', 'createNodesV2', 'name']);
    expect(plugin.name).toBe('@momo/nx-dvc');
  });

  it('the package exports this list of names', () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "CODES",
        "DEFAULT_TARGET_NAMES",
        "DVC_YAML_GLOB",
        "EXECUTORS",
        "GLOB_DEPS_META_KEY",
        "NX_DVC_META_KEY",
        "PLUGIN_NAME",
        "ROOT_DATA_DIRS",
        "buildPipelineTargets",
        "buildProjectTargets",
        "computeNodes",
        "computeStageEdges",
        "createDependencies",
        "createNodes",
        "createNodesV2",
        "expandGlob",
        "fromContext",
        "globMatches",
        "globTouches",
        "hasGlobMagic",
        "initGenerator",
        "normalizePluginOptions",
        "parsePipelineInfo",
        "projectDvcFiles",
        "pythonDvcArgs",
        "readWorkspacePipelines",
        "remoteGenerator",
        "renderStatus",
        "resolveProjectName",
        "resolveStagePath",
        "runInit",
        "runOperation",
        "runRemote",
        "runStage",
        "stageGenerator",
        "stageTargetName",
        "syncGenerator",
        "syncGlobDeps",
        "taskEnv",
        "tokenPath",
      ]
    `);
  });

  it('executors.json and generators.json point at built files and existing schemas', () => {
    const executors = JSON.parse(readFileSync(join(pkgRoot, 'executors.json'), 'utf8')).executors as Record<string, { implementation: string; schema: string }>;
    const generators = JSON.parse(readFileSync(join(pkgRoot, 'generators.json'), 'utf8')).generators as Record<string, { factory: string; schema: string }>;
    expect(Object.keys(executors)).toEqual(['repro', 'status', 'pull', 'push', 'checkout']);
    expect(Object.keys(generators)).toEqual(['init', 'stage', 'remote', 'sync']);
    for (const { implementation, schema } of Object.values(executors)) {
      expect(implementation).toMatch(/^\.\/dist\/src\/executors\/\w+\/executor\.js$/);
      const src = join(pkgRoot, implementation.replace('./dist/', '').replace(/\.js$/, '.ts'));
      expect(readFileSync(src, 'utf8')).toContain('export default async function');
      JSON.parse(readFileSync(join(pkgRoot, schema), 'utf8'));
    }
    for (const { factory, schema } of Object.values(generators)) {
      const src = join(pkgRoot, factory.replace('./dist/', '').replace(/\.js$/, '.ts'));
      expect(readFileSync(src, 'utf8')).toContain('export default ');
      JSON.parse(readFileSync(join(pkgRoot, schema), 'utf8'));
    }
  });
});
