/**
 * `nx g @momo/nx-dvc:stage`: adds a stage to a project's dvc.yaml, as `dvc stage add` would write it
 * (through `@momo/dvc`'s serializer), and git-ignores its cached outputs like DVC does.
 */
import { getProjects, type Tree } from '@nx/devkit';
import { nxDvcError, EXIT } from '../../errors/nx-dvc-error.js';
import { ensureOutputIgnored } from '../lib/gitignore.js';
import { writeStage, type OutSpec, type WriteStageOutcome } from '../lib/stage-file.js';
import type { StageGeneratorSchema } from './schema.js';

/** Runs the generator; returns what happened to the stage. */
export function runStage(tree: Tree, schema: StageGeneratorSchema): WriteStageOutcome {
  const project = getProjects(tree).get(schema.project);
  if (!project) {
    throw nxDvcError('NX_DVC_PROJECT_NOT_FOUND', `project '${schema.project}' does not exist in this workspace`, {
      hint: 'list the projects with `nx show projects`',
      exitCode: EXIT.USAGE,
      data: { project: schema.project },
    });
  }
  const root = project.root || '.';
  const outs: OutSpec[] = [
    ...(schema.outs ?? []).map((path) => ({ path })),
    ...(schema.outsNoCache ?? []).map((path) => ({ path, cache: false })),
    ...(schema.metrics ?? []).map((path) => ({ path, cache: false, kind: 'metrics' as const })),
    ...(schema.plots ?? []).map((path) => ({ path, cache: false, kind: 'plots' as const })),
  ];
  const spec = { name: schema.name, cmd: schema.cmd, deps: schema.deps ?? [], params: schema.params ?? [], outs, ...(schema.desc ? { desc: schema.desc } : {}) };
  const outcome = writeStage(tree, { dvcYaml: root === '.' ? 'dvc.yaml' : `${root}/dvc.yaml`, spec, ifExists: schema.force ? 'overwrite' : 'error' });
  for (const out of outcome.cachedOuts) ensureOutputIgnored(tree, out);
  return outcome;
}

/** The Nx generator. */
export async function stageGenerator(tree: Tree, schema: StageGeneratorSchema): Promise<void> {
  runStage(tree, schema);
}

export default stageGenerator;
