/**
 * What `dvc stage add` (and `dvc freeze`/`unfreeze`) write into `dvc.yaml`.
 *
 * Mirrors DVC 3.67.1 `dvc/stage/serialize.py::to_pipeline_file`, `_serialize_params_keys`,
 * `_serialize_outs`, `_get_flags`, `dvc/dvcfile.py::ProjectFile._dump_pipeline_file` and
 * `dvc/utils/collections.py::apply_diff` (re-expressed):
 * - stage keys `desc, cmd, wdir, deps, params, outs, metrics, plots, frozen, always_changed,
 *   meta`, falsy ones omitted; deps sorted; outputs sorted by path and put in `plots` (plot
 *   flag), `metrics` (metric flag) or `outs`; an output with flags is `{path: {flags}}` with
 *   `desc, type, labels, meta, cache: false, persist: true, <plot props>, remote, push: false`;
 * - params: keys of `params.yaml` first (sorted), then `{file: [sorted keys]}` per file sorted by
 *   path; a wholly tracked file is `file:` (null), also for `params.yaml` (E24);
 * - an existing stage is patched in place (new keys appended, missing keys deleted, equal-length
 *   lists patched element by element); a new stage is appended at the end of `stages`.
 */
import { PROJECT_FILE } from '../constants.js';
import { dvcError, EXIT } from '../errors/dvc-error.js';
import { dumpYaml } from '../yaml/dump.js';
import type { Node, Pair } from 'yaml';
import { yamlLib } from '../yaml/lazy-yaml.js';
import type { YamlKey, YamlValue } from '../yaml/parse.js';
import { parsePipeline, type PipelineOut, type PipelineParamsDep } from './pipeline.js';
import { compareCodePoints, pyEquals } from './py-compare.js';
import { DEFAULT_PARAMS_FILE } from './params.js';

/** What a stage definition consists of, as `to_pipeline_file` reads it from a stage. */
export interface StageDefinitionInput {
  name: string;
  cmd: string | string[];
  /** Relative to the dvc.yaml directory, POSIX; `.`/empty is omitted. */
  wdir?: string;
  deps: ReadonlyArray<string | { path: string }>;
  params: readonly PipelineParamsDep[];
  /** outs, metrics and plots; `metric`/`plot` decide the list each goes to. */
  outs: ReadonlyArray<Pick<PipelineOut, 'path' | 'cache' | 'persist' | 'push' | 'metric' | 'plot'> & Partial<Pick<PipelineOut, 'remote' | 'desc' | 'type' | 'labels' | 'meta'>>>;
  frozen?: boolean;
  alwaysChanged?: boolean;
  desc?: string;
  meta?: YamlValue;
  /** Set for foreach/matrix stages: they cannot be written back. */
  group?: { name: string; key: string };
}

/** Python `string.punctuation` minus `_` and `-` (`INVALID_STAGENAME_CHARS`). */
const INVALID_STAGENAME_CHARS = new Set([...'!"#$%&\'()*+,./:;<=>?@[\\]^`{|}~']);

/**
 * Checks a name given to `dvc stage add -n`.
 * @throws MomoError `STAGE_NAME_INVALID` ("Stage name cannot contain punctuation characters.")
 */
export function validateStageName(name: string): void {
  if ([...name].some((c) => INVALID_STAGENAME_CHARS.has(c))) {
    throw dvcError('STAGE_NAME_INVALID', 'Stage name cannot contain punctuation characters.', {
      hint: "use letters, digits, '_' and '-' in stage names",
      data: { name },
      exitCode: EXIT.UNEXPECTED,
    });
  }
}

function isTruthy(v: YamlValue | undefined): boolean {
  if (v === undefined || v === null || v === false || v === '' || v === 0) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  return true;
}

