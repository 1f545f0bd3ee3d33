/**
 * The seed's pipelines (Phase 3): the root dvc.yaml with kb-ingest, docs-generate and
 * benchmark-kb, its params.yaml, and one dvc.yaml per Python module. Stages are written through
 * `@momo/dvc`'s serializer; stages that exist are kept as the user left them.
 */
import { posix } from 'node:path';
import type { Tree } from '@nx/devkit';
import { dumpYaml, type YamlValue } from '@momo/dvc';
import { isMap, parseDocument } from 'yaml';
import { globMatches } from '../../../plugins/glob.js';
import { writeStage, type StageSpec, type WriteStageOutcome } from '../../lib/stage-file.js';

/** `kb_config` defaults: momo's built-in offline embedder and its default chunk size. */
export const KB_CONFIG_DEFAULTS: ReadonlyArray<[string, YamlValue]> = [
  ['embedding_model', 'hash-v1'],
  ['chunk_size', 1500],
];

/**
 * The seed's root stages (Phase 3.1), with its typos fixed: each stage also depends on its own
 * script (a script change must re-run it), the glob deps are expanded and kept in meta for the
 * sync generator, and the benchmark metrics are not cached (small, reviewed in git).
 */
export function rootStages(): StageSpec[] {
  return [
    {
      name: 'kb-ingest',
      cmd: 'python scripts/kb-ingest.py',
      deps: ['libs/python/*/momo_*/', 'libs/python/*/momo.md', 'apps/*/', 'scripts/kb-ingest.py'],
      params: ['kb_config.embedding_model', 'kb_config.chunk_size'],
      outs: ['data/knowledge-base/', 'data/vectors/', 'data/graphs/'],
    },
    {
      name: 'docs-generate',
      cmd: 'python scripts/docs-generate.py',
      deps: ['data/knowledge-base/', 'scripts/docs-generate.py'],
      outs: ['docs/generated/'],
    },
    {
      name: 'benchmark-kb',
      cmd: 'python scripts/benchmark-kb.py',
      deps: ['data/knowledge-base/', 'scripts/benchmark-kb.py'],
      outs: [{ path: 'benchmarks/kb_metrics.json', kind: 'metrics', cache: false }],
    },
  ];
}

/**
 * A Python module's stage (Phase 3.2, generalised from the seed's momo-kb example): runs
 * `scripts/process_data.py` with uv on the module's package and the shared raw data.
 */
export function moduleStages(moduleRoot: string, packageDir: string | undefined): StageSpec[] {
  const raw = `${posix.relative(moduleRoot, 'data/raw')}/`;
  return [
    {
      name: 'process-data',
      cmd: 'uv run python scripts/process_data.py',
      deps: [...(packageDir ? [`${packageDir}/`] : []), 'scripts/process_data.py', raw],
      outs: ['data/processed/', { path: 'benchmarks/metrics.json', kind: 'metrics', cache: false }],
    },
  ];
}

/** Writes the root params.yaml, or adds the missing `kb_config` keys to an existing one. @returns true when changed */
export function ensureParams(tree: Tree): boolean {
  if (!tree.exists('params.yaml')) {
    tree.write('params.yaml', dumpYaml(new Map([['kb_config', new Map<string, YamlValue>(KB_CONFIG_DEFAULTS)]])));
    return true;
  }
  const text = tree.read('params.yaml', 'utf-8') ?? '';
  const doc = parseDocument(text);
  let changed = false;
  const kb = doc.get('kb_config');
  if (!isMap(kb)) {
    doc.set('kb_config', Object.fromEntries(KB_CONFIG_DEFAULTS));
    changed = true;
  } else {
    for (const [k, v] of KB_CONFIG_DEFAULTS) {
      if (!kb.has(k)) {
        kb.set(k, v);
        changed = true;
      }
    }
  }
  if (changed) tree.write('params.yaml', doc.toString({ indentSeq: false, lineWidth: 0 }));
  return changed;
}

/** Writes the seed's stages into the root dvc.yaml (missing ones only). */
export function writeRootPipeline(tree: Tree): WriteStageOutcome[] {
  return rootStages().map((spec) => writeStage(tree, { dvcYaml: 'dvc.yaml', spec, ifExists: 'keep' }));
}

/** A Python module found by {@link findPythonModules}. */
export interface PythonModule {
  root: string;
  /** the import package directory (`momo_kb`), when one exists */
  packageDir?: string;
}

/** Directories matching `pattern` that hold a `pyproject.toml` (uv projects). */
export function findPythonModules(tree: Tree, pattern: string): PythonModule[] {
  const out: PythonModule[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 6) return;
    for (const name of tree.children(dir || '.')) {
      const rel = dir ? `${dir}/${name}` : name;
      if (tree.isFile(rel) || name === 'node_modules' || name.startsWith('.')) continue;
      if (globMatches(pattern, rel) && tree.exists(`${rel}/pyproject.toml`)) out.push({ root: rel, packageDir: packageDirOf(tree, rel) });
      else walk(rel, depth + 1);
    }
  };
  walk('', 0);
  return out.sort((a, b) => (a.root < b.root ? -1 : 1));
}

function packageDirOf(tree: Tree, root: string): string | undefined {
  const expected = posix.basename(root).replace(/-/g, '_');
  if (tree.exists(`${root}/${expected}/__init__.py`)) return expected;
  if (tree.exists(`${root}/src/${expected}/__init__.py`)) return `src/${expected}`;
  const candidates = tree.children(root).filter((n) => !n.startsWith('.') && tree.exists(`${root}/${n}/__init__.py`));
  return candidates.sort()[0];
}

/**
 * A module's dvc.yaml (only when it has none) and, when the module is not yet an Nx project, a
 * minimal project.json so the plugin infers its targets.
 */
export function writeModulePipeline(tree: Tree, module: PythonModule): { pipeline?: WriteStageOutcome[]; projectJson: boolean } {
  let projectJson = false;
  if (!tree.exists(`${module.root}/project.json`) && !tree.exists(`${module.root}/package.json`)) {
    tree.write(
      `${module.root}/project.json`,
      `${JSON.stringify({ name: posix.basename(module.root), $schema: `${posix.relative(module.root, 'node_modules/nx/schemas/project-schema.json')}`, projectType: 'library', sourceRoot: module.root }, null, 2)}\n`,
    );
    projectJson = true;
  }
  if (tree.exists(`${module.root}/dvc.yaml`)) return { projectJson };
  const pipeline = moduleStages(module.root, module.packageDir).map((spec) => writeStage(tree, { dvcYaml: `${module.root}/dvc.yaml`, spec, ifExists: 'keep' }));
  return { pipeline, projectJson };
}
