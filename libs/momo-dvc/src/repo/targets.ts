/**
 * Stage targets: `train`, `dvc.yaml:train`, `sub/dvc.yaml`, `:train`, `build` (a foreach group),
 * `data.dvc`, or an output path, resolved against the loaded index.
 *
 * Mirrors DVC 3.67.1 `dvc/utils/__init__.py::parse_target` and `dvc/repo/stage.py`
 * (`collect`, `collect_granular`, `load_all`, `get_target`), spec §7.8.
 */
import { existsSync } from 'node:fs';
import { basename, join, posix, relative, resolve, sep } from 'node:path';
import type { Repo } from './repo.js';
import type { IndexStage, RepoIndex, TrackedOut } from './index.js';
import { isSubPath } from './index.js';
import type { PipelineFileEntry } from './pipeline-index.js';
import { pipelineAddress, relToCwd } from './pipeline-index.js';
import { dvcError, EXIT } from '../errors/dvc-error.js';
import { DVC_FILE_SUFFIX, LOCK_FILE, PROJECT_FILE } from '../constants.js';
import { JOIN } from '../models/templating/resolver.js';
import { fnmatchRegExp } from '../models/fnmatch.js';

/** `parse_target`: a DVC file path and/or a stage name (path undefined: a bare name). */
export function parseTarget(target: string, opts: { glob?: boolean } = {}): { path?: string; name?: string } {
  if (!target) return {};
  if (opts.glob) {
    const i = target.lastIndexOf(':');
    const path = i < 0 ? '' : target.slice(0, i);
    const glob = i < 0 ? target : target.slice(i + 1);
    return { path: path || PROJECT_FILE, name: glob || undefined };
  }
  const at = target.indexOf(JOIN);
  const group = at < 0 ? target : target.slice(0, at);
  const key = at < 0 ? '' : target.slice(at + 1);
  let path = group;
  let name: string | undefined;
  const colon = group.lastIndexOf(':');
  if (colon >= 0 && !/[\\/:]/.test(group.slice(colon + 1))) {
    path = group.slice(0, colon);
    name = group.slice(colon + 1);
  }
  if (name && key) name += `${JOIN}${key}`;
  if (path) {
    if (posix.basename(path.replace(/\\/g, '/')) === LOCK_FILE) {
      throw dvcError('TARGET_INVALID', `Did you mean: \`${target.replace('.lock', '.yaml')}\`?`, {
        hint: 'stages live in dvc.yaml; dvc.lock only records their state',
        exitCode: EXIT.UNEXPECTED,
      });
    }
    if (!name) return isValidDvcFilename(target) ? { path: target } : { name: target };
  }
  return { path: path || PROJECT_FILE, name: name || undefined };
}

/** `.dvc` suffix or exactly `dvc.yaml`. */
export function isValidDvcFilename(p: string): boolean {
  return p.endsWith(DVC_FILE_SUFFIX) || posix.basename(p.replace(/\\/g, '/')) === PROJECT_FILE;
}

/** A stage picked by a target; `filter` narrows it to one output path (repo-relative). */
export interface StageSelection {
  stage: IndexStage;
  filter?: string;
}

/** Options of {@link collectTargets}. */
export interface CollectTargetsOptions {
  /** accept output paths (status, commit, checkout, push…): `collect_granular` */
  outputs?: boolean;
  /** `-R`: a directory target selects every stage whose DVC file is inside it */
  recursive?: boolean;
  /** `--glob`: the name part is an fnmatch pattern */
  glob?: boolean;
}

function repoRel(repo: Repo, cwd: string, p: string): string {
  return relative(repo.root, resolve(cwd, p)).split(sep).join('/');
}

function fileNotFound(display: string): Error {
  return dvcError('DVCFILE_NOT_FOUND', `'${display}' does not exist`, {
    hint: 'check the path, or create the pipeline with `momo stage add`',
    exitCode: EXIT.UNEXPECTED,
    data: { file: display },
  });
}

/** The stages of one dvc.yaml selected by `name` (plain, generated, group, or fnmatch glob). */
function stagesByName(repo: Repo, cwd: string, file: PipelineFileEntry, name: string | undefined, glob: boolean): IndexStage[] {
  if (!name) return file.stages;
  if (glob) {
    const re = fnmatchRegExp(name);
    return file.stages.filter((s) => re.test(s.name));
  }
  if (file.resolver.isGroup(name)) return file.stages.filter((s) => s.stage.group?.name === name);
  const found = file.stages.find((s) => s.name === name);
  if (!found) {
    throw dvcError('STAGE_NOT_FOUND', `Stage '${name}' not found inside '${relToCwd(repo.root, cwd, file.path)}' file`, {
      hint: 'list the stages with `momo stage list`',
      exitCode: EXIT.UNEXPECTED,
      data: { stage: name, file: file.path },
    });
  }
  return [found];
}

