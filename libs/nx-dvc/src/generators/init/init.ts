/**
 * `nx g @momo/nx-dvc:init`: the DVC migration guide's Phases 1–7 on an existing Nx workspace,
 * written to Nx's Tree only (so `--dry-run` shows everything) and idempotent: a second run with the
 * same options changes nothing. Empty data directories, which a Tree cannot hold, are created by
 * the returned callback.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { logger, readJson, type GeneratorCallback, type Tree } from '@nx/devkit';
import { nxDvcError, EXIT } from '../../errors/nx-dvc-error.js';
import { remoteUrlForConfig } from '../lib/dvc-config.js';
import { ensureOutputIgnored, removeSeedGitignoreLines } from '../lib/gitignore.js';
import { configureRemote, initDvcRepo, writeDeploymentConfig } from './lib/dvc-repo.js';
import { writeStaleCheckHook } from './lib/hooks.js';
import { appendNotes, notesSection } from './lib/notes.js';
import { updateNxJsonForDvc } from './lib/nx-json.js';
import { ensureParams, findPythonModules, writeModulePipeline, writeRootPipeline } from './lib/pipelines.js';
import type { InitGeneratorSchema } from './schema.js';

/** The seed's Phase 2.1 root data directories. */
export const ROOT_DATA_DIRS = ['data/raw', 'data/processed', 'data/models', 'data/knowledge-base'];

/** What {@link initGenerator} did, for the callback's summary and for tests. */
export interface InitReport {
  dvcInitialised: boolean;
  scm: boolean;
  remoteChanged: boolean;
  modules: string[];
  gitignoreRemoved: string[];
  hookFile?: string;
  dataDirs: string[];
}

/** Runs the generator and also returns what it did. */
export function runInit(tree: Tree, schema: InitGeneratorSchema): InitReport {
  // bad input fails before anything is written
  remoteUrlForConfig(schema.remoteUrl ?? '');
  // Phase 1: momo init (with git when the workspace is a git repository) and the dev remote
  const isGit = tree.exists('.git');
  if (schema.scm === true && !isGit) {
    throw nxDvcError('NX_DVC_OPTIONS_INVALID', `failed to initiate DVC - ${tree.root} is not tracked by any supported SCM tool (e.g. Git)`, {
      hint: 'run `git init` first, or pass --no-scm',
      exitCode: EXIT.USAGE,
    });
  }
  const scm = schema.scm ?? isGit;
  const dvcInitialised = initDvcRepo(tree, { scm });
  const remoteChanged = configureRemote(tree, { name: schema.remoteName ?? 'dev-remote', url: schema.remoteUrl, makeDefault: true });

  // Phase 4: the plugin, targetDefaults and the glob-deps sync generator
  const targets = updateNxJsonForDvc(tree);

  // Phase 3: pipelines (written before .gitignore so their outputs get entries)
  const cachedOuts: string[] = [];
  if (schema.rootPipeline ?? true) {
    ensureParams(tree);
    for (const o of writeRootPipeline(tree)) if (o.action !== 'kept') cachedOuts.push(...o.cachedOuts);
  }
  const modules = findPythonModules(tree, schema.pythonModules ?? 'libs/python/*');
  for (const m of modules) {
    const { pipeline } = writeModulePipeline(tree, m);
    for (const o of pipeline ?? []) cachedOuts.push(...o.cachedOuts);
  }

  // Phase 2.2: per-output .gitignore entries as DVC writes them, none of the seed's broad lines
  const gitignoreRemoved = removeSeedGitignoreLines(tree);
  for (const out of cachedOuts) ensureOutputIgnored(tree, out);

  // Phase 6: stale-pipeline check and developer notes
  const hookFile = writeStaleCheckHook(tree, schema.hooks ?? 'pre-commit');
  const rootProject = tree.exists('package.json') ? (readJson(tree, 'package.json') as { name?: string }).name : undefined;
  appendNotes(tree, notesSection({ rootProject, modules: modules.map((m) => m.root.split('/').pop()!), targets }));

  // Phase 7: local-only deployment config
  if (schema.deployment ?? true) writeDeploymentConfig(tree);

  const report: InitReport = {
    dvcInitialised,
    scm,
    remoteChanged,
    modules: modules.map((m) => m.root),
    gitignoreRemoved,
    dataDirs: [...ROOT_DATA_DIRS, ...modules.map((m) => `${m.root}/data`)],
  };
  if (hookFile) report.hookFile = hookFile;
  return report;
}

/** The Nx generator. */
export async function initGenerator(tree: Tree, schema: InitGeneratorSchema): Promise<GeneratorCallback> {
  const report = runInit(tree, schema);
  return () => {
    // Phase 2.1: empty directories exist only on disk (a Tree holds files)
    for (const dir of report.dataDirs) mkdirSync(join(tree.root, dir), { recursive: true });
    if (report.gitignoreRemoved.length) {
      logger.warn(`Removed from .gitignore (they hid .dvc files and dvc.lock from git): ${report.gitignoreRemoved.join(', ')}`);
    }
    if (report.dvcInitialised) {
      logger.info(
        `DVC is set up${report.scm ? '' : ' without git (core.no_scm)'}. Commit the new files, then run \`nx run-many -t dvc-repro\`.${report.scm ? '\n  git add .dvc .dvcignore dvc.yaml params.yaml nx.json .gitignore' : ''}`,
      );
    }
  };
}

export default initGenerator;
