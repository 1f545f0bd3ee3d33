import { isMomoError, MomoError } from '@momo/errors';
import type { DefineCommand } from '../cli.js';
import type { Io } from '../io.js';
import { EXIT } from '../command-kit.js';
import type { Command } from 'commander';
import { addLevelFlags, configAction, levelFromFlags, outputOf, printWarnings } from './config.js';

type LevelFlags = { global?: boolean; system?: boolean; project?: boolean; local?: boolean };

/** Expands TABs to 8-column stops (rich `Text.expand_tabs`). */
function expandTabs(line: string): string {
  let out = '';
  for (const ch of line) {
    if (ch === '\t') out += ' '.repeat(8 - (out.length % 8));
    else out += ch;
  }
  return out;
}

/**
 * Wraps one line the way rich's console does for `dvc remote list` (which prints through rich,
 * dvc/commands/remote.py::CmdRemoteList): TABs expanded to 8-column stops, then greedy word
 * wrapping at `width` where a word carries its trailing blanks, words longer than a line are
 * cut into `width`-long pieces, and trailing blanks beyond `width` are dropped
 * (rich/_wrap.py::divide_line, rich/text.py::Text.wrap). Character width is taken as 1.
 */
export function wrapLikeRich(line: string, width: number): string[] {
  const text = expandTabs(line);
  const breaks: number[] = [];
  let offset = 0;
  const word = /\s*\S+\s*/y;
  word.lastIndex = 0;
  for (let m = word.exec(text); m; m = word.exec(text)) {
    let start = m.index;
    const w = m[0];
    const len = w.trimEnd().length;
    if (width - offset >= len) {
      offset += w.length;
      continue;
    }
    if (len > width) {
      // fold the word into width-sized pieces
      const pieces: string[] = [];
      for (let i = 0; i < w.length; i += width) pieces.push(w.slice(i, i + width));
      pieces.forEach((piece, i) => {
        if (start) breaks.push(start);
        if (i === pieces.length - 1) offset = piece.length;
        else start += piece.length;
      });
    } else if (offset && start) {
      breaks.push(start);
      offset = w.length;
    }
  }
  const lines: string[] = [];
  let from = 0;
  for (const b of [...breaks, text.length]) {
    let piece = text.slice(from, b);
    if (piece.length > width) {
      const trailing = /\s+$/.exec(piece)?.[0].length ?? 0;
      piece = piece.slice(0, piece.length - Math.min(trailing, piece.length - width)).slice(0, width);
    }
    lines.push(piece);
    from = b;
  }
  return lines;
}

/** Console width as rich sees it: `$COLUMNS`, else the terminal's, else 80. */
function consoleWidth(io: Io): number {
  const columns = io.env.COLUMNS;
  if (columns && /^\d+$/.test(columns)) return Number(columns);
  return (io.isTTY ? process.stderr.columns : undefined) ?? 80;
}

function usage(message: string): never {
  throw new MomoError('USAGE_INVALID', message, { exitCode: EXIT.USAGE, hint: 'see `momo remote --help`' });
}

export const define: DefineCommand = (program, io, setCode) => {
  const remote = program
    .command('remote')
    .description('Set up and manage data remotes')
    .action(configAction(async () => usage('the following arguments are required: cmd')));

  addLevelFlags(remote.command('add').description('Add a new data remote'))
    .argument('<name>', 'name of the remote')
    .argument('<url>', 'remote location')
    .option('-d, --default', 'set as default remote')
    .option('-f, --force', 'force overwriting existing configs')
    .action(
      configAction(async (name: string, url: string, flags: LevelFlags & { default?: boolean; force?: boolean }, cmd: Command) => {
        const level = levelFromFlags(flags);
        // DVC prints this before it checks anything (dvc/commands/remote.py::CmdRemoteAdd)
        if (flags.default) outputOf(io, cmd)(`Setting '${name.toLowerCase()}' as a default remote.\n`);
        const { remoteAdd } = await import('@momo/dvc');
        const r = remoteAdd({ cwd: io.cwd, env: io.env, level, name, url, default: flags.default, force: flags.force });
        printWarnings(io, r.warnings);
      }),
    );

  addLevelFlags(remote.command('default').description('Set/unset the default data remote'))
    .argument('[name]', 'name of the remote')
    .option('-u, --unset', 'unset default remote')
    .action(
      configAction(async (name: string | undefined, flags: LevelFlags & { unset?: boolean }, cmd: Command) => {
        const level = levelFromFlags(flags);
        const out = outputOf(io, cmd);
        const { remoteDefault } = await import('@momo/dvc');
        const r = remoteDefault({ cwd: io.cwd, env: io.env, level, name, unset: flags.unset });
        printWarnings(io, r.warnings);
        if (name !== undefined || flags.unset) return;
        if (r.text === undefined) {
          out('No default remote set\n');
          setCode(EXIT.FAILED);
        } else out(`${r.text}\n`);
      }),
    );

  addLevelFlags(remote.command('modify').description('Modify the configuration of a data remote'))
    .argument('<name>', 'name of the remote')
    .argument('<option>', 'name of the option to modify')
    .argument('[value]', '(optional) value of the option')
    .option('-u, --unset', 'unset option')
    .action(
      configAction(async (name: string, option: string, value: string | undefined, flags: LevelFlags & { unset?: boolean }) => {
        const level = levelFromFlags(flags);
        const { remoteModify } = await import('@momo/dvc');
        const r = remoteModify({ cwd: io.cwd, env: io.env, level, name, option, value, unset: flags.unset });
        printWarnings(io, r.warnings);
      }),
    );

  addLevelFlags(remote.command('list').description('List all available data remotes')).action(
    configAction(async (flags: LevelFlags, cmd: Command) => {
      const level = levelFromFlags(flags);
      const out = outputOf(io, cmd);
      const { remoteList } = await import('@momo/dvc');
      const width = consoleWidth(io);
      const print = (remotes: Array<{ name: string; url: string; isDefault: boolean }>) => {
        for (const r of remotes) {
          const line = r.isDefault ? `${r.name}\t${r.url}\t(default)` : `${r.name}\t${r.url}`;
          for (const piece of wrapLikeRich(line, width)) out(`${piece}\n`);
        }
      };
      try {
        print(remoteList({ cwd: io.cwd, env: io.env, level }).remotes);
      } catch (e) {
        // DVC prints remotes one by one and fails at the first one without a url
        if (isMomoError(e) && Array.isArray(e.data.listed)) print(e.data.listed as Parameters<typeof print>[0]);
        throw e;
      }
    }),
  );

  addLevelFlags(remote.command('remove').description('Remove a data remote'))
    .argument('<name>', 'name of the remote to remove')
    .action(
      configAction(async (name: string, flags: LevelFlags) => {
        const level = levelFromFlags(flags);
        const { remoteRemove } = await import('@momo/dvc');
        printWarnings(io, remoteRemove({ cwd: io.cwd, env: io.env, level, name }).warnings);
      }),
    );

  addLevelFlags(remote.command('rename').description('Rename a DVC remote'))
    .argument('<name>', 'remote to be renamed')
    .argument('<new>', 'new name of the remote')
    .action(
      configAction(async (name: string, newName: string, flags: LevelFlags) => {
        const level = levelFromFlags(flags);
        const { remoteRename } = await import('@momo/dvc');
        printWarnings(io, remoteRename({ cwd: io.cwd, env: io.env, level, name, newName }).warnings);
      }),
    );
};