function outFlags(o: StageDefinitionInput['outs'][number]): Map<string, YamlValue> {
  const f = new Map<string, YamlValue>();
  // Annotation.to_dict(): compact(asdict(...)) keeps truthy desc, type, labels, meta
  for (const k of ['desc', 'type', 'labels', 'meta'] as const) {
    const v = o[k] as YamlValue | undefined;
    if (isTruthy(v)) f.set(k, v!);
  }
  if (!o.cache) f.set('cache', false);
  if (o.persist) f.set('persist', true);
  if (o.plot instanceof Map) for (const [k, v] of o.plot) f.set(k, v);
  if (o.remote) f.set('remote', o.remote);
  if (!o.push) f.set('push', false);
  return f;
}

/** `_serialize_params_keys`. */
function serializeParamsKeys(params: readonly PipelineParamsDep[]): YamlValue[] {
  let keys: YamlValue[] = [];
  for (const p of [...params].sort((a, b) => compareCodePoints(a.path, b.path))) {
    const k = [...p.keys].sort(compareCodePoints);
    if (k.length && p.path === DEFAULT_PARAMS_FILE) keys = [...k, ...keys];
    else keys.push(new Map<YamlKey, YamlValue>([[p.path, k.length ? k : null]]));
  }
  return keys;
}

/** The mapping DVC writes for one stage (`to_pipeline_file`), in its key order. */
export function serializeStage(stage: StageDefinitionInput): Map<string, YamlValue> {
  const deps = stage.deps.map((d) => (typeof d === 'string' ? d : d.path)).sort(compareCodePoints);
  const outs: YamlValue[] = [];
  const metrics: YamlValue[] = [];
  const plots: YamlValue[] = [];
  for (const o of [...stage.outs].sort((a, b) => compareCodePoints(a.path, b.path))) {
    const bucket = o.plot ? plots : o.metric ? metrics : outs;
    const flags = outFlags(o);
    bucket.push(flags.size ? new Map<YamlKey, YamlValue>([[o.path, flags]]) : o.path);
  }
  const wdir = stage.wdir && stage.wdir !== '.' ? stage.wdir : undefined;
  const entries: Array<[string, YamlValue | undefined]> = [
    ['desc', stage.desc],
    ['cmd', stage.cmd],
    ['wdir', wdir],
    ['deps', deps],
    ['params', serializeParamsKeys(stage.params)],
    ['outs', outs],
    ['metrics', metrics],
    ['plots', plots],
    ['frozen', stage.frozen ?? false],
    ['always_changed', stage.alwaysChanged ?? false],
    ['meta', stage.meta],
  ];
  const m = new Map<string, YamlValue>();
  for (const [k, v] of entries) if (isTruthy(v)) m.set(k, v!);
  return m;
}

/** `apply_diff(src, dest)` on loaded data: patches `dest` in place, keeping its key order. */
export function applyDiff(src: YamlValue, dest: YamlValue): void {
  const isContainer = (v: unknown) => v instanceof Map || Array.isArray(v);
  const sameType = (a: unknown, b: unknown) =>
    (typeof a === 'string' && typeof b === 'string') ||
    (a instanceof Map && b instanceof Map) ||
    (Array.isArray(a) && Array.isArray(b)) ||
    (typeof a === 'boolean' && typeof b === 'boolean');
  if (src instanceof Map && dest instanceof Map) {
    for (const [key, value] of src) {
      const d = dest.get(key);
      if (isContainer(value) && sameType(value, d)) applyDiff(value, d!);
      else if (!dest.has(key) || !pyEquals(value, d)) dest.set(key, value);
    }
    for (const key of [...dest.keys()]) if (!src.has(key)) dest.delete(key);
  } else if (Array.isArray(src) && Array.isArray(dest)) {
    if (src.length !== dest.length) dest.splice(0, dest.length, ...src);
    else {
      src.forEach((value, i) => {
        if (isContainer(value) && sameType(value, dest[i])) applyDiff(value, dest[i]!);
        else if (!pyEquals(value, dest[i])) dest[i] = value;
      });
    }
  } else {
    throw new TypeError("Can't apply diff between different types");
  }
}

