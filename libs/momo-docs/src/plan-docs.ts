import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { MomoError } from '@momo/errors';
import type { CodeSymbol, ImportRef, KbModule } from '@momo/kb';
import { anchorOf, cell, code, codeBlock, docText, hrefTo, int, languageName, pageSlug, summaryOf } from './markdown.js';
import { computePublicApi, type PublicApi } from './public-api.js';
import { computeRelatedModules, type ChunkVectors, type RelatedModule } from './related-modules.js';
import type { MetricValue, PipelineStageDoc } from './types.js';

/** A file of the knowledge base as the docs need it. */
export interface DocsFile {
  path: string;
  language: string;
  /** sha256 of the content (hex), from the knowledge base. */
  hash: string;
  lines: number;
  module: string;
  imports: ImportRef[];
}

/** Everything the pages are built from; read from the exported KB by {@link loadDocsInput}. */
export interface DocsInput {
  /** Modules, sorted by name. */
  modules: KbModule[];
  /** Files by repo-relative path. */
  files: Map<string, DocsFile>;
  /** Symbols by file, in file order. */
  symbols: Map<string, CodeSymbol[]>;
  /** Node ids of the code graph (`module:<name>`, `file:<path>`, `symbol:<id>`); every reference must be one. */
  graphNodes: Set<string>;
  /** Chunk embeddings; without them there is no "related modules" section. */
  vectors?: ChunkVectors;
  /** Pipeline stages (all dvc.yaml files the caller loaded). */
  pipelines: PipelineStageDoc[];
  /** The knowledge base's manifest params and counts, shown on the index. */
  kb: { params: Record<string, unknown>; counts: Record<string, number> };
}

/** Options of {@link planDocs}. */
export interface PlanDocsOptions {
  /** Repo-relative POSIX directory the pages will be written to (for relative links). */
  outDir: string;
  /** Cosine similarity (centred) a module pair needs to be "related". @default 0.1 */
  similarityThreshold?: number;
  /** Related modules listed per page. @default 5 */
  relatedLimit?: number;
  /** Title of the index page. @default 'Module documentation' */
  title?: string;
}

/** Result of {@link planDocs}: page contents by file name, and the references checked. */
export interface PlannedDocs {
  pages: Map<string, { module?: string; content: string }>;
  /** Number of graph references the pages make (all resolved). */
  references: number;
}

const KIND_NAMES: Record<string, string> = { lib: 'library', app: 'application', package: 'package' };

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function digest(items: string[]): string {
  const h = createHash('sha256');
  for (const i of items) h.update(i).update('\n');
  return h.digest('hex').slice(0, 16);
}

/** Content digest of a set of files: sha256 over their sorted `path\0sha256` lines (16 hex digits). */
export function sourceRevision(paths: string[], files: Map<string, DocsFile>): string {
  return digest([...paths].sort(cmp).map((p) => `${p}\0${files.get(p)?.hash ?? ''}`));
}

/** Records every graph node a page names, so that none can be left unresolved. */
class References {
  readonly ids = new Set<string>();
  constructor(
    private readonly nodes: Set<string>,
    private readonly page: string,
    private readonly missing: Array<{ page: string; id: string }>,
  ) {}
  private use(id: string): void {
    this.ids.add(id);
    if (!this.nodes.has(id)) this.missing.push({ page: this.page, id });
  }
  module(name: string): string {
    this.use(`module:${name}`);
    return name;
  }
  file(path: string): string {
    this.use(`file:${path}`);
    return path;
  }
  symbol(s: CodeSymbol): CodeSymbol {
    this.use(`symbol:${s.id}`);
    return s;
  }
}

/** Repo-relative POSIX path of a stage path written relative to the stage's wdir. */
export function repoPath(wdir: string, p: string): string {
  const joined = posix.normalize(posix.join(wdir || '.', p));
  return joined === '.' ? '' : joined.replace(/\/$/, '');
}

function under(path: string, dir: string): boolean {
  return dir === '' || path === dir || path.startsWith(`${dir}/`);
}

/** Which module's root contains a repo-relative path (deepest root wins). */
function owningModule(modules: KbModule[], path: string): KbModule | undefined {
  let best: KbModule | undefined;
  for (const m of modules) if (under(path, m.root) && (!best || m.root.length > best.root.length)) best = m;
  return best;
}

