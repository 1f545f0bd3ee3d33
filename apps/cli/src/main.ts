import { Command, CommanderError } from 'commander';
import { EXIT, isMomoError } from '@momo/errors';
import { processIo, type Io } from './io.js';
import { MOMO_VERSION } from './version.js';
import { COMMANDS } from './cli.js';

/** Thrown by a command to end with a given exit code after it printed its own output. */
export class ExitWith extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Builds the commander program; each command module defines its flags and lazy-loads its work. */
export function buildProgram(io: Io, setCode: (c: number) => void): Command {
  const program = new Command('momo');
  program
    .description('DVC-compatible data versioning and pipelines, in TypeScript')
    .version(MOMO_VERSION, '-V, --version', 'show the version and exit')
    .option('-q, --quiet', 'be quiet')
    .option('-v, --verbose', 'be verbose')
    .option('--cd <path>', 'change to this directory before running the command')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  for (const define of COMMANDS) define(program, io, setCode);
  return program;
}

/** Renders an error the way DVC does (`ERROR: <message>`), plus momo's hint and code. */
export function renderError(io: Io, e: unknown, verbose: boolean): number {
  if (isMomoError(e)) {
    let text = `ERROR: ${e.message}`;
    if (e.hint) text += `\nhint: ${e.hint}`;
    io.err(`${text}\n`);
    if (verbose) io.err(`[${e.code}]\n`);
    return e.exitCode;
  }
  const err = e as Error;
  io.err(`ERROR: unexpected error - ${err?.message ?? String(e)}\n`);
  if (verbose && err?.stack) io.err(`${err.stack}\n`);
  io.err(`Having any troubles? This is a bug in momo: please report it with the command you ran (momo ${MOMO_VERSION}).\n`);
  return EXIT.UNEXPECTED;
}

/** The CLI's composition root: parse argv, dispatch, map errors to DVC's exit codes. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let code: number = EXIT.OK;
  const program = buildProgram(io, (c) => (code = c));
  const cdIdx = argv.indexOf('--cd');
  if (cdIdx >= 0 && argv[cdIdx + 1]) {
    try {
      process.chdir(argv[cdIdx + 1]);
      io.cwd = process.cwd();
    } catch {
      // chdir failure is reported like DVC's argparse error
      io.err(`ERROR: cannot change directory to '${argv[cdIdx + 1]}'\n`);
      return EXIT.USAGE;
    }
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof ExitWith) return e.code;
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.OK;
      return EXIT.USAGE;
    }
    return renderError(io, e, argv.includes('-v') || argv.includes('--verbose'));
  }
}
