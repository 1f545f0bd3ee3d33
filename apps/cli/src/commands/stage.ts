import type { DefineCommand } from '../cli.js';
import { action, globals, gitAddHint } from '../command-kit.js';
import { renderTable } from './table.js';
import { relFiles } from './pipeline-kit.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** `momo stage list` / `momo stage add` (dvc/commands/stage.py). */
export const define: DefineCommand = (program, io) => {
  const stage = program.command('stage').description('Commands to list and create stages');
  stage
    .command('list')
    .description('List stages')
    .argument('[targets...]', "stages or dvc.yaml files ('dvc.yaml' in the CWD by default)")
    .option('--all', 'list all stages in the repository')
    .option('-R, --recursive', 'list all stages inside the specified directory')
    .option('--name-only, --names-only', 'list only stage names')
    .option('-q, --quiet', 'be quiet')
    .action(
      action('uncaught', async (targets: string[], flags: { all?: boolean; recursive?: boolean; nameOnly?: boolean; namesOnly?: boolean }) => {
        const { stageList } = await import('@momo/dvc/api/stage');
        const list = await stageList({ cwd: io.cwd, env: io.env, targets, all: flags.all, recursive: flags.recursive, nameOnly: flags.nameOnly || flags.namesOnly });
        if (!list.length) return;
        io.out(renderTable(undefined, list.map((s) => (s.description ? [s.name, s.description] : [s.name]))) + '\n');
      }),
    );
  stage
    .command('add')
    .description('Create stage')
    .requiredOption('-n, --name <name>', 'name of the stage to add')
    .option('-f, --force', 'overwrite existing stage')
    .option('-d, --deps <path>', 'declare dependencies for reproducible cmd', collect)
    .option('-p, --params <[file:]params>', 'declare parameter to use as additional dependency', collect)
    .option('-o, --outs <path>', 'declare output file or directory', collect)
    .option('-O, --outs-no-cache <path>', 'declare output file or directory (do not put into DVC cache)', collect)
    .option('--outs-persist <path>', 'declare output that will not be removed upon repro', collect)
    .option('--outs-persist-no-cache <path>', 'declare output that will not be removed upon repro (not cached)', collect)
    .option('-m, --metrics <path>', 'declare output metrics file', collect)
    .option('-M, --metrics-no-cache <path>', 'declare output metrics file (do not put into DVC cache)', collect)
    .option('--plots <path>', 'declare output plot file', collect)
    .option('--plots-no-cache <path>', 'declare output plot file (do not put into DVC cache)', collect)
    .option('-w, --wdir <path>', 'directory within your repo to run your command in')
    .option('--always-changed', 'always consider this stage as changed')
    .option('--desc <text>', 'user description of the stage')
    .option('-q, --quiet', 'be quiet')
    .argument('<command...>', 'command to execute')
    .allowUnknownOption()
    .action(
      action('uncaught', async (words: string[], flags: Record<string, unknown>, cmd) => {
        const { stageAdd, joinCommand } = await import('@momo/dvc/api/stage');
        const r = await stageAdd({
          cwd: io.cwd,
          env: io.env,
          name: String(flags.name),
          cmd: joinCommand(words),
          force: Boolean(flags.force),
          deps: flags.deps as string[] | undefined,
          params: flags.params as string[] | undefined,
          outs: flags.outs as string[] | undefined,
          outsNoCache: flags.outsNoCache as string[] | undefined,
          outsPersist: flags.outsPersist as string[] | undefined,
          outsPersistNoCache: flags.outsPersistNoCache as string[] | undefined,
          metrics: flags.metrics as string[] | undefined,
          metricsNoCache: flags.metricsNoCache as string[] | undefined,
          plots: flags.plots as string[] | undefined,
          plotsNoCache: flags.plotsNoCache as string[] | undefined,
          wdir: flags.wdir as string | undefined,
          alwaysChanged: Boolean(flags.alwaysChanged),
          desc: flags.desc as string | undefined,
        });
        if (globals(cmd).quiet) return;
        io.out(`${r.message}\n`);
        if (!r.autostaged) gitAddHint(io, relFiles(io, r.gitFiles));
      }),
    );
};