function metricValue(v: MetricValue['value']): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 1e6) / 1e6);
  return String(v);
}

interface ModuleModel {
  module: KbModule;
  slug: string;
  api: PublicApi;
  related: RelatedModule[];
  defined: PipelineStageDoc[];
  reading: Array<{ stage: PipelineStageDoc; deps: string[] }>;
  revision: string;
}

/**
 * Plans the documentation pages from knowledge-base data: pure (no I/O), deterministic (the same
 * input gives the same bytes), and checked: every symbol, file and module a page names is a node of
 * the code graph, or planning fails with `DOCS_REFERENCE_UNRESOLVED`.
 */
export function planDocs(input: DocsInput, options: PlanDocsOptions): PlannedDocs {
  const threshold = options.similarityThreshold ?? 0.1;
  const limit = options.relatedLimit ?? 5;
  if (!Number.isFinite(threshold) || threshold < -1 || threshold > 1) {
    throw new MomoError('DOCS_PARAM_INVALID', `similarity threshold must be a number in [-1, 1], got ${threshold}`, {
      hint: 'set kb_config.similarity_threshold in params.yaml to a value such as 0.1',
      data: { threshold },
    });
  }
  const outDir = options.outDir.replace(/\/+$/, '');
  const modules = [...input.modules].sort((a, b) => cmp(a.name, b.name));
  const slugs = new Map<string, string>();
  const taken = new Set(['index']);
  for (const m of modules) {
    let s = pageSlug(m.name);
    for (let n = 2; taken.has(s); n++) s = `${pageSlug(m.name)}-${n}`;
    taken.add(s);
    slugs.set(m.name, s);
  }
  const moduleOfPath = new Map<string, string>();
  for (const m of modules) for (const f of m.files) moduleOfPath.set(f, m.name);
  const related = input.vectors
    ? computeRelatedModules({ vectors: input.vectors, moduleOfPath, modules: modules.map((m) => m.name), threshold, limit })
    : undefined;

  const models: ModuleModel[] = modules.map((m) => {
    const defined = input.pipelines.filter((s) => owningModule(modules, posix.dirname(s.file) === '.' ? '' : posix.dirname(s.file))?.name === m.name && m.root !== '');
    const reading: ModuleModel['reading'] = [];
    for (const s of input.pipelines) {
      if (defined.includes(s)) continue;
      const deps = s.deps.filter((d) => {
        const p = repoPath(s.wdir, d);
        return m.root !== '' && (under(m.root, p) || under(p, m.root));
      });
      if (deps.length) reading.push({ stage: s, deps });
    }
    return {
      module: m,
      slug: slugs.get(m.name)!,
      api: computePublicApi(m, input.files, input.symbols),
      related: related?.get(m.name) ?? [],
      defined,
      reading,
      revision: sourceRevision(m.files, input.files),
    };
  });

  const missing: Array<{ page: string; id: string }> = [];
  const pages = new Map<string, { module?: string; content: string }>();
  let references = 0;
  for (const model of models) {
    const name = `${model.slug}.md`;
    const refs = new References(input.graphNodes, name, missing);
    pages.set(name, { module: model.module.name, content: renderModulePage(model, input, { outDir, slugs, refs, threshold, hasVectors: Boolean(input.vectors) }) });
    references += refs.ids.size;
  }
  const indexRefs = new References(input.graphNodes, 'index.md', missing);
  pages.set('index.md', { content: renderIndexPage(models, input, { outDir, slugs, refs: indexRefs, title: options.title ?? 'Module documentation' }) });
  references += indexRefs.ids.size;
  if (missing.length) {
    const shown = missing.slice(0, 10).map((m) => `  ${m.page}: ${m.id}`);
    throw new MomoError('DOCS_REFERENCE_UNRESOLVED', `${missing.length} reference(s) of the generated pages are not in the code graph:\n${shown.join('\n')}`, {
      hint: 'rebuild the knowledge base and its graph together (the kb-ingest stage writes both), then generate the docs again',
      data: { missing: missing.slice(0, 100) },
    });
  }
  return { pages, references };
}

interface RenderContext {
  outDir: string;
  slugs: Map<string, string>;
  refs: References;
}

const HEADER = '<!-- Generated by @momo/docs from the knowledge base (data/knowledge-base). Do not edit: re-run the docs-generate stage. -->\n';

