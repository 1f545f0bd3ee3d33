import type { DefineCommand } from '../cli.js';
import { action, globals, EXIT } from '../command-kit.js';
import { ExitWith } from '../main.js';

/** Renders DVC's text status (dvc/commands/status.py::_show): TAB per level, `status:` padded to 20. */
export function renderStatus(stages: Record<string, unknown[]>): string {
  let out = '';
  const leaf = (indent: string, st: string, path: string) => `${indent}${(st + ':').padEnd(20)}${path}\n`;
  const nested = (obj: Record<string, unknown>, indent: string) => {
    for (const [path, v] of Object.entries(obj)) {
      if (typeof v === 'string') out += leaf(indent, v, path);
      else {
        out += `${indent}${path}:\n`;
        nested(v as Record<string, unknown>, indent + '\t');
      }
    }
  };
  for (const [stage, list] of Object.entries(stages)) {
    out += `${stage}:\n`;
    for (const item of list) {
      if (typeof item === 'string') out += `\t${item}\n`;
      else
        for (const [k, v] of Object.entries(item as Record<string, Record<string, unknown>>)) {
          out += `\t${k}:\n`;
          nested(v, '\t\t');
        }
    }
  }
  return out;
}

export const define: DefineCommand = (program, io) => {
  program
    .command('status')
    .description('Show changed stages and data in the workspace')
    .argument('[targets...]', 'limit to these .dvc files, stages or paths')
    .option('--json', 'show status in JSON format')
    .option('-q, --quiet', "suppress all output; exit with 1 if pipelines or data changed, 0 otherwise")
    .option('-d, --with-deps', 'check status of the specified targets and their upstream stages')
    .option('-R, --recursive', 'show status of all stages in the specified directory')
    .option('-j, --jobs <n>', 'number of threads for hashing', (v) => Number(v))
    .option('-c, --cloud', 'show status of the local cache compared to a remote repository')
    .option('-r, --remote <name>', 'remote storage to compare the local cache to (with -c)')
    .option('-a, --all-branches', 'with -c: also the data of the tips of all git branches')
    .option('-T, --all-tags', 'with -c: also the data of all git tags')
    .option('-A, --all-commits', 'with -c: also the data of all git commits')
    .action(
      action('catching', async (targets: string[], flags: { json?: boolean; jobs?: number; withDeps?: boolean; recursive?: boolean; cloud?: boolean; remote?: string; allBranches?: boolean; allTags?: boolean; allCommits?: boolean }, cmd) => {
        if (flags.cloud || flags.remote) {
          const [{ cloudStatus }, { pyJsonDumps }] = await Promise.all([import('@momo/dvc/api/cloud-status'), import('@momo/dvc/api/format')]);
          const r = await cloudStatus({
            cwd: io.cwd,
            env: io.env,
            targets,
            remote: flags.remote,
            jobs: flags.jobs,
            allBranches: flags.allBranches,
            allTags: flags.allTags,
            allCommits: flags.allCommits,
          });
          for (const w of r.warnings) io.err(`WARNING: ${w}\n`);
          const changed = Object.keys(r.objects).length > 0;
          // DVC indents the object lines only with -c (dvc/commands/status.py: `indent = 1 if cloud`)
          const indent = flags.cloud ? '\t' : '';
          if (flags.json) io.out(pyJsonDumps(r.objects, { sortKeys: false }) + '\n');
          else if (globals(cmd).quiet) {
            if (changed) throw new ExitWith(EXIT.FAILED);
          } else if (!changed) io.out(`Cache and remote '${r.remote}' are in sync.\n`);
          else for (const [name, st] of Object.entries(r.objects)) io.out(`${indent}${(st + ':').padEnd(20)}${name}\n`);
          return;
        }
        // dvc/repo/status.py: the revision flags only mean something against a remote
        const meaningless = [flags.allBranches && '--all-branches', flags.allTags && '--all-tags', flags.allCommits && '--all-commits'].filter(Boolean);
        if (meaningless.length) {
          const { MomoError } = await import('@momo/errors');
          throw new MomoError('USAGE_INVALID', `The following options are meaningless for local status: ${meaningless.join(', ')}`, {
            hint: 'add -c (or -r <remote>) to compare the cache of those revisions with a remote',
            exitCode: EXIT.FAILED,
          });
        }
        const [{ status }, { pyJsonDumps }] = await Promise.all([import('@momo/dvc/api/status'), import('@momo/dvc/api/format')]);
        const r = await status({ cwd: io.cwd, env: io.env, targets, jobs: flags.jobs, withDeps: flags.withDeps, recursive: flags.recursive });
        for (const w of r.warnings ?? []) io.err(`WARNING: ${w}\n`);
        const changed = Object.keys(r.stages).length > 0;
        // --json wins over -q (dvc/commands/status.py checks json first)
        if (flags.json) {
          io.out(pyJsonDumps(r.stages, { sortKeys: false }) + '\n');
          return;
        }
        if (globals(cmd).quiet) {
          if (changed) throw new ExitWith(EXIT.FAILED);
          return;
        }
        if (changed) io.out(renderStatus(r.stages));
        else if (!r.hasStages) io.out('There are no data or pipelines tracked in this project yet.\nSee <https://dvc.org/doc/start> to get started!\n');
        else io.out('Data and pipelines are up to date.\n');
      }),
    );
};
