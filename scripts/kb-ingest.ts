/**
 * Pipeline stage `kb-ingest` (the seed's Phase 5.1): ingests the given source directories into a
 * knowledge base and writes the three artifacts DVC tracks:
 *   <out>/knowledge-base/  modules, files, symbols, chunks (canonical JSON / JSON Lines)
 *   <out>/vectors/         chunk embeddings (float32 matrix + ids)
 *   <out>/graphs/          the code graph (modules, files, symbols; contains/imports/calls/depends-on)
 * Params come from params.yaml `kb_config` (embedding_model, chunk_size, overlap_size). Same
 * sources and params give the same bytes, so `repro` after an unchanged run is a no-op.
 *
 * Usage: node scripts/dist/kb-ingest.js [--out data] [--params params.yaml] <dir>...
 */
import { join, resolve } from 'node:path';
import { EXIT, MomoError } from '@momo/errors';
import { readKbParams } from './lib/kb-params.js';
import { assertBuildFresh, runScript } from './lib/run-script.js';
import { parseScriptArgs } from './lib/script-args.js';

const USAGE = 'node scripts/dist/kb-ingest.js [--out data] [--params params.yaml] <dir>...';

runScript(async () => {
  assertBuildFresh();
  const args = parseScriptArgs(process.argv.slice(2), ['out', 'params'], USAGE);
  if (!args.positional.length) {
    throw new MomoError('USAGE_INVALID', 'no source directory given', { hint: `usage: ${USAGE}`, exitCode: EXIT.USAGE });
  }
  const root = process.cwd();
  const out = resolve(root, args.flags.get('out') ?? 'data');
  const params = readKbParams(resolve(root, args.flags.get('params') ?? 'params.yaml'));
  const { KnowledgeBase } = await import('@momo/kb');
  const started = performance.now();
  const kb = new KnowledgeBase({
    root,
    chunkSize: params.chunkSize,
    overlap: params.overlap,
    embeddingModel: params.embeddingModel,
    // the artifacts are output, never input: a second run must see the same tree
    exclude: [out],
  });
  let problems = 0;
  const failures: string[] = [];
  for (const dir of args.positional) {
    const r = await kb.ingest({ path: dir });
    problems += r.problems.length;
    for (const f of r.failures) failures.push(`${f.path}: ${f.message}`);
  }
  await kb.buildVectors(join(out, 'vectors'));
  await kb.buildGraphs(join(out, 'graphs'));
  await kb.exportKnowledge(join(out, 'knowledge-base'));
  const modules = kb.getModules();
  const seconds = (performance.now() - started) / 1000;
  const files = modules.reduce((n, m) => n + m.files.length, 0);
  process.stdout.write(
    `kb-ingest: ${args.positional.join(', ')} -> ${kb.getChunks().length} chunks from ${files} module files in ${modules.length} modules ` +
      `(chunk_size ${params.chunkSize}, overlap ${params.overlap}, ${params.embeddingModel}) in ${seconds.toFixed(1)} s\n`,
  );
  if (problems) process.stdout.write(`kb-ingest: ${problems} syntax problem(s) (the files are indexed with what the parser recovered)\n`);
  for (const f of failures) process.stderr.write(`WARNING: could not parse ${f}\n`);
  await kb.close();
});
