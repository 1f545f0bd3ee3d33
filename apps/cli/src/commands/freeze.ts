import type { DefineCommand } from '../cli.js';
import { action, globals, EXIT } from '../command-kit.js';
import { ExitWith } from '../main.js';

/** `momo freeze` / `momo unfreeze` (dvc/commands/freeze.py): per-target errors, exit 1 if any failed. */
export const define: DefineCommand = (program, io) => {
  for (const [name, frozen] of [['freeze', true], ['unfreeze', false]] as const) {
    program
      .command(name)
      .description(`${frozen ? 'Freeze' : 'Unfreeze'} stages or .dvc files`)
      .argument('<targets...>', `stages or .dvc files to ${name}`)
      .option('-q, --quiet', 'be quiet')
      .action(
        action('catching', async (targets: string[], _flags: unknown, cmd) => {
          const { freeze } = await import('@momo/dvc/api/stage');
          const quiet = globals(cmd).quiet;
          const r = await freeze({ cwd: io.cwd, env: io.env, targets, frozen });
          let failed = false;
          for (const x of r.results) {
            if (x.ok) {
              if (!quiet) for (const m of x.messages) io.out(`${m}\n`);
            } else {
              failed = true;
              io.err(`ERROR: failed to ${name} '${x.target}' - ${(x.error as Error).message}\n`);
            }
          }
          if (failed) throw new ExitWith(EXIT.FAILED);
        }),
      );
  }
};
