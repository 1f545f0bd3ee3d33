import { relative } from 'node:path';
import type { DefineCommand } from '../cli.js';
import { action, globals, gitAddHint, progressPrinter } from '../command-kit.js';

export const define: DefineCommand = (program, io) => {
  program
    .command('add')
    .description('Track data files or directories with DVC (writes <target>.dvc next to each target)')
    .argument('<targets...>', 'input files/directories to add')
    .option('--no-commit', "don't put files/directories into cache")
    .option('--glob', 'allows targets containing shell-style wildcards')
    .option('-o, --out <path>', 'destination path to put the (external) target into')
    .option('-j, --jobs <n>', 'number of threads for hashing', (v) => Number(v))
    .option('-q, --quiet', 'be quiet')
    .option('-v, --verbose', 'be verbose')
    .action(
      action('catching', async (targets: string[], flags: { commit: boolean; glob?: boolean; jobs?: number; out?: string }, cmd) => {
        const { add } = await import('@momo/dvc/api/add');
        const g = globals(cmd);
        const progress = progressPrinter(io, g.quiet);
        const r = await add({
          cwd: io.cwd,
          env: io.env,
          targets,
          noCommit: !flags.commit,
          glob: flags.glob,
          out: flags.out,
          jobs: flags.jobs,
          onProgress: progress ? (e) => progress(`Adding ${e.target}`, e.done, e.total) : undefined,
        });
        for (const w of r.warnings) io.err(`WARNING: ${w}\n`);
        if (!g.quiet && !r.autostaged) gitAddHint(io, r.gitFiles.map((f) => relative(io.cwd, f) || '.'));
      }),
    );
};

