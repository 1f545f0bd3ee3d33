import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, resolve, sep } from 'node:path';
import { withOperation, isMomoError } from '@momo/errors';
import { Repo, type RepoOptions } from '../repo/repo.js';
import { loadIndex, outsOfStages, type IndexStage, type DvcFileStage, type RepoIndex } from '../repo/index.js';
import { collectTargets, addressOf, parseTarget } from '../repo/targets.js';
import { loadPipelineFileText, type PipelineStageEntry } from '../repo/pipeline-index.js';
import { buildIndexGraph } from '../repo/index-graph.js';
import { writeStageToPipeline, validateStageName, type StageDefinitionInput } from '../models/stage-serialize.js';
import { computeDvcFileData } from '../models/dvcfile.js';
import { mergeParams, loadOuts, type PipelineOut, type PipelineStage } from '../models/pipeline.js';
import { pyEquals } from '../models/py-compare.js';
import { dumpYaml } from '../yaml/dump.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { dvcError, EXIT } from '../errors/dvc-error.js';
import { PROJECT_FILE } from '../constants.js';
import { normPosix } from '../models/params.js';
import type { YamlValue } from '../yaml/parse.js';

// ---------------------------------------------------------------------------------------------
// stage list

export interface StageListOptions extends RepoOptions {
  /** stage targets (default: `dvc.yaml` in the CWD) */
  targets?: string[];
  /** every stage of the repository */
  all?: boolean;
  recursive?: boolean;
  /** addresses only, no descriptions */
  nameOnly?: boolean;
}

export interface StageListEntry {
  /** addressing relative to the CWD */
  name: string;
  /** DVC's description: the first line of `desc`, else "Outputs a, b; Reports m.json" (80 columns) */
  description: string;
}

/** The one-line description `dvc stage list` shows (dvc/commands/stage.py::prepare_description). */
export function describeStage(repoStage: IndexStage, repo: Repo): string {
  let text: string | undefined;
  if (repoStage.kind === 'pipeline' && repoStage.stage.desc) {
    text = repoStage.stage.desc.split(/\r?\n/).find((l) => l.trim())?.trim();
  }
  if (!text) {
    const outs = repoStage.kind === 'pipeline' ? repoStage.stage.outs : outsOfStages(repo, [repoStage as DvcFileStage]).map((o) => ({ path: o.entry.path, metric: false, plot: false }) as Pick<PipelineOut, 'path' | 'metric' | 'plot'>);
    const deps = repoStage.kind === 'pipeline' ? [...repoStage.stage.deps.map((d) => d.path), ...repoStage.stage.params.map((p) => p.path)] : repoStage.model.deps.map((d) => d.path);
    if (!deps.length && !outs.length) text = 'No outputs or dependencies';
    else if (!outs.length) text = `Depends on ${deps.join(', ')}`;
    else {
      const plain = outs.filter((o) => !o.metric && !o.plot).map((o) => o.path);
      const reports = outs.filter((o) => o.metric || o.plot).map((o) => o.path);
      const parts: string[] = [];
      if (plain.length) parts.push(`Outputs ${plain.join(', ')}`);
      if (reports.length) parts.push(`Reports ${reports.join(', ')}`);
      text = parts.join('; ');
    }
  }
  return [...text].length > 80 ? [...text].slice(0, 79).join('') + '…' : text;
}

/**
 * Lists stages like `dvc stage list` (dvc/commands/stage.py).
 * @throws DVCFILE_NOT_FOUND, STAGE_NOT_FOUND
 */
