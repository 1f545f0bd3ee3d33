import type { DefineCommand } from '../cli.js';
import { action, globals, gitAddHint, EXIT } from '../command-kit.js';
import { createReproPrinter, relFiles, ttyConfirm } from './pipeline-kit.js';

interface ReproFlags {
  force?: boolean;
  interactive?: boolean;
  singleItem?: boolean;
  pipeline?: boolean;
  allPipelines?: boolean;
  recursive?: boolean;
  downstream?: boolean;
  forceDownstream?: boolean;
  allowMissing?: boolean;
  dry?: boolean;
  keepGoing?: boolean;
  ignoreErrors?: boolean;
  glob?: boolean;
  commit: boolean;
  runCache: boolean;
  jobs?: number;
}

/**
 * `momo repro` (dvc/commands/repro.py): DVC's flags and messages; `-j N` is a momo extension
 * (independent stages in parallel, output grouped per stage).
 */
export const define: DefineCommand = (program, io) => {
  program
    .command('repro')
    .description('Reproduce complete or partial pipelines by executing their stages')
    .argument('[targets...]', "stages to reproduce ('dvc.yaml' by default): stage names, dvc.yaml/.dvc paths, or file:stage")
    .option('-f, --force', 'reproduce even if dependencies were not changed')
    .option('-i, --interactive', 'ask for confirmation before reproducing each stage')
    .option('-s, --single-item', 'reproduce only single data item without recursive dependencies check')
    .option('-p, --pipeline', 'reproduce the whole pipeline that the specified targets belong to')
    .option('-P, --all-pipelines', 'reproduce all pipelines in the repo')
    .option('-R, --recursive', 'reproduce all stages in the specified directory')
    .option('--downstream', 'start from the specified stages when reproducing pipelines')
    .option('--force-downstream', 'reproduce all descendants of a changed stage even if their direct dependencies didn\'t change')
    .option('--allow-missing', 'skip stages with missing data but no other changes')
    .option('--dry', 'only print the commands that would be executed without actually executing')
    .option('-k, --keep-going', 'continue executing, skipping stages having dependencies on the failed stages')
    .option('--ignore-errors', 'ignore errors from stages')
    .option('--glob', 'allows targets containing shell-style wildcards')
    .option('--no-commit', "don't put files/directories into cache")
    .option('--no-run-cache', "execute stage commands even if they have already been run with the same command/dependencies/outputs/etc before")
    .option('-j, --jobs <n>', 'momo extension: run up to N independent stages at once', (v) => Number(v))
    .option('-q, --quiet', 'be quiet')
    .option('-v, --verbose', 'be verbose')
    .action(
      action('uncaught', async (targets: string[], flags: ReproFlags, cmd) => {
        const { repro } = await import('@momo/dvc/api/repro');
        const g = globals(cmd);
        if (flags.jobs !== undefined && (!Number.isInteger(flags.jobs) || flags.jobs < 1)) {
          const { MomoError } = await import('@momo/errors');
          throw new MomoError('USAGE_INVALID', `argument -j/--jobs: invalid positive int value: '${flags.jobs}'`, { hint: 'pass a whole number >= 1', exitCode: EXIT.USAGE });
        }
        const grouped = (flags.jobs ?? 1) > 1;
        const onEvent = createReproPrinter(io, { quiet: g.quiet, grouped });
        const r = await repro({
          cwd: io.cwd,
          env: io.env,
          targets: targets.length ? targets : undefined,
          force: flags.force,
          interactive: flags.interactive,
          confirm: ttyConfirm(io),
          singleItem: flags.singleItem,
          pipeline: flags.pipeline,
          allPipelines: flags.allPipelines,
          recursive: flags.recursive,
          downstream: flags.downstream,
          forceDownstream: flags.forceDownstream,
          allowMissing: flags.allowMissing,
          dry: flags.dry,
          keepGoing: flags.keepGoing,
          ignoreErrors: flags.ignoreErrors,
          glob: flags.glob,
          noCommit: !flags.commit,
          noRunCache: !flags.runCache,
          jobs: flags.jobs,
          output: grouped ? 'events' : 'inherit',
          onEvent,
          commandLine: ['momo', ...process.argv.slice(2)].join(' '),
        });
        if (g.quiet) return;
        if (!r.autostaged) gitAddHint(io, relFiles(io, r.gitFiles));
        io.out(r.stages.length ? 'Use `dvc push` to send your updates to remote storage.\n' : 'Data and pipelines are up to date.\n');
      }),
    );
};
