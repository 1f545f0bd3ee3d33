import type { DefineCommand } from '../cli.js';
import { action } from '../command-kit.js';

export const define: DefineCommand = (program, io) => {
  program
    .command('ls-files')
    .description('List the data tracked by DVC in this repository (momo extension)')
    .option('-R, --recursive', 'also list the files inside tracked directories')
    .option('--json', 'print JSON')
    .action(
      action('catching', async (flags: { recursive?: boolean; json?: boolean }) => {
        const { lsFiles } = await import('@momo/dvc/api/ls-files');
        const entries = await lsFiles({ cwd: io.cwd, env: io.env, recursive: flags.recursive });
        if (flags.json) {
          io.out(JSON.stringify(entries) + '\n');
          return;
        }
        for (const e of entries) io.out(`${e.md5 ?? '-'.padEnd(32)}  ${e.inCache ? ' ' : '!'} ${e.path}\n`);
      }),
    );
};