export async function stageList(opts: StageListOptions): Promise<StageListEntry[]> {
  return withOperation('stage list', () =>
    Repo.withRepo(opts, 'read', async (repo) => {
      const index = loadIndex(repo);
      const stages = opts.all ? index.all : collectTargets(repo, index, opts.cwd, opts.targets?.length ? opts.targets : [PROJECT_FILE], { recursive: opts.recursive }).map((s) => s.stage);
      return [...new Set(stages)].map((s) => ({ name: addressOf(repo, opts.cwd, s), description: opts.nameOnly ? '' : describeStage(s, repo) }));
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// freeze / unfreeze

export interface FreezeOptions extends RepoOptions {
  targets: string[];
  /** true: freeze; false: unfreeze */
  frozen: boolean;
}

export interface FreezeResult {
  /** per target, in order: done, or the error (DVC goes on with the other targets) */
  results: Array<{ target: string; ok: true; messages: string[] } | { target: string; ok: false; error: unknown }>;
  /** files to `git add` (absolute) */
  gitFiles: string[];
}

function isParametrized(s: PipelineStageEntry): boolean {
  if (s.stage.group) return true;
  const raw = (s.file.pipeline.data.get('stages') as Map<unknown, YamlValue> | undefined)?.get(s.name);
  // `raw_data.parametrized`: the text as written differs from the resolved definition
  return !(raw instanceof Map) || !pyEquals(raw, s.stage.definition);
}

/** The `to_pipeline_file` input of a loaded stage. */
export function definitionOf(s: PipelineStage): StageDefinitionInput {
  return {
    name: s.name,
    cmd: s.cmd as string | string[],
    wdir: s.wdir,
    deps: s.deps.map((d) => d.path),
    params: s.params,
    outs: s.outs,
    frozen: s.frozen,
    alwaysChanged: s.alwaysChanged,
    desc: s.desc,
    meta: s.meta,
    group: s.group,
  };
}

/** Resolves a target that must name exactly one stage (`get_target`). */
function singleStage(repo: Repo, index: RepoIndex, cwd: string, target: string): IndexStage {
  const { path, name } = parseTarget(target);
  if (path !== undefined && posix.basename(path) === PROJECT_FILE && !name) {
    throw dvcError('STAGE_NAME_REQUIRED', 'Stage name not provided.Please specify the name as: `dvc.yaml:stage_name`', {
      hint: `name the stage: \`${path}:<stage>\``,
      exitCode: EXIT.UNEXPECTED,
    });
  }
  const picked = collectTargets(repo, index, cwd, [target], { outputs: false });
  const exact = picked.find((p) => p.stage.kind !== 'pipeline' || p.stage.name === name || p.stage.name === target) ?? picked[0];
  return exact!.stage;
}

/**
 * Sets or clears `frozen` on stages (`dvc freeze`/`unfreeze`, spec §12.1): only dvc.yaml (or the
 * `.dvc` file) is rewritten, never dvc.lock. Each target is handled on its own; failures are
 * collected and returned.
 */
export async function freeze(opts: FreezeOptions): Promise<FreezeResult> {
  return withOperation(opts.frozen ? 'freeze' : 'unfreeze', () =>
    Repo.withRepo(opts, 'write', async (repo) => {
      const res: FreezeResult = { results: [], gitFiles: [] };
      let index: RepoIndex | undefined;
      for (const target of opts.targets) {
        try {
          index ??= loadIndex(repo);
          const stage = singleStage(repo, index, opts.cwd, target);
          const messages: string[] = [];
          if (stage.kind === 'dvcfile') {
            const raw: Record<string, unknown> = { ...stage.model.raw };
            if (opts.frozen) raw.frozen = true;
            else delete raw.frozen;
            const data = computeDvcFileData(stage.model.outs, { ...stage.model, raw });
            writeFileAtomic(join(repo.root, stage.path), dumpYaml(data));
            res.gitFiles.push(join(repo.root, stage.path));
          } else {
            const address = addressOf(repo, opts.cwd, stage);
            if (isParametrized(stage)) {
              throw dvcError('STAGE_PARAMETRIZED_DUMP', `cannot dump a parametrized stage: '${address}'`, {
                hint: `edit the stage in '${stage.path}' by hand`,
                exitCode: EXIT.UNEXPECTED,
              });
            }
            const file = join(repo.root, stage.path);
            const def = { ...definitionOf(stage.stage), frozen: opts.frozen };
            const shown = relative(opts.cwd, file).split(sep).join('/');
            const w = writeStageToPipeline({ text: readFileSync(file, 'utf8'), file: shown, stage: def, addressing: address });
            writeFileAtomic(file, w.text);
            messages.push(...w.messages);
            res.gitFiles.push(file);
          }
          index = undefined;
          res.results.push({ target, ok: true, messages });
        } catch (e) {
          if (!isMomoError(e)) throw e;
          res.results.push({ target, ok: false, error: e });
        }
      }
      return res;
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// stage add

export interface StageAddOptions extends RepoOptions {
  name: string;
  /** the command (CLI words are joined like DVC's `parse_cmd`) */
  cmd: string;
  deps?: string[];
  /** `-p` values: `key1,key2` (params.yaml) or `file:key1,key2` or `file:` (whole file) */
  params?: string[];
  outs?: string[];
  outsNoCache?: string[];
  outsPersist?: string[];
  outsPersistNoCache?: string[];
  metrics?: string[];
  metricsNoCache?: string[];
  plots?: string[];
  plotsNoCache?: string[];
  wdir?: string;
  alwaysChanged?: boolean;
  desc?: string;
  /** overwrite an existing stage of that name */
  force?: boolean;
}

export interface StageAddResult {
  /** "Added stage 'x' in 'dvc.yaml'" */
  message: string;
  /** files to `git add` (absolute) */
  gitFiles: string[];
  autostaged: boolean;
}

/** `dvc stage add`'s `parse_cmd`: words joined, a word with spaces (and no `"`) quoted. */
export function joinCommand(words: readonly string[]): string {
  if (words.length < 2) return words.join(' ');
  return words.map((w) => (!w ? '""' : w.includes(' ') && !w.includes('"') ? `"${w}"` : w)).join(' ');
}

/** `parse_params`: `-p` values grouped by file. */
export function parseParamsArgs(values: readonly string[]): Array<Map<string, string[]>> {
  const byFile = new Map<string, string[]>();
  for (const v of values) {
    const i = v.lastIndexOf(':');
    const path = i < 0 ? '' : v.slice(0, i);
    const keys = (i < 0 ? v : v.slice(i + 1)).split(',').filter(Boolean);
    const file = path || 'params.yaml';
    byFile.set(file, [...(byFile.get(file) ?? []), ...keys]);
  }
  return [...byFile].map(([f, k]) => new Map([[f, k]]));
}

/**
 * Adds a stage to `dvc.yaml` in the CWD like `dvc stage add` (dvc/repo/stage.py::add, spec §7.9):
 * validates the name and the stage against the whole graph, writes dvc.yaml with DVC's
 * serializer (helper models), git-ignores the cached outputs. Nothing is written when a check fails.
 * @throws STAGE_NAME_INVALID, STAGE_EXISTS, STAGE_DEFINITION_INVALID, OUTPUT_DUPLICATED, OUTPUT_OVERLAPPING, PIPELINE_CYCLE
 */
export async function stageAdd(opts: StageAddOptions): Promise<StageAddResult> {
  return withOperation('stage add', () =>
    Repo.withRepo(opts, 'write', async (repo) => {
      if (!opts.cmd) throw dvcError('USAGE_INVALID', 'command is not specified', { hint: 'put the command after the options', exitCode: EXIT.USAGE });
      validateStageName(opts.name);
      const fileAbs = resolve(opts.cwd, PROJECT_FILE);
      const fileRel = relative(repo.root, fileAbs).split(sep).join('/');
      const fileDir = posix.dirname(fileRel) === '.' ? '' : posix.dirname(fileRel);
      const index = loadIndex(repo);
      const existingFile = index.pipelines.find((p) => p.path === fileRel);
      if (!opts.force && existingFile?.stages.some((s) => s.name === opts.name || s.stage.group?.name === opts.name)) {
        throw dvcError('STAGE_EXISTS', `Stage '${opts.name}' already exists in '${PROJECT_FILE}'. Use '--force' to overwrite.`, {
          hint: `pick another name, or pass --force to replace '${opts.name}'`,
          exitCode: EXIT.UNEXPECTED,
        });
      }
      let wdir = '.';
      if (opts.wdir) {
        const abs = resolve(opts.cwd, opts.wdir);
        const r = relative(repo.root, abs);
        if (r.startsWith('..')) throw dvcError('PATH_OUTSIDE_REPO', `stage working dir '${opts.wdir}' is outside of DVC repo`, { hint: 'use a directory inside the repository', exitCode: EXIT.UNEXPECTED });
        if (!existsSync(abs) || !statSync(abs).isDirectory()) throw dvcError('TARGET_NOT_FOUND', `stage working dir '${opts.wdir}' does not exist`, { hint: 'create the directory first', exitCode: EXIT.UNEXPECTED });
        wdir = normPosix(relative(resolve(opts.cwd), abs).split(sep).join('/'));
      }
      const item = (p: string, flags: Record<string, boolean>): YamlValue => (Object.keys(flags).length ? new Map([[p, new Map(Object.entries(flags))]]) : p);
      const outs: PipelineOut[] = [
        ...loadOuts([...(opts.outs ?? []).map((p) => item(p, {})), ...(opts.outsNoCache ?? []).map((p) => item(p, { cache: false })), ...(opts.outsPersist ?? []).map((p) => item(p, { persist: true })), ...(opts.outsPersistNoCache ?? []).map((p) => item(p, { persist: true, cache: false }))], 'outs'),
        ...loadOuts([...(opts.metrics ?? []).map((p) => item(p, {})), ...(opts.metricsNoCache ?? []).map((p) => item(p, { cache: false }))], 'metrics'),
        ...loadOuts([...(opts.plots ?? []).map((p) => item(p, {})), ...(opts.plotsNoCache ?? []).map((p) => item(p, { cache: false }))], 'plots'),
      ];
      const params = mergeParams(parseParamsArgs(opts.params ?? []) as unknown as YamlValue[]);
      const def: StageDefinitionInput = { name: opts.name, cmd: opts.cmd, wdir, deps: opts.deps ?? [], params, outs, alwaysChanged: opts.alwaysChanged, desc: opts.desc };
      // checks of create_stage: a dep that is its own output, a path given twice
      const wdirRel = normPosix(fileDir ? `${fileDir}/${wdir}` : wdir);
      const absOf = (p: string) => resolve(repo.root, wdirRel === '.' ? '' : wdirRel, p);
      const depAbs = (opts.deps ?? []).map(absOf);
      const outAbs = outs.map((o) => absOf(o.path));
      const circular = depAbs.find((d) => outAbs.includes(d));
      if (circular) throw dvcError('STAGE_DEFINITION_INVALID', `'${circular}' is specified as an output and as a dependency.`, { hint: 'a stage cannot depend on its own output', exitCode: EXIT.UNEXPECTED });
      const all = [...depAbs, ...outAbs];
      const dup = all.find((p, i) => all.indexOf(p) !== i);
      if (dup) throw dvcError('STAGE_DEFINITION_INVALID', `file '${dup}' is specified more than once.`, { hint: 'list each path once', exitCode: EXIT.UNEXPECTED });
      const text = existsSync(fileAbs) ? readFileSync(fileAbs, 'utf8') : undefined;
      const written = writeStageToPipeline({ text, file: PROJECT_FILE, stage: def, addressing: opts.name });
      // check the graph with the new stage in place, before anything is written
      checkGraphWith(repo, index, opts.cwd, fileRel, written.text, opts.name);
      writeFileAtomic(fileAbs, written.text);
      const gitFiles = new Set<string>([fileAbs]);
      for (const o of outs) {
        if (!o.cache) continue;
        const gi = repo.scm.ignore(absOf(o.path));
        if (gi) gitFiles.add(gi);
      }
      let autostaged = false;
      if (repo.scm.enabled && repo.settings.autostage) {
        repo.scm.add([...gitFiles]);
        autostaged = true;
      }
      return { message: `Added stage '${opts.name}' in '${PROJECT_FILE}'`, gitFiles: repo.scm.enabled ? [...gitFiles] : [], autostaged };
    }),
  );
}

/** Loads the index as if `fileRel` had `text`, and builds the graph (OutputDuplicationError gets the single-stage wording). */
function checkGraphWith(repo: Repo, index: RepoIndex, cwd: string, fileRel: string, text: string, name: string): void {
  const file = loadPipelineFileText(repo, fileRel, text);
  const others = index.all.filter((s) => !(s.kind === 'pipeline' && s.path === fileRel));
  const mine = file.stages;
  const newStage = mine.find((s) => s.name === name)!;
  const rest = [...others, ...mine.filter((s) => s !== newStage)];
  try {
    buildIndexGraph(repo, { ...index, all: [...rest, newStage] }, cwd);
  } catch (e) {
    if (isMomoError(e, 'OUTPUT_DUPLICATED')) {
      const m = /^output '([^']*)' is specified in:\n([\s\S]*?)\nUse/.exec(e.message);
      if (m) {
        const owner = m[2]!.split('\n').map((l) => l.replace(/^\t- /, '')).find((a) => a !== addressOf(repo, cwd, newStage)) ?? '';
        throw dvcError('OUTPUT_DUPLICATED', `output '${m[1]}' is already specified in stage: '${owner}'.\nUse \`dvc remove ${owner}\` to stop tracking the overlapping output.`, {
          hint: `remove the output from one of the stages (\`momo remove ${owner}\`)`,
          exitCode: EXIT.UNEXPECTED,
        });
      }
    }
    throw e;
  }
}
