import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MomoError } from '@momo/errors';
import type { CodeSymbol, ImportRef } from '@momo/kb';
import type { DocsFile, DocsInput } from './plan-docs.js';
import type { PipelineStageDoc } from './types.js';

/** Options of {@link loadDocsInput}. */
export interface LoadDocsInputOptions {
  /** Absolute path of an exported knowledge base (`data/knowledge-base`). */
  kbDir: string;
  /** Pipeline stages to document (loaded by the caller). @default [] */
  pipelines?: PipelineStageDoc[];
}

function fail(message: string, hint: string, data: Record<string, unknown>): MomoError {
  return new MomoError('DOCS_INPUT_INVALID', message, { hint, data });
}

/**
 * Reads what the pages are built from out of an exported knowledge base: modules (through
 * `KnowledgeBase.load`), file records with their imports, symbols, the code graph the manifest
 * points at (`../graphs`) and the chunk vectors (`../vectors`), when present.
 * @throws DOCS_INPUT_INVALID when the manifest names no graph (the pages could not be checked),
 *   and the KB/graph/vector-store errors for damaged directories.
 */
export async function loadDocsInput(options: LoadDocsInputOptions): Promise<DocsInput> {
  const kbDir = resolve(options.kbDir);
  const { KnowledgeBase, KB_FILES_FILE, KB_MANIFEST_FILE } = await import('@momo/kb');
  const kb = await KnowledgeBase.load(kbDir);
  try {
    const manifest = JSON.parse(readFileSync(join(kbDir, KB_MANIFEST_FILE), 'utf8')) as {
      params: Record<string, unknown>;
      counts: Record<string, number>;
      graphs: string | null;
      vectors: string | null;
    };
    const files = new Map<string, DocsFile>();
    const text = readFileSync(join(kbDir, KB_FILES_FILE), 'utf8');
    for (const line of text.split('\n')) {
      if (!line) continue;
      const f = JSON.parse(line) as { path: string; language: string; hash: string; lines: number; module: string; imports?: ImportRef[] };
      files.set(f.path, { path: f.path, language: f.language, hash: f.hash, lines: f.lines, module: f.module, imports: f.imports ?? [] });
    }
    const symbols = new Map<string, CodeSymbol[]>();
    for (const p of files.keys()) symbols.set(p, kb.getSymbols(p));
    if (!manifest.graphs) {
      throw fail(`'${kbDir}' has no code graph (its manifest's "graphs" is null)`, 'build the graph with the KB (kb.buildGraphs before kb.exportKnowledge), e.g. by running the kb-ingest stage', { kbDir });
    }
    const graphDir = resolve(kbDir, manifest.graphs);
    const { readGraphDir } = await import('@momo/graph-store');
    const graph = readGraphDir(graphDir) as { nodes: Array<{ id: string }> };
    const graphNodes = new Set(graph.nodes.map((n) => n.id));
    let vectors: DocsInput['vectors'];
    if (manifest.vectors) {
      const vdir = resolve(kbDir, manifest.vectors);
      if (existsSync(join(vdir, 'manifest.json'))) {
        const { readVectorDir } = await import('@momo/vector-store');
        const v = readVectorDir(vdir);
        if (v.manifest.dimension > 0 && v.ids.length) vectors = { ids: v.ids, data: v.vectors, dimension: v.manifest.dimension };
      }
    }
    return {
      modules: kb.getModules(),
      files,
      symbols,
      graphNodes,
      vectors,
      pipelines: options.pipelines ?? [],
      kb: { params: manifest.params, counts: manifest.counts },
    };
  } finally {
    await kb.close();
  }
}