/** Result of {@link writeStageToPipeline}. */
export interface WriteStageResult {
  text: string;
  /** "Creating 'dvc.yaml'" (new or empty file), then "Adding"/"Modifying stage '…' in 'dvc.yaml'". */
  messages: string[];
  action: 'added' | 'modified';
  /**
   * `exact`: written like DVC (the file was in DVC's own layout, or new). `preserved`: the file has
   * comments or a layout DVC would normalise; momo kept the rest of the file as it was and only
   * (re)wrote this stage's block — DVC would also re-format the other parts.
   */
  mode: 'exact' | 'preserved';
}

/**
 * Adds or updates a stage in dvc.yaml text (`ProjectFile._dump_pipeline_file`).
 *
 * @param options.text current file contents, or undefined when the file does not exist
 * @param options.file display path for messages (`dvc.yaml`)
 * @param options.addressing how the stage is named in messages (`train`, `sub/dvc.yaml:train`)
 * @throws MomoError `STAGE_PARAMETRIZED_DUMP` for foreach/matrix stages ("cannot dump a
 *   parametrized stage: 'build@a'"), `PIPELINE_FILE_INVALID` when the existing file is invalid
 */
export function writeStageToPipeline(options: { text?: string; file?: string; stage: StageDefinitionInput; addressing?: string }): WriteStageResult {
  const { stage } = options;
  const file = options.file ?? PROJECT_FILE;
  if (stage.group) throw parametrizedError('dump', options.addressing ?? stage.name, stage.group.name, file);
  const stageData = serializeStage(stage);
  const messages: string[] = [];
  const text = options.text ?? '';
  const data = text.trim() ? parsePipeline({ text, file: `./${file}` }).data : new Map<YamlKey, YamlValue>();
  if (data.size === 0) messages.push(`Creating '${file}'`);
  const canonical = data.size === 0 || dumpYaml(data) === text;
  const stages = data.get('stages') instanceof Map ? (data.get('stages') as Map<YamlKey, YamlValue>) : new Map<YamlKey, YamlValue>();
  const existing = stages.has(stage.name);
  messages.push(`${existing ? 'Modifying' : 'Adding'} stage '${stage.name}' in '${file}'`);
  const action = existing ? 'modified' : 'added';
  if (canonical) {
    data.set('stages', stages);
    if (existing) applyDiff(stageData, stages.get(stage.name)!);
    else stages.set(stage.name, stageData);
    return { text: dumpYaml(data), messages, action, mode: 'exact' };
  }
  return { text: spliceStage(text, stage.name, stageData, existing), messages, action, mode: 'preserved' };
}

function parametrizedError(action: 'dump' | 'remove', addressing: string, group: string, file: string) {
  return dvcError('STAGE_PARAMETRIZED_DUMP', `cannot ${action} a parametrized stage: '${addressing}'`, {
    hint: `edit the '${group}' foreach/matrix definition in '${file}' instead`,
    data: { stage: addressing },
    exitCode: EXIT.UNEXPECTED,
  });
}

/**
 * Removes a stage from dvc.yaml text (`ProjectFile.remove_stage`). Returns `text: undefined` when
 * no stage is left: DVC then deletes dvc.yaml, even if it has vars, params, metrics, plots or
 * artifacts (E30). Unknown names leave the text unchanged (`removed: false`).
 *
 * @throws MomoError `STAGE_PARAMETRIZED_DUMP` ("cannot remove a parametrized stage: 'build@a'")
 */
export function removeStageFromPipeline(options: {
  text: string;
  name: string;
  file?: string;
  group?: { name: string; key: string };
  addressing?: string;
}): { text: string | undefined; removed: boolean; mode: 'exact' | 'preserved' } {
  const file = options.file ?? PROJECT_FILE;
  if (options.group) throw parametrizedError('remove', options.addressing ?? options.name, options.group.name, file);
  const data = options.text.trim() ? parsePipeline({ text: options.text, file: `./${file}` }).data : new Map<YamlKey, YamlValue>();
  const stages = data.get('stages');
  if (!(stages instanceof Map) || !stages.has(options.name)) return { text: options.text, removed: false, mode: 'exact' };
  if (stages.size === 1) return { text: undefined, removed: true, mode: 'exact' };
  if (dumpYaml(data) === options.text) {
    stages.delete(options.name);
    return { text: dumpYaml(data), removed: true, mode: 'exact' };
  }
  const doc = yamlLib().parseDocument(options.text);
  const stagesNode = (doc.contents as { items: Array<Pair<Node, Node>> }).items.find((p) => yamlLib().isScalar(p.key) && p.key.value === 'stages')!.value;
  const pair = (stagesNode as unknown as { items: Array<Pair<Node, Node>> }).items.find((p) => yamlLib().isScalar(p.key) && String(p.key.value) === options.name)!;
  const start = lineStart(options.text, pair.key.range![0]);
  const end = lineEnd(options.text, pair.value!.range![1]);
  return { text: options.text.slice(0, start) + options.text.slice(end), removed: true, mode: 'preserved' };
}

