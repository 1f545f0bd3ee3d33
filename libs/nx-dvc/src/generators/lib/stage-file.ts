/**
 * Writing stages into dvc.yaml files on Nx's Tree. New stages go through `@momo/dvc`'s serializer
 * (`writeStageToPipeline`: DVC's `dvc stage add` layout, byte for byte); glob deps are expanded
 * against the Tree and their patterns kept in the stage's `meta.nx-dvc.deps` for the sync generator.
 */
import { posix } from 'node:path';
import type { Tree } from '@nx/devkit';
import { dumpYaml, parsePipeline, validateStageName, writeStageToPipeline, type PipelineParamsDep, type StageDefinitionInput, type YamlValue } from '@momo/dvc';
import { parseDocument } from 'yaml';
import { nxDvcError, EXIT } from '../../errors/nx-dvc-error.js';
import { expandGlob, globMatches, hasGlobMagic, type ListDir } from '../../plugins/glob.js';
import { GLOB_DEPS_META_KEY, NX_DVC_META_KEY } from '../../plugins/pipelines.js';

/** An output as generators describe it. */
export interface OutSpec {
  path: string;
  /** @default true */
  cache?: boolean;
  /** @default false */
  persist?: boolean;
  /** which list of dvc.yaml it goes to. @default 'outs' */
  kind?: 'outs' | 'metrics' | 'plots';
}

/** A stage as generators describe it (paths relative to the dvc.yaml directory). */
export interface StageSpec {
  name: string;
  cmd: string | string[];
  desc?: string;
  /** deps; entries with wildcards are glob deps (expanded, pattern kept in meta) */
  deps?: string[];
  /** `key` for params.yaml, `file:key1,key2` for another file, `file:` for the whole file */
  params?: string[];
  outs?: Array<string | OutSpec>;
}

/** Lists Tree directories for glob expansion. */
export function treeLister(tree: Tree): ListDir {
  return (dir) => {
    const d = dir === '' ? '.' : dir;
    return tree.children(d).map((name) => ({ name, dir: !tree.isFile(d === '.' ? name : `${d}/${name}`) }));
  };
}

/** `params` entries (`key`, `file:k1,k2`, `file:`) as the serializer's params deps. */
export function parseParamsSpec(items: readonly string[]): PipelineParamsDep[] {
  const byFile = new Map<string, string[]>();
  for (const item of items) {
    const colon = item.indexOf(':');
    const file = colon < 0 ? 'params.yaml' : item.slice(0, colon);
    const keys = colon < 0 ? [item] : item.slice(colon + 1).split(',').filter(Boolean);
    const list = byFile.get(file) ?? [];
    list.push(...keys);
    byFile.set(file, list);
  }
  return [...byFile].map(([path, keys]) => ({ path, keys }));
}

function outSpec(o: string | OutSpec): Required<OutSpec> {
  const s = typeof o === 'string' ? { path: o } : o;
  return { path: s.path, cache: s.cache ?? true, persist: s.persist ?? false, kind: s.kind ?? 'outs' };
}

/** Glob deps expanded against the Tree, relative to `base` (the dvc.yaml directory, '' at the root). */
export function expandDeps(tree: Tree, base: string, deps: readonly string[]): { deps: string[]; globs: string[] } {
  const list = treeLister(tree);
  const globs = deps.filter(hasGlobMagic);
  const concrete = new Set(deps.filter((d) => !hasGlobMagic(d)));
  for (const g of globs) for (const m of expandGlob(g, base, list)) concrete.add(m);
  return { deps: [...concrete], globs };
}

/** The serializer's input for a stage spec (globs expanded against the Tree). */
export function stageDefinition(tree: Tree, dvcYaml: string, spec: StageSpec): StageDefinitionInput {
  const base = posix.dirname(dvcYaml) === '.' ? '' : posix.dirname(dvcYaml);
  const { deps, globs } = expandDeps(tree, base, spec.deps ?? []);
  const def: StageDefinitionInput = {
    name: spec.name,
    cmd: spec.cmd,
    deps,
    params: parseParamsSpec(spec.params ?? []),
    outs: (spec.outs ?? []).map(outSpec).map((o) => ({ path: o.path, cache: o.cache, persist: o.persist, push: true, metric: o.kind === 'metrics', plot: o.kind === 'plots' })),
  };
  if (spec.desc) def.desc = spec.desc;
  if (globs.length) def.meta = new Map<string, YamlValue>([[NX_DVC_META_KEY, new Map<string, YamlValue>([[GLOB_DEPS_META_KEY, globs]])]]);
  return def;
}

/** What {@link writeStage} did. */
export interface WriteStageOutcome {
  action: 'added' | 'modified' | 'unchanged' | 'kept';
  /** cached outputs, workspace-relative (they need a .gitignore entry) */
  cachedOuts: string[];
}