/** The first line every generated page starts with; the writer only ever deletes files that start with it. */
export const GENERATED_MARKER = HEADER.trimEnd();

function moduleLink(ctx: RenderContext, name: string): string {
  ctx.refs.module(name);
  const slug = ctx.slugs.get(name);
  return slug ? `[${name}](${slug}.md)` : code(name);
}

function fileLink(ctx: RenderContext, path: string, label = path, line?: number): string {
  ctx.refs.file(path);
  return `[${code(label)}](${hrefTo(ctx.outDir, path, line)})`;
}

function relPath(root: string, path: string): string {
  return root && path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
}

function mermaidId(i: number): string {
  return `m${i}`;
}

function mermaidLabel(name: string): string {
  return `"${name.replace(/"/g, '#quot;')}"`;
}

/** A Mermaid flowchart of the given modules and `depends-on` edges (`a --> b`: a imports b). */
function mermaidGraph(names: string[], edges: Array<[string, string]>, focus?: string): string {
  const sorted = [...new Set(names)].sort(cmp);
  const id = new Map(sorted.map((n, i) => [n, mermaidId(i)]));
  let s = 'graph LR\n';
  for (const n of sorted) s += `  ${id.get(n)}[${mermaidLabel(n)}]\n`;
  for (const [a, b] of [...edges].sort((x, y) => cmp(x[0], y[0]) || cmp(x[1], y[1]))) s += `  ${id.get(a)} --> ${id.get(b)}\n`;
  if (focus && id.has(focus)) s += `  style ${id.get(focus)} stroke-width:3px\n`;
  return codeBlock('mermaid', s);
}

function renderStage(s: PipelineStageDoc, level: string): string {
  let out = `${level} ${code(`${s.file}:${s.name}`)}\n\n`;
  if (s.desc) out += `${docText(s.desc)}\n\n`;
  out += `- cmd: ${code(s.cmd)}\n`;
  if (s.wdir) out += `- wdir: ${code(s.wdir)}\n`;
  if (s.deps.length) out += `- deps: ${s.deps.map(code).join(', ')}\n`;
  if (s.params.length) out += `- params: ${s.params.map(code).join(', ')}\n`;
  const outs = s.outs.filter((o) => o.kind !== 'metrics');
  if (outs.length) out += `- outs: ${outs.map((o) => code(o.path) + (o.persist ? ' (persist)' : '') + (o.cache ? '' : ' (not cached)')).join(', ')}\n`;
  const metrics = s.outs.filter((o) => o.kind === 'metrics');
  if (metrics.length) out += `- metrics: ${metrics.map((o) => code(o.path)).join(', ')}\n`;
  out += '\n';
  for (const m of s.metrics) {
    if (m.values) {
      out += `Current values of ${code(m.path)}:\n\n| metric | value |\n| --- | --- |\n`;
      for (const v of m.values) out += `| ${cell(v.key)} | ${cell(metricValue(v.value))} |\n`;
      out += '\n';
    } else {
      out += `No values for ${code(m.path)}: ${m.error ?? 'not produced yet'}.\n\n`;
    }
  }
  return out;
}

function renderSymbol(ctx: RenderContext, input: DocsInput, s: CodeSymbol, root: string): string {
  ctx.refs.symbol(s);
  ctx.refs.file(s.path);
  const lang = s.path.endsWith('.py') ? 'python' : 'ts';
  let out = `#### ${code(s.qualifiedName)}\n\n`;
  out += `${s.kind} in [${code(relPath(root, s.path))}](${hrefTo(ctx.outDir, s.path, s.startLine)}) (line ${s.startLine})\n\n`;
  out += codeBlock(lang, s.signature);
  if (s.doc) out += `\n${docText(s.doc)}\n`;
  const members = (input.symbols.get(s.path) ?? []).filter((x) => x.parent === s.qualifiedName && x.exported && x.kind !== 'section');
  if (members.length) {
    out += '\n| member | signature | summary |\n| --- | --- | --- |\n';
    for (const m of members) {
      ctx.refs.symbol(m);
      out += `| [${cell(code(m.name))}](${hrefTo(ctx.outDir, m.path, m.startLine)}) | ${cell(code(m.signature))} | ${cell(m.doc ? summaryOf(m.doc) : '')} |\n`;
    }
  }
  return `${out}\n`;
}

