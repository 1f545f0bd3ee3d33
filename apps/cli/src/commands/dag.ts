import type { DefineCommand } from '../cli.js';
import { action } from '../command-kit.js';

/** `momo dag` (dvc/commands/dag.py): `--mermaid`/`--md`/`--dot` exactly as DVC; the default drawing is momo's own. */
export const define: DefineCommand = (program, io) => {
  program
    .command('dag')
    .description('Visualize the pipeline DAG')
    .argument('[target]', 'stage or output to show the pipeline for (its upstream)')
    .option('--dot', 'print DAG with .dot format')
    .option('--mermaid', 'print DAG with mermaid format')
    .option('--md', 'print DAG with mermaid format wrapped in Markdown block')
    .option('--full', 'show the full pipeline the target belongs to, not only its ancestors')
    .option('-o, --outs', 'print output files instead of stages')
    .option('-q, --quiet', 'be quiet')
    .action(
      action('uncaught', async (target: string | undefined, flags: { dot?: boolean; mermaid?: boolean; md?: boolean; full?: boolean; outs?: boolean }) => {
        const { dag, renderDagDot, renderDagMermaid, renderDagAscii } = await import('@momo/dvc/api/dag');
        const d = await dag({ cwd: io.cwd, env: io.env, target, full: flags.full, outs: flags.outs });
        if (flags.dot) io.out(renderDagDot(d) + '\n');
        else if (flags.mermaid || flags.md) io.out(renderDagMermaid(d, Boolean(flags.md)) + '\n');
        else io.out(renderDagAscii(d));
      }),
    );
};
