export { createNodes, createNodesV2, createDependencies, readWorkspacePipelines, computeNodes, DVC_YAML_GLOB, PLUGIN_NAME } from './plugins/plugin.js';
export type { WorkspacePipelines } from './plugins/plugin.js';
export { normalizePluginOptions, stageTargetName, DEFAULT_TARGET_NAMES } from './plugins/options.js';
export type { NxDvcPluginOptions, NormalizedPluginOptions, DvcEngine } from './plugins/options.js';
export { computeStageEdges } from './plugins/dvc-graph.js';
export type { StageEdge } from './plugins/dvc-graph.js';
export { parsePipelineInfo, resolveStagePath, NX_DVC_META_KEY, GLOB_DEPS_META_KEY } from './plugins/pipelines.js';
export type { PipelineInfo, StageInfo, StagePath, StageOut } from './plugins/pipelines.js';
export { buildProjectTargets, buildPipelineTargets, EXECUTORS, tokenPath } from './plugins/targets.js';
export { resolveProjectName } from './plugins/project-name.js';
export { CODES } from './errors/codes.js';
export { globMatches, globTouches, expandGlob, hasGlobMagic } from './plugins/glob.js';
// executors
export { runOperation, fromContext, taskEnv, renderStatus, pythonDvcArgs } from './executors/lib/run-operation.js';
export type { ExecutorIo, ExecutorResult, RunOperationInput } from './executors/lib/run-operation.js';
export type { CommonExecutorOptions, ReproExecutorOptions, StatusExecutorOptions, TransferExecutorOptions, CheckoutExecutorOptions, DvcOperation } from './executors/lib/options.js';
export { projectDvcFiles } from './executors/lib/project-dvc-files.js';
// generators
export { initGenerator, runInit, ROOT_DATA_DIRS } from './generators/init/init.js';
export type { InitReport } from './generators/init/init.js';
export type { InitGeneratorSchema } from './generators/init/schema.js';
export { stageGenerator, runStage } from './generators/stage/stage.js';
export type { StageGeneratorSchema } from './generators/stage/schema.js';
export { remoteGenerator, runRemote } from './generators/remote/remote.js';
export type { RemoteGeneratorSchema } from './generators/remote/schema.js';
export { syncGenerator, syncGlobDeps } from './generators/sync/sync.js';
export type { SyncedStage } from './generators/sync/sync.js';
