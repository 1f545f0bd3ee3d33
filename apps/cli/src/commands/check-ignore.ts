import type { DefineCommand } from '../cli.js';
import { action, globals } from '../command-kit.js';

interface CheckIgnoreFlags {
  details?: boolean;
  all?: boolean;
  nonMatching?: boolean;
  stdin?: boolean;
}

/** Lines of standard input, one at a time, as Python's `input()` reads them. */
async function* stdinLines(): AsyncGenerator<string> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity });
  try {
    for await (const line of rl) yield line;
  } finally {
    rl.close();
  }
}

/**
 * `momo check-ignore [-d] [-a] [-n] [--stdin] targets...` (dvc/commands/check_ignore.py): prints
 * the targets `.dvcignore` excludes (with `-d`, `<file>:<line>:<pattern>\t<target>`), exit 0 when
 * at least one target matched, 1 otherwise. With `--stdin`, targets are read one per line until
 * an empty line or end of input, each answered at once.
 */
export const define: DefineCommand = (program, io, setCode) => {
  program
    .command('check-ignore')
    .description('Check whether files or directories are excluded due to `.dvcignore`.')
    .argument('[targets...]', 'File or directory paths to check')
    .option('-d, --details', 'Show the exclude patterns along with each target path.')
    .option('-a, --all', 'Show all matching patterns (with --details).')
    .option('-n, --non-matching', "Include the target paths which don't match any pattern in the `--details` list.")
    .option('--stdin', 'Read paths from standard input instead of providing `targets`.')
    .option('-q, --quiet', 'be quiet')
    .option('-v, --verbose', 'be verbose')
    .action(
      action('uncaught', async (targets: string[], flags: CheckIgnoreFlags, cmd) => {
        const { createIgnoreChecker } = await import('@momo/dvc');
        const { quiet } = globals(cmd);
        const checker = createIgnoreChecker({ cwd: io.cwd, targets, quiet, ...flags });
        let ok = false;
        const answer = (target: string) => {
          const r = checker.check(target);
          if (!quiet) for (const line of r.lines) io.out(`${line}\n`);
          if (r.counts) ok = true;
        };
        if (flags.stdin) {
          for await (const line of stdinLines()) {
            if (!line) break;
            answer(line);
          }
        } else {
          for (const t of targets) answer(t);
        }
        setCode(ok ? 0 : 1);
      }),
    );
};
