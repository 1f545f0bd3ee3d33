import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXIT, MomoError } from '@momo/errors';
import type { IngestResult, KbModule, KnowledgeBase, ModuleGraphResult, SearchHit } from '@momo/kb';
import type { DefineCommand } from '../cli.js';
import { action, globals, progressPrinter } from '../command-kit.js';
import type { Io } from '../io.js';

/** Default artifact directory (the seed's `data/` with knowledge-base/, vectors/, graphs/). */
export const DEFAULT_KB_OUT = 'data';

function intFlag(name: string, min: number) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      throw new MomoError('USAGE_INVALID_VALUE', `argument ${name}: invalid value '${v}' (expected an integer >= ${min})`, { exitCode: EXIT.USAGE });
    }
    return n;
  };
}

/** The knowledge-base directory for `--kb`: either the directory itself or one holding `knowledge-base/`. */
export function resolveKbDir(cwd: string, kb: string): string {
  const abs = resolve(cwd, kb);
  if (existsSync(join(abs, 'manifest.json'))) return abs;
  if (existsSync(join(abs, 'knowledge-base', 'manifest.json'))) return join(abs, 'knowledge-base');
  throw new MomoError('KB_NOT_FOUND', `'${kb}' is not a knowledge base (no manifest.json in it or in '${join(kb, 'knowledge-base')}')`, {
    hint: 'build one with `momo kb ingest [root] --out <dir>` and pass that <dir> to --kb',
    data: { kb },
  });
}

async function openKb(io: Io, kb: string): Promise<KnowledgeBase> {
  const { KnowledgeBase } = await import('@momo/kb');
  return KnowledgeBase.load(resolveKbDir(io.cwd, kb));
}

/** One line per hit: `path:start-end  symbol  [module]  score`. */
export function renderHits(hits: SearchHit[]): string {
  if (!hits.length) return 'No matches.\n';
  let out = '';
  for (const h of hits) {
    const where = `${h.path}:${h.startLine}-${h.endLine}`;
    const sym = h.symbol ? `  ${h.symbol}` : '';
    const mod = h.module ? `  [${h.module}]` : h.type === 'document' ? `  (document ${h.id})` : '';
    out += `${h.score.toFixed(3)}  ${where}${sym}${mod}\n`;
  }
  return out;
}

/** The JSON shape of a hit: repo-relative path, lines, score, and symbol/module when known. */
export function hitToJson(h: SearchHit): Record<string, unknown> {
  const o: Record<string, unknown> = { id: h.id, type: h.type, path: h.path, startLine: h.startLine, endLine: h.endLine, score: h.score };
  if (h.symbol) o.symbol = h.symbol;
  if (h.kind) o.kind = h.kind;
  if (h.module) o.module = h.module;
  return o;
}