function renderModulePage(model: ModuleModel, input: DocsInput, opts: RenderContext & { threshold: number; hasVectors: boolean }): string {
  const ctx: RenderContext = opts;
  const m = model.module;
  ctx.refs.module(m.name);
  const lines = m.files.reduce((n, p) => n + (input.files.get(p)?.lines ?? 0), 0);
  let out = `${HEADER}\n# ${m.name}\n\n`;
  out += `| | |\n| --- | --- |\n`;
  out += `| root | ${code(m.root ? `${m.root}/` : './')} |\n`;
  out += `| kind | ${KIND_NAMES[m.kind] ?? m.kind} (detected from ${code(m.source)}) |\n`;
  out += `| language | ${languageName(m.language)} |\n`;
  out += `| files | ${int(m.files.length)} (${int(lines)} lines) |\n`;
  if (m.aliases.length) out += `| published as | ${m.aliases.map(code).join(', ')} |\n`;
  out += `| source revision | ${code(model.revision)} (sha256 of the module's file paths and contents) |\n\n`;

  // ---- purpose
  out += '## Purpose\n\n';
  const docFiles = m.files.filter((p) => /(^|\/)(momo|readme)\.md$/i.test(p) && posix.dirname(p) === (m.root || '.'));
  if (m.description) out += `${docText(m.description)}\n\n`;
  const sections = docFiles.flatMap((p) => (input.symbols.get(p) ?? []).filter((s) => s.kind === 'section'));
  if (sections.length) {
    out += `Sections of ${docFiles.map((p) => fileLink(ctx, p, relPath(m.root, p))).join(' and ')}:\n\n`;
    for (const s of sections) {
      const depth = s.qualifiedName.split(' > ').length;
      if (depth > 2) continue;
      ctx.refs.symbol(s);
      out += `${'  '.repeat(depth - 1)}- [${cell(s.name)}](${hrefTo(ctx.outDir, s.path, s.startLine)})\n`;
    }
    out += '\n';
  }
  if (!m.description && !sections.length) {
    out += `${m.name} has no README, momo.md or package description. What it offers is its public API below`;
    const entries = model.api.entries;
    out += entries.length ? `, exported from ${entries.map((e) => fileLink(ctx, e, relPath(m.root, e))).join(', ')}.\n\n` : '.\n\n';
  }

  // ---- public API
  out += '## Public API\n\n';
  const api = model.api;
  if (!api.symbols.length) {
    out += 'The module exports no symbols.\n\n';
  } else {
    out += api.entries.length
      ? `${int(api.symbols.length)} symbols exported through ${api.entries.map((e) => fileLink(ctx, e, relPath(m.root, e))).join(', ')}, by file:\n\n`
      : `${int(api.symbols.length)} exported top-level symbols of its non-test files, by file:\n\n`;
    let current = '';
    for (const s of api.symbols) {
      if (s.path !== current) {
        current = s.path;
        ctx.refs.file(s.path);
        out += `### ${code(relPath(m.root, s.path))}\n\n`;
      }
      out += renderSymbol(ctx, input, s, m.root);
    }
  }

  // ---- dependencies
  out += '## Dependencies\n\n';
  const names = [m.name, ...m.dependencies, ...m.dependents];
  const edges: Array<[string, string]> = [...m.dependencies.map((d) => [m.name, d] as [string, string]), ...m.dependents.map((d) => [d, m.name] as [string, string])];
  for (const n of names) ctx.refs.module(n);
  if (m.dependencies.length || m.dependents.length) {
    out += `An arrow means "imports from" (edges \`depends-on\` of the code graph).\n\n`;
    out += `${mermaidGraph(names, edges, m.name)}\n`;
  }
  out += `- depends on: ${m.dependencies.length ? m.dependencies.map((d) => moduleLink(ctx, d)).join(', ') : 'no other module'}\n`;
  out += `- used by: ${m.dependents.length ? m.dependents.map((d) => moduleLink(ctx, d)).join(', ') : 'no other module'}\n`;
  if (m.externalDependencies.length) out += `- external packages: ${m.externalDependencies.map(code).join(', ')}\n`;
  out += '\n';

  // ---- files
  out += '## Files\n\n| file | language | lines | symbols |\n| --- | --- | ---: | ---: |\n';
  for (const p of m.files) {
    const f = input.files.get(p);
    const n = (input.symbols.get(p) ?? []).length;
    out += `| ${cell(fileLink(ctx, p, relPath(m.root, p)))} | ${languageName(f?.language ?? 'unknown')} | ${int(f?.lines ?? 0)} | ${int(n)} |\n`;
  }
  out += '\n';

  // ---- pipelines
  out += '## Pipelines\n\n';
  if (!model.defined.length && !model.reading.length) out += 'No pipeline stage is defined in this module or reads it.\n\n';
  if (model.defined.length) {
    out += `Stages defined in this module:\n\n`;
    for (const s of model.defined) out += renderStage(s, '###');
  }
  if (model.reading.length) {
    out += 'Stages elsewhere that read this module:\n\n| stage | through | outputs |\n| --- | --- | --- |\n';
    for (const { stage, deps } of model.reading) {
      const outs = stage.outs.map((o) => code(o.path)).join(', ');
      out += `| [${cell(code(`${stage.file}:${stage.name}`))}](index.md#${anchorOf(`${stage.file}:${stage.name}`)}) | ${cell(deps.map(code).join(', '))} | ${cell(outs)} |\n`;
    }
    out += '\n';
  }

  // ---- related
  out += '## Related modules\n\n';
  if (!opts.hasVectors) out += 'The knowledge base has no vectors (embedding_model `none`), so similarity is unknown.\n';
  else if (!model.related.length) out += `No other module reaches the similarity threshold (${opts.threshold}).\n`;
  else {
    out += `By cosine similarity of the modules' mean chunk embeddings (centred; threshold ${opts.threshold}):\n\n| module | similarity |\n| --- | ---: |\n`;
    for (const r of model.related) out += `| ${moduleLink(ctx, r.name)} | ${r.similarity.toFixed(3)} |\n`;
  }
  return out;
}

