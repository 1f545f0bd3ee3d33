/**
 * What the plugin needs to know about one `dvc.yaml`: its stages with deps, params files and outs
 * as workspace-relative POSIX paths. Parsing, templating (`vars`, `${}`, `foreach`, `matrix`) and
 * stage loading are done by `@momo/dvc`'s pure models (`loadPipeline`); this file only maps paths.
 */
import { loadPipeline, normPosix, readParamsFile, type PipelineStage, type YamlValue } from '@momo/dvc';

/** Key under a stage's `meta` where glob-style deps are kept for the sync generator. */
export const NX_DVC_META_KEY = 'nx-dvc';
/** Sub-key of {@link NX_DVC_META_KEY} holding the glob patterns (`libs/python/*\/momo_*\/`). */
export const GLOB_DEPS_META_KEY = 'deps';

/** One dependency or output, resolved against the workspace root. */
export interface StagePath {
  /** as written in dvc.yaml (after templating) */
  defPath: string;
  /** workspace-relative, normalised, POSIX; undefined for URLs and paths outside the workspace */
  path?: string;
  /** written with a trailing `/` (a directory by intent) */
  dirHint: boolean;
}

/** An output of a stage. */
export interface StageOut extends StagePath {
  kind: 'outs' | 'metrics' | 'plots';
  cache: boolean;
}

/** A stage of a `dvc.yaml` with workspace-relative paths. */
export interface StageInfo {
  /** the stage name (`train`, `build@a` for foreach/matrix) */
  name: string;
  /** workspace-relative path of the dvc.yaml */
  file: string;
  /** the command as one line (a list is joined with ` && `) */
  cmd: string;
  desc?: string;
  frozen: boolean;
  alwaysChanged: boolean;
  deps: StagePath[];
  /** params files the stage reads (explicit `params:` and files used by `${}`), workspace-relative */
  paramsFiles: string[];
  outs: StageOut[];
  /** glob patterns kept in `meta.nx-dvc.deps` (see the sync generator) */
  globDeps: string[];
}

/** A parsed `dvc.yaml`. */
export interface PipelineInfo {
  /** workspace-relative path of the dvc.yaml */
  file: string;
  /** its directory ('.' at the root) */
  dir: string;
  stages: StageInfo[];
  /** vars/params files templating read, workspace-relative (they change the result) */
  varsFiles: string[];
}

const URL_RE = /^\w+:\/\//;

/** Resolves a stage path the way DVC does (relative to the stage wdir), as workspace-relative. */
export function resolveStagePath(defPath: string, wdir: string, workspaceRoot: string): StagePath {
  const dirHint = defPath.endsWith('/');
  if (URL_RE.test(defPath)) return { defPath, dirHint };
  let joined: string;
  if (defPath.startsWith('/')) {
    const root = workspaceRoot.replace(/\/+$/, '');
    if (defPath !== root && !defPath.startsWith(`${root}/`)) return { defPath, dirHint };
    joined = defPath.slice(root.length + 1);
  } else {
    joined = wdir === '.' || wdir === '' ? defPath : `${wdir}/${defPath}`;
  }
  const path = normPosix(joined);
  if (path === '..' || path.startsWith('../') || path.startsWith('/')) return { defPath, dirHint };
  return { defPath, path: path === '' ? '.' : path, dirHint };
}

function cmdText(cmd: YamlValue): string {
  if (Array.isArray(cmd)) return cmd.map((c) => String(c)).join(' && ');
  return cmd === null || cmd === undefined ? '' : String(cmd);
}

function globDepsOf(meta: YamlValue | undefined): string[] {
  if (!(meta instanceof Map)) return [];
  const own = meta.get(NX_DVC_META_KEY);
  if (!(own instanceof Map)) return [];
  const deps = own.get(GLOB_DEPS_META_KEY);
  return Array.isArray(deps) ? deps.filter((d): d is string => typeof d === 'string') : [];
}

function stageInfo(stage: PipelineStage, file: string, dir: string, workspaceRoot: string): StageInfo {
  const wdir = normPosix(dir === '.' ? stage.wdir : `${dir}/${stage.wdir}`) || '.';
  const resolve = (p: string) => resolveStagePath(p, wdir, workspaceRoot);
  const paramsFiles = new Set<string>();
  for (const p of stage.params) {
    const r = resolve(p.path);
    if (r.path) paramsFiles.add(r.path);
  }
  // values read by `${}` are tracked like params (DVC records them in dvc.lock under params)
  for (const f of stage.trackedVars.keys()) {
    const r = resolveStagePath(f, '.', workspaceRoot);
    if (r.path) paramsFiles.add(r.path);
  }
  const info: StageInfo = {
    name: stage.name,
    file,
    cmd: cmdText(stage.cmd),
    frozen: stage.frozen,
    alwaysChanged: stage.alwaysChanged,
    deps: stage.deps.map((d) => resolve(d.path)),
    paramsFiles: [...paramsFiles].sort(),
    outs: stage.outs.map((o) => ({ ...resolve(o.path), kind: o.kind, cache: o.cache })),
    globDeps: globDepsOf(stage.meta),
  };
  if (stage.desc) info.desc = stage.desc;
  return info;
}

/**
 * Parses `file` (workspace-relative) with `@momo/dvc`'s `loadPipeline`, resolving templating
 * against files read from the workspace.
 * @throws MomoError from `loadPipeline` (`PIPELINE_FILE_INVALID` with the file and line,
 *   `TEMPLATE_RESOLVE_FAILED`, ...)
 */
export function parsePipelineInfo(options: { workspaceRoot: string; file: string; text: string }): PipelineInfo {
  const { workspaceRoot, file, text } = options;
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.';
  const varsFiles = new Set<string>();
  const { stages } = loadPipeline({
    text,
    file,
    load: (path) => {
      varsFiles.add(path);
      return readParamsFile({ root: workspaceRoot, path });
    },
  });
  const files = [...varsFiles].sort();
  return { file, dir, stages: stages.map((s) => stageInfo(s, file, dir, workspaceRoot)), varsFiles: files };
}