/**
 * Writes `spec` into `dvcYaml` (workspace-relative). An existing stage with the same name is `kept`
 * as it is with `ifExists: 'keep'` (init never overwrites a user's edits), rewritten with
 * `'overwrite'`, and with `'error'` an error unless it already says exactly the same.
 * @throws MomoError `NX_DVC_STAGE_INVALID` (bad name, empty command, existing different stage with
 *   `ifExists: 'error'`), `PIPELINE_FILE_INVALID` when the existing dvc.yaml does not parse
 */
export function writeStage(tree: Tree, options: { dvcYaml: string; spec: StageSpec; ifExists: 'keep' | 'overwrite' | 'error' }): WriteStageOutcome {
  const { dvcYaml, spec } = options;
  try {
    validateStageName(spec.name);
  } catch (e) {
    throw nxDvcError('NX_DVC_STAGE_INVALID', `stage name '${spec.name}' is invalid: stage names cannot contain punctuation characters`, {
      hint: "use letters, digits, '_' and '-'",
      exitCode: EXIT.USAGE,
      cause: e,
    });
  }
  const cmdEmpty = Array.isArray(spec.cmd) ? spec.cmd.length === 0 || spec.cmd.some((c) => !c.trim()) : !spec.cmd.trim();
  if (cmdEmpty) throw nxDvcError('NX_DVC_STAGE_INVALID', `stage '${spec.name}' has no command`, { hint: 'pass --cmd "<command>"', exitCode: EXIT.USAGE });
  const dir = posix.dirname(dvcYaml);
  const cachedOuts = (spec.outs ?? [])
    .map(outSpec)
    .filter((o) => o.cache)
    .map((o) => posix.normalize(dir === '.' ? o.path : `${dir}/${o.path}`).replace(/\/+$/, ''));
  const text = tree.exists(dvcYaml) ? (tree.read(dvcYaml, 'utf-8') ?? '') : undefined;
  const existing = text?.trim() ? parsePipeline({ text, file: `./${dvcYaml}` }).data.get('stages') : undefined;
  const exists = existing instanceof Map && existing.has(spec.name);
  if (exists && options.ifExists === 'keep') return { action: 'kept', cachedOuts };
  const written = writeStageToPipeline({ text, file: posix.basename(dvcYaml), stage: stageDefinition(tree, dvcYaml, spec) });
  if (written.text === text) return { action: 'unchanged', cachedOuts };
  if (exists && options.ifExists === 'error') {
    throw nxDvcError('NX_DVC_STAGE_INVALID', `stage '${spec.name}' already exists in '${dvcYaml}' with a different definition`, {
      hint: 'pass --force to overwrite it',
      exitCode: EXIT.USAGE,
      data: { stage: spec.name, file: dvcYaml },
    });
  }
  tree.write(dvcYaml, written.text);
  return { action: written.action, cachedOuts };
}

/**
 * Replaces the `deps` of stage `name` in dvc.yaml text, keeping everything else (templates,
 * comments). A file in DVC's own layout is re-dumped with `@momo/dvc`'s emitter; any other file is
 * edited through the `yaml` document model, which keeps comments.
 */
export function replaceStageDeps(text: string, file: string, name: string, deps: string[]): string {
  const data = parsePipeline({ text, file: `./${file}` }).data;
  const stages = data.get('stages') as Map<string, YamlValue>;
  const stage = stages.get(name) as Map<string, YamlValue>;
  const canonical = dumpYaml(data) === text;
  if (canonical) {
    if (deps.length) {
      if (stage.has('deps')) stage.set('deps', deps);
      else {
        // DVC's key order: desc, cmd, wdir, deps, ...
        const entries = [...stage.entries()];
        const at = entries.findIndex(([k]) => !['desc', 'cmd', 'wdir'].includes(k));
        entries.splice(at < 0 ? entries.length : at, 0, ['deps', deps]);
        stage.clear();
        for (const [k, v] of entries) stage.set(k, v);
      }
    } else stage.delete('deps');
    return dumpYaml(data);
  }
  const doc = parseDocument(text);
  if (deps.length) doc.setIn(['stages', name, 'deps'], deps);
  else doc.deleteIn(['stages', name, 'deps']);
  return doc.toString({ indentSeq: false, lineWidth: 0 });
}

/** The deps a stage should have: hand-written ones (not matching any pattern) plus the expansion. */
export function syncedDeps(current: readonly string[], patterns: readonly string[], expansion: readonly string[]): string[] {
  const norm = (p: string) => p.replace(/\/+$/, '');
  const manual = current.filter((d) => !patterns.some((p) => globMatches(p, norm(d))));
  return [...new Set([...manual, ...expansion])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