function renderIndexPage(models: ModuleModel[], input: DocsInput, ctx: RenderContext & { title: string }): string {
  const allFiles = [...input.files.keys()];
  let out = `${HEADER}\n# ${ctx.title}\n\n`;
  const c = input.kb.counts;
  out += `Built from a knowledge base of ${int(c.files ?? 0)} files, ${int(c.symbols ?? 0)} symbols and ${int(c.chunks ?? 0)} chunks`;
  out += ` in ${int(models.length)} modules (source revision ${code(sourceRevision(allFiles, input.files))}: sha256 of every file's path and content).\n\n`;
  const params = Object.keys(input.kb.params).sort(cmp);
  if (params.length) out += `Knowledge-base params: ${params.map((k) => code(`${k}=${String(input.kb.params[k])}`)).join(', ')}.\n\n`;

  out += '## Modules\n\n| module | kind | language | files | public symbols | summary |\n| --- | --- | --- | ---: | ---: | --- |\n';
  for (const mm of models) {
    const m = mm.module;
    ctx.refs.module(m.name);
    const summary = m.description ? summaryOf(m.description) : '';
    out += `| [${cell(m.name)}](${mm.slug}.md) | ${KIND_NAMES[m.kind] ?? m.kind} | ${languageName(m.language)} | ${int(m.files.length)} | ${int(mm.api.symbols.length)} | ${cell(summary)} |\n`;
  }
  out += '\n## Module dependencies\n\n';
  const edges: Array<[string, string]> = [];
  for (const mm of models) for (const d of mm.module.dependencies) edges.push([mm.module.name, d]);
  for (const mm of models) ctx.refs.module(mm.module.name);
  if (edges.length) out += `An arrow means "imports from".\n\n${mermaidGraph(models.map((mm) => mm.module.name), edges)}\n`;
  else out += 'No module imports another.\n\n';

  const outside = allFiles.filter((p) => !input.files.get(p)?.module).sort(cmp);
  if (outside.length) {
    out += '## Files outside every module\n\n';
    for (const p of outside) out += `- ${fileLink(ctx, p)}\n`;
    out += '\n';
  }

  out += '## Pipelines\n\n';
  if (!input.pipelines.length) out += 'No dvc.yaml was given to the generator.\n';
  for (const s of input.pipelines) {
    const owner = models.find((mm) => mm.defined.includes(s));
    out += renderStage(s, '###');
    if (owner) out += `Defined in module ${moduleLink(ctx, owner.module.name)}.\n\n`;
  }
  return out.replace(/\n+$/, '\n');
}