/** A table of modules: name, kind, language, files, dependencies. */
export function renderModules(modules: KbModule[]): string {
  if (!modules.length) return 'No modules.\n';
  const rows = modules.map((m) => [m.name, m.kind, m.language, String(m.files.length), m.root || '.', m.dependencies.join(', ') || '-']);
  const head = ['module', 'kind', 'language', 'files', 'root', 'depends on'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}\n`;
  return line(head) + rows.map(line).join('');
}

/** A module's dependency neighbourhood as text. */
export function renderModuleGraph(g: ModuleGraphResult): string {
  let out = `${g.module.name} (${g.module.kind}, ${g.module.language}, ${g.module.files.length} files, ${g.module.root || '.'})\n`;
  if (g.module.description) out += `  ${g.module.description}\n`;
  const list = (title: string, items: Array<{ name: string; depth: number }>) => {
    out += `${title}:\n`;
    if (!items.length) out += '  (none)\n';
    for (const i of items) out += `  ${'  '.repeat(i.depth - 1)}${i.name}${i.depth > 1 ? ` (${i.depth} hops)` : ''}\n`;
  };
  list('depends on', g.dependencies);
  list('used by', g.dependents);
  if (g.module.externalDependencies.length) out += `external packages:\n${g.module.externalDependencies.map((e) => `  ${e}\n`).join('')}`;
  if (g.entryFiles.length) out += `entry files (imported from other modules):\n${g.entryFiles.map((e) => `  ${e.path} (${e.importedBy})\n`).join('')}`;
  return out;
}

function renderIngest(r: IngestResult, chunks: number, out: string): string {
  const skipped = Object.entries(r.skipped.counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  let s = `Ingested ${r.files} files (${r.parsed} parsed, ${r.reused} unchanged, ${r.removed} removed) into ${chunks} chunks across ${r.modules.length} modules.\n`;
  if (skipped) s += `Skipped: ${skipped}.\n`;
  if (r.problems.length) s += `${r.problems.length} syntax problem(s), e.g. ${r.problems[0].path}:${r.problems[0].line}: ${r.problems[0].message}\n`;
  for (const f of r.failures) s += `WARNING: '${f.path}' could not be parsed: ${f.message}\n`;
  s += `Wrote ${out}/knowledge-base, ${out}/vectors and ${out}/graphs.\n`;
  return s;
}

export const define: DefineCommand = (program, io) => {
  const kb = program.command('kb').description('Code knowledge base: ingest a monorepo, search it, inspect its modules (momo extension)');

  kb.command('ingest')
    .description('Ingest a repository into knowledge-base, vectors and graphs artifacts')
    .argument('[root]', 'repository root to ingest', '.')
    .option('-o, --out <dir>', 'artifact directory (gets knowledge-base/, vectors/, graphs/)', DEFAULT_KB_OUT)
    .option('--chunk-size <n>', 'maximum characters per chunk', intFlag('--chunk-size', 50))
    .option('--overlap <n>', 'characters repeated between windows of a long declaration', intFlag('--overlap', 0))
    .option('--max-file-bytes <n>', 'skip files larger than this', intFlag('--max-file-bytes', 1))
    .option('--embedding-model <name>', "'hash-v1' (built in), 'none', or a local ONNX model directory")
    .option('--full', 'ignore the previous artifacts and parse every file again')
    .option('--json', 'print the ingestion summary as JSON')
    .action(
      action('catching', async (root: string, flags: { out: string; chunkSize?: number; overlap?: number; maxFileBytes?: number; embeddingModel?: string; full?: boolean; json?: boolean }, cmd) => {
        const { KnowledgeBase } = await import('@momo/kb');
        const rootAbs = resolve(io.cwd, root);
        const outAbs = resolve(io.cwd, flags.out);
        const kbDir = join(outAbs, 'knowledge-base');
        const progress = progressPrinter(io, globals(cmd).quiet || Boolean(flags.json));
        const options = {
          root: rootAbs,
          chunkSize: flags.chunkSize,
          overlap: flags.overlap,
          maxFileBytes: flags.maxFileBytes,
          embeddingModel: flags.embeddingModel,
          // the artifacts of this run are output, not input: a re-run must see the same tree
          exclude: [outAbs],
          onProgress: progress ? (e: { phase: string; done: number; total: number }) => progress(e.phase, e.done, e.total) : undefined,
        };
        let base: KnowledgeBase | undefined;
        if (!flags.full && existsSync(join(kbDir, 'manifest.json'))) {
          // reuse unchanged files' parses when the previous run used the same params
          const prev = await KnowledgeBase.load(kbDir, options).catch(() => undefined);
          if (prev) {
            const fresh = new KnowledgeBase(options);
            const same = JSON.stringify(fresh.describeParams()) === JSON.stringify(prev.describeParams());
            base = same ? prev : undefined;
          }
        }
        const kbase = base ?? new KnowledgeBase(options);
        const r = await kbase.ingest();
        await kbase.buildVectors(join(outAbs, 'vectors'));
        await kbase.buildGraphs(join(outAbs, 'graphs'));
        await kbase.exportKnowledge(kbDir);
        const chunks = kbase.getChunks().length;
        if (flags.json) {
          io.out(
            `${JSON.stringify(
              { files: r.files, parsed: r.parsed, reused: r.reused, removed: r.removed, chunks, modules: r.modules, skipped: r.skipped.counts, problems: r.problems, failures: r.failures },
              null,
              2,
            )}\n`,
          );
        } else if (!globals(cmd).quiet) io.err(renderIngest(r, chunks, flags.out));
        await kbase.close();
      }),
    );

  kb.command('search')
    .description('Search the knowledge base (hybrid BM25 + vectors + code structure)')
    .argument('<query>', 'what you are looking for, in words or identifiers')
    .option('--kb <dir>', 'knowledge-base directory (or the --out directory of ingest)', DEFAULT_KB_OUT)
    .option('-n, --limit <n>', 'maximum number of hits', intFlag('--limit', 1), 10)
    .option('--threshold <score>', 'minimum score', (v) => Number(v))
    .option('-m, --module <name>', 'only hits from this module')
    .option('--bm25', 'plain BM25 ranking (the baseline), no vectors or structure')
    .option('--json', 'print hits as JSON')
    .action(
      action('catching', async (query: string, flags: { kb: string; limit: number; threshold?: number; module?: string; bm25?: boolean; json?: boolean }) => {
        if (flags.threshold !== undefined && Number.isNaN(flags.threshold)) {
          throw new MomoError('USAGE_INVALID_VALUE', 'argument --threshold: expected a number', { exitCode: EXIT.USAGE });
        }
        const base = await openKb(io, flags.kb);
        const hits = await base.search(query, {
          limit: flags.limit,
          threshold: flags.threshold,
          filters: flags.module ? { 'custom.module': flags.module } : undefined,
          mode: flags.bm25 ? 'bm25' : 'hybrid',
        });
        io.out(flags.json ? `${JSON.stringify(hits.map(hitToJson), null, 2)}\n` : renderHits(hits));
        await base.close();
      }),
    );

  kb.command('modules')
    .description('List the modules of the knowledge base with their dependencies')
    .option('--kb <dir>', 'knowledge-base directory (or the --out directory of ingest)', DEFAULT_KB_OUT)
    .option('--json', 'print modules as JSON')
    .action(
      action('catching', async (flags: { kb: string; json?: boolean }) => {
        const base = await openKb(io, flags.kb);
        const modules = base.getModules();
        io.out(
          flags.json
            ? `${JSON.stringify(modules.map(({ files, ...m }) => ({ ...m, files: files.length })), null, 2)}\n`
            : renderModules(modules),
        );
        await base.close();
      }),
    );

  kb.command('graph')
    .description("Show a module's dependencies and dependents")
    .argument('<module>', 'module name (or package name, or root directory)')
    .option('--kb <dir>', 'knowledge-base directory (or the --out directory of ingest)', DEFAULT_KB_OUT)
    .option('--depth <n>', 'hops to follow (default: all)', intFlag('--depth', 1))
    .option('--json', 'print the graph as JSON')
    .action(
      action('catching', async (name: string, flags: { kb: string; depth?: number; json?: boolean }) => {
        const base = await openKb(io, flags.kb);
        const g = await base.moduleGraph(name, { depth: flags.depth });
        if (flags.json) {
          const { files, ...module } = g.module;
          io.out(`${JSON.stringify({ ...g, module: { ...module, files: files.length } }, null, 2)}\n`);
        } else io.out(renderModuleGraph(g));
        await base.close();
      }),
    );

  kb.command('freeze')
    .description('Freeze the knowledge base as recorded in git at --rev into a verified bundle with a manifest, for an installer')
    .requiredOption('--rev <rev>', 'git revision (tag) whose dvc.lock / .dvc files record the knowledge base, e.g. v1.0.0')
    .requiredOption('-o, --out <dir>', 'bundle directory (replaced when it already holds a bundle)')
    .option('--kb <path>', 'the knowledge-base output (repo-relative)', `${DEFAULT_KB_OUT}/knowledge-base`)
    .option('-r, --remote <name>', 'remote to take objects from when the cache lacks them (default: the default remote)')
    .option('--json', 'print the bundle manifest summary as JSON')
    .action(
      action('catching', async (flags: { rev: string; out: string; kb: string; remote?: string; json?: boolean }, cmd) => {
        const { freezeKnowledgeBase } = await import('./kb-freeze.js');
        const res = await freezeKnowledgeBase({ cwd: io.cwd, env: io.env, rev: flags.rev, out: flags.out, kb: flags.kb, remote: flags.remote });
        if (flags.json) {
          io.out(`${JSON.stringify({ dir: res.dir, source: res.manifest.source, momo_version: res.manifest.momo_version, outs: res.manifest.outs, files: res.manifest.files.length, bytes: res.bytes, fromCache: res.fromCache, fromRemote: res.fromRemote }, null, 2)}\n`);
        } else if (!globals(cmd).quiet) {
          io.err(`Froze ${res.manifest.outs.map((o) => o.path).join(', ')} at ${flags.rev} (${res.manifest.source.commit.slice(0, 12)}): ${res.manifest.files.length} files, ${res.bytes} bytes verified (${res.fromCache} from the cache, ${res.fromRemote} from the remote) into ${flags.out}\n`);
        }
      }),
    );
};
