import type { DefineCommand } from '../cli.js';
import { action, globals } from '../command-kit.js';
import { ttyConfirm } from './pipeline-kit.js';
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
      action('catching', async (targets: string[], flags: { force?: boolean; relink: boolean; jobs?: number }, cmd) => {
        const { commit } = await import('@momo/dvc/api/commit');
        // DVC commits the targets one by one and stops at the first failure (dvc/commands/commit.py)
        for (const target of targets.length ? targets : [undefined]) {
          const r = await withPrefix(target === undefined ? 'failed to commit' : `failed to commit ${target}`, () =>
            commit({ cwd: io.cwd, env: io.env, targets: target === undefined ? undefined : [target], force: flags.force, noRelink: !flags.relink, jobs: flags.jobs, confirm: ttyConfirm(io) }),
          );
          // pipeline stages: "Updating lock file 'dvc.lock'" (dvc/dvcfile.py::Lockfile.dump_stages)
          if (!globals(cmd).quiet) for (const m of r.messages ?? []) io.out(`${m}\n`);
        }
      }),
    );
};
