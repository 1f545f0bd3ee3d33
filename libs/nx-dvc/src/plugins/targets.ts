/**
 * Builds the Nx targets of one project from its `dvc.yaml` (pure: file-system facts come in
 * through {@link PathKind}).
 */
import type { TargetConfiguration, TargetDependencyConfig } from '@nx/devkit';
import type { StageEdge } from './dvc-graph.js';
import { stageTargetName, type NormalizedPluginOptions } from './options.js';
import type { PipelineInfo, StageInfo, StagePath } from './pipelines.js';

/** One entry of a target's `inputs`. */
type InputDefinition = NonNullable<TargetConfiguration['inputs']>[number];

/** What a workspace-relative path is on disk right now. */
export type PathKind = (path: string) => 'file' | 'dir' | undefined;

/** Executor names, as `nx.json`/`project.json` spell them. */
export const EXECUTORS = {
  repro: '@momo/nx-dvc:repro',
  status: '@momo/nx-dvc:status',
  pull: '@momo/nx-dvc:pull',
  push: '@momo/nx-dvc:push',
  checkout: '@momo/nx-dvc:checkout',
} as const;

function isInside(path: string, root: string): boolean {
  return root === '.' || path === root || path.startsWith(`${root}/`);
}

/** `{projectRoot}/x` when inside the (non-root) project, `{workspaceRoot}/x` otherwise. */
export function tokenPath(path: string, projectRoot: string): string {
  if (projectRoot !== '.' && isInside(path, projectRoot)) {
    const rel = path === projectRoot ? '' : path.slice(projectRoot.length + 1);
    return rel ? `{projectRoot}/${rel}` : '{projectRoot}';
  }
  return path === '.' ? '{workspaceRoot}' : `{workspaceRoot}/${path}`;
}

/** Drops repeated entries (same fileset, or same string), keeping the first of each in place. */
function dedupe<T extends string | InputDefinition>(items: T[]): T[] {
  const seen = new Map<string, T>();
  for (const i of items) {
    const input = i as string | InputDefinition;
    const key = typeof input === 'string' ? input : 'fileset' in input ? `f:${input.fileset}:${'includeIgnored' in input ? 1 : 0}` : JSON.stringify(input);
    if (!seen.has(key)) seen.set(key, i);
  }
  return [...seen.values()];
}

/**
 * Nx inputs for a dependency. A directory becomes `dir/**\/*`, a file itself; a path that does not
 * exist yet (the output of another stage) gets both. `includeIgnored`: DVC data is git-ignored, and
 * Nx leaves git-ignored files out of hashes unless told otherwise.
 */
function depInputs(p: StagePath, projectRoot: string, kindOf: PathKind): InputDefinition[] {
  if (!p.path) return [];
  const base = tokenPath(p.path, projectRoot);
  const kind = p.dirHint ? 'dir' : kindOf(p.path);
  const filesets = kind === 'dir' ? [`${base}/**/*`] : kind === 'file' ? [base] : [base, `${base}/**/*`];
  return filesets.map((fileset) => ({ fileset, includeIgnored: true }));
}

function stageInputs(stages: readonly StageInfo[], pipeline: PipelineInfo, projectRoot: string, kindOf: PathKind): InputDefinition[] {
  const inputs: InputDefinition[] = [{ fileset: tokenPath(pipeline.file, projectRoot) }];
  for (const f of pipeline.varsFiles) inputs.push({ fileset: tokenPath(f, projectRoot) });
  for (const s of stages) for (const f of s.paramsFiles) inputs.push({ fileset: tokenPath(f, projectRoot) });
  for (const s of stages) for (const d of s.deps) inputs.push(...depInputs(d, projectRoot, kindOf));
  return dedupe(inputs);
}

function stageOutputs(stages: readonly StageInfo[], pipeline: PipelineInfo, projectRoot: string): string[] {
  const lock = pipeline.dir === '.' ? 'dvc.lock' : `${pipeline.dir}/dvc.lock`;
  const outs = [tokenPath(lock, projectRoot)];
  for (const s of stages) for (const o of s.outs) if (o.path) outs.push(tokenPath(o.path, projectRoot));
  return dedupe(outs).sort();
}

/** Groups `{ projects, target }` entries per target, projects sorted. */
function dependsOnEntries(pairs: Array<{ project: string; target: string }>): TargetDependencyConfig[] {
  const byTarget = new Map<string, Set<string>>();
  for (const { project, target } of pairs) {
    const set = byTarget.get(target) ?? new Set<string>();
    set.add(project);
    byTarget.set(target, set);
  }
  return [...byTarget.keys()].sort().map((target) => ({ projects: [...byTarget.get(target)!].sort(), target }));
}

/** Input to {@link buildProjectTargets}. */
export interface BuildTargetsInput {
  projectRoot: string;
  pipeline: PipelineInfo;
  /** every edge whose `from` stage is in this pipeline */
  edges: readonly StageEdge[];
  /** project name of a dvc.yaml's directory (undefined: not an Nx project) */
  projectNameOf: (root: string) => string | undefined;
  /** names of projects whose whole-pipeline targets would form a cycle with this one (left out of dependsOn) */
  cyclicWith: { has(name: string): boolean };
  options: NormalizedPluginOptions;
  kindOf: PathKind;
}

function engineOptions(options: NormalizedPluginOptions): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (options.engine !== 'momo') o.engine = options.engine;
  if (options.dvcPath) o.dvcPath = options.dvcPath;
  return o;
}

