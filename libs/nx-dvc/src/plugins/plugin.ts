/**
 * The Nx plugin: infers DVC targets for every project that has a `dvc.yaml` (createNodes, Nx 24's
 * V2 signature, also exported as `createNodesV2` for Nx 21–23) and project-graph edges from the DVC
 * graph (createDependencies).
 *
 * Modelled on Nx `packages/vite/src/plugins/plugin.ts` (glob + per-file results, memoised by
 * content hash, partial results on errors).
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  AggregateCreateNodesError,
  DependencyType,
  logger,
  type CreateDependencies,
  type CreateNodes,
  type CreateNodesResult,
  type CreateNodesResultArray,
  type RawProjectGraphDependency,
} from '@nx/devkit';
import { isMomoError, MomoError } from '@momo/errors';
import { computeStageEdges, type StageEdge } from './dvc-graph.js';
import { normalizePluginOptions, type NormalizedPluginOptions, type NxDvcPluginOptions } from './options.js';
import { parsePipelineInfo, type PipelineInfo } from './pipelines.js';
import { resolveProjectName } from './project-name.js';
import { buildPipelineTargets, buildProjectTargets, dirOf, type PathKind } from './targets.js';

/** The glob the plugin claims. */
export const DVC_YAML_GLOB = '**/dvc.yaml';

/** The plugin's name as Nx prints it. */
export const PLUGIN_NAME = '@momo/nx-dvc';

interface MemoEntry {
  textHash: string;
  vars: Array<[string, string]>;
  info: PipelineInfo;
}

const memo = new Map<string, MemoEntry>();

function sha1(data: string | Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}

function fileHash(abs: string): string {
  try {
    return sha1(readFileSync(abs));
  } catch {
    // a vars file that does not exist (yet): its absence is part of the key
    return '-';
  }
}

/**
 * Parses a dvc.yaml (workspace-relative), reusing the previous result while the file and every
 * vars/params file its templating read have the same content.
 */
export function readPipelineMemo(workspaceRoot: string, file: string): PipelineInfo {
  const text = readFileSync(join(workspaceRoot, file), 'utf8');
  const textHash = sha1(text);
  const key = `${workspaceRoot}\0${file}`;
  const hit = memo.get(key);
  if (hit && hit.textHash === textHash && hit.vars.every(([f, h]) => fileHash(join(workspaceRoot, f)) === h)) return hit.info;
  const info = parsePipelineInfo({ workspaceRoot, file, text });
  memo.set(key, { textHash, vars: info.varsFiles.map((f) => [f, fileHash(join(workspaceRoot, f))]), info });
  return info;
}

/** File-system facts for target inputs, asked once per path per run. */
function kindOfIn(workspaceRoot: string): PathKind {
  const seen = new Map<string, 'file' | 'dir' | undefined>();
  return (path) => {
    if (seen.has(path)) return seen.get(path);
    const st = statSync(join(workspaceRoot, path), { throwIfNoEntry: false });
    const kind = st ? (st.isDirectory() ? 'dir' : 'file') : undefined;
    seen.set(path, kind);
    return kind;
  };
}

/** Project roots that reach each other through cross-project stage edges (Tarjan's SCCs). */
function cyclicGroups(edges: readonly StageEdge[]): Map<string, Set<string>> {
  const adj = new Map<string, Set<string>>();
  for (const e of edges) {
    const a = dirOf(e.from.file);
    const b = dirOf(e.to.file);
    if (a === b) continue;
    if (!adj.has(a)) adj.set(a, new Set());
    adj.get(a)!.add(b);
    if (!adj.has(b)) adj.set(b, new Set());
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups = new Map<string, Set<string>>();
  let counter = 0;
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of adj.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const members = new Set<string>();
      for (;;) {
        const w = stack.pop()!;
        onStack.delete(w);
        members.add(w);
        if (w === v) break;
      }
      if (members.size > 1) for (const m of members) groups.set(m, members);
    }
  };
  for (const v of [...adj.keys()].sort()) if (!index.has(v)) visit(v);
  return groups;
}

/** An error as Nx prints it for a file: the message, then momo's hint. */
function forNx(file: string, e: unknown): Error {
  if (isMomoError(e)) {
    const err = new MomoError(e.code, e.hint ? `${e.message}\nhint: ${e.hint}` : e.message, { data: { ...e.data, file }, exitCode: e.exitCode, cause: e });
    return err;
  }
  return e instanceof Error ? e : new Error(String(e));
}

/** Everything the plugin knows about the workspace's pipelines. */
export interface WorkspacePipelines {
  /** parsed pipelines of Nx projects, by dvc.yaml path */
  pipelines: PipelineInfo[];
  /** project name by project root */
  names: Map<string, string>;
  /** files that failed to parse, with their errors */
  errors: Array<[string, Error]>;
  edges: StageEdge[];
}

