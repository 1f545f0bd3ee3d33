import { relative } from 'node:path';
import type { DefineCommand } from '../cli.js';
import { action, globals, gitAddHint } from '../command-kit.js';

export const define: DefineCommand = (program, io) => {
  program
    .command('remove')
    .description('Remove .dvc files (stop tracking data); the cache is kept')
    .argument('<targets...>', '.dvc files to remove')
    .option('--outs', 'remove outputs as well')
    .option('-q, --quiet', 'be quiet')
    .action(
      action('catching', async (targets: string[], flags: { outs?: boolean }, cmd) => {
        const { remove } = await import('@momo/dvc/api/remove');
        const r = await remove({ cwd: io.cwd, env: io.env, targets, outs: flags.outs });
        if (!globals(cmd).quiet) gitAddHint(io, r.gitignores.map((f) => relative(io.cwd, f)));
      }),
    );
};
