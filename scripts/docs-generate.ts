/**
 * Pipeline stage `docs-generate` (the seed's Phase 5.2): one Markdown page per module of the
 * knowledge base plus an index, written by @momo/docs into --out. Pages name only symbols, files
 * and modules of the code graph; their pipelines sections show the stages of the given dvc.yaml
 * files with the current values of their metrics files (which are therefore dependencies of this
 * stage). Only pages whose bytes change are rewritten (the output is `persist: true`).
 *
 * Usage: node scripts/dist/docs-generate.js [--kb data/knowledge-base] [--out docs/generated]
 *          [--params params.yaml] [--pipelines dvc.yaml,libs/x/dvc.yaml] [--title TEXT]
 */
import { resolve } from 'node:path';
import { readKbParams } from './lib/kb-params.js';
import { loadPipelineDocs } from './lib/pipelines.js';
import { assertBuildFresh, runScript } from './lib/run-script.js';
import { parseScriptArgs } from './lib/script-args.js';

const USAGE = 'node scripts/dist/docs-generate.js [--kb data/knowledge-base] [--out docs/generated] [--params params.yaml] [--pipelines a/dvc.yaml,b/dvc.yaml] [--title TEXT]';

runScript(async () => {
  assertBuildFresh();
  const args = parseScriptArgs(process.argv.slice(2), ['kb', 'out', 'params', 'pipelines', 'title'], USAGE);
  const root = process.cwd();
  const params = readKbParams(resolve(root, args.flags.get('params') ?? 'params.yaml'));
  const pipelineFiles = (args.flags.get('pipelines') ?? '').split(',').filter(Boolean);
  const pipelines = await loadPipelineDocs(root, pipelineFiles);
  const { generateDocs } = await import('@momo/docs');
  const started = performance.now();
  const r = await generateDocs({
    root,
    kbDir: args.flags.get('kb') ?? 'data/knowledge-base',
    outDir: args.flags.get('out') ?? 'docs/generated',
    pipelines,
    similarityThreshold: params.similarityThreshold,
    title: args.flags.get('title'),
  });
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `docs-generate: ${r.pages.length} pages (${r.written} written, ${r.unchanged} unchanged${r.removed.length ? `, ${r.removed.length} removed` : ''}), ` +
      `${r.references} code-graph references checked, in ${seconds.toFixed(1)} s\n`,
  );
  for (const p of r.pages) if (p.status === 'written') process.stdout.write(`  wrote ${p.path}\n`);
});
