export {};
export { dumpYaml, representYaml } from './yaml/dump.js';
export { PyFloat, YamlTimestamp, isPyFloat, pythonFloatRepr } from './yaml/values.js';
export { resolvePlainTag } from './yaml/resolve-scalar.js';
export type { PlainTag } from './yaml/resolve-scalar.js';
export { parseYaml, keyToString } from './yaml/parse.js';
export type { ParsedYaml, ParseYamlOptions, YamlValue, YamlKey, YamlPosition, YamlPathSegment } from './yaml/parse.js';
// data core (engine operations)
export { isMomoError, MomoError } from '@momo/errors';
export { init, NO_SCM_CONFIG, DVC_GITIGNORE_ENTRIES } from './api/init.js';
export type { InitOptions, InitResult } from './api/init.js';
export { add } from './api/add.js';
export type { AddOptions, AddResult, AddedOutput } from './api/add.js';
export { status } from './api/status.js';
export type { StatusOptions, StatusResult, StageStatus } from './api/status.js';
export { checkout } from './api/checkout.js';
export type { CheckoutOptions, CheckoutResult } from './api/checkout.js';
export { Repo } from './repo/repo.js';
export type { RepoContext, RepoOptions } from './repo/repo.js';
export { pyJsonDumps, compareCodePoints } from './hashing/py-json.js';
export { computeDirHash, parseDirManifest } from './hashing/dir-manifest.js';
export type { TreeEntry, DirHash } from './hashing/dir-manifest.js';
export { md5File, md5Dos2UnixFile } from './hashing/md5.js';
export { Odb, LINK_TYPES, DEFAULT_LINK_TYPES } from './cache/odb.js';
export type { LinkType } from './cache/odb.js';
export { parseDvcFile, serializeOutEntry } from './models/dvcfile.js';
export type { OutEntry, DvcFileModel } from './models/dvcfile.js';
export { resolveRepoRoot } from './repo/find-root.js';
export { CODES } from './errors/codes.js';
export { commit } from './api/commit.js';
export type { CommitOptions, CommitResult } from './api/commit.js';
export { remove } from './api/remove.js';
export type { RemoveOptions, RemoveResult } from './api/remove.js';
export { gc } from './api/gc.js';
export type { GcOptions, GcResult } from './api/gc.js';
export { lsFiles } from './api/ls-files.js';
export type { LsFilesOptions, LsFilesEntry } from './api/ls-files.js';
export { parseParams, paramsFormatOf, lookupParam, selectParams, readParamsFile, paramsMissingError, DEFAULT_PARAMS_FILE } from './models/params.js';
export type { ParamsFormat, ParseParamsOptions, ParamLookup, ReadParamsResult } from './models/params.js';
export { parseJsonPython } from './models/params-json.js';
export { PIPELINE_SCHEMA, LOCKFILE_SCHEMA, LOCK_DATA_SCHEMA, PLOT_PROPS } from './schema/pipeline-schema.js';
export { validate as validateSchema, SchemaInvalid } from './schema/validator.js';
export type { SchemaError, Validator } from './schema/validator.js';
export { schemaValidationError } from './schema/validation-error.js';
// configuration (.dvc/config, config.local, global, system) and remotes
export { loadConfig, resolveRemoteConfig } from './config/load-config.js';
export type { LoadConfigOptions, DvcConfig, CoreConfig, CacheConfig, ResolvedRemote, ResolveRemoteOptions } from './config/load-config.js';
export { CONFIG_LEVELS, globalConfigDir, systemConfigDir, configFiles } from './config/config-dirs.js';
export type { ConfigLevel, ConfigFiles, ConfigEnvOptions } from './config/config-dirs.js';
export { ConfigPath } from './config/config-paths.js';
export type { ConfigLeaf, ConfigTree } from './config/config-tree.js';
export { parseIni, serializeIni, quoteIniValue } from './config/configobj.js';
export type { IniSection, IniValue, IniTree, IniWriteTree, IniSyntaxError } from './config/configobj.js';
export { configGet, configSet, configUnset, configList, parseConfigName } from './api/config.js';
export type {
  ConfigCommandOptions,
  ConfigGetOptions,
  ConfigGetResult,
  ConfigSetOptions,
  ConfigWriteResult,
  ConfigListOptions,
  ConfigListResult,
  ConfigListEntry,
  ConfigName,
} from './api/config.js';
export { remoteAdd, remoteDefault, remoteList, remoteModify, remoteRemove, remoteRename } from './api/remote.js';
export type {
  RemoteAddOptions,
  RemoteDefaultOptions,
  RemoteDefaultResult,
  RemoteListEntry,
  RemoteModifyOptions,
  RemoteRemoveOptions,
  RemoteRenameOptions,
  RemoteWriteResult,
} from './api/remote.js';
// ignore rules (.dvcignore), git, DVC-file collection, check-ignore
export { DvcIgnore, loadDvcIgnore, walkFiles, parseDvcignoreText, dvcignoreInOutputError, BUILTIN_IGNORE_PATTERNS, formatPatternInfo } from './ignore/dvcignore.js';
export type { PatternInfo, IgnoreExplanation, CheckIgnoreResult as DvcIgnoreCheckResult, IgnoreLookupOptions, WalkFilesOptions, WalkFilesResult } from './ignore/dvcignore.js';
export { PatternList } from './ignore/pattern-list.js';
export { pyRepr } from './ignore/py-repr.js';
export { findGitRoot, isGitIgnored, isTrackedByGit, gitAdd, listSubmodules, runGit } from './scm/git.js';
export type { GitOptions, GitRun } from './scm/git.js';
export { ignorePath, unignorePath, gitignoreEntryFor } from './scm/gitignore.js';
export type { UnignoreResult } from './scm/gitignore.js';
export { openScm, GitScm, NoScm } from './scm/scm.js';
export type { Scm, OpenScmOptions } from './scm/scm.js';
export { collectDvcFiles } from './repo/collect-dvc-files.js';
export type { CollectDvcFilesOptions, CollectDvcFilesResult } from './repo/collect-dvc-files.js';
export { checkIgnore, createIgnoreChecker, validateCheckIgnoreFlags } from './api/check-ignore.js';
export type { CheckIgnoreOptions, CheckIgnoreFlags, CheckIgnoreResult, CheckIgnoreTargetResult, IgnoreChecker } from './api/check-ignore.js';
export {
  parseLockfile,
  serializeLockfile,
  buildLockEntry,
  buildLockStage,
  applyLockStages,
  removeLockStage,
  lockStagesEqual,
  lockStageToData,
  lockEntryToData,
  findLockEntry,
  lockParamsFor,
} from './models/lockfile.js';
export type { Lockfile, LockStage, LockEntry, LockHash, LockEntryInput, LockParamsInput, BuildLockStageInput, ApplyLockStagesResult } from './models/lockfile.js';
export { pyEquals, compareCodePoints as compareCodePointsPy } from './models/py-compare.js';
export { parsePipeline, loadPipeline, loadStage, mergeParams, loadOuts, displayPath } from './models/pipeline.js';
export type { PipelineFile, PipelineStage, PipelineDep, PipelineParamsDep, PipelineOut, LoadPipelineOptions, LoadPipelineResult } from './models/pipeline.js';
export { PipelineResolver, splitGroupName } from './models/templating/resolver.js';
export type { PipelineResolverOptions, ResolvedStage } from './models/templating/resolver.js';
export type { LoadVarsFile } from './models/templating/context.js';
export type { ParsingConfig } from './models/templating/interpolate.js';
export { serializeStage, writeStageToPipeline, validateStageName, applyDiff } from './models/stage-serialize.js';
export type { StageDefinitionInput, WriteStageResult } from './models/stage-serialize.js';
export { removeStageFromPipeline } from './models/stage-serialize.js';
export { readParamsDependency, normPosix } from './models/params.js';
export type { ReadParamsDependencyResult } from './models/params.js';
export { defPathOf } from './models/pipeline.js';
export { push, fetch } from './api/push.js';
export type { TransferOptions, TransferResult } from './api/push.js';
export { pull } from './api/pull.js';
export type { PullOptions, PullResult } from './api/pull.js';
export { cloudStatus } from './api/cloud-status.js';
export type { CloudStatusOptions, CloudStatusResult, CloudState } from './api/cloud-status.js';
export { dataStatus } from './api/data-status.js';
export type { DataStatusOptions, DataStatusResult } from './api/data-status.js';
// dvc.api counterpart (get_url/open/read) and data bundles (momo kb freeze)
export { getUrl, open, read, resolveData, writeDataBundle, verifyDataBundle, canonicalJson, DATA_BUNDLE_MANIFEST, DATA_BUNDLE_FORMAT, DVC_API_CODES } from './api/dvc-api.js';
export type { DvcApiOptions, DvcOpenOptions, ResolvedData, ResolvedFile, DataBundleManifest, WriteDataBundleOptions, WriteDataBundleResult, BundleProblem, VerifyDataBundleResult } from './api/dvc-api.js';
// pipelines: stage graph, status, repro, run-cache, dag, freeze, stage list/add, params/metrics
export { repro } from './api/repro.js';
export type { ReproOptions, ReproResult, ReproEvent } from './api/repro.js';
export { dag, renderDagMermaid, renderDagDot, renderDagAscii } from './api/dag.js';
export type { DagOptions, DagResult } from './api/dag.js';
export { stageList, stageAdd, freeze, describeStage, joinCommand, parseParamsArgs } from './api/stage.js';
export type { StageListOptions, StageListEntry, StageAddOptions, StageAddResult, FreezeOptions, FreezeResult } from './api/stage.js';
export { paramsDiff, metricsDiff, metricsShow, collectParams, collectMetrics, formatTableValue } from './api/params-metrics.js';
export type { DiffOptions, ParamsDiffOptions, DiffResult as ParamsMetricsDiffResult, MetricsShowOptions, FileValues } from './api/params-metrics.js';
export { createNodeProcessRunner, shellArgv } from './runner/process-runner.js';
export type { ProcessRunner, ProcessRunOptions, ProcessRunResult } from './runner/process-runner.js';
export { RunCache, computeRunCacheHashes } from './managers/run-cache.js';
export { acquireRwlock } from './managers/rwlock.js';
export type { Rwlock, RwlockOptions } from './managers/rwlock.js';
export { buildStageGraph, checkOutputs, planOrder, activeGraph } from './planning/dag.js';
export type { DagStageInput, StageGraph } from './planning/dag.js';
export { parseTarget } from './repo/targets.js';
export { pyJsonValue } from './models/py-json-value.js';