/**
 * Resolves targets to stages of the index, in target order without duplicates.
 * @throws DVCFILE_NOT_FOUND, STAGE_NOT_FOUND, TARGET_INVALID, TARGET_NOT_FOUND ("'x' does not
 *   exist as an output or a stage name in 'dvc.yaml'")
 */
export function collectTargets(repo: Repo, index: RepoIndex, cwd: string, targets: readonly string[], opts: CollectTargetsOptions = {}): StageSelection[] {
  const picked: StageSelection[] = [];
  const seen = new Set<string>();
  const push = (stage: IndexStage, filter?: string) => {
    const key = `${stage.kind === 'dvcfile' ? stage.path : stage.address}\0${filter ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    picked.push(filter === undefined ? { stage } : { stage, filter });
  };
  const cwdYaml = repoRel(repo, cwd, PROJECT_FILE);
  for (const target of targets) {
    if (opts.recursive) {
      const dir = repoRel(repo, cwd, target);
      if (existsSync(resolve(cwd, target)) && !isValidDvcFilename(target)) {
        for (const s of index.all) if (isSubPath(s.path, dir)) push(s);
        continue;
      }
    }
    const { path, name } = parseTarget(target, { glob: opts.glob });
    if (path === undefined) {
      // a bare name: a stage of ./dvc.yaml first, then (granular commands) an output path
      const file = index.pipelines.find((p) => p.path === cwdYaml);
      if (file && name && (file.resolver.isGroup(name) || file.stages.some((s) => s.name === name))) {
        for (const s of stagesByName(repo, cwd, file, name, false)) push(s);
        continue;
      }
      if (opts.outputs) {
        const outs = findOutsByPath(repo, index, cwd, target);
        if (outs.length) {
          const rel = repoRel(repo, cwd, target);
          for (const o of outs) push(o.source, o.rel === rel ? undefined : rel);
          continue;
        }
        // DVC chains why the stage lookup failed (dvc/repo/stage.py::collect_granular)
        const cause = file ? `Stage '${name}' not found inside '${PROJECT_FILE}' file` : `'${PROJECT_FILE}' does not exist`;
        throw dvcError('TARGET_NOT_FOUND', `'${target}' does not exist as an output or a stage name in '${PROJECT_FILE}': ${cause}`, {
          hint: 'list tracked outputs with `momo ls-files` and stages with `momo stage list`',
          data: { target },
        });
      }
      if (!file) throw fileNotFound(PROJECT_FILE);
      stagesByName(repo, cwd, file, name, false);
      continue;
    }
    const rel = repoRel(repo, cwd, path);
    if (basename(rel) === PROJECT_FILE) {
      const file = index.pipelines.find((p) => p.path === rel);
      // an explicit path is reported absolute (`_get_filepath` → abspath); `:name` means ./dvc.yaml
      if (!file) throw fileNotFound(resolve(cwd, path));
      for (const s of stagesByName(repo, cwd, file, name, Boolean(opts.glob))) push(s);
      continue;
    }
    const stage = index.stages.find((s) => s.path === rel);
    if (!stage) {
      if (opts.outputs && !isValidDvcFilename(target)) {
        throw dvcError('TARGET_NOT_FOUND', `'${target}' does not exist as an output or a stage name in '${PROJECT_FILE}'`, { hint: 'list tracked outputs with `momo ls-files`' });
      }
      throw fileNotFound(path);
    }
    push(stage);
  }
  return picked;
}

/** Outputs at `target` or containing it (a path inside a tracked directory). */
export function findOutsByPath(repo: Repo, index: RepoIndex, cwd: string, target: string): TrackedOut[] {
  const rel = repoRel(repo, cwd, target);
  const exact = index.outs.filter((o) => o.rel === rel);
  if (exact.length) return exact;
  return index.outs.filter((o) => isSubPath(rel, o.rel));
}

/** DVC's addressing of any index stage seen from `cwd`. */
export function addressOf(repo: Repo, cwd: string, stage: IndexStage): string {
  if (stage.kind === 'dvcfile') return relative(cwd, join(repo.root, stage.path)).split(sep).join('/');
  return pipelineAddress(repo.root, cwd, stage.path, stage.name);
}
