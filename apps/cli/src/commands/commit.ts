import type { DefineCommand } from '../cli.js';
import { action } from '../command-kit.js';
import { withPrefix } from '../prefix.js';

export const define: DefineCommand = (program, io) => {
  program
    .command('commit')
    .description('Record changes to files or directories tracked by DVC by storing the current versions in the cache')
    .argument('[targets...]', '.dvc files, stages or paths to commit')
    .option('-f, --force', 'commit data even if hash values for dependencies or outputs did not change')
    .option('--no-relink', "don't recreate links from cache to workspace")
    .option('-j, --jobs <n>', 'number of threads for hashing', (v) => Number(v))
    .option('-q, --quiet', 'be quiet')
    .action(
      action('catching', async (targets: string[], flags: { force?: boolean; relink: boolean; jobs?: number }) => {
        const { commit } = await import('@momo/dvc/api/commit');
        await withPrefix('failed to commit', () =>
          commit({ cwd: io.cwd, env: io.env, targets: targets.length ? targets : undefined, force: flags.force, noRelink: !flags.relink, jobs: flags.jobs }),
        );
      }),
    );
};
