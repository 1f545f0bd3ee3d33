import type { DefineCommand } from '../cli.js';
import { action, globals } from '../command-kit.js';
import { ExitWith } from '../main.js';
import { createInterface } from 'node:readline/promises';

export const define: DefineCommand = (program, io) => {
  program
    .command('gc')
    .description('Garbage collect unused objects from the cache')
    .option('-w, --workspace', 'keep data files used in the current workspace')
    .option('-a, --all-branches', 'keep data files for the tips of all Git branches')
    .option('-T, --all-tags', 'keep data files for all Git tags')
    .option('-A, --all-commits', 'keep data files for all Git commits')
    .option('--rev <rev>', 'keep data files used in this Git revision')
    .option('-f, --force', 'force garbage collection - automatically agree to all prompts')
    .option('--dry', 'only print what would have been removed')
    .option('-c, --cloud', 'collect garbage in remote storage in addition to local cache')
    .option('-r, --remote <name>', 'remote storage to collect garbage in')
    .option('--not-in-remote', 'keep only cache files that are not in the remote')
    .option('-q, --quiet', 'be quiet')
    .action(
      action('uncaught', async (flags: { workspace?: boolean; allBranches?: boolean; allTags?: boolean; allCommits?: boolean; rev?: string; force?: boolean; dry?: boolean; cloud?: boolean; remote?: string; notInRemote?: boolean }, cmd) => {
        const [{ gc }, { isMomoError }] = await Promise.all([import('@momo/dvc/api/gc'), import('@momo/errors')]);
        const quiet = globals(cmd).quiet;
        let warned = false;
        const warn = (w: string) => {
          if (!warned && !quiet) io.err(`WARNING: ${w}\n`);
          warned = true;
        };
        try {
          const r = await gc({
            cwd: io.cwd,
            env: io.env,
            workspace: flags.workspace,
            allBranches: flags.allBranches,
            allTags: flags.allTags,
            allCommits: flags.allCommits,
            revs: flags.rev ? [flags.rev] : undefined,
            force: flags.force,
            dry: flags.dry,
            cloud: flags.cloud,
            remote: flags.remote,
            notInRemote: flags.notInRemote,
            confirm: async (q) => {
              if (!process.stdin.isTTY) {
                io.out(`${q} [y/n]: `);
                return false;
              }
              const rl = createInterface({ input: process.stdin, output: process.stdout });
              const a = await rl.question(`${q} [y/n]: `);
              rl.close();
              return /^y(es)?$/i.test(a.trim());
            },
          });
          warn(r.warning);
          if (quiet) return;
          io.out(r.removed.repo.length ? `Removed ${r.removed.repo.length} objects from repo cache.\n` : "No unused 'repo' cache to remove.\n");
          io.out(r.removed.legacy.length ? `Removed ${r.removed.legacy.length} objects from legacy cache.\n` : "No unused 'legacy' cache to remove.\n");
          // momo only (DVC counts these as objects): leftovers of killed writes, never printed when none
          if (r.leftoverTemps) io.out(`Removed ${r.leftoverTemps} temp file${r.leftoverTemps === 1 ? '' : 's'} of interrupted writes from the cache.\n`);
          if (r.remote) {
            for (const part of [r.remote.repo, r.remote.legacy]) io.out(part.length ? `Removed ${part.length} objects from remote.\n` : 'No unused cache to remove from remote.\n');
          }
        } catch (e) {
          if (isMomoError(e, 'GC_NOT_CONFIRMED')) {
            warn((e as unknown as { warning: string }).warning);
            throw new ExitWith(1);
          }
          throw e;
        }
      }),
    );
};