function engineName(options: NormalizedPluginOptions): string {
  return options.engine === 'dvc' ? 'Python dvc' : 'momo';
}

/** The whole-pipeline targets alone (also what a project with an invalid dvc.yaml gets in `warn` mode). */
export function buildPipelineTargets(projectRoot: string, file: string, options: NormalizedPluginOptions): Record<string, TargetConfiguration> {
  const engine = engineOptions(options);
  const by = engineName(options);
  const common = (description: string, command: string, example: Record<string, unknown>) => ({
    technologies: ['dvc'],
    description,
    help: { command: `npx momo ${command} --help`, example: { options: example } },
  });
  const withEngine = (o: Record<string, unknown>) => ({ ...o, ...engine });
  return {
    [options.reproTargetName]: {
      executor: EXECUTORS.repro,
      options: withEngine({}),
      cache: options.cacheRepro,
      parallelism: false,
      metadata: common(`Reproduce the DVC pipeline '${file}' (runs changed stages and their upstream stages) with ${by}`, 'repro', { force: true }),
    },
    [options.statusTargetName]: {
      executor: EXECUTORS.status,
      options: withEngine({}),
      cache: false,
      metadata: common(`Show changed stages and data of '${projectRoot}' (DVC status) with ${by}`, 'status', { failOnChanges: true }),
    },
    [options.pullTargetName]: {
      executor: EXECUTORS.pull,
      options: withEngine({}),
      cache: false,
      parallelism: false,
      metadata: common(`Download the data of '${projectRoot}' from the DVC remote and check it out, with ${by}`, 'pull', { remote: 'dev-remote' }),
    },
    [options.pushTargetName]: {
      executor: EXECUTORS.push,
      options: withEngine({}),
      cache: false,
      parallelism: false,
      metadata: common(`Upload the cached data of '${projectRoot}' to the DVC remote, with ${by}`, 'push', { remote: 'dev-remote' }),
    },
    [options.checkoutTargetName]: {
      executor: EXECUTORS.checkout,
      options: withEngine({}),
      cache: false,
      parallelism: false,
      metadata: common(`Restore the data of '${projectRoot}' from the DVC cache as recorded in dvc.lock and .dvc files, with ${by}`, 'checkout', { force: true }),
    },
  };
}

/**
 * The targets of one project: `dvc-repro`, `dvc-status`, `dvc-pull`, `dvc-push`, `dvc-checkout` and
 * one target per stage. `dvc-repro` and the stage targets get inputs from deps and params, outputs
 * from outs (plus `dvc.lock`), and `dependsOn` entries for stages of other projects whose outputs
 * they read.
 */
export function buildProjectTargets(input: BuildTargetsInput): Record<string, TargetConfiguration> {
  const { projectRoot, pipeline, edges, options, kindOf } = input;
  const targets = buildPipelineTargets(projectRoot, pipeline.file, options);
  const engine = engineOptions(options);
  const by = engineName(options);
  const crossProject = edges
    .filter((e) => e.to.file !== pipeline.file)
    .map((e) => ({ edge: e, project: input.projectNameOf(dirOf(e.to.file)) }))
    .filter((x): x is { edge: StageEdge; project: string } => x.project !== undefined);

  const repro = targets[options.reproTargetName];
  repro.inputs = stageInputs(pipeline.stages, pipeline, projectRoot, kindOf);
  repro.outputs = stageOutputs(pipeline.stages, pipeline, projectRoot);
  const reproDeps = dependsOnEntries(
    crossProject.filter((x) => !input.cyclicWith.has(x.project)).map((x) => ({ project: x.project, target: options.reproTargetName })),
  );
  if (reproDeps.length) repro.dependsOn = reproDeps;
  repro.metadata!.description = `Reproduce the DVC pipeline '${pipeline.file}' (${pipeline.stages.length} stage${pipeline.stages.length === 1 ? '' : 's'}: ${pipeline.stages.map((s) => s.name).join(', ') || 'none'}) with ${by}`;

  for (const stage of pipeline.stages) {
    const name = stageTargetName(options, stage.name);
    if (targets[name]) continue; // a stage named like a pipeline target keeps the pipeline target
    const deps = dependsOnEntries(
      crossProject.filter((x) => x.edge.from === stage).map((x) => ({ project: x.project, target: stageTargetName(options, x.edge.to.name) })),
    );
    const notes = [stage.frozen ? ' (frozen: DVC skips it)' : '', stage.alwaysChanged ? ' (always changed)' : ''].join('');
    const t: TargetConfiguration = {
      executor: EXECUTORS.repro,
      options: { ...engine, stages: [stage.name] },
      cache: options.cacheRepro,
      parallelism: false,
      inputs: stageInputs([stage], pipeline, projectRoot, kindOf),
      outputs: stageOutputs([stage], pipeline, projectRoot),
      metadata: {
        technologies: ['dvc'],
        description: `${stage.desc ? `${stage.desc} — ` : ''}DVC stage '${pipeline.file}:${stage.name}'${notes}: ${stage.cmd}`,
        help: { command: 'npx momo repro --help', example: { options: { force: true } } },
      },
    };
    if (deps.length) t.dependsOn = deps;
    targets[name] = t;
  }
  return targets;
}

/** Directory of a workspace-relative file ('.' at the root). */
export function dirOf(file: string): string {
  return file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.';
}