/** Re-indents a dumped block by `indent` spaces (every non-empty line). */
function indentBlock(block: string, indent: number): string {
  const pad = ' '.repeat(indent);
  return block
    .split('\n')
    .map((l) => (l ? pad + l : l))
    .join('\n');
}

/**
 * Writes one stage into a dvc.yaml that is not in DVC's layout, touching only that stage's text:
 * a new stage is appended after the last stage; an existing one has its block replaced (comments
 * inside it are lost, comments elsewhere are kept).
 */
function spliceStage(text: string, name: string, stageData: Map<string, YamlValue>, existing: boolean): string {
  const doc = yamlLib().parseDocument(text, { keepSourceTokens: false });
  const root = doc.contents;
  const withNl = text.endsWith('\n') || text === '' ? text : text + '\n';
  if (!yamlLib().isMap(root)) return withNl + dumpYaml(new Map([['stages', new Map([[name, stageData]])]]));
  const stagesPair = root.items.find((p) => yamlLib().isScalar(p.key) && p.key.value === 'stages') as Pair<Node, Node> | undefined;
  const stagesNode = stagesPair?.value;
  if (!stagesPair || !yamlLib().isMap(stagesNode) || stagesNode.items.length === 0 || stagesNode.flow) {
    // no block `stages:` mapping to extend: write a fresh `stages:` section at the end
    const rest = stagesPair ? removeRange(withNl, (stagesPair.key as Node).range![0], stagesNode?.range?.[2] ?? (stagesPair.key as Node).range![2]) : withNl;
    const stages = new Map<YamlKey, YamlValue>();
    if (yamlLib().isMap(stagesNode)) for (const p of stagesNode.items) if (yamlLib().isScalar(p.key)) stages.set(String(p.key.value), (p.value as Node).toJSON() as YamlValue);
    stages.set(name, stageData);
    return (rest.endsWith('\n') || rest === '' ? rest : rest + '\n') + dumpYaml(new Map([['stages', stages]]));
  }
  const keyCol = columnOf(text, (stagesNode.items[0]!.key as Node).range![0]);
  const block = indentBlock(dumpYaml(new Map([[name, stageData]])), keyCol);
  if (existing) {
    const pair = stagesNode.items.find((p) => yamlLib().isScalar(p.key) && String(p.key.value) === name)!;
    const start = lineStart(text, (pair.key as Node).range![0]);
    const end = lineEnd(text, (pair.value as Node).range![1]);
    return text.slice(0, start) + block + text.slice(end);
  }
  const last = stagesNode.items[stagesNode.items.length - 1]!;
  const insertAt = lineEnd(withNl, (last.value as Node | null)?.range?.[1] ?? (last.key as Node).range![2]);
  return withNl.slice(0, insertAt) + block + withNl.slice(insertAt);
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}
function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}
/** Offset just after the line break ending the line that contains `offset - 1`. */
function lineEnd(text: string, offset: number): number {
  const probe = Math.max(0, offset - 1);
  if (text[probe] === '\n') return probe + 1;
  const nl = text.indexOf('\n', probe);
  return nl < 0 ? text.length : nl + 1;
}
function removeRange(text: string, start: number, end: number): string {
  return text.slice(0, lineStart(text, start)) + text.slice(lineEnd(text, end));
}