/** Reads every dvc.yaml that sits in an Nx project and computes the DVC graph's edges. */
export function readWorkspacePipelines(workspaceRoot: string, files: readonly string[]): WorkspacePipelines {
  const names = new Map<string, string>();
  const pipelines: PipelineInfo[] = [];
  const errors: Array<[string, Error]> = [];
  for (const file of [...files].sort()) {
    const root = dirOf(file);
    const name = resolveProjectName(workspaceRoot, root);
    if (!name) continue;
    names.set(root, name);
    try {
      pipelines.push(readPipelineMemo(workspaceRoot, file));
    } catch (e) {
      errors.push([file, forNx(file, e)]);
    }
  }
  return { pipelines, names, errors, edges: computeStageEdges(pipelines) };
}

/** The targets of every project, given what {@link readWorkspacePipelines} found. */
export function computeNodes(workspaceRoot: string, ws: WorkspacePipelines, options: NormalizedPluginOptions): CreateNodesResultArray {
  const groups = cyclicGroups(ws.edges);
  const kindOf = kindOfIn(workspaceRoot);
  const edgesFrom = new Map<string, StageEdge[]>();
  for (const e of ws.edges) {
    const list = edgesFrom.get(e.from.file);
    if (list) list.push(e);
    else edgesFrom.set(e.from.file, [e]);
  }
  const rootOfName = new Map([...ws.names].map(([root, name]) => [name, root]));
  const results: CreateNodesResultArray = [];
  for (const pipeline of ws.pipelines) {
    const root = pipeline.dir;
    const group = groups.get(root);
    const targets = buildProjectTargets({
      projectRoot: root,
      pipeline,
      edges: edgesFrom.get(pipeline.file) ?? [],
      projectNameOf: (r) => ws.names.get(r),
      cyclicWith: { has: (name) => group !== undefined && group.has(rootOfName.get(name) ?? '\0') },
      options,
      kindOf,
    });
    const result: CreateNodesResult = { projects: { [root]: { name: ws.names.get(root), targets } } };
    results.push([pipeline.file, result]);
  }
  return results;
}

/**
 * `createNodes` (Nx 24 signature `[glob, (files, options, context) => results]`): one project per
 * `dvc.yaml` that has a sibling `project.json` or `package.json`.
 *
 * An invalid dvc.yaml is reported per file: by default through `AggregateCreateNodesError`, whose
 * partial result carries every other project's targets; with `invalidPipelines: 'warn'` as a
 * logged warning, the project keeping its whole-pipeline targets.
 */
export const createNodes: CreateNodes<NxDvcPluginOptions> = [
  DVC_YAML_GLOB,
  (files, rawOptions, context) => {
    const options = normalizePluginOptions(rawOptions);
    const ws = readWorkspacePipelines(context.workspaceRoot, files);
    const results = computeNodes(context.workspaceRoot, ws, options);
    if (!ws.errors.length) return results;
    if (options.invalidPipelines === 'error') throw new AggregateCreateNodesError(ws.errors, results);
    for (const [file, e] of ws.errors) {
      logger.warn(`${PLUGIN_NAME}: ${file} is invalid, its project gets no stage targets until it is fixed:\n${e.message}`);
      const root = dirOf(file);
      results.push([file, { projects: { [root]: { name: ws.names.get(root), targets: buildPipelineTargets(root, file, options) } } }]);
    }
    return results;
  },
];

/** Alias of {@link createNodes} for Nx 21–23, which look for `createNodesV2`. */
export const createNodesV2 = createNodes;

/**
 * Project-graph edges from the DVC graph: project A depends on project B when a stage of A reads an
 * output of a stage of B. The edge is `static`, with A's dvc.yaml as its source file.
 */
export const createDependencies: CreateDependencies<NxDvcPluginOptions> = (_options, context) => {
  const rootToName = new Map<string, string>();
  const files: string[] = [];
  for (const [name, project] of Object.entries(context.projects)) {
    const root = project.root || '.';
    const file = root === '.' ? 'dvc.yaml' : `${root}/dvc.yaml`;
    if (!statSync(join(context.workspaceRoot, file), { throwIfNoEntry: false })?.isFile()) continue;
    rootToName.set(root, name);
    files.push(file);
  }
  const pipelines: PipelineInfo[] = [];
  for (const file of files.sort()) {
    try {
      pipelines.push(readPipelineMemo(context.workspaceRoot, file));
    } catch {
      // createNodes already reported this file; it contributes no edges
    }
  }
  const deps = new Map<string, RawProjectGraphDependency>();
  for (const e of computeStageEdges(pipelines)) {
    const source = rootToName.get(dirOf(e.from.file));
    const target = rootToName.get(dirOf(e.to.file));
    if (!source || !target || source === target) continue;
    const key = `${source}\0${target}`;
    if (!deps.has(key)) deps.set(key, { source, target, type: DependencyType.static, sourceFile: e.from.file });
  }
  return [...deps.values()];
};
