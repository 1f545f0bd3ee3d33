import type { Command } from 'commander';
import { isMomoError, MomoError } from '@momo/errors';
import type { DefineCommand } from '../cli.js';
import type { Io } from '../io.js';
import { EXIT } from '../command-kit.js';

/**
 * The four level flags every config/remote subcommand takes (dvc/commands/config.py
 * `parent_config_parser`), plus DVC's per-command `-q/-v`.
 */
export function addLevelFlags(cmd: Command): Command {
  return cmd
    .option('-q, --quiet', 'be quiet')
    .option('-v, --verbose', 'be verbose')
    .option('--global', 'use global config')
    .option('--system', 'use system config')
    .option('--project', 'use project config (.dvc/config)')
    .option('--local', 'use local config (.dvc/config.local)');
}

type Level = 'system' | 'global' | 'repo' | 'local';

/** The level chosen by the flags; two flags at once is an argparse error (exit 254). */
export function levelFromFlags(flags: { global?: boolean; system?: boolean; project?: boolean; local?: boolean }): Level | undefined {
  const chosen: Array<[string, Level]> = [];
  if (flags.global) chosen.push(['--global', 'global']);
  if (flags.system) chosen.push(['--system', 'system']);
  if (flags.project) chosen.push(['--project', 'repo']);
  if (flags.local) chosen.push(['--local', 'local']);
  if (chosen.length > 1) {
    throw new MomoError('USAGE_INVALID', `argument ${chosen[1][0]}: not allowed with argument ${chosen[0][0]}`, {
      hint: 'pass only one of --global, --system, --project, --local',
      exitCode: EXIT.USAGE,
    });
  }
  return chosen[0]?.[1];
}

/**
 * Runs a config/remote action the way DVC's `main` reports `ConfigError`s:
 * `ERROR: configuration error - config file error: …` with exit 251. Other momo errors keep
 * their exit code (usage 254, refusals 1, unexpected 255); anything else is rendered by main as
 * an unexpected error (255).
 */
export function configAction<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      if (isMomoError(e) && e.exitCode === EXIT.CONFIG && !e.message.startsWith('configuration error - ')) {
        throw new MomoError(e.code, `configuration error - ${e.message}`, { hint: e.hint, data: e.data, exitCode: e.exitCode, cause: e });
      }
      throw e;
    }
  };
}

/**
 * Where the command's data goes: stdout, or nowhere with the command's own `-q` (DVC never
 * enables its console then). A `-q` before the command name is ignored, as in DVC, whose
 * sub-parsers reset `quiet`.
 */
export function outputOf(io: Io, cmd: Command): (text: string) => void {
  // the root program also defines -q and commander lets it take the flag wherever it appears,
  // so look at where it was written
  let root = cmd;
  while (root.parent) root = root.parent;
  const chain: string[] = [];
  for (let c: Command | null = cmd; c && c !== root; c = c.parent) chain.unshift(c.name());
  const argv = (root as unknown as { rawArgs: string[] }).rawArgs ?? [];
  const at = argv.indexOf(chain[0]);
  const quiet = Boolean((cmd.opts() as { quiet?: boolean }).quiet) || (at >= 0 && argv.slice(at + 1).some((a) => a === '-q' || a === '--quiet'));
  return quiet ? () => undefined : (text) => io.out(text);
}

/** DVC logs a usage mistake with `logger.error` and returns 1. */
function refuse(message: string): never {
  throw new MomoError('USAGE_INVALID', message, { exitCode: EXIT.FAILED });
}

/** Prints validation warnings (unsupported `feature.*` keys) the way DVC's logger does. */
export function printWarnings(io: Io, warnings: string[]): void {
  for (const w of warnings) io.err(`WARNING: ${w}\n`);
}

interface ConfigFlags {
  global?: boolean;
  system?: boolean;
  project?: boolean;
  local?: boolean;
  unset?: boolean;
  list?: boolean;
  showOrigin?: boolean;
}

export const define: DefineCommand = (program, io) => {
  addLevelFlags(
    program
      .command('config')
      .description('Get or set config options')
      .argument('[name]', 'option name (section.option or remote.name.option)')
      .argument('[value]', 'option value'),
  )
    .option('-u, --unset', 'unset option')
    .option('-l, --list', 'list all defined config values')
    .option('--show-origin', 'show the source file containing each config value')
    .action(
      configAction(async (name: string | undefined, value: string | undefined, flags: ConfigFlags, cmd: Command) => {
        const level = levelFromFlags(flags);
        const out = outputOf(io, cmd);
        const dvc = await import('@momo/dvc');
        const base = { cwd: io.cwd, env: io.env, level };
        // argparse checks the name's shape before anything else (exit 254)
        if (name !== undefined) dvc.parseConfigName(name);
        // the same checks, in the same order, as dvc/commands/config.py::CmdConfig.run
        if (flags.showOrigin && (value !== undefined || flags.unset)) {
          refuse("--show-origin can't be used together with any of these options: -u/--unset, value");
        }
        if (flags.list) {
          if (name !== undefined || value !== undefined || flags.unset) {
            refuse("-l/--list can't be used together with any of these options: -u/--unset, name, value");
          }
          const { entries } = dvc.configList(base);
          for (const e of entries) out(`${flags.showOrigin ? `${e.origin}\t` : ''}${e.key}=${e.text}\n`);
          return;
        }
        if (name === undefined) refuse('name argument is required');
        if (value === undefined && !flags.unset) {
          const r = dvc.configGet({ ...base, name });
          if (r.found) out(`${flags.showOrigin ? `${r.origin}\t` : ''}${r.text}\n`);
          return;
        }
        const r = flags.unset ? dvc.configUnset({ ...base, name }) : dvc.configSet({ ...base, name, value: value! });
        printWarnings(io, r.warnings);
      }),
    );
};
