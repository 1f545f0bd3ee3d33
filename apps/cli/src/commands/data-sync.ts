import type { Command } from 'commander';
import type { DefineCommand } from '../cli.js';
import type { Io } from '../io.js';
import { MomoError } from '@momo/errors';
import { action, globals, progressPrinter, EXIT } from '../command-kit.js';
import { withPrefix } from '../prefix.js';
import { renderCheckout } from './checkout.js';

interface SyncFlags {
  remote?: string;
  jobs?: number;
  runCache?: boolean;
  allBranches?: boolean;
  allTags?: boolean;
  allCommits?: boolean;
  withDeps?: boolean;
  recursive?: boolean;
  glob?: boolean;
  maxSize?: number;
  type?: string[];
  force?: boolean;
  allowMissing?: boolean;
}

function common(cmd: Command): Command {
  return cmd
    .argument('[targets...]', 'limit to these .dvc files, stages or paths')
    .option('-r, --remote <name>', 'remote storage to use')
    .option('-j, --jobs <n>', 'number of parallel transfers (default: 4 × cores)', (v) => Number(v))
    .option('-a, --all-branches', 'also the data of every git branch')
    .option('-T, --all-tags', 'also the data of every git tag')
    .option('-A, --all-commits', 'also the data of every git commit')
    .option('-d, --with-deps', 'also the stages the targets depend on')
    .option('-R, --recursive', 'every stage defined inside the target directories')
    .option('--run-cache', 'also transfer the run-cache')
    .option('--no-run-cache', 'do not transfer the run-cache (default)')
    .option('-q, --quiet', 'be quiet');
}

/** The data-scope flags shared by push, fetch and pull. */
const scope = (f: SyncFlags) => ({ allBranches: f.allBranches, allTags: f.allTags, allCommits: f.allCommits, withDeps: f.withDeps, recursive: f.recursive });

/** DVC logs a revision it cannot read and goes on (dvc/repo/fetch.py::_collect_indexes). */
function warnRevs(io: Io, warnings: string[]): void {
  for (const w of warnings) io.err(`WARNING: ${w}\n`);
}

const plural = (n: number, what: string) => `${n} file${n === 1 ? '' : 's'} ${what}`;

/** DVC warns about objects missing locally and on the remote, one `md5: <hash>` line each (A7). */
function warnMissing(io: Io, missing: Array<{ md5: string; legacy: boolean }>, where: string): void {
  if (!missing.length) return;
  io.err(`WARNING: Some of the cache files do not exist ${where}. Missing cache files:\n`);
  for (const m of missing) io.err(`${m.legacy ? 'md5-dos2unix' : 'md5'}: ${m.md5}\n`);
}

export const define: DefineCommand = (program, io) => {
  common(program.command('push').description('Upload tracked files or directories to remote storage'))
    .option('--glob', 'allows targets containing shell-style wildcards')
    .action(
      action('catching', async (targets: string[], flags: SyncFlags, cmd) => {
        const { push } = await import('@momo/dvc/api/push');
        const quiet = globals(cmd).quiet;
        const progress = progressPrinter(io, quiet);
        const r = await withPrefix('failed to push data to the cloud', () =>
          push({ cwd: io.cwd, env: io.env, targets, remote: flags.remote, jobs: flags.jobs, runCache: flags.runCache, ...scope(flags), glob: flags.glob, onProgress: progress ? (e) => progress('Pushing', e.done, e.total, e.bytes) : undefined }),
        );
        warnRevs(io, r.warnings);
        warnMissing(io, r.missing, 'neither locally nor on remote');
        if (r.noRemote) io.err('No remote provided and no default remote set.\n');
        if (!quiet) io.out(r.transferred ? `${plural(r.transferred, 'pushed')}\n` : 'Everything is up to date.\n');
      }),
    );
  common(program.command('fetch').description('Download tracked files or directories from remote storage into the cache'))
    .option('--max-size <max_size>', 'fetch data files/directories that are each below specified size (bytes)', (v) => {
      if (!/^\s*[+-]?\d+\s*$/.test(v)) throw new MomoError('USAGE_INVALID', `argument --max-size: invalid int value: '${v}'`, { exitCode: EXIT.USAGE, hint: 'pass a size in bytes' });
      return Number(v);
    })
    .option('--type <type>', 'only fetch data files/directories that are of a particular type (metrics, plots)', (v: string, prev: string[] = []) => {
      if (v !== 'metrics' && v !== 'plots') throw new MomoError('USAGE_INVALID', `argument --type: invalid choice: '${v}' (choose from 'metrics', 'plots')`, { exitCode: EXIT.USAGE, hint: 'use --type metrics or --type plots' });
      return [...prev, v];
    })
    .action(
      action('catching', async (targets: string[], flags: SyncFlags, cmd) => {
        const { fetch } = await import('@momo/dvc/api/push');
        const quiet = globals(cmd).quiet;
        const progress = progressPrinter(io, quiet);
        const r = await withPrefix('failed to fetch data from the cloud', () =>
          fetch({ cwd: io.cwd, env: io.env, targets, remote: flags.remote, jobs: flags.jobs, runCache: flags.runCache, ...scope(flags), maxSize: flags.maxSize, types: flags.type as Array<'metrics' | 'plots'> | undefined, onProgress: progress ? (e) => progress('Fetching', e.done, e.total, e.bytes) : undefined }),
        );
        warnRevs(io, r.warnings);
        warnMissing(io, r.missing, 'on remote');
        if (r.noRemote) io.err('No remote provided and no default remote set.\n');
        if (!quiet) io.out(r.transferred ? `${plural(r.transferred, 'fetched')}\n` : 'Everything is up to date.\n');
      }),
    );
  common(program.command('pull').description('Download tracked files or directories from remote storage and check them out'))
    .option('-f, --force', 'do not prompt when removing working directory files')
    .option('--allow-missing', 'ignore errors if some of the files or directories are missing')
    .action(
      action('catching', async (targets: string[], flags: SyncFlags, cmd) => {
        const { pull } = await import('@momo/dvc/api/pull');
        const quiet = globals(cmd).quiet;
        const progress = progressPrinter(io, quiet);
        const r = await withPrefix('failed to pull data from the cloud', () =>
          pull({
            cwd: io.cwd,
            env: io.env,
            targets,
            remote: flags.remote,
            jobs: flags.jobs,
            runCache: flags.runCache,
            ...scope(flags),
            force: flags.force,
            allowMissing: flags.allowMissing,
            onProgress: progress ? (e) => progress('Fetching', e.done, e.total, e.bytes) : undefined,
          }),
        );
        warnRevs(io, r.fetch.warnings);
        warnMissing(io, r.fetch.missing, 'on remote');
        if (r.fetch.noRemote) io.err('No remote provided and no default remote set.\n');
        if (quiet) return;
        io.out(renderCheckout(r.checkout));
        // one humanize.join over fetched + checkout counts: "4 files fetched and 3 files added"
        const parts: string[] = [];
        if (r.fetch.transferred) parts.push(plural(r.fetch.transferred, 'fetched'));
        const s = r.checkout.stats;
        if (s.modified) parts.push(plural(s.modified, 'modified'));
        if (s.added) parts.push(plural(s.added, 'added'));
        if (s.deleted) parts.push(plural(s.deleted, 'deleted'));
        const joined = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0];
        io.out(joined ? `${joined}\n` : 'Everything is up to date.\n');
      }),
    );
};
