import { relative, resolve, sep } from 'node:path';
import { withOperation } from '@momo/errors';
import { loadDocsInput } from './load-docs-input.js';
import { planDocs } from './plan-docs.js';
import type { PageResult, PipelineStageDoc } from './types.js';
import { writePages } from './write-pages.js';

/** Options of {@link generateDocs}. */
export interface GenerateDocsOptions {
  /** Repository root (absolute); page links are relative to it. */
  root: string;
  /** Exported knowledge base, absolute or relative to `root`. @default 'data/knowledge-base' */
  kbDir?: string;
  /** Output directory, absolute or relative to `root`. @default 'docs/generated' */
  outDir?: string;
  /** Pipeline stages to document (the caller loads dvc.yaml files and their metrics). @default [] */
  pipelines?: PipelineStageDoc[];
  /** Cosine similarity (centred) two modules need to be listed as related. @default 0.1 */
  similarityThreshold?: number;
  /** Related modules per page. @default 5 */
  relatedLimit?: number;
  /** Title of the index page. */
  title?: string;
}

/** Result of {@link generateDocs}. */
export interface GenerateDocsResult {
  /** Absolute output directory. */
  outDir: string;
  /** Every page with whether it was rewritten, sorted by file name. */
  pages: PageResult[];
  written: number;
  unchanged: number;
  /** Stale generated pages deleted. */
  removed: string[];
  /** Symbol, file and module references the pages make, all checked against the code graph. */
  references: number;
}

/**
 * Generates one Markdown page per module of an exported knowledge base, plus `index.md`: purpose,
 * public API with signatures and doc comments, a Mermaid dependency graph, files, pipelines with
 * current metric values, and related modules. Same inputs give the same bytes; only pages whose
 * content changed are rewritten.
 *
 * @throws DOCS_REFERENCE_UNRESOLVED, DOCS_INPUT_INVALID, DOCS_PARAM_INVALID, and KB_NOT_FOUND /
 *   KB_CORRUPT for a missing or damaged knowledge base.
 * @example
 * const r = await generateDocs({ root: '/repo', pipelines });
 * console.log(`${r.written} pages written, ${r.unchanged} unchanged`);
 */
export async function generateDocs(options: GenerateDocsOptions): Promise<GenerateDocsResult> {
  return withOperation('generateDocs', async () => {
    const root = resolve(options.root);
    const kbDir = resolve(root, options.kbDir ?? 'data/knowledge-base');
    const outDir = resolve(root, options.outDir ?? 'docs/generated');
    const input = await loadDocsInput({ kbDir, pipelines: options.pipelines });
    const outRel = relative(root, outDir).split(sep).join('/');
    const planned = planDocs(input, {
      outDir: outRel,
      similarityThreshold: options.similarityThreshold,
      relatedLimit: options.relatedLimit,
      title: options.title,
    });
    const w = writePages(outDir, planned.pages);
    return {
      outDir,
      pages: w.pages,
      written: w.pages.filter((p) => p.status === 'written').length,
      unchanged: w.pages.filter((p) => p.status === 'unchanged').length,
      removed: w.removed,
      references: planned.references,
    };
  });
}
