import type { DefineCommand } from '../cli.js';
import { action, globals } from '../command-kit.js';

export const define: DefineCommand = (program, io) => {
  program
    .command('init')
    .description('Initialize a DVC repository in the given directory (defaults to the current directory)')
    .argument('[directory]', 'directory to initialize DVC in')
    .option('--no-scm', 'initiate DVC in a directory that is not tracked by any SCM tool (e.g. Git)')
    .option('-f, --force', "overwrite existing '.dvc/' directory (removes the local cache)")
    .option('--subdir', 'necessary for running this command inside a subdirectory of a parent SCM repository')
    .option('-q, --quiet', 'be quiet')
    .action(
      action('catching', async (directory: string | undefined, flags: { scm: boolean; force?: boolean; subdir?: boolean }, cmd) => {
        const { init } = await import('@momo/dvc/api/init');
        const r = await init({ cwd: io.cwd, directory, noScm: !flags.scm, force: flags.force, subdir: flags.subdir, env: io.env });
        if (globals(cmd).quiet) return;
        io.out('Initialized DVC repository.\n\n');
        if (!r.noScm) io.out('You can now commit the changes to git.\n\n');
      }),
    );
};
